"""The analysis plan of an SDTM study: from its protocol, or inferred from DM and EX.

:func:`infer_plan` builds a minimal :class:`~earlyphase.protocol.analysis.AnalysisPlan` from
the data alone and records, in ``plan.inferred``, what it inferred and how:

* arms: DM ``ARMCD``/``ARM`` of the randomised/assigned subjects (screen failures and
  not-assigned subjects -- blank ``ARMCD``, ``SCRNFAIL``, ``NOTASSGN``, or ``ARMNRS``
  given -- are not an arm).  When every arm label is a placebo or names one dose
  (``"... (54 mg)"``, ``"... 10 mg/kg"``) the arms are ordered by that dose and the dose is
  the numeric code (placebo 0), as in the CDISC pilot ADaM (TRT01PN 0/54/81); else, when
  every ARMCD ends in a distinct integer (``DL1``, ``DL2``), that integer; otherwise they
  keep the order of first appearance in DM and are numbered 1..n.
* drugs: the distinct ``EX.EXTRT`` with their ``EXDOSU`` (none without EX).
* disease: none (no disease module), cycle length 28 days.
* populations: safety (treated); response-evaluable only with RS, PK only with PC.

:func:`resolve_plan` uses the protocol when one is given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from earlyphase.protocol.analysis import (
    DEFAULT_POPULATIONS,
    AnalysisPlan,
    PlanArm,
    PlanDrug,
    adam_drug_code,
)

__all__ = ["NOT_ASSIGNED_ARMS", "infer_plan", "not_assigned", "resolve_plan"]

#: ARMCD values that are not an arm (SDTMIG 3.2 section 5.1; 3.3+ uses ARMNRS instead).
NOT_ASSIGNED_ARMS = frozenset({"", "SCRNFAIL", "NOTASSGN", "NOTTRT"})
_DOSE = re.compile(r"(\d+(?:\.\d+)?)\s*(mg/kg|mg/m2|mg|ug|µg|g)\b", re.IGNORECASE)
_CODE_NUMBER = re.compile(r"^\D*(\d+)$")
_PLACEBO = re.compile(r"\bplacebo\b", re.IGNORECASE)


def not_assigned(dm: pd.DataFrame) -> pd.Series:
    """Boolean per DM row: the subject has no arm (screen failure or not assigned)."""
    code = dm["ARMCD"].fillna("").astype("str").str.strip().str.upper()
    out = code.isin(NOT_ASSIGNED_ARMS)
    if "ARMNRS" in dm.columns:
        out |= dm["ARMNRS"].fillna("").astype("str").str.strip() != ""
    return out


def _arm_dose(label: str) -> float | None:
    if _PLACEBO.search(label):
        return 0.0
    doses = {float(m.group(1)) for m in _DOSE.finditer(label)}
    return doses.pop() if len(doses) == 1 else None


def _infer_arms(dm: pd.DataFrame) -> tuple[tuple[PlanArm, ...], str]:
    assigned = dm[~not_assigned(dm)]
    pairs = assigned[["ARMCD", "ARM"]].astype("str").drop_duplicates("ARMCD")
    arms = list(pairs.itertuples(index=False, name=None))
    doses = [_arm_dose(label) for _code, label in arms]
    known = [d for d in doses if d is not None]
    if arms and len(known) == len(arms) and len(set(known)) == len(known):
        ordered = sorted(zip(known, arms, strict=True))
        how = "ordered by the dose in their ARM label (placebo 0), the dose is TRT01PN"
        return tuple(PlanArm(c, lbl, float(d)) for d, (c, lbl) in ordered), how
    numbers = [_CODE_NUMBER.match(code) for code, _label in arms]
    if arms and all(numbers) and len({m.group(1) for m in numbers if m}) == len(arms):
        how = "numbered by the integer ending their ARMCD (DL1 = 1, ...)"
        coded = sorted((float(m.group(1)), a) for m, a in zip(numbers, arms, strict=True) if m)
        return tuple(PlanArm(c, lbl, n) for n, (c, lbl) in coded), how
    how = "in order of first appearance in DM, numbered 1..n"
    return tuple(PlanArm(c, lbl, float(i + 1)) for i, (c, lbl) in enumerate(arms)), how


def _infer_drugs(ex: pd.DataFrame | None) -> tuple[PlanDrug, ...]:
    if ex is None or "EXTRT" not in ex.columns:
        return ()
    out = []
    for name in dict.fromkeys(ex["EXTRT"].dropna().astype("str").str.strip().str.upper()):
        if not name or _PLACEBO.search(name):
            continue
        rows = ex[ex["EXTRT"].astype("str").str.strip().str.upper() == name]
        units: list[str] = (
            list(rows["EXDOSU"].dropna().astype("str").unique()) if "EXDOSU" in rows else []
        )
        out.append(PlanDrug(name, name.title(), units[0] if len(units) == 1 else "", ""))
    return tuple(PlanDrug(d.name, d.label, d.unit, adam_drug_code(d.label)) for d in out if d.name)


def infer_plan(study: Mapping[str, pd.DataFrame]) -> AnalysisPlan:
    """A minimal analysis plan from DM (arms) and EX (drugs); see the module docstring."""
    from earlyphase.cdisc.adam._common import require

    dm = require(study.get("DM"), "analysis plan", "DM", ["USUBJID", "ARMCD", "ARM"])
    arms, how = _infer_arms(dm)
    drugs = _infer_drugs(study.get("EX"))
    n_out = int(not_assigned(dm).sum())
    notes = [
        f"{len(arms)} arm(s) from DM ARMCD/ARM {how}: "
        + "; ".join(f"{a.label} = {a.number:g}" for a in arms),
        (
            f"{n_out} subject(s) with no arm (blank/SCRNFAIL/NOTASSGN ARMCD or ARMNRS) are "
            "enrolled but in no arm"
        ),
        (
            "study drugs from EX.EXTRT: " + ", ".join(d.name for d in drugs)
            if drugs
            else "no EX domain: no study drugs (no dose intensity); treatment dates from "
            "DM RFXSTDTC/RFXENDTC"
        ),
        "no protocol: no disease module (no response criteria or disease block in Table 1); "
        "cycle length 28 days",
    ]
    # populations whose data exist: safety always, response-evaluable with RS, PK with PC
    needs = {"response-evaluable": "RS", "pk-sampled": "PC"}
    populations = tuple(
        p for p in DEFAULT_POPULATIONS if p.rule not in needs or needs[p.rule] in study
    )
    notes.append(
        "populations: "
        + ", ".join(f"{p.flag} ({p.rule})" for p in populations)
        + " (response-evaluable needs RS, PK needs PC)"
    )
    return AnalysisPlan(
        arms=arms, drugs=drugs, populations=populations, source="inferred", inferred=tuple(notes)
    )


def resolve_plan(study: Mapping[str, pd.DataFrame], protocol: Any = None) -> AnalysisPlan:
    """The plan of ``protocol`` (a Protocol, a built-in name or a YAML path), else inferred."""
    if protocol is None:
        return infer_plan(study)
    if isinstance(protocol, AnalysisPlan):
        return protocol
    from earlyphase.protocol import load_protocol
    from earlyphase.protocol.analysis import plan_from_protocol

    if isinstance(protocol, str):
        protocol = load_protocol(protocol)
    return plan_from_protocol(protocol)
