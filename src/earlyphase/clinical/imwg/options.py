"""Options of the IMWG response assessment: every choice the criteria leave open.

Defaults follow IMWG 2016 (Kumar et al., Lancet Oncol 2016;17:e328) with minimal response per
EBMT (Bladé et al., Br J Haematol 1998;102:1115) as adopted by IMWG 2011 (Rajkumar et al.,
Blood 2011;117:4691), and the measurable-disease thresholds of the isatuximab + carfilzomib
phase 1b (Cancer 2021, Methods, "Study Population": serum M-protein >= 0.5 g/dL, urine
M-protein >= 200 mg/24 h, involved FLC >= 10 mg/dL with an abnormal FLC ratio).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from earlyphase.errors import OptionsError, describe_problem

__all__ = ["IMWGOptions"]


@dataclass(frozen=True)
class IMWGOptions:
    """Thresholds and conventions of :func:`earlyphase.clinical.imwg.assess`.

    Attributes
    ----------
    serum_measurable : float
        Baseline serum M-protein (g/dL) at or above which serum is measurable. 0.5 as in the
        isatuximab trials and the phase 1b; 1.0 per strict IMWG (Durie 2006; Kumar 2016).
    urine_measurable : float
        Baseline urine M-protein (mg/24 h) at or above which urine is measurable (IMWG: 200).
    flc_measurable : float
        Involved FLC (mg/dL) at or above which FLC disease is measurable (with an abnormal
        ratio), used only when serum and urine are not measurable (IMWG: 10 mg/dL).
    flc_ratio_normal : tuple of float
        Inclusive normal kappa/lambda ratio range (0.26, 1.65).
    marrow_measurable : float
        Baseline marrow plasma cells (%) needed for PR by marrow when no other marker is
        measurable (IMWG: 30).
    include_mr : bool
        Assign minimal response (EBMT/IMWG 2011) for serum/urine-measurable disease.
    boundaries : {"half_open", "literal"}
        ``"half_open"`` (default): MR is 25% <= reduction < 50% (serum) and 50% <= reduction <
        90% (urine), so every reduction has a category. ``"literal"``: MR as printed, "25-49%"
        and "50-89%", so reductions in the gaps (e.g. 49.5%) are SD.
    percent_decimals : int
        Percent changes are rounded to this many decimals before comparison (default 6 removes
        floating-point noise only; 0 mimics whole-percent case report forms).
    urine_not_measurable : {"ignore", "require"}
        When urine was not measurable at baseline: ``"ignore"`` it for response (default;
        it still counts for PD), or ``"require"`` that a urine value measured at the visit meet
        the absolute parts of the criteria (< 200 mg/24 h for PR, < 100 mg/24 h for VGPR).
    cr_requires_marrow : bool
        CR needs a post-baseline marrow with < 5% plasma cells; without one a patient meeting
        every other CR criterion is VGPR (IMWG: "if some but not all criteria are met, downgrade").
    cr_requires_urine_ife : bool
        CR needs a negative urine immunofixation as well as serum (IMWG).
    nadir : {"lowest", "lowest_confirmed"}
        Reference for PD: ``"lowest"`` value so far (IMWG 2011: need not be confirmed), or
        ``"lowest_confirmed"`` (IMWG 2016 wording): the lowest level held on two consecutive
        assessments (the baseline counts on its own).
    marrow_pd : {"no_measurable_disease", "always"}
        Marrow-based PD (>= 10 percentage points and >= 25% over the nadir) only for patients
        without measurable serum, urine or FLC disease (IMWG 2011/2016), or for everyone
        (IMWG 2006).
    sd_needs_confirmation : bool
        Whether SD needs two consecutive assessments to count as best response (IMWG 2006 says
        all categories do; most analyses do not require it). Default False.
    last_pd_counts : bool
        Whether PD at the last assessment, which cannot be confirmed, counts as progression.
        Default False (it is reported as unconfirmed, as in pharmaverse/admiralonco).
    """

    serum_measurable: float = 0.5
    urine_measurable: float = 200.0
    flc_measurable: float = 10.0
    flc_ratio_normal: tuple[float, float] = (0.26, 1.65)
    marrow_measurable: float = 30.0
    include_mr: bool = True
    boundaries: Literal["half_open", "literal"] = "half_open"
    percent_decimals: int = 6
    urine_not_measurable: Literal["ignore", "require"] = "ignore"
    cr_requires_marrow: bool = True
    cr_requires_urine_ife: bool = True
    nadir: Literal["lowest", "lowest_confirmed"] = "lowest"
    marrow_pd: Literal["no_measurable_disease", "always"] = "no_measurable_disease"
    sd_needs_confirmation: bool = False
    last_pd_counts: bool = False

    def __post_init__(self) -> None:
        for name in ("serum_measurable", "urine_measurable", "flc_measurable", "marrow_measurable"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not value > 0:
                raise OptionsError(describe_problem(name, value, "a positive number"))
        lo, hi = self.flc_ratio_normal
        if not 0 < lo < hi:
            raise OptionsError(
                describe_problem(
                    "flc_ratio_normal", self.flc_ratio_normal, "(low, high) with 0 < low < high"
                )
            )
        choices = {
            "boundaries": ("half_open", "literal"),
            "urine_not_measurable": ("ignore", "require"),
            "nadir": ("lowest", "lowest_confirmed"),
            "marrow_pd": ("no_measurable_disease", "always"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise OptionsError(describe_problem(name, getattr(self, name), f"one of {allowed}"))
        if not isinstance(self.percent_decimals, int) or self.percent_decimals < 0:
            raise OptionsError(
                describe_problem("percent_decimals", self.percent_decimals, "an integer >= 0")
            )

    @classmethod
    def strict_imwg(cls) -> IMWGOptions:
        """IMWG 2016 measurability (serum >= 1.0 g/dL) instead of the trial's 0.5 g/dL."""
        return cls(serum_measurable=1.0)

    def as_dict(self) -> dict[str, object]:
        """The options as a plain dict (for reports and JSON)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
