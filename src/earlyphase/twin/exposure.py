"""Study-drug administrations (EX, SUPPEX) on the protocol's dosing calendar.

Isatuximab: DL1 10 mg/kg days 1 and 15; DL2/DL3 10/20 mg/kg days 1, 8, 15, 22 of cycle 1, then
days 1 and 15 (Chari 2021, Study Design). Carfilzomib: 20 mg/m² cycle 1 days 1-2, then 27 mg/m²
on days 8, 9, 15, 16 and days 1, 2, 8, 9, 15, 16 of later cycles; after cycle 8 some patients
take days 1, 2, 15, 16 only. Dose on actual weight (Isa) and BSA capped at 2.2 m² (K).

Infusion times: the paper gives none; the registry states 4-6 h for the first Isa infusions and
the paper notes longer infusions at DL3; Table 3's median tmax (5.2 h DL2, 8.8 h DL3 at C1D1)
sets the C1D1 durations used here. Carfilzomib over 10 minutes after isatuximab.

Missed doses (upper respiratory infection, vacation) are written with ``EXDOSE = 0`` and the
reason in ``EXADJ`` so the planned dose (SUPPEX ``PLANDOSE``) of every scheduled administration
is kept; about 2.5% of scheduled doses are missed (paper: > 96% of intended therapy given).
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.twin._common import Row, records, usubjid
from earlyphase.twin.calibration import plan_cycles

__all__ = ["exposure_domains", "isa_days", "isa_dose_mg_kg", "carfilzomib_days"]

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


def isa_infusion_hours(dl: str, cycle: int, day: int, rng: np.random.Generator) -> float:
    """Duration of one isatuximab infusion (h)."""
    first = cycle == 1 and day == 1
    if dl == "DL3":
        base = 8.5 if first else (7.5 if cycle <= 3 else 4.0)
    else:
        base = 5.0 if first else (4.5 if cycle <= 3 else 3.0)
    return float(np.clip(base * np.exp(rng.normal(0, 0.12)), 1.5, 11.0))


def exposure_domains(
    plan: pd.DataFrame, body: pd.DataFrame, rng: np.random.Generator
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """EX and SUPPEX, plus a tidy table of Isa infusions (start/end hours from first dose)."""
    ex: list[dict[str, object]] = []
    infusions: list[dict[str, object]] = []
    cycles = plan_cycles(plan)
    for i, row in zip(plan.index, records(plan), strict=True):
        uid, first, dl = usubjid(row["subj"]), row["first_dose"].to_pydatetime(), row["dl"]
        weight, bsa = float(body.loc[i, "weight_kg"]), min(float(body.loc[i, "bsa_m2"]), 2.2)
        reduced = bool(row["subj"] % 2 == 0)
        last_day = _last_dose_day(row, int(cycles[i]))
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
                missed = c > 1 and rng.random() < P_MISSED
                reason = _MISSED_REASONS[int(rng.integers(2))] if missed else ""
                for drug, planned in visit_days[d]:
                    actual, adj = (0.0, reason) if missed else (planned, "")
                    if drug == CARF and row["subj"] == K_REDUCTION[0] and c >= K_REDUCTION[1]:
                        actual = 0.0 if missed else 20.0 * bsa
                        adj = reason or "PERIPHERAL NEUROPATHY"
                    if drug == ISA:
                        hours = isa_infusion_hours(dl, c, d, rng)
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
