"""Study-drug administrations (EX, SUPPEX) of a trial, from the protocol's dosing calendar.

Every patient's administrations come from :func:`earlyphase.dosing.dosing_calendar` (read as
column lists, :class:`earlyphase.dosing.calendar.ProtocolCalendars`, which shares the protocol's
planned administrations between the patients): the protocol's regimen at the patient's dose
level, doses on actual weight / BSA with the drug's cap, infusion durations per administration
number, from the first dose to the last dose day of the patient's course (:func:`last_dose_day`).
What happened to a patient beyond the plan (an optional schedule, skipped or reduced doses,
recorded infusion durations) is the patient's :class:`DoseHistory`; it is applied by the
calendar, never by editing EX afterwards.

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

from earlyphase.dosing import DoseModification
from earlyphase.dosing.calendar import ProtocolCalendars, calendar_frame
from earlyphase.protocol import Protocol
from earlyphase.twin._common import records, usubjid

__all__ = ["DoseHistory", "exposure_domains", "last_dose_day"]

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
    calendars = ProtocolCalendars(protocol)
    cal = calendar_frame(_calendar_columns(calendars, row, weight_kg, height_cm, history))
    return cal[cal["study_day"] <= last_dose_day(row, int(protocol.cycle_length_days))]


def _calendar_columns(
    calendars: ProtocolCalendars,
    row: Mapping[Any, Any],
    weight_kg: float,
    height_cm: float,
    history: DoseHistory | None,
) -> dict[str, list[Any]]:
    """The patient's whole dosing calendar (every cycle up to :func:`last_dose_day`) as column
    lists (:meth:`earlyphase.dosing.calendar.ProtocolCalendars.columns`)."""
    history = history or DoseHistory()
    cycle_days = int(calendars.protocol.cycle_length_days)
    return calendars.columns(
        row["dl"],
        weight_kg,
        height_cm,
        pd.Timestamp(row["first_dose"]).date(),
        max(1, math.ceil(last_dose_day(row, cycle_days) / cycle_days)),
        schedule_options=history.schedule_options,
        modifications=history.modifications,
        infusion_minutes=history.infusion_minutes,
    )


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
    calendars = ProtocolCalendars(protocol)
    rows = _ExposureRows()
    weights = body.loc[plan.index, "weight_kg"].tolist()
    heights = body.loc[plan.index, "height_cm"].tolist()
    for row, weight, height in zip(records(plan), weights, heights, strict=True):
        subj = int(row["subj"])
        cal = _calendar_columns(calendars, row, float(weight), float(height), histories.get(subj))
        last = last_dose_day(row, int(protocol.cycle_length_days))
        rows.add_patient(cal, last, pd.Timestamp(row["first_dose"]), subj, usubjid(subj))
    ex_df = rows.ex_frame(studyid).sort_values(["USUBJID", "EXSTDTC"], kind="stable")
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
    admin = pd.DataFrame(rows.given)
    per_drug = {
        str(d): g.drop(columns="drug").reset_index(drop=True) for d, g in admin.groupby("drug")
    }
    return {"EX": ex_df.drop(columns="_PLAN"), "SUPPEX": supp}, per_drug


#: Nanoseconds in a day, and from midnight to the first infusion of a day (08:30).
_DAY_NS = 86_400 * 10**9
_MORNING_NS = (8 * 3600 + 30 * 60) * 10**9
_GAP_NS = GAP_MINUTES * 60 * 10**9


class _ExposureRows:
    """EX records and given administrations, collected patient by patient as column lists
    (times as integer nanoseconds, formatted once at the end)."""

    def __init__(self) -> None:
        self.ex: dict[str, list[Any]] = {
            c: [] for c in ("USUBJID", "EXTRT", "EXDOSE", "EXROUTE", "VISIT", "EXADJ", "_PLAN")
        }
        self.start_ns: list[int] = []
        self.end_ns: list[int] = []
        self.given: dict[str, list[Any]] = {
            c: [] for c in ("drug", "subj", "cycle", "day", "start_h", "end_h", "dose_mg")
        }
        self._minutes_ns: dict[float, int] = {}

    def duration_ns(self, minutes: float) -> int:
        """``pd.Timedelta(minutes=minutes)`` in nanoseconds (pandas' own rounding)."""
        if minutes not in self._minutes_ns:
            self._minutes_ns[minutes] = pd.Timedelta(minutes=minutes).value
        return self._minutes_ns[minutes]

    def add_patient(
        self, cal: Mapping[str, list[Any]], last: int, first: pd.Timestamp, subj: int, uid: str
    ) -> None:
        """The administrations of one patient's calendar ``cal`` up to study day ``last``;
        ``first`` is the first dose date (day 1)."""
        first_ns = first.value
        clock: dict[int, int] = {}
        for k, day in enumerate(cal["study_day"]):
            if day > last:
                continue
            start = clock.get(day, first_ns + (day - 1) * _DAY_NS + _MORNING_NS)
            skipped = cal["status"][k] == "skipped"
            minutes = _infusion_minutes(cal["infusion_minutes"][k], skipped)
            end = start + self.duration_ns(minutes)
            if not skipped:
                clock[day] = end + _GAP_NS
            self._add_record(cal, k, uid, start, end)
            if not skipped:
                t0 = _binary_hours((start - first_ns) / 1_000_000_000 / 3600)
                self._add_given(cal, k, subj, t0, t0 + _binary_hours(minutes / 60))

    def _add_record(
        self, cal: Mapping[str, list[Any]], k: int, uid: str, start: int, end: int
    ) -> None:
        """EX record of calendar row ``k``."""
        ex = self.ex
        ex["USUBJID"].append(uid)
        ex["EXTRT"].append(cal["cdisc_name"][k])
        ex["EXDOSE"].append(round(float(cal["dose_mg"][k]), 1))
        ex["EXROUTE"].append(cal["route"][k])
        ex["VISIT"].append(f"CYCLE {cal['cycle'][k]} DAY {cal['day'][k]}")
        ex["EXADJ"].append(cal["reason"][k])
        ex["_PLAN"].append(round(float(cal["planned_dose_mg"][k]), 1))
        self.start_ns.append(start)
        self.end_ns.append(end)

    def _add_given(
        self, cal: Mapping[str, list[Any]], k: int, subj: int, start_h: float, end_h: float
    ) -> None:
        """Given administration of calendar row ``k`` (hours from the first dose)."""
        values = (
            cal["drug"][k],
            subj,
            int(cal["cycle"][k]),
            int(cal["day"][k]),
            start_h,
            end_h,
            float(cal["dose_mg"][k]),
        )
        for column, value in zip(self.given.values(), values, strict=True):
            column.append(value)

    def ex_frame(self, studyid: str) -> pd.DataFrame:
        """EX in collection order (no EXSEQ), with the planned dose as ``_PLAN``."""
        ex = self.ex
        n = len(ex["USUBJID"])
        return pd.DataFrame(
            {
                "STUDYID": [studyid] * n,
                "DOMAIN": ["EX"] * n,
                "USUBJID": ex["USUBJID"],
                "EXTRT": ex["EXTRT"],
                "EXDOSE": ex["EXDOSE"],
                "EXDOSU": ["mg"] * n,
                "EXDOSFRM": ["SOLUTION"] * n,
                "EXROUTE": ex["EXROUTE"],
                "EXSTDTC": _iso_minutes(self.start_ns),
                "EXENDTC": _iso_minutes(self.end_ns),
                "VISIT": ex["VISIT"],
                "EXADJ": ex["EXADJ"],
                "_PLAN": ex["_PLAN"],
            }
        )


def _infusion_minutes(minutes: float | None, skipped: bool) -> float:
    """Minutes written for an administration: 0 when skipped, the protocol's (or recorded)
    duration, else :data:`DEFAULT_INFUSION_MINUTES`."""
    if skipped:
        return 0.0
    if minutes is None or not math.isfinite(minutes):
        return DEFAULT_INFUSION_MINUTES
    return float(minutes)


def _iso_minutes(ns: list[int]) -> list[str]:
    """``YYYY-MM-DDThh:mm`` of times given in nanoseconds since the epoch."""
    return np.datetime_as_string(np.array(ns, dtype="datetime64[ns]"), unit="m").tolist()
