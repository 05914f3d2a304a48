"""mTPI-2 (Guo et al. 2017) and Keyboard (Yan, Mandrekar & Yuan 2017) interval designs.

Both cut [0, 1] into intervals ("keys") of width ``epsilon1 + epsilon2`` around the equivalence
interval ``[phi - epsilon1, phi + epsilon2]``; incomplete end keys are scaled by
``width / actual width`` (the unit probability mass of mTPI-2).  With a Beta(1, 1) prior the
posterior of the DLT rate at the current dose is Beta(1 + y, 1 + n - y); the key with the
largest (scaled) posterior mass decides: below the equivalence key -> escalate, the equivalence
key -> stay, above -> de-escalate.  Ties go to the highest key in Keyboard (R ``Keyboard``
0.1.3 ``get.boundary.kb``) and to escalate-then-stay in mTPI-2 (R ``escalation``
``get_mtpi2``).  Key cut points are computed exactly as ``get.boundary.kb`` does.

Trial conduct (elimination with ``Pr(p > phi) > cutoff_eli`` for ``n >= 3``, ``extrasafe``,
``n_earlystop``) and MTD selection (isotonic regression) are BOIN's, as in the Keyboard
package; ``n_earlystop`` uses BOIN 2.7.2 semantics (stop only when the decision is "stay").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy.stats import beta as beta_dist

from earlyphase.designs.base import Decision, check_int, check_target
from earlyphase.designs.interval import (
    NEVER,
    IntervalDesign,
    IntervalRules,
    decide_interval,
    overdose_boundary,
)
from earlyphase.errors import DesignError, describe_problem
from earlyphase.limits import MAX_DOSES

__all__ = ["MTPI2", "Keyboard", "keys"]


def keys(target: float, epsilon1: float, epsilon2: float) -> np.ndarray:
    """Cut points of the keys, from 0 to 1 (``getkey`` in Keyboard's ``get.boundary.kb``)."""
    a1, a2 = target - epsilon1, target + epsilon2
    delta = a2 - a1
    left: list[float] = []
    i = 0
    cutoff = 0.3
    while cutoff > 0:
        i += 1
        cutoff = a1 - i * delta
        left.insert(0, cutoff)
    right: list[float] = []
    i = 0
    cutoff = 0.3
    while cutoff < 1:
        i += 1
        cutoff = a2 + i * delta
        right.append(cutoff)
    cuts = [max(c, 0.0) for c in left] + [a1, a2] + [min(c, 1.0) for c in right]
    return np.array(cuts)


def _decisions(
    target: float, eps1: float, eps2: float, max_n: int, highest_on_tie: bool
) -> np.ndarray:
    """Decision codes (+1 escalate, 0 stay, -1 de-escalate) for every (n, y), n = 0..max_n."""
    cuts = keys(target, eps1, eps2)
    width = eps1 + eps2
    n_keys = cuts.size - 1
    comp = np.ones(n_keys)
    comp[0] = width / (cuts[1] - cuts[0])
    comp[-1] = width / (cuts[-1] - cuts[-2])
    target_key = int(np.nonzero(cuts == target - eps1)[0][0])
    codes = np.zeros((max_n + 1, max_n + 1), dtype=np.int64)
    for n in range(1, max_n + 1):
        y = np.arange(0, n + 1)[:, None]
        cdf = beta_dist.cdf(cuts[None, :], y + 1, n - y + 1)
        mass = (cdf[:, 1:] - cdf[:, :-1]) * comp[None, :]
        is_max = mass == mass.max(axis=1, keepdims=True)
        if highest_on_tie:
            best = n_keys - 1 - np.argmax(is_max[:, ::-1], axis=1)
        else:
            best = np.argmax(is_max, axis=1)
        codes[n, : n + 1] = np.sign(target_key - best)
    return codes


def _check(target: float, n_doses: int, eps1: float, eps2: float) -> None:
    check_target(target)
    check_int("n_doses", n_doses, 1, "a positive integer", high=MAX_DOSES)
    for name, eps in (("epsilon1", eps1), ("epsilon2", eps2)):
        if not 0 < eps < target if name == "epsilon1" else not 0 < eps < 1 - target:
            raise DesignError(
                describe_problem(name, eps, "a half-width inside (0, 1) around the target")
            )


@dataclass(frozen=True)
class _UnitIntervalDesign(IntervalDesign):
    target: float
    n_doses: int
    epsilon1: float = 0.05
    epsilon2: float = 0.05
    cohort_size: int = 3
    n_cohorts: int = 10
    n_earlystop: int = 100
    cutoff_eli: float = 0.95
    extrasafe: bool = False
    start_dose: int = 1
    offset: float = 0.05

    _label = "interval"
    _highest_on_tie = True

    def __post_init__(self) -> None:
        _check(self.target, self.n_doses, self.epsilon1, self.epsilon2)
        if not 1 <= self.start_dose <= self.n_doses:
            raise DesignError(
                describe_problem("start_dose", self.start_dose, f"a dose in 1..{self.n_doses}")
            )

    @property
    def name(self) -> str:
        """Design name used in results (``"mTPI-2"`` or ``"Keyboard"``)."""
        return self._label

    @cached_property
    def rules(self) -> IntervalRules:
        """The decision lookup tables (indexed by the number of patients at the dose)."""
        codes = _decisions(
            self.target, self.epsilon1, self.epsilon2, self.max_n, self._highest_on_tie
        )
        n_max = self.max_n
        esc = np.full(n_max + 1, -1, dtype=np.int64)
        de = np.full(n_max + 1, NEVER, dtype=np.int64)
        elim = overdose_boundary(self.target, n_max, self.cutoff_eli)
        for n in range(1, n_max + 1):
            e_rows = np.nonzero(codes[n, : n + 1] == 1)[0]
            d_rows = np.nonzero(codes[n, : n + 1] == -1)[0]
            esc[n] = e_rows.max() if e_rows.size else -1
            de[n] = d_rows.min() if d_rows.size else NEVER
        de = np.minimum(de, elim)
        return self._conduct_rules(esc, de, elim)

    def decide(self, outcomes: Any) -> Decision:
        """Next dose (or stop and MTD) after ``outcomes``, with reasons."""
        eps = f"equivalence interval [{self.target - self.epsilon1:g}, {self.target + self.epsilon2:g}]"
        return decide_interval(self.rules, outcomes, lambda n, y: f"{self._label}: {eps}")


@dataclass(frozen=True)
class MTPI2(_UnitIntervalDesign):
    """Modified toxicity probability interval design, mTPI-2 (Guo et al. 2017, Contemp Clin
    Trials 58:23-33).  Ties between intervals resolve to escalate, then stay."""

    _label = "mTPI-2"
    _highest_on_tie = False


@dataclass(frozen=True)
class Keyboard(_UnitIntervalDesign):
    """Keyboard design (Yan, Mandrekar & Yuan 2017, Clin Cancer Res 23:3994-4003).
    Ties between keys resolve to the highest key (R ``Keyboard`` 0.1.3)."""

    _label = "Keyboard"
    _highest_on_tie = True
