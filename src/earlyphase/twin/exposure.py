"""Study-drug administrations (EX, SUPPEX) on the protocol's dosing calendar.

Isatuximab: DL1 10 mg/kg days 1 and 15; DL2/DL3 10/20 mg/kg days 1, 8, 15, 22 of cycle 1, then
days 1 and 15 (Chari 2021, Study Design). Carfilzomib: 20 mg/m² cycle 1 days 1-2, then 27 mg/m²
on days 8, 9, 15, 16 and days 1, 2, 8, 9, 15, 16 of later cycles; after cycle 8 some patients
take days 1, 2, 15, 16 only. Dose on actual weight (Isa) and BSA capped at 2.2 m² (K).

Infusion times: the protocol's (``infusion_minutes``, set from Table 3's median tmax, see the
protocol YAML); the PK calibration sets the C1D1/C3D1 durations of the PK patients
(:mod:`earlyphase.twin.pk_reconstruction`). Carfilzomib over 10 minutes after isatuximab.
No dose is missed at an intensive PK visit.

Missed doses (upper respiratory infection, vacation) are written with ``EXDOSE = 0`` and the
reason in ``EXADJ`` so the planned dose (SUPPEX ``PLANDOSE``) of every scheduled administration
is kept; about 2.5% of scheduled doses are missed (paper: > 96% of intended therapy given).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.protocol import Protocol
from earlyphase.twin._common import Row, records, usubjid
from earlyphase.twin.calibration import plan_cycles

__all__ = [
    "exposure_domains",
    "isa_days",
    "isa_dose_mg_kg",
    "isa_infusion_hours",
    "carfilzomib_days",
]

ISA = terms.DRUGS["isatuximab"]
CARF = terms.DRUGS["carfilzomib"]
#: Probability that a scheduled dose is missed (URI or planned vacation).
P_MISSED = 0.025
#: The patient whose carfilzomib dose is reduced for peripheral neuropathy, and from which cycle.
K_REDUCTION = (11, 6)
_FMT = "%Y-%m-%dT%H:%M"
_MISSED_REASONS = ("DOSE NOT GIVEN: UPPER RESPIRATORY INFECTION", "DOSE NOT GIVEN: VACATION")


def isa_dose_mg_kg(dl: str) -> float:
    """Isatuximab dose of a dose level (mg/kg)."""
    return 20.0 if dl == "DL3" else 10.0


def isa_days(dl: str, cycle: int) -> tuple[int, ...]:
    """Isatuximab dosing days of ``cycle`` at dose level ``dl``."""
    if dl != "DL1" and cycle == 1:
        return (1, 8, 15, 22)
    return (1, 15)


def carfilzomib_days(cycle: int, reduced_frequency: bool) -> tuple[tuple[int, float], ...]:
    """(day, mg/m²) of carfilzomib in ``cycle`` (optionally the reduced schedule after C8)."""
    if cycle == 1:
        return ((1, 20.0), (2, 20.0), (8, 27.0), (9, 27.0), (15, 27.0), (16, 27.0))
    days = (1, 2, 15, 16) if (reduced_frequency and cycle > 8) else (1, 2, 8, 9, 15, 16)
    return tuple((d, 27.0) for d in days)


def isa_infusion_hours(
    dl: str, administration: int, minutes: Mapping[str, Any] | None = None
) -> float:
    """Duration of the ``administration``-th isatuximab infusion (h) at dose level ``dl``: the
    protocol's durations (:meth:`DoseLevel.infusion_minutes_for`), unless ``minutes`` gives it."""
    if minutes is not None and "minutes" in minutes:
        return float(minutes["minutes"]) / 60.0
    protocol = _protocol()
    level = protocol.dose_level(dl)
    value = level.infusion_minutes_for(protocol.drug("isatuximab"), administration)
    return float(value or 60.0) / 60.0


@functools.lru_cache(maxsize=1)
def _protocol() -> Protocol:
    """The built-in protocol of the reconstructed trial (loaded once; it is immutable)."""
    from earlyphase.protocol import load_protocol

    return load_protocol("isak-phase1b")


def _intensive_visits() -> set[tuple[int, int]]:
    """(cycle, day) of the protocol's intensive PK occasions (never a missed dose here)."""
    return {(o.cycle, o.day) for s in _protocol().pk_sampling for o in s.occasions if o.intensive}


def exposure_domains(
    plan: pd.DataFrame,
    body: pd.DataFrame,
    rng: np.random.Generator,
    isa_minutes: Mapping[tuple[int, int, int], int] | None = None,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """EX and SUPPEX, plus a tidy table of Isa infusions (start/end hours from first dose).

    ``isa_minutes`` sets the duration of chosen infusions, ``(subj, cycle, day) -> minutes``
    (the PK calibration's infusions); the others last as long as the protocol says.
    """
    ex: list[dict[str, object]] = []
    infusions: list[dict[str, object]] = []
    cycles = plan_cycles(plan)
    intensive = _intensive_visits()
    isa_minutes = isa_minutes or {}
    for i, row in zip(plan.index, records(plan), strict=True):
        uid, first, dl = usubjid(row["subj"]), row["first_dose"].to_pydatetime(), row["dl"]
        weight, bsa = float(body.loc[i, "weight_kg"]), min(float(body.loc[i, "bsa_m2"]), 2.2)
        reduced = bool(row["subj"] % 2 == 0)
        last_day = _last_dose_day(row, int(cycles[i]))
        n_isa = 0
        for c in range(1, int(cycles[i]) + 1):
            visit_days: dict[int, list[tuple[str, float]]] = {}
            for d in isa_days(dl, c):
                visit_days.setdefault(d, []).append((ISA, isa_dose_mg_kg(dl) * weight))
            for d, mg_m2 in carfilzomib_days(c, reduced):
                visit_days.setdefault(d, []).append((CARF, mg_m2 * bsa))
            for d in sorted(visit_days):
                day = 28 * (c - 1) + d
                if day > last_day:
                    continue
                start = first + timedelta(days=day - 1, hours=8, minutes=30)
                # a missed visit skips both drugs; never in cycle 1 (it would be a DLT event)
                # and never at an intensive PK visit (its profile is in Table 3)
                missed = c > 1 and rng.random() < P_MISSED and (c, d) not in intensive
                reason = _MISSED_REASONS[int(rng.integers(2))] if missed else ""
                for drug, planned in visit_days[d]:
                    actual, adj = (0.0, reason) if missed else (planned, "")
                    if drug == CARF and row["subj"] == K_REDUCTION[0] and c >= K_REDUCTION[1]:
                        actual = 0.0 if missed else 20.0 * bsa
                        adj = reason or "PERIPHERAL NEUROPATHY"
                    if drug == ISA:
                        n_isa += 0 if missed else 1
                        key = (int(row["subj"]), c, d)
                        override = {"minutes": isa_minutes[key]} if key in isa_minutes else None
                        hours = isa_infusion_hours(dl, max(n_isa, 1), override)
                        end = start + timedelta(hours=hours)
                        if not missed:
                            t0 = (start - first).total_seconds() / 3600
                            infusions.append(
                                {
                                    "subj": row["subj"],
                                    "usubjid": uid,
                                    "cycle": c,
                                    "day": d,
                                    "start_h": t0,
                                    "end_h": t0 + hours,
                                    "dose_mg": actual,
                                }
                            )
                    else:
                        k_start = start if d not in isa_days(dl, c) else end + timedelta(minutes=15)
                        start_k, end = k_start, k_start + timedelta(minutes=10)
                    ex.append(
                        {
                            "STUDYID": terms.STUDYID,
                            "DOMAIN": "EX",
                            "USUBJID": uid,
                            "EXTRT": drug,
                            "EXDOSE": round(actual, 1),
                            "EXDOSU": "mg",
                            "EXDOSFRM": "SOLUTION",
                            "EXROUTE": "INTRAVENOUS",
                            "EXSTDTC": (start if drug == ISA else start_k).strftime(_FMT),
                            "EXENDTC": end.strftime(_FMT),
                            "VISIT": f"CYCLE {c} DAY {d}",
                            "EXADJ": adj,
                            "_PLAN": round(planned, 1),
                        }
                    )
    ex_df = pd.DataFrame(ex).sort_values(["USUBJID", "EXSTDTC", "EXTRT"], kind="stable")
    ex_df = ex_df.reset_index(drop=True)
    ex_df.insert(3, "EXSEQ", ex_df.groupby("USUBJID").cumcount().astype(np.int64) + 1)
    supp = pd.DataFrame(
        {
            "STUDYID": terms.STUDYID,
            "RDOMAIN": "EX",
            "USUBJID": ex_df["USUBJID"],
            "IDVAR": "EXSEQ",
            "IDVARVAL": ex_df["EXSEQ"].astype(str),
            "QNAM": "PLANDOSE",
            "QLABEL": "Planned Dose (mg)",
            "QVAL": ex_df["_PLAN"].map("{:.1f}".format),
            "QORIG": "DERIVED",
        }
    )
    ex_df = ex_df.drop(columns="_PLAN")
    return {"EX": ex_df, "SUPPEX": supp}, pd.DataFrame(infusions)


def _last_dose_day(row: Row, n_cycles: int) -> int:
    """Last study day on which a dose may be given: the day before progression is documented,
    the day before the last assessment for ASCT, or the cut-off for patients still on therapy."""
    if row["end"] == "ONGOING":
        return (pd.Timestamp(row["cutoff"]) - row["first_dose"]).days  # up to the day before
    if row["end"] == "WITHDRAWN":
        return 28
    return 28 * (int(row["pd_cycle"]) - 1)
