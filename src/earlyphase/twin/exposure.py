"""Study-drug administrations (EX, SUPPEX) of a trial, from the protocol's dosing calendar.

Every patient's administrations come from :func:`earlyphase.dosing.dosing_calendar`: the
protocol's regimen at the patient's dose level, doses on actual weight / BSA with the drug's
cap, infusion durations per administration number, from the first dose to the last dose day of
the patient's course (:func:`last_dose_day`). What happened to a patient beyond the plan (an
optional schedule, skipped or reduced doses, recorded infusion durations) is the patient's
:class:`DoseHistory`; it is applied by the calendar, never by editing EX afterwards.

Drugs given the same day are infused one after the other from 08:30, 15 minutes apart. A
skipped administration is written with ``EXDOSE = 0`` and its reason in ``EXADJ`` (start and
end at its planned start), so the planned dose (SUPPEX ``PLANDOSE``) of every scheduled
administration is kept; a reduced dose carries the reason of the reduction in force. The
administrations given are also returned per drug as ``subj, cycle, day, start_h, end_h,
dose_mg`` (hours from the patient's first dose), the input of the PK simulation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.dosing import DoseModification, dosing_calendar
from earlyphase.protocol import Protocol
from earlyphase.twin._common import records, usubjid

__all__ = ["DoseHistory", "exposure_domains", "last_dose_day"]

_FMT = "%Y-%m-%dT%H:%M"
#: Minutes between the end of one drug's infusion and the start of the next on the same day.
GAP_MINUTES = 15
#: Infusion minutes written for an administration whose protocol gives no duration.
DEFAULT_INFUSION_MINUTES = 30.0


@dataclass(frozen=True)
class DoseHistory:
    """One patient's regimen beyond the protocol's plan.

    Attributes
    ----------
    schedule_options : tuple of str
        The protocol's optional schedule changes the patient took (e.g.
        ``"carfilzomib-reduced-frequency"``).
    modifications : tuple of DoseModification
        Skipped, delayed and reduced administrations.
    infusion_minutes : mapping
        Recorded infusion durations that differ from the protocol's, ``(cycle, day, drug)`` to
        minutes.
    """

    schedule_options: tuple[str, ...] = ()
    modifications: tuple[DoseModification, ...] = ()
    infusion_minutes: Mapping[tuple[int, int, str], float] = field(default_factory=dict)


def _binary_hours(hours: float) -> float:
    """Hours rounded to 1/1024 h (3.5 s): exact in binary, so a sampling time computed as
    start + duration equals the infusion end exactly (no near-duplicate integration points)."""
    return round(hours * 1024) / 1024


def last_dose_day(row: Mapping[Any, Any], cycle_days: int) -> int:
    """Last study day a dose may be given: the data cut-off for a patient still on treatment
    (``end == "ONGOING"``), the end of cycle 1 for a dropout (``"WITHDRAWN"``), else the day
    before progression is documented at day 1 of cycle ``pd_cycle``."""
    if row["end"] == "ONGOING":
        return max(1, (pd.Timestamp(row["cutoff"]) - row["first_dose"]).days)
    if row["end"] == "WITHDRAWN":
        return cycle_days
    return max(1, cycle_days * (int(row["pd_cycle"]) - 1))


def patient_calendar(
    protocol: Protocol,
    row: Mapping[Any, Any],
    weight_kg: float,
    height_cm: float,
    history: DoseHistory | None = None,
) -> pd.DataFrame:
    """The patient's administrations up to :func:`last_dose_day` (the dosing calendar with the
    patient's history applied)."""
    history = history or DoseHistory()
    cycle_days = int(protocol.cycle_length_days)
    last = last_dose_day(row, cycle_days)
    cal = dosing_calendar(
        protocol,
        row["dl"],
        weight_kg,
        height_cm,
        pd.Timestamp(row["first_dose"]).date(),
        max(1, math.ceil(last / cycle_days)),
        schedule_options=history.schedule_options,
        modifications=history.modifications,
        infusion_minutes=history.infusion_minutes,
    )
    return cal[cal["study_day"] <= last]


def exposure_domains(
    protocol: Protocol,
    plan: pd.DataFrame,
    body: pd.DataFrame,
    studyid: str,
    histories: Mapping[int, DoseHistory] | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """EX, SUPPEX (PLANDOSE) and the administrations given per drug id (for PK).

    Parameters
    ----------
    protocol : Protocol
    plan : DataFrame
        One row per patient: ``subj, dl, first_dose, end, cutoff, pd_cycle``.
    body : DataFrame
        ``weight_kg, height_cm`` on the plan's index (baseline; doses on actual weight and
        baseline BSA).
    studyid : str
    histories : mapping, optional
        ``subj`` -> :class:`DoseHistory` (patients without one follow the plan).
    """
    histories = histories or {}
    ex: list[dict[str, Any]] = []
    given: list[dict[str, Any]] = []
    for i, row in zip(plan.index, records(plan), strict=True):
        subj = int(row["subj"])
        cal = patient_calendar(
            protocol,
            row,
            float(body.loc[i, "weight_kg"]),
            float(body.loc[i, "height_cm"]),
            histories.get(subj),
        )
        first = pd.Timestamp(row["first_dose"])
        rows, administrations = _patient_rows(cal, first, subj, usubjid(subj), studyid)
        ex.extend(rows)
        given.extend(administrations)
    ex_df = pd.DataFrame(ex).sort_values(["USUBJID", "EXSTDTC"], kind="stable")
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


def _patient_rows(
    cal: pd.DataFrame, first: pd.Timestamp, subj: int, uid: str, studyid: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """EX records and given administrations of one patient's calendar."""
    clock: dict[int, pd.Timestamp] = {}
    ex: list[dict[str, Any]] = []
    given: list[dict[str, Any]] = []
    for c in records(cal):
        day = int(c["study_day"])
        start = clock.get(day, first + pd.Timedelta(days=day - 1, hours=8, minutes=30))
        skipped = c["status"] == "skipped"
        minutes = c["infusion_minutes"]
        if skipped:
            minutes = 0.0
        elif minutes is None or not np.isfinite(minutes):
            minutes = DEFAULT_INFUSION_MINUTES
        end = start + pd.Timedelta(minutes=float(minutes))
        if not skipped:
            clock[day] = end + pd.Timedelta(minutes=GAP_MINUTES)
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
                "EXADJ": c["reason"],
                "_PLAN": round(float(c["planned_dose_mg"]), 1),
            }
        )
        if skipped:
            continue
        t0 = _binary_hours((start - first).total_seconds() / 3600)
        given.append(
            {
                "drug": c["drug"],
                "subj": subj,
                "cycle": int(c["cycle"]),
                "day": int(c["day"]),
                "start_h": t0,
                "end_h": t0 + _binary_hours(float(minutes) / 60),
                "dose_mg": float(c["dose_mg"]),
            }
        )
    return ex, given
