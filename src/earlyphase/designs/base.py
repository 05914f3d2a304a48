"""The common design interface and the :class:`Decision` returned by every design."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from earlyphase.errors import DesignError, InputTypeError, LimitError, describe_problem

if TYPE_CHECKING:
    import pandas as pd

    from earlyphase.designs.operating_characteristics import OperatingCharacteristics

__all__ = ["Decision", "Design", "check_int", "check_true_dlt", "check_target"]


@dataclass(frozen=True)
class Decision:
    """What a design says after the cohorts seen so far.

    Attributes
    ----------
    next_dose : int or None
        1-based dose for the next cohort; ``None`` when the trial stops.
    stop : bool
        True when the trial stops (escalation is complete or all doses are too toxic).
    mtd : int or None
        Selected MTD (1-based) when stopping; ``None`` while the trial continues, or when no
        dose is acceptable (then ``stop`` is True and ``mtd`` is None).
    reasons : tuple of str
        The rules that fired, in words, in the order they were applied.
    n_per_dose, dlt_per_dose : tuple of int
        Patients and DLTs per dose level.
    current_dose : int or None
        Dose of the last cohort (None before the first cohort).
    """

    next_dose: int | None
    stop: bool
    mtd: int | None
    reasons: tuple[str, ...]
    n_per_dose: tuple[int, ...]
    dlt_per_dose: tuple[int, ...]
    current_dose: int | None = None
    estimates: tuple[float, ...] | None = field(default=None)

    @property
    def action(self) -> str:
        """One word: ``escalate``, ``stay``, ``de-escalate`` or ``stop``."""
        if self.stop or self.next_dose is None:
            return "stop"
        if self.current_dose is None or self.next_dose == self.current_dose:
            return "stay"
        return "escalate" if self.next_dose > self.current_dose else "de-escalate"

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python dictionary (JSON-ready)."""
        return {
            "action": self.action,
            "current_dose": self.current_dose,
            "next_dose": self.next_dose,
            "stop": self.stop,
            "mtd": self.mtd,
            "reasons": list(self.reasons),
            "n_per_dose": list(self.n_per_dose),
            "dlt_per_dose": list(self.dlt_per_dose),
            "estimates": None if self.estimates is None else list(self.estimates),
        }

    def __str__(self) -> str:
        head = (
            f"stop; MTD = dose {self.mtd}"
            if self.stop and self.mtd is not None
            else "stop; no MTD selected"
            if self.stop
            else f"{self.action} -> next cohort at dose {self.next_dose}"
        )
        return head + "".join(f"\n  - {r}" for r in self.reasons)


@runtime_checkable
class Design(Protocol):
    """What every dose-finding design offers."""

    n_doses: int

    def decide(self, outcomes: Any) -> Decision:
        """Next dose (or stop and the MTD) after the cohorts in ``outcomes``, with reasons."""
        ...

    def decision_table(self) -> pd.DataFrame:
        """The design's dose-decision rules as a table."""
        ...

    def simulate(
        self, true_dlt: Sequence[float], n_trials: int = 1000, seed: int = 0
    ) -> OperatingCharacteristics:
        """Operating characteristics under ``true_dlt`` from ``n_trials`` simulated trials."""
        ...


def check_int(
    name: str, value: int, low: int, expected: str | None = None, high: int | None = None
) -> int:
    """Validate a whole number ``>= low`` (bools rejected); ``expected`` words the error.

    A value above ``high`` (a documented bound of :mod:`earlyphase.limits`) raises
    :class:`~earlyphase.errors.LimitError` with the bound in the message.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputTypeError(describe_problem(name, value, expected or f"an integer >= {low}"))
    if not math.isfinite(float(value)) or int(value) != value or int(value) < low:
        raise DesignError(describe_problem(name, value, expected or f"an integer >= {low}"))
    if high is not None and int(value) > high:
        raise LimitError(describe_problem(name, value, f"at most {high:,} (the documented limit)"))
    return int(value)


def check_target(target: float) -> float:
    """Validate a target DLT rate in (0, 1)."""
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        raise InputTypeError(
            describe_problem("target", target, "a DLT probability strictly between 0 and 1")
        )
    t = float(target)
    if not 0.0 < t < 1.0:
        raise DesignError(
            describe_problem("target", target, "a DLT probability strictly between 0 and 1")
        )
    return t


def check_true_dlt(true_dlt: Sequence[float], n_doses: int, increasing: bool = False) -> np.ndarray:
    """Validate true DLT probabilities: length ``n_doses``, in [0, 1], optionally non-decreasing."""
    try:
        p = np.asarray(true_dlt, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DesignError(
            describe_problem("true_dlt", true_dlt, "a list of probabilities")
        ) from exc
    if p.ndim != 1 or p.size != n_doses:
        raise DesignError(
            describe_problem(
                "true_dlt", list(np.atleast_1d(p)), f"{n_doses} probabilities, one per dose"
            )
        )
    for j, v in enumerate(p):
        if not 0.0 <= v <= 1.0:
            raise DesignError(
                describe_problem(f"true_dlt[dose {j + 1}]", float(v), "a probability in [0, 1]")
            )
    if increasing:
        for j in range(1, p.size):
            if p[j] < p[j - 1]:
                raise DesignError(
                    describe_problem(
                        f"true_dlt[dose {j + 1}]",
                        float(p[j]),
                        f"at least the value at dose {j} ({p[j - 1]}): DLT probabilities must not decrease",
                    )
                )
    return p
