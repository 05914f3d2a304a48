"""Dose modifications: skip an administration, delay it, or reduce the drug one level.

Semantics (applied in date order by :func:`earlyphase.dosing.dosing_calendar`):

``skip``
    That administration is not given (``dose_mg`` 0, status ``"skipped"``).
``delay``
    That administration and every later one (all drugs) move ``days`` later: the treatment
    calendar slips, as when a cycle start is postponed.
``reduce``
    From that administration on, the drug is given one step lower in its protocol
    ``dose_reduction_steps`` (carfilzomib 27 -> 20 -> 15 mg/m2 per the Kyprolis label;
    isatuximab 20 -> 10 mg/kg, the next lower protocol dose). Reductions accumulate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from earlyphase.errors import DataError, describe_problem
from earlyphase.protocol.model import Drug

__all__ = ["DoseModification", "reduced_dose"]

Action = Literal["skip", "delay", "reduce"]


@dataclass(frozen=True)
class DoseModification:
    """One modification of the planned regimen.

    Attributes
    ----------
    cycle, day : int
        The planned administration it applies to (cycle and day of the protocol calendar).
    drug : str
        Drug id or abbreviation.
    action : {"skip", "delay", "reduce"}
    days : int
        Delay in days (``delay`` only; must be > 0).
    reason : str
        Free text, carried to the calendar (``EXADJ`` in SDTM EX).
    """

    cycle: int
    day: int
    drug: str
    action: Action
    days: int = 0
    reason: str = ""

    def __post_init__(self) -> None:
        if self.action not in ("skip", "delay", "reduce"):
            raise DataError(describe_problem("action", self.action, "'skip', 'delay' or 'reduce'"))
        if self.cycle < 1 or self.day < 1:
            raise DataError(describe_problem("cycle/day", (self.cycle, self.day), "integers >= 1"))
        if self.action == "delay" and self.days <= 0:
            raise DataError(describe_problem("days", self.days, "a delay of at least 1 day"))
        if self.action != "delay" and self.days:
            raise DataError(describe_problem("days", self.days, "0 unless the action is 'delay'"))


def reduced_dose(drug: Drug, planned: float, levels: int) -> float:
    """The dose ``levels`` steps below ``planned`` in ``drug.dose_reduction_steps``.

    Raises
    ------
    DataError
        The drug has no lower step (e.g. reducing carfilzomib below 15 mg/m2).
    """
    if levels == 0:
        return planned
    steps = sorted(drug.dose_reduction_steps, reverse=True)
    exact = [i for i, s in enumerate(steps) if abs(s - planned) <= 1e-9]
    lower = [i for i, s in enumerate(steps) if s < planned - 1e-9]
    target = exact[0] + levels if exact else (lower[0] + levels - 1 if lower else len(steps))
    if target >= len(steps):
        raise DataError(
            describe_problem(
                f"reduce {drug.id}",
                f"{levels} level(s) below {planned:g} {drug.dose_unit}",
                f"a lower dose in the protocol's dose_reduction_steps {steps}",
            )
        )
    return float(steps[target])
