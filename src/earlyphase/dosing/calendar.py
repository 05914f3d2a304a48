"""Per-patient dosing calendar: every planned administration with its date and dose in mg."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from earlyphase.dosing.bsa import check_body_size
from earlyphase.dosing.dose import DoseCalculation, DosingOptions, calculate_dose
from earlyphase.dosing.modifications import DoseModification, reduced_dose
from earlyphase.errors import DataError, InputTypeError, describe_problem
from earlyphase.limits import MAX_CYCLES, check_count
from earlyphase.protocol.model import Drug, Protocol

__all__ = ["CALENDAR_COLUMNS", "dosing_calendar"]

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
    if isinstance(cycles, bool) or not isinstance(cycles, int) or cycles < 1:
        raise DataError(describe_problem("cycles", cycles, "an integer >= 1"))
    check_count("cycles", cycles, MAX_CYCLES, what="cycles")
    for name, value in (("weight_kg", weight_kg), ("height_cm", height_cm)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise InputTypeError(describe_problem(name, value, "a number"))
        if not math.isfinite(value):
            raise DataError(describe_problem(name, value, "a finite number (one patient's value)"))
    check_body_size(height_cm, weight_kg)
    opts = dosing_options or DosingOptions()
    start = _as_date(start_date)
    level = protocol.dose_level(dose_level)
    for option in schedule_options:
        protocol.schedule_option(option)
    rows = _planned_rows(protocol, level.id, cycles, tuple(schedule_options))
    planned_keys = {(r.cycle, r.day, r.drug) for r in rows}
    mods = _modifications_by_administration(protocol, modifications, planned_keys)
    minutes = _infusion_overrides(protocol, infusion_minutes or {}, planned_keys)

    shift = 0
    reductions: dict[str, list[str]] = {d: [] for d in protocol.drug_ids}
    counts = dict.fromkeys(protocol.drug_ids, 0)
    cache: dict[tuple[str, float], DoseCalculation] = {}

    def dose_of(drug: Drug, dose: float) -> DoseCalculation:
        key = (drug.id, dose)
        if key not in cache:
            cache[key] = calculate_dose(drug, dose, weight_kg, height_cm, opts)
        return cache[key]

    out: list[dict[str, object]] = []
    for r in rows:
        drug = protocol.drug(r.drug)
        key = (r.cycle, r.day, drug.id)
        status, reasons, given = "planned", [], True
        for mod in mods.get(key, ()):
            reasons.append(mod.reason)
            if mod.action == "delay":
                shift += mod.days
                status = "delayed"
            elif mod.action == "reduce":
                reductions[drug.id].append(mod.reason)
            else:
                given = False
        dose = reduced_dose(drug, r.planned_dose, len(reductions[drug.id]))
        if dose != r.planned_dose and status == "planned":
            status = "reduced"
            if not any(reasons) and reductions[drug.id]:
                reasons = [reductions[drug.id][-1]]
        if given:
            counts[drug.id] += 1
        else:
            status = "skipped"
        calc = dose_of(drug, dose)
        planned_date = start + dt.timedelta(days=r.offset)
        date = planned_date + dt.timedelta(days=shift)
        infusion = minutes.get(key, level.infusion_minutes_for(drug, counts[drug.id]))
        out.append(
            {
                "date": pd.Timestamp(date),
                "planned_date": pd.Timestamp(planned_date),
                "cycle": r.cycle,
                "day": r.day,
                "study_day": (date - start).days + 1,
                "drug": drug.id,
                "drug_name": drug.name,
                "cdisc_name": drug.cdisc_name or drug.id.upper(),
                "administration": counts[drug.id] if given else pd.NA,
                "dose_level": level.id,
                "planned_dose": r.planned_dose,
                "dose": dose if given else 0.0,
                "dose_unit": drug.dose_unit,
                "basis_value": calc.basis_value,
                "basis_unit": calc.basis_unit,
                "bsa_capped": calc.capped,
                "planned_dose_mg": dose_of(drug, r.planned_dose).dose_mg,
                "dose_mg": calc.dose_mg if given else 0.0,
                "infusion_minutes": infusion if given else float("nan"),
                "route": drug.route,
                "status": status,
                "reason": "; ".join(dict.fromkeys(x for x in reasons if x)),
            }
        )
    frame = pd.DataFrame(out, columns=list(CALENDAR_COLUMNS))
    frame["administration"] = frame["administration"].astype("Int64")
    frame["cycle"] = frame["cycle"].astype("int64")
    frame["day"] = frame["day"].astype("int64")
    return frame


@dataclass(frozen=True)
class _Planned:
    """One planned administration of the protocol calendar."""

    cycle: int
    day: int
    drug: str
    order: int
    planned_dose: float
    offset: int


def _planned_rows(
    protocol: Protocol, level_id: str, cycles: int, options: tuple[str, ...]
) -> list[_Planned]:
    """The protocol's planned administrations, sorted by day then protocol drug order."""
    rows = [
        _Planned(
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
