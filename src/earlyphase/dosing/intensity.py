"""Relative dose intensity: how much of the planned dose was given, per drug.

Two measures, both from a dosing calendar (:func:`earlyphase.dosing.dosing_calendar`):

* ``percent_of_planned_dose`` = 100 x given mg / planned mg. This is the paper's
  "more than 96% of the study therapy was administered" and ADaM ``RDIISA``/``RDICARF``
  (``docs/data_conventions.md``).
* ``relative_dose_intensity`` = (given mg / actual duration) / (planned mg / planned
  duration), the classic dose-intensity ratio of Hryniuk & Bush (J Clin Oncol 1984;2:1281):
  delays lower it even when every dose is given. Durations run from the first planned
  dose to the end of the last cycle (planned) and that end shifted by the total delay (actual).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from earlyphase.errors import DataError, describe_problem

__all__ = ["DoseIntensity", "DoseIntensityResult", "relative_dose_intensity"]


@dataclass(frozen=True)
class DoseIntensity:
    """Planned versus given dose of one drug."""

    drug: str
    planned_administrations: int
    given_administrations: int
    planned_dose_mg: float
    given_dose_mg: float
    planned_days: int
    actual_days: int
    percent_of_planned_dose: float
    relative_dose_intensity: float


@dataclass(frozen=True)
class DoseIntensityResult:
    """Dose intensity of every drug; :meth:`to_frame` gives one row per drug."""

    drugs: tuple[DoseIntensity, ...]

    def to_frame(self) -> pd.DataFrame:
        """Tidy, unrounded table with one row per drug."""
        return pd.DataFrame([asdict(d) for d in self.drugs])

    def __getitem__(self, drug: str) -> DoseIntensity:
        for d in self.drugs:
            if d.drug == drug:
                return d
        raise KeyError(drug)


REQUIRED = ("drug", "cycle", "date", "planned_date", "planned_dose_mg", "dose_mg")


def relative_dose_intensity(calendar: pd.DataFrame, cycle_length_days: int) -> DoseIntensityResult:
    """Planned versus given dose per drug from a (modified) dosing calendar.

    Parameters
    ----------
    calendar : DataFrame
        Output of :func:`~earlyphase.dosing.dosing_calendar` (needs columns ``drug, cycle,
        date, planned_date, planned_dose_mg, dose_mg``).
    cycle_length_days : int
        ``protocol.cycle_length_days``.
    """
    missing = [c for c in REQUIRED if c not in calendar.columns]
    if missing:
        raise DataError(
            describe_problem(
                "calendar columns", missing, f"a dosing calendar with columns {list(REQUIRED)}"
            )
        )
    if calendar.empty:
        raise DataError(describe_problem("calendar", "0 rows", "at least one administration"))
    first = calendar["planned_date"].min()
    planned_end = first + pd.Timedelta(days=int(calendar["cycle"].max()) * cycle_length_days)
    delay = (calendar["date"] - calendar["planned_date"]).max()
    planned_days = int((planned_end - first).days)
    actual_days = planned_days + int(delay.days)
    out = []
    for drug, rows in calendar.groupby("drug", sort=False):
        planned = float(rows["planned_dose_mg"].sum())
        given = float(rows["dose_mg"].sum())
        pct = 100.0 * given / planned if planned > 0 else float("nan")
        rdi = (given / actual_days) / (planned / planned_days) if planned > 0 else float("nan")
        out.append(
            DoseIntensity(
                str(drug),
                len(rows),
                int((rows["dose_mg"] > 0).sum()),
                planned,
                given,
                planned_days,
                actual_days,
                pct,
                rdi,
            )
        )
    return DoseIntensityResult(tuple(out))
