"""Machinery shared by the interval designs (BOIN, mTPI-2, Keyboard).

An interval design's decision at the current dose depends only on ``(n, y)`` there (patients,
DLTs) plus the set of eliminated doses, so it is a lookup table indexed by ``n``: escalate if
``y <= escalate_le[n]``, de-escalate if ``y >= deescalate_ge[n]``, eliminate the dose and all
higher ones if ``y >= eliminate_ge[n]``.  Trial conduct and MTD selection follow the R package
``BOIN`` 2.7.2 (``get.oc`` / ``select.mtd``), which ``Keyboard`` 0.1.3 shares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import beta as beta_dist

from earlyphase.designs.base import Decision, check_true_dlt
from earlyphase.designs.mtd_selection import select_mtd, select_mtd_scalar
from earlyphase.designs.operating_characteristics import OperatingCharacteristics
from earlyphase.designs.outcomes import check_no_skip, parse_outcomes
from earlyphase.designs.simulate import TrialBatch, run_simulation
from earlyphase.errors import DesignError, describe_problem

__all__ = [
    "IntervalDesign",
    "IntervalRules",
    "overdose_boundary",
    "simulate_interval",
    "decide_interval",
    "select_mtd",
    "select_mtd_scalar",
]

NEVER = 10**9  # "no boundary" sentinel for >= thresholds


def overdose_boundary(target: float, max_n: int, cutoff: float, min_n: int = 3) -> np.ndarray:
    """Smallest DLT count ``y`` with ``Pr(p > target | y, n) > cutoff`` under a Beta(1, 1) prior.

    Index ``n`` (0..max_n); :data:`NEVER` where no count qualifies or ``n < min_n``.
    """
    out = np.full(max_n + 1, NEVER, dtype=np.int64)
    for n in range(max(min_n, 1), max_n + 1):
        y = np.arange(0, n + 1)
        exceed = beta_dist.sf(target, y + 1, n - y + 1) > cutoff
        # BOIN scans ntox = 1..n
        exceed[0] = False
        if exceed.any():
            out[n] = int(np.argmax(exceed))
    return out


@dataclass(frozen=True)
class IntervalRules:
    """Lookup tables and conduct settings of an interval design (arrays indexed by n)."""

    name: str
    target: float
    n_doses: int
    cohort_size: int
    n_cohorts: int
    escalate_le: np.ndarray
    deescalate_ge: np.ndarray
    eliminate_ge: np.ndarray
    extrasafe_ge: np.ndarray
    extrasafe: bool
    n_earlystop: int
    start_dose: int
    lambda_d: float | None = None
    bound_mtd: bool = False

    @property
    def max_n(self) -> int:
        """Maximum sample size, ``cohort_size * n_cohorts``."""
        return self.cohort_size * self.n_cohorts

    def table(self) -> pd.DataFrame:
        """Boundaries for n = 1..max_n (nullable integers; missing = no such boundary)."""
        n = np.arange(1, self.max_n + 1)

        def nullable(a: np.ndarray) -> pd.Series:
            values = pd.Series(a[1:], dtype="Int64")
            return values.mask(values >= NEVER)

        frame = pd.DataFrame(
            {
                "n": n,
                "escalate_if_dlt_le": pd.Series(self.escalate_le[1:], dtype="Int64"),
                "deescalate_if_dlt_ge": nullable(self.deescalate_ge),
                "eliminate_if_dlt_ge": nullable(self.eliminate_ge),
            }
        )
        if self.extrasafe:
            frame["stop_if_dlt_ge_at_lowest_dose"] = nullable(self.extrasafe_ge)
        return frame


class IntervalDesign:
    """What BOIN, mTPI-2 and Keyboard share: conduct settings, decision table, simulation.

    A subclass is a frozen dataclass with the fields read here (``target``, ``n_doses``,
    ``cohort_size``, ``n_cohorts``, ``n_earlystop``, ``cutoff_eli``, ``extrasafe``,
    ``start_dose``, ``offset``), a ``name`` and a ``rules`` property; it only has to say how
    its escalation and de-escalation boundaries are computed (:meth:`_conduct_rules`).
    """

    target: float
    n_doses: int
    cohort_size: int
    n_cohorts: int
    n_earlystop: int
    cutoff_eli: float
    extrasafe: bool
    start_dose: int
    offset: float

    @property
    def name(self) -> str:
        """Design name used in results (set by each design)."""
        raise NotImplementedError

    @property
    def rules(self) -> IntervalRules:
        """The decision lookup tables (computed by each design)."""
        raise NotImplementedError

    @property
    def max_n(self) -> int:
        """Maximum sample size, ``cohort_size * n_cohorts``."""
        return self.cohort_size * self.n_cohorts

    def _conduct_rules(
        self,
        escalate_le: np.ndarray,
        deescalate_ge: np.ndarray,
        eliminate_ge: np.ndarray,
        *,
        lambda_d: float | None = None,
        bound_mtd: bool = False,
    ) -> IntervalRules:
        """The design's boundaries plus the BOIN conduct settings shared by all three designs.

        The extra-safe boundary at the lowest dose uses the cut-off ``cutoff_eli - offset``.
        """
        return IntervalRules(
            name=self.name,
            target=self.target,
            n_doses=self.n_doses,
            cohort_size=self.cohort_size,
            n_cohorts=self.n_cohorts,
            escalate_le=escalate_le,
            deescalate_ge=deescalate_ge,
            eliminate_ge=eliminate_ge,
            extrasafe_ge=overdose_boundary(self.target, self.max_n, self.cutoff_eli - self.offset),
            extrasafe=self.extrasafe,
            n_earlystop=self.n_earlystop,
            start_dose=self.start_dose,
            lambda_d=lambda_d,
            bound_mtd=bound_mtd,
        )

    def decision_table(self) -> pd.DataFrame:
        """Escalate / de-escalate / eliminate boundaries for n = 1..max_n.

        For BOIN this is ``get.boundary(...)$full_boundary_tab`` of the R package.
        """
        return self.rules.table()

    def simulate(
        self,
        true_dlt: Sequence[float],
        n_trials: int = 1000,
        seed: int = 0,
        chunk_size: int = 20000,
        progress: Callable[[int], None] | None = None,
    ) -> OperatingCharacteristics:
        """Operating characteristics by simulation (vectorised across trials).

        Parameters
        ----------
        true_dlt : sequence of float
            True DLT probability per dose.
        n_trials, seed : int
            Number of simulated trials and the seed of their random streams.
        chunk_size : int
            Trials simulated at once; does not change the results.
        progress : callable, optional
            Called with the number of trials finished (for progress bars).
        """
        p = check_true_dlt(true_dlt, self.n_doses)
        rules = self.rules
        return run_simulation(
            self.name,
            lambda pp, u: simulate_interval(rules, pp, u),
            p,
            self.max_n,
            n_trials,
            seed,
            chunk_size=chunk_size,
            target=self.target,
            progress=progress,
        )


_ESC, _DE, _ELIM, _XSAFE = 1, 2, 4, 8


def _decision_codes(rules: IntervalRules) -> np.ndarray:
    """Bit codes (escalate 1, de-escalate 2, eliminate 4, extra-safe stop 8) of every
    ``(n, y)``, flattened as ``n * (max_n + 1) + y``: one look-up per cohort in simulation."""
    nn = np.arange(rules.max_n + 1)[:, None]
    yy = np.arange(rules.max_n + 1)[None, :]
    code = np.where(yy <= rules.escalate_le[nn], _ESC, 0)
    code |= np.where(yy >= rules.deescalate_ge[nn], _DE, 0)
    code |= np.where(yy >= rules.eliminate_ge[nn], _ELIM, 0)
    if rules.extrasafe:
        xs = (rules.eliminate_ge[nn] < NEVER) & (yy >= rules.extrasafe_ge[nn])
        code |= np.where(xs, _XSAFE, 0)
    return code.astype(np.int8).ravel()


def simulate_interval(rules: IntervalRules, p: np.ndarray, u: np.ndarray) -> TrialBatch:
    """Simulate trials of an interval design, all at once (rows of ``u`` are trials).

    Per cohort: the DLTs of its patients at the current dose, one look-up of the decision code
    of ``(n, y)`` there (:func:`_decision_codes`), the move. Counts are kept in flat arrays
    indexed ``trial * K + dose``.
    """
    t = u.shape[0]
    k, cs, n_c, m1 = rules.n_doses, rules.cohort_size, rules.n_cohorts, rules.max_n + 1
    codes = _decision_codes(rules)
    base = np.arange(t, dtype=np.int64) * k
    n = np.zeros(t * k, dtype=np.int64)
    y = np.zeros(t * k, dtype=np.int64)
    d = np.full(t, rules.start_dose - 1, dtype=np.int64)
    elim_from = np.full(t, k, dtype=np.int64)
    active = np.ones(t, dtype=bool)
    tox_stop = np.zeros(t, dtype=bool)
    path = np.full((t, n_c), -1, dtype=np.int64)
    for c in range(n_c):
        path[:, c] = np.where(active, d, -1)
        idx = base + d
        cnt = (u[:, c * cs : (c + 1) * cs] < p[d][:, None]).sum(axis=1)
        nd = n[idx] + cs * active
        yd = y[idx] + cnt * active
        n[idx] = nd
        y[idx] = yd
        if c == n_c - 1:
            break
        code = codes[nd * m1 + yd]
        elim_now = active & ((code & _ELIM) != 0)
        elim_from = np.where(elim_now, np.minimum(elim_from, d), elim_from)
        at1 = d == 0
        stop = at1 & (elim_now | (active & ((code & _XSAFE) != 0)))
        tox_stop |= stop
        active &= ~stop
        esc = (code & _ESC) != 0
        de = (code & _DE) != 0
        blocked_up = (d == k - 1) | (elim_from <= d + 1)
        if rules.n_earlystop <= rules.max_n:
            early = (nd >= rules.n_earlystop) & ((~esc & ~de) | (at1 & de) | (blocked_up & esc))
            active &= ~early
        up = active & esc & ~blocked_up
        down = active & ~(esc & (d < k - 1)) & de & ~at1
        d = d + up - down
        if not active.any():
            break
    n2, y2 = n.reshape(t, k), y.reshape(t, k)
    selected = select_mtd(rules, n2, y2)
    selected[tox_stop] = 0
    return TrialBatch(selected=selected, n=n2, dlt=y2, stopped_early=tox_stop, cohort_dose=path)


def _fmt(n: int, y: int) -> str:
    return f"{y} DLT{'s' if y != 1 else ''} in {n} patient{'s' if n != 1 else ''}"


def decide_interval(rules: IntervalRules, outcomes: Any, explain: Any = None) -> Decision:
    """Replay the cohorts under the design's rules and say what comes next, with reasons.

    Raises :class:`DesignError` for a cohort at a skipped (untried, not adjacent) dose, at an
    eliminated dose, or after the trial should have stopped.
    """
    k = rules.n_doses
    out = parse_outcomes(outcomes, n_doses=k)
    n = np.zeros(k, dtype=np.int64)
    y = np.zeros(k, dtype=np.int64)
    elim_from = k
    highest_tried = rules.start_dose - 1
    stopped: str | None = None
    no_mtd = False
    reasons: list[str] = []
    d = rules.start_dose - 1
    if not out.cohorts:
        return Decision(
            next_dose=rules.start_dose,
            stop=False,
            mtd=None,
            reasons=(f"no patients treated yet: start at dose {rules.start_dose}",),
            n_per_dose=tuple([0] * k),
            dlt_per_dose=tuple([0] * k),
        )
    for i, cohort in enumerate(out.cohorts):
        where = f"outcomes cohort {i + 1} ({cohort.token!r})"
        d = cohort.dose - 1
        if stopped is not None:
            raise DesignError(
                describe_problem(where, cohort.token, f"no further cohort: {stopped}")
            )
        check_no_skip(where, cohort.dose, highest_tried)
        if d >= elim_from:
            raise DesignError(
                describe_problem(
                    where,
                    f"dose {cohort.dose}",
                    f"a dose below the eliminated dose {elim_from + 1}",
                )
            )
        if n.sum() + cohort.n > rules.max_n:
            raise DesignError(
                describe_problem(
                    where,
                    f"{n.sum() + cohort.n} patients",
                    f"at most {rules.max_n} patients in total",
                )
            )
        highest_tried = max(highest_tried, d)
        n[d] += cohort.n
        y[d] += cohort.n_dlt
        last = i == len(out.cohorts) - 1
        nd, yd = int(n[d]), int(y[d])
        if n.sum() >= rules.max_n:
            stopped = f"the maximum sample size of {rules.max_n} was reached"
            if last:
                reasons.append(f"{rules.max_n} patients treated: maximum sample size reached")
            break
        if nd >= 1 and yd >= rules.eliminate_ge[nd]:
            if elim_from > d:
                reasons.append(
                    f"dose {d + 1}: {_fmt(nd, yd)}; Pr(DLT rate > {rules.target:g}) exceeds the "
                    f"elimination cut-off (eliminate if >= {int(rules.eliminate_ge[nd])} DLTs): "
                    f"dose {d + 1} and higher eliminated"
                )
            elim_from = min(elim_from, d)
            if d == 0:
                stopped = "dose 1 was eliminated (too toxic)"
                no_mtd = True
                reasons.append("the lowest dose is eliminated: stop the trial, no MTD")
                break
        if (
            rules.extrasafe
            and d == 0
            and rules.eliminate_ge[nd] < NEVER
            and yd >= rules.extrasafe_ge[nd]
        ):
            stopped = "the extra safety rule stopped the trial at dose 1"
            no_mtd = True
            reasons.append(
                f"dose 1: {_fmt(nd, yd)} reaches the extra-safe stopping boundary "
                f"({int(rules.extrasafe_ge[nd])} DLTs): stop the trial, no MTD"
            )
            break
        esc = yd <= rules.escalate_le[nd]
        de = yd >= rules.deescalate_ge[nd]
        blocked_up = d == k - 1 or elim_from <= d + 1
        if nd >= rules.n_earlystop and (
            (not esc and not de) or (d == 0 and de) or (blocked_up and esc)
        ):
            stopped = f"{nd} patients at dose {d + 1} reached n_earlystop = {rules.n_earlystop}"
            reasons.append(
                f"dose {d + 1}: {nd} patients >= n_earlystop = {rules.n_earlystop} and the next "
                "decision would be to stay: stop the trial"
            )
            break
        if last:
            reasons.extend(_move_reasons(rules, d, nd, yd, esc, de, elim_from, explain))
        if esc and d < k - 1:
            if elim_from > d + 1:
                d += 1
        elif de and d > 0:
            d -= 1
    decision_n = tuple(int(v) for v in n)
    decision_y = tuple(int(v) for v in y)
    current = out.cohorts[-1].dose
    if stopped is not None:
        if no_mtd:
            return Decision(None, True, None, tuple(reasons), decision_n, decision_y, current)
        mtd, iso = select_mtd_scalar(rules, n, y)
        reasons.append(
            "MTD selection: isotonic (PAVA) estimates of the DLT rate "
            + ", ".join(f"dose {j + 1} {v:.3f}" for j, v in enumerate(iso) if np.isfinite(v))
            + (
                f"; closest to the target {rules.target:g}: dose {mtd}"
                if mtd
                else "; no dose qualifies: no MTD"
            )
        )
        return Decision(
            None,
            True,
            mtd or None,
            tuple(reasons),
            decision_n,
            decision_y,
            current,
            tuple(float(v) for v in iso),
        )
    return Decision(d + 1, False, None, tuple(reasons), decision_n, decision_y, current)


def _move_reasons(
    rules: IntervalRules,
    d: int,
    nd: int,
    yd: int,
    esc: bool,
    de: bool,
    elim_from: int,
    explain: Any,
) -> list[str]:
    k = rules.n_doses
    basis = f"dose {d + 1}: {_fmt(nd, yd)} (observed rate {yd / nd:.3f})"
    extra = f" [{explain(nd, yd)}]" if explain is not None else ""
    if esc:
        rule = f"{basis} <= escalation boundary {int(rules.escalate_le[nd])}{extra}"
        if d == k - 1:
            return [rule + ": escalate, but this is the highest dose: stay"]
        if elim_from <= d + 1:
            return [rule + f": escalate, but dose {d + 2} is eliminated: stay"]
        return [rule + f": escalate to dose {d + 2}"]
    if de:
        rule = f"{basis} >= de-escalation boundary {int(rules.deescalate_ge[nd])}{extra}"
        if d == 0:
            return [rule + ": de-escalate, but this is the lowest dose: stay"]
        return [rule + f": de-escalate to dose {d}"]
    return [
        f"{basis} is between the boundaries (escalate if <= {int(rules.escalate_le[nd])}, "
        f"de-escalate if >= {int(rules.deescalate_ge[nd])}){extra}: stay at dose {d + 1}"
    ]
