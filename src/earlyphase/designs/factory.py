"""Build design objects by name or from a protocol's design section."""

from __future__ import annotations

import math
from typing import Any

from earlyphase.designs.boin import BOIN
from earlyphase.designs.crm import CRM
from earlyphase.designs.mtpi2 import MTPI2, Keyboard
from earlyphase.designs.skeleton import getprior
from earlyphase.designs.three_plus_three import ThreePlusThree
from earlyphase.errors import DesignError, ProtocolError, describe_problem

__all__ = ["DESIGN_NAMES", "make_design", "from_protocol"]

DESIGN_NAMES = ("3+3", "boin", "mtpi2", "keyboard", "crm")

#: Spellings of 3+3 variants used elsewhere (e.g. protocol files) -> this package's names.
_VARIANT_ALIASES = {
    "escalate-only": "escalate-only",
    "escalation-only": "escalate-only",
    "de-escalate": "de-escalate",
    "de-escalation": "de-escalate",
    "de-escalate-confirm-top": "de-escalate-confirm-top",
    "de-escalate-6-at-top": "de-escalate-confirm-top",
}


def _canonical(name: str) -> str:
    key = name.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    table = {
        "3+3": "3+3",
        "33": "3+3",
        "threeplusthree": "3+3",
        "boin": "boin",
        "mtpi2": "mtpi2",
        "keyboard": "keyboard",
        "crm": "crm",
    }
    if key not in table:
        raise DesignError(describe_problem("design", name, "one of " + ", ".join(DESIGN_NAMES)))
    return table[key]


def make_design(
    name: str,
    n_doses: int,
    target: float | None = None,
    *,
    cohort_size: int = 3,
    n_cohorts: int = 10,
    start_dose: int = 1,
    variant: str = "escalate-only",
    expansion: int = 0,
    skeleton: Any = None,
    **options: Any,
) -> Any:
    """A design object from its name and the usual settings.

    For the CRM without a ``skeleton``, ``getprior(0.05, target, nu=ceil(K/2), K)`` is used
    (Lee & Cheung 2009), and ``max_n = cohort_size * n_cohorts``.
    """
    kind = _canonical(name)
    if kind == "3+3":
        v = _VARIANT_ALIASES.get(variant, variant)
        return ThreePlusThree(n_doses, v, expansion=expansion)  # type: ignore[arg-type]
    if target is None:
        raise DesignError(describe_problem("target", None, f"a target DLT rate for {name}"))
    common: dict[str, Any] = dict(
        cohort_size=cohort_size, n_cohorts=n_cohorts, start_dose=start_dose
    )
    if kind == "boin":
        return BOIN(target, n_doses, **common, **options)
    if kind == "mtpi2":
        return MTPI2(target, n_doses, **common, **options)
    if kind == "keyboard":
        return Keyboard(target, n_doses, **common, **options)
    if skeleton is not None and len(tuple(skeleton)) != n_doses:
        raise DesignError(
            describe_problem(
                "skeleton", tuple(skeleton), f"{n_doses} prior DLT probabilities, one per dose"
            )
        )
    if skeleton is None:
        skeleton = getprior(0.05, target, max(1, math.ceil(n_doses / 2)), n_doses)
    return CRM(
        target,
        tuple(skeleton),
        cohort_size * n_cohorts,
        cohort_size=cohort_size,
        start_dose=start_dose,
        **options,
    )


def from_protocol(protocol: Any) -> Any:
    """The design described by a protocol's ``design`` section.

    Parameters
    ----------
    protocol : earlyphase.protocol.Protocol or str
        A protocol object, or the id / path accepted by ``earlyphase.protocol.load_protocol``.
    """
    if isinstance(protocol, str):
        from earlyphase.protocol import load_protocol

        protocol = load_protocol(protocol)
    section = getattr(protocol, "design", None)
    if section is None:
        raise ProtocolError(describe_problem("protocol.design", None, "a design section"))
    level_ids = [d.id for d in getattr(protocol, "dose_levels", ())]
    start = 1
    if level_ids and section.start_dose_level in level_ids:
        start = level_ids.index(section.start_dose_level) + 1
    variant = _VARIANT_ALIASES.get(section.variant)
    kind = _canonical(section.name)
    if kind == "3+3":
        if variant is None:
            raise ProtocolError(
                describe_problem(
                    "design.variant", section.variant, "one of " + ", ".join(_VARIANT_ALIASES)
                )
            )
        if start != 1:
            raise ProtocolError(
                describe_problem(
                    "design.start_dose_level",
                    section.start_dose_level,
                    "the first dose level for a 3+3",
                )
            )
        return ThreePlusThree(section.n_doses, variant, expansion=section.expansion_size)  # type: ignore[arg-type]
    return make_design(
        kind,
        section.n_doses,
        section.target_dlt_rate,
        cohort_size=section.cohort_size,
        start_dose=start,
    )
