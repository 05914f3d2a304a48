"""Options of a report run (frozen, validated)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from earlyphase.errors import OptionsError, describe_problem

__all__ = ["FOLLOWUP_METHODS", "KM_CONF_TYPES", "ReportOptions"]

KM_CONF_TYPES = ("log-log", "log", "plain")
FOLLOWUP_METHODS = ("reverse-km", "observed")
_FOLLOWUP_TEXT = {
    "reverse-km": "reverse Kaplan–Meier on OS (Schemper & Smith 1996)",
    "observed": "median of the observed times from first dose to death or last contact",
}
_CONF_TEXT = {
    "log-log": "log-log transform (SAS PROC LIFETEST default CONFTYPE=LOGLOG)",
    "log": "log transform (R survival::survfit default conf.type = 'log')",
    "plain": "plain (linear) transform (tern default)",
}


@dataclass(frozen=True)
class ReportOptions:
    """How the report computes what has a choice of convention.

    Attributes
    ----------
    km_conf_type : {"log-log", "log", "plain"}
        Transform of the Kaplan–Meier pointwise CIs, also used for the Brookmeyer–Crowley
        CI of the median and for landmark rates.  Default "log-log" (SAS).  The reference
        run uses "log": on the reconstructed data it gives a 2-year OS CI of 62%-92%, close to
        the paper's 63%-92%, where log-log gives 57%-87% (the authors most likely used R's
        default).
    km_conf_reason : str
        Why this transform was chosen (printed in the methods section).
    followup_method : {"reverse-km", "observed"}
        Median follow-up: ``"reverse-km"`` (default; Schemper & Smith 1996, the usual
        definition) or ``"observed"``, the plain median of the OS times (first dose to death or
        last contact).  The reference run uses "observed": the paper's follow-up range
        (13.3-61 months) starts at a death, which only the observed-time definition includes.
    dlt_rules : earlyphase.clinical.dlt.DLTRules, optional
        The protocol's DLT definition (``DLTRules.from_protocol``); default the paper's
        (``DLTRules()``: infusion reactions scored separately).
    escalation_variant : str
        3+3 variant of the protocol (``earlyphase.designs.three_plus_three.VARIANTS``).
    mtd_dlt_threshold : float
        MTD = one level below the dose with DLTs in more than this fraction (0.33: "DLT ...
        observed in >33% of the participants", Chari et al. 2021).
    """

    km_conf_type: str = "log-log"
    km_conf_reason: str = ""
    followup_method: str = "reverse-km"
    dlt_rules: Any = None
    escalation_variant: str = "de-escalate"
    mtd_dlt_threshold: float = 0.33

    def __post_init__(self) -> None:
        if self.km_conf_type not in KM_CONF_TYPES:
            raise OptionsError(
                describe_problem("km_conf_type", self.km_conf_type, f"one of {KM_CONF_TYPES}")
            )
        if self.followup_method not in FOLLOWUP_METHODS:
            raise OptionsError(
                describe_problem(
                    "followup_method", self.followup_method, f"one of {FOLLOWUP_METHODS}"
                )
            )

    @property
    def followup_text(self) -> str:
        """The follow-up definition in words."""
        return _FOLLOWUP_TEXT[self.followup_method]

    @property
    def km_conf_text(self) -> str:
        """The transform in words, with the software whose default it is."""
        return _CONF_TEXT[self.km_conf_type]
