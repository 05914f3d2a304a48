"""EX and SUPPEX of a simulated trial, from the protocol's dosing calendar.

Every patient's administrations come from :func:`earlyphase.dosing.dosing_calendar` (the
protocol's regimen at the patient's dose level, doses on actual weight / BSA with the drug's
cap, infusion durations per administration number), from the first dose to the last dose day
of the patient's course (the day before progression is documented, the end of cycle 1 for a
dropout, the data cut-off for a patient still on treatment). Drugs given the same day are
infused one after the other from 08:30, 15 minutes apart. The administrations are also returned
per drug as ``subj, cycle, day, start_h, end_h, dose_mg`` (hours from the patient's first dose),
the input of the PK simulation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.dosing import dosing_calendar
from earlyphase.twin._common import records, usubjid

__all__ = ["last_dose_day", "simulated_exposure"]

_FMT = "%Y-%m-%dT%H:%M"


def _binary_hours(hours: float) -> float:
    """Hours rounded to 1/1024 h (3.5 s): exact in binary, so a sampling time computed as
    start + duration equals the infusion end exactly (no near-duplicate integration points)."""
    return round(hours * 1024) / 1024


def last_dose_day(row: Mapping[Any, Any], cycle_days: int) -> int:
    """Last study day a dose may be given (see the module docstring)."""
    if row["end"] == "ONGOING":
        return max(1, (pd.Timestamp(row["cutoff"]) - row["first_dose"]).days)
    if row["end"] == "WITHDRAWN":
        return cycle_days
    return max(1, cycle_days * (int(row["pd_cycle"]) - 1))


def simulated_exposure(
    protocol: Any, plan: pd.DataFrame, body: pd.DataFrame, studyid: str
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """EX, SUPPEX (PLANDOSE) and the administrations per drug id (for PK)."""
    cycle_days = int(protocol.cycle_length_days)
    ex: list[dict[str, Any]] = []
    given: list[dict[str, Any]] = []
    for i, row in zip(plan.index, records(plan), strict=True):
        last = last_dose_day(row, cycle_days)
        first = pd.Timestamp(row["first_dose"])
        cal = dosing_calendar(
            protocol,
            row["dl"],
            float(body.loc[i, "weight_kg"]),
            float(body.loc[i, "height_cm"]),
            first.date(),
            max(1, math.ceil(last / cycle_days)),
        )
        cal = cal[cal["study_day"] <= last]
        clock: dict[int, pd.Timestamp] = {}
        uid = usubjid(int(row["subj"]))
        for c in records(cal):
            day = int(c["study_day"])
            start = clock.get(day, first + pd.Timedelta(days=day - 1, hours=8, minutes=30))
            minutes = c["infusion_minutes"]
            minutes = 30.0 if minutes is None or not np.isfinite(minutes) else float(minutes)
            end = start + pd.Timedelta(minutes=minutes)
            clock[day] = end + pd.Timedelta(minutes=15)
            ex.append(
                {
                    "STUDYID": studyid,
                    "DOMAIN": "EX",
                    "USUBJID": uid,
                    "EXTRT": c["cdisc_name"],
                    "EXDOSE": round(float(c["dose_mg"]), 1),
                    "EXDOSU": "mg",
                    "EXDOSFRM": "SOLUTION",
                    "EXROUTE": c["route"],
                    "EXSTDTC": start.strftime(_FMT),
                    "EXENDTC": end.strftime(_FMT),
                    "VISIT": f"CYCLE {c['cycle']} DAY {c['day']}",
                    "EXADJ": "",
                    "_PLAN": round(float(c["planned_dose_mg"]), 1),
                }
            )
            t0 = _binary_hours((start - first).total_seconds() / 3600)
            given.append(
                {
                    "drug": c["drug"],
                    "subj": int(row["subj"]),
                    "cycle": int(c["cycle"]),
                    "day": int(c["day"]),
                    "start_h": t0,
                    "end_h": t0 + _binary_hours(minutes / 60),
                    "dose_mg": float(c["dose_mg"]),
                }
            )
    ex_df = pd.DataFrame(ex).sort_values(["USUBJID", "EXSTDTC", "EXTRT"], kind="stable")
    ex_df = ex_df.reset_index(drop=True)
    ex_df.insert(3, "EXSEQ", ex_df.groupby("USUBJID").cumcount().astype(np.int64) + 1)
    supp = pd.DataFrame(
        {
            "STUDYID": studyid,
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
    admin = pd.DataFrame(given)
    per_drug = {
        str(d): g.drop(columns="drug").reset_index(drop=True) for d, g in admin.groupby("drug")
    }
    return {"EX": ex_df.drop(columns="_PLAN"), "SUPPEX": supp}, per_drug
