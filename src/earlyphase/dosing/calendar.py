"""Per-patient dosing calendar: every planned administration with its date and dose in mg."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

import numpy as np
import pandas as pd

from earlyphase.dosing.bsa import check_body_size
from earlyphase.dosing.dose import DoseCalculation, DosingOptions, calculate_dose
from earlyphase.dosing.modifications import DoseModification, reduced_dose
from earlyphase.errors import DataError, InputTypeError, describe_problem
from earlyphase.limits import MAX_CYCLES, check_count
from earlyphase.protocol.model import DoseLevel, Drug, Protocol

__all__ = [
    "CALENDAR_COLUMNS",
    "CalendarOptions",
    "PlannedAdministration",
    "ProtocolCalendars",
    "calendar_frame",
    "dosing_calendar",
]

#: Columns of the calendar, in order.
CALENDAR_COLUMNS = (
    "date",
    "planned_date",
    "cycle",
    "day",
    "study_day",
    "drug",
    "drug_name",
    "cdisc_name",
    "administration",
    "dose_level",
    "planned_dose",
    "dose",
    "dose_unit",
    "basis_value",
    "basis_unit",
    "bsa_capped",
    "planned_dose_mg",
    "dose_mg",
    "infusion_minutes",
    "route",
    "status",
    "reason",
)


def _as_date(value: dt.date | str | pd.Timestamp) -> dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DataError(
            describe_problem("start_date", value, "an ISO date such as '2025-01-06'")
        ) from None


def dosing_calendar(
    protocol: Protocol,
    dose_level: str | int,
    weight_kg: float,
    height_cm: float,
    start_date: dt.date | str,
    cycles: int,
    *,
    schedule_options: Sequence[str] = (),
    dosing_options: DosingOptions | None = None,
    modifications: Sequence[DoseModification] = (),
    infusion_minutes: Mapping[tuple[int, int, str], float] | None = None,
) -> pd.DataFrame:
    """Every administration of every drug for one patient, with dates and doses in mg.

    Parameters
    ----------
    protocol : Protocol
        E.g. ``load_protocol("isak-phase1b")``.
    dose_level : str or int
        ``"DL2"`` or 2.
    weight_kg, height_cm : float
        Actual weight (mg/kg doses) and height (BSA for mg/m2 doses, baseline, capped per the
        drug's ``bsa_cap_m2``).
    start_date : date or ISO string
        Date of cycle 1 day 1 (study day 1).
    cycles : int
        Number of cycles to lay out (>= 1).
    schedule_options : sequence of str
        Active optional schedule changes, e.g. ``["carfilzomib-reduced-frequency"]``.
    dosing_options : DosingOptions, optional
        BSA formula, BSA cap, rounding.
    modifications : sequence of DoseModification
        Skips, delays and reductions (see :mod:`earlyphase.dosing.modifications`). One
        administration may carry several (e.g. a reduction from that dose on and a skip of
        that dose: "hold today, resume one level lower"); delays and reductions apply before
        a skip.
    infusion_minutes : mapping, optional
        Recorded infusion durations that differ from the protocol's, keyed by
        ``(cycle, day, drug)`` (drug id or abbreviation), in minutes (> 0).

    Returns
    -------
    pandas.DataFrame
        One row per administration (columns :data:`CALENDAR_COLUMNS`), sorted by date then
        protocol drug order. ``date`` and ``planned_date`` are ``datetime64``; ``study_day``
        counts from the first dose (day 1, no day 0); ``dose``/``planned_dose`` are in
        ``dose_unit``; ``status`` is planned / delayed / reduced / skipped; ``reason`` is the
        modification's reason, on a reduced dose the reason of the reduction in force.
    """
    return calendar_frame(
        ProtocolCalendars(protocol).columns(
            dose_level,
            weight_kg,
            height_cm,
            start_date,
            cycles,
            schedule_options=schedule_options,
            dosing_options=dosing_options,
            modifications=modifications,
            infusion_minutes=infusion_minutes,
        )
    )


class CalendarOptions(TypedDict, total=False):
    """The keyword arguments of :func:`dosing_calendar` (see there)."""

    schedule_options: Sequence[str]
    dosing_options: DosingOptions | None
    modifications: Sequence[DoseModification]
    infusion_minutes: Mapping[tuple[int, int, str], float] | None


class ProtocolCalendars:
    """Dosing calendars of many patients of one protocol, as plain column lists, sharing the
    protocol's planned administrations (they do not depend on the patient).

    For callers that lay out a whole trial and read each calendar row by row (the twin's EX);
    :func:`dosing_calendar` is ``calendar_frame(ProtocolCalendars(protocol).columns(...))``.

    Parameters
    ----------
    protocol : Protocol

    Notes
    -----
    The planned administrations are kept per (dose level, schedule options) and laid out again
    for at least twice as many cycles when a longer course is asked for (so a trial's patients
    lay them out a few times, not once each); a shorter course takes the administrations of
    its cycles, in the same order.
    """

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self._schedules: dict[tuple[str, tuple[str, ...]], tuple[int, list[PlannedAdministration]]]
        self._schedules = {}

    def planned(
        self, level_id: str, cycles: int, options: tuple[str, ...]
    ) -> list[PlannedAdministration]:
        """The planned administrations of ``cycles`` cycles at dose level ``level_id`` (an id
        of the protocol) with schedule options ``options``, sorted by day then protocol drug
        order."""
        key = (level_id, options)
        known = self._schedules.get(key)
        if known is None or known[0] < cycles:
            longer = cycles if known is None else min(max(cycles, 2 * known[0]), MAX_CYCLES)
            known = (longer, _planned_rows(self.protocol, level_id, longer, options))
            self._schedules[key] = known
        longest, rows = known
        return rows if longest == cycles else [r for r in rows if r.cycle <= cycles]

    def columns(
        self,
        dose_level: str | int,
        weight_kg: float,
        height_cm: float,
        start_date: dt.date | str,
        cycles: int,
        **options: Unpack[CalendarOptions],
    ) -> dict[str, list[Any]]:
        """One patient's :func:`dosing_calendar` as plain lists, one per column.

        Parameters
        ----------
        dose_level, weight_kg, height_cm, start_date, cycles, **options :
            As for :func:`dosing_calendar` (checked the same way).

        Returns
        -------
        dict of str to list
            :data:`CALENDAR_COLUMNS` to the column's values: ``date`` and ``planned_date`` as
            :class:`datetime.date`, ``administration`` None where the dose is skipped,
            otherwise as in :func:`dosing_calendar`. :func:`calendar_frame` makes the
            DataFrame.
        """
        protocol = self.protocol
        _check_patient(cycles, weight_kg, height_cm)
        opts = options.get("dosing_options") or DosingOptions()
        start = _as_date(start_date)
        level = protocol.dose_level(dose_level)
        schedule_options = tuple(options.get("schedule_options", ()))
        for option in schedule_options:
            protocol.schedule_option(option)
        rows = self.planned(level.id, cycles, schedule_options)
        keys = {(r.cycle, r.day, r.drug) for r in rows}
        course = _Course(
            protocol,
            level,
            _modifications_by_administration(protocol, options.get("modifications", ()), keys),
            _infusion_overrides(protocol, options.get("infusion_minutes") or {}, keys),
            lambda drug, dose: calculate_dose(drug, dose, weight_kg, height_cm, opts),
        )
        administrations = [course.administer(r, start) for r in rows]
        values = list(zip(*administrations, strict=True)) or [()] * len(CALENDAR_COLUMNS)
        return {name: list(col) for name, col in zip(CALENDAR_COLUMNS, values, strict=True)}


def calendar_frame(columns: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """The DataFrame of :func:`dosing_calendar` from :meth:`ProtocolCalendars.columns`."""
    if not columns["drug"]:
        frame = pd.DataFrame([], columns=list(CALENDAR_COLUMNS))
    else:
        frame = pd.DataFrame({c: columns[c] for c in CALENDAR_COLUMNS})
        for name in ("date", "planned_date"):
            frame[name] = np.array(columns[name], dtype="datetime64[D]").astype("datetime64[s]")
    frame["administration"] = frame["administration"].astype("Int64")
    frame["cycle"] = frame["cycle"].astype("int64")
    frame["day"] = frame["day"].astype("int64")
    return frame


def _check_patient(cycles: int, weight_kg: float, height_cm: float) -> None:
    """The number of cycles and the patient's body size, checked."""
    if isinstance(cycles, bool) or not isinstance(cycles, int) or cycles < 1:
        raise DataError(describe_problem("cycles", cycles, "an integer >= 1"))
    check_count("cycles", cycles, MAX_CYCLES, what="cycles")
    for name, value in (("weight_kg", weight_kg), ("height_cm", height_cm)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise InputTypeError(describe_problem(name, value, "a number"))
        if not math.isfinite(value):
            raise DataError(describe_problem(name, value, "a finite number (one patient's value)"))
    check_body_size(height_cm, weight_kg)


class _Course:
    """One patient's course while the calendar is laid out: delays so far, reductions in force
    and administrations given per drug, applied to each planned administration in turn."""

    def __init__(
        self,
        protocol: Protocol,
        level: DoseLevel,
        mods: Mapping[tuple, list[DoseModification]],
        minutes: Mapping[tuple, float],
        calculate: Callable[[Drug, float], DoseCalculation],
    ) -> None:
        self.level = level
        self.mods = mods
        self.minutes = minutes
        self.drugs = {d.id: d for d in protocol.drugs}
        self.shift = 0
        self.reductions: dict[str, list[str]] = {d: [] for d in protocol.drug_ids}
        self.counts = dict.fromkeys(protocol.drug_ids, 0)
        self._calculate = calculate
        self._doses: dict[tuple[str, float], DoseCalculation] = {}

    def dose(self, drug: Drug, dose: float) -> DoseCalculation:
        """The patient's dose calculation (one per drug and dose)."""
        key = (drug.id, dose)
        if key not in self._doses:
            self._doses[key] = self._calculate(drug, dose)
        return self._doses[key]

    def administer(self, r: PlannedAdministration, start: dt.date) -> tuple[Any, ...]:
        """The calendar row of planned administration ``r`` (values in
        :data:`CALENDAR_COLUMNS` order), after its modifications."""
        drug = self.drugs[r.drug]
        key = (r.cycle, r.day, drug.id)
        status, reasons, given = "planned", [], True
        for mod in self.mods.get(key, ()):
            reasons.append(mod.reason)
            if mod.action == "delay":
                self.shift += mod.days
                status = "delayed"
            elif mod.action == "reduce":
                self.reductions[drug.id].append(mod.reason)
            else:
                given = False
        dose = reduced_dose(drug, r.planned_dose, len(self.reductions[drug.id]))
        if dose != r.planned_dose and status == "planned":
            status = "reduced"
            if not any(reasons) and self.reductions[drug.id]:
                reasons = [self.reductions[drug.id][-1]]
        if given:
            self.counts[drug.id] += 1
        else:
            status = "skipped"
        calc = self.dose(drug, dose)
        planned_date = start + dt.timedelta(days=r.offset)
        date = planned_date + dt.timedelta(days=self.shift)
        count = self.counts[drug.id]
        infusion = self.minutes.get(key, self.level.infusion_minutes_for(drug, count))
        return (
            date,
            planned_date,
            r.cycle,
            r.day,
            (date - start).days + 1,
            drug.id,
            drug.name,
            drug.cdisc_name or drug.id.upper(),
            count if given else None,
            self.level.id,
            r.planned_dose,
            dose if given else 0.0,
            drug.dose_unit,
            calc.basis_value,
            calc.basis_unit,
            calc.capped,
            self.dose(drug, r.planned_dose).dose_mg,
            calc.dose_mg if given else 0.0,
            infusion if given else float("nan"),
            drug.route,
            status,
            "; ".join(dict.fromkeys(x for x in reasons if x)),
        )


@dataclass(frozen=True)
class PlannedAdministration:
    """One planned administration of the protocol calendar.

    Attributes
    ----------
    cycle, day : int
        Cycle and day of the cycle.
    drug : str
        Drug id.
    order : int
        The drug's position in the protocol (administrations of one day follow it).
    planned_dose : float
        In the drug's ``dose_unit``.
    offset : int
        Days from cycle 1 day 1.
    """

    cycle: int
    day: int
    drug: str
    order: int
    planned_dose: float
    offset: int


def _planned_rows(
    protocol: Protocol, level_id: str, cycles: int, options: tuple[str, ...]
) -> list[PlannedAdministration]:
    """The protocol's planned administrations, sorted by day then protocol drug order."""
    rows = [
        PlannedAdministration(
            cycle,
            planned.day,
            drug.id,
            order,
            float(planned.dose),
            (cycle - 1) * protocol.cycle_length_days + planned.day - 1,
        )
        for cycle in range(1, cycles + 1)
        for order, drug in enumerate(protocol.drugs)
        for planned in protocol.planned_doses(level_id, drug.id, cycle, options)
    ]
    return sorted(rows, key=lambda r: (r.offset, r.order))


def _administration_key(protocol: Protocol, cycle: int, day: int, drug: str) -> tuple:
    return (int(cycle), int(day), protocol.drug(drug).id)


def _modifications_by_administration(
    protocol: Protocol, modifications: Sequence[DoseModification], planned: set[tuple]
) -> dict[tuple, list[DoseModification]]:
    """Modifications per planned administration, in the order they apply (skip last)."""
    out: dict[tuple, list[DoseModification]] = {}
    for m in modifications:
        key = _administration_key(protocol, m.cycle, m.day, m.drug)
        if key not in planned:
            raise DataError(
                describe_problem(
                    "modification",
                    f"C{m.cycle}D{m.day} {key[2]}",
                    "a planned administration in the calendar",
                )
            )
        out.setdefault(key, []).append(m)
    for mods in out.values():
        mods.sort(key=lambda m: m.action == "skip")
    return out


def _infusion_overrides(
    protocol: Protocol, minutes: Mapping[tuple[int, int, str], float], planned: set[tuple]
) -> dict[tuple, float]:
    """Recorded infusion durations, checked (a planned administration, minutes > 0)."""
    out: dict[tuple, float] = {}
    for (cycle, day, drug), value in minutes.items():
        key = _administration_key(protocol, cycle, day, drug)
        if key not in planned:
            raise DataError(
                describe_problem(
                    "infusion_minutes",
                    f"C{cycle}D{day} {key[2]}",
                    "a planned administration in the calendar",
                )
            )
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise InputTypeError(
                describe_problem(f"infusion_minutes[C{cycle}D{day}]", value, "a number")
            )
        if not (math.isfinite(value) and value > 0):
            raise DataError(
                describe_problem(f"infusion_minutes[C{cycle}D{day}]", value, "minutes > 0")
            )
        out[key] = float(value)
    return out
