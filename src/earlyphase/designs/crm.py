"""Continual reassessment method (O'Quigley, Pepe & Fisher 1990), compatible with R ``dfcrm``.

Models (``dfcrm`` 0.2-2.1 ``crm``): the empiric ("power") model ``p_j = s_j ** exp(beta)`` and
the one-parameter logistic ``logit p_j = a0 + exp(beta) * x_j`` with intercept ``a0 = 3`` and
``x_j = logit(s_j) - a0``; prior ``beta ~ N(0, prior_var)`` with ``prior_var = 1.34``.  The
estimate is the posterior mean of ``beta`` (numerical integration), plugged into the model:
``p_hat_j = F(s_j, beta_hat)``.  The recommended dose is the one with ``p_hat`` closest to the
target (the top dose if all are below, dose 1 if all are above).

Integration uses a fixed grid of ``beta`` values (trapezoid rule on [-10, 10], the range
``dfcrm`` integrates the numerators over) shared by all simulated trials, so the posterior of
thousands of trials is one matrix product.  Trial conduct follows ``dfcrm::crmsim``:
no skipping in escalation (next dose <= last dose + 1) and coherence (no escalation after a
cohort whose DLT rate is >= target); an optional start-up phase follows a fixed dose sequence
until the first DLT (the "two-stage" CRM, ``x0`` as a vector), and the final MTD is the
unrestricted recommendation.  Optional rules not in ``dfcrm``: stop for toxicity when
``Pr(p_1 > target | data) > safety_cutoff``, and stop once the recommended dose has
``stop_n_at_dose`` patients.

Skeletons: :func:`earlyphase.designs.skeleton.getprior` (Lee & Cheung 2009).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from earlyphase.designs._rows import distinct_rows
from earlyphase.designs.base import Decision, check_int, check_target, check_true_dlt
from earlyphase.designs.operating_characteristics import OperatingCharacteristics
from earlyphase.designs.outcomes import check_no_skip, parse_outcomes
from earlyphase.designs.simulate import TrialBatch, run_simulation
from earlyphase.designs.skeleton import Model, getprior
from earlyphase.errors import DesignError, describe_problem
from earlyphase.limits import MAX_COHORT_SIZE, MAX_DOSES, MAX_PATIENTS

__all__ = ["CRM", "getprior"]

GRID_HALF_WIDTH = 10.0
GRID_POINTS = 241


@dataclass(frozen=True)
class _Grid:
    beta: np.ndarray  # (G,)
    log_p: np.ndarray  # (K, G)
    log_q: np.ndarray  # (K, G)
    log_prior: np.ndarray  # (G,) unnormalised log kernel + log trapezoid weight
    tail: float  # prior mass beyond each grid end, s * sqrt(2 pi) * Phi(-half width / s)
    over_target: np.ndarray  # (G,) True where the dose-1 DLT rate exceeds the target
    log_pq: np.ndarray  # (2K, G): log_p stacked on log_q (one matrix product per posterior)
    moments: np.ndarray  # (G, 4): columns 1, beta, beta^2, over_target (one product)


@dataclass(frozen=True)
class CRM:
    """Continual reassessment method (one-parameter, Bayesian, dfcrm-compatible).

    Parameters
    ----------
    target : float
    skeleton : sequence of float
        Prior guesses of the DLT probability per dose, strictly increasing in (0, 1).
    max_n : int
        Sample size (a multiple of ``cohort_size``).
    cohort_size : int
    model : {"empiric", "logistic"}
    prior_var : float
        Prior variance of beta (dfcrm ``scale**2``; 1.34).
    intercept : float
        Logistic intercept (3).
    start_dose : int
    restrict : bool
        No skipping in escalation and coherence (dfcrm ``restrict=TRUE``).
    startup : sequence of int, optional
        Start-up doses, one per cohort, followed until the first DLT (the last one repeats).
    safety_cutoff : float, optional
        Stop with no MTD when ``Pr(p_1 > target | data) > safety_cutoff``.
    stop_n_at_dose : int, optional
        Stop when the dose recommended next already has this many patients.
    """

    target: float
    skeleton: tuple[float, ...]
    max_n: int
    cohort_size: int = 3
    model: Model = "empiric"
    prior_var: float = 1.34
    intercept: float = 3.0
    start_dose: int = 1
    restrict: bool = True
    startup: tuple[int, ...] | None = None
    safety_cutoff: float | None = None
    stop_n_at_dose: int | None = None
    grid_points: int | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        check_target(self.target)
        check_int("cohort_size", self.cohort_size, 1, high=MAX_COHORT_SIZE)
        check_int("max_n", self.max_n, 1, high=MAX_PATIENTS)
        if len(self.skeleton) > MAX_DOSES:
            check_int("skeleton length", len(self.skeleton), 1, high=MAX_DOSES)
        sk = np.asarray(self.skeleton, dtype=float)
        object.__setattr__(self, "skeleton", tuple(float(v) for v in sk))
        if sk.ndim != 1 or sk.size < 1:
            raise DesignError(
                describe_problem("skeleton", self.skeleton, "one prior DLT probability per dose")
            )
        for j, v in enumerate(sk):
            if not 0 < v < 1:
                raise DesignError(
                    describe_problem(f"skeleton[dose {j + 1}]", float(v), "a probability in (0, 1)")
                )
            if j and v <= sk[j - 1]:
                raise DesignError(
                    describe_problem(
                        f"skeleton[dose {j + 1}]",
                        float(v),
                        f"more than dose {j} ({sk[j - 1]}): the skeleton must increase",
                    )
                )
        if self.model not in ("empiric", "logistic"):
            raise DesignError(describe_problem("model", self.model, "'empiric' or 'logistic'"))
        if self.model == "logistic" and not np.all(np.log(sk / (1 - sk)) - self.intercept < 0):
            raise DesignError(
                describe_problem("intercept", self.intercept, "larger than every logit(skeleton)")
            )
        if self.cohort_size < 1 or self.max_n < self.cohort_size or self.max_n % self.cohort_size:
            raise DesignError(
                describe_problem(
                    "max_n", self.max_n, f"a positive multiple of cohort_size = {self.cohort_size}"
                )
            )
        if not self.prior_var > 0:
            raise DesignError(describe_problem("prior_var", self.prior_var, "a positive variance"))
        if not 1 <= self.start_dose <= sk.size:
            raise DesignError(
                describe_problem("start_dose", self.start_dose, f"a dose in 1..{sk.size}")
            )
        if self.startup is not None:
            st = tuple(int(v) for v in self.startup)
            object.__setattr__(self, "startup", st)
            if (
                not st
                or any(not 1 <= v <= sk.size for v in st)
                or any(b < a for a, b in zip(st, st[1:], strict=False))
            ):
                raise DesignError(
                    describe_problem("startup", self.startup, "non-decreasing dose levels in range")
                )
        if self.safety_cutoff is not None and not 0 < self.safety_cutoff < 1:
            raise DesignError(
                describe_problem("safety_cutoff", self.safety_cutoff, "a probability in (0, 1)")
            )

    @property
    def n_doses(self) -> int:
        """Number of dose levels (the length of the skeleton)."""
        return len(self.skeleton)

    @property
    def name(self) -> str:
        """Design name used in results, e.g. ``"CRM (empiric)"``."""
        return f"CRM ({self.model})"

    # ----------------------------------------------------------------- model
    @property
    def n_grid(self) -> int:
        """Quadrature points: 241 (step 1/12) keeps the trapezoid error below 1e-9 while the
        posterior sd of beta exceeds the step, i.e. up to ~200 patients; more beyond."""
        if self.grid_points is not None:
            return int(self.grid_points)
        return GRID_POINTS if self.max_n <= 200 else 2 * int(120 * np.sqrt(self.max_n / 200)) + 1

    def _grid(self, prior_var: float) -> _Grid:
        g = np.linspace(-GRID_HALF_WIDTH, GRID_HALF_WIDTH, self.n_grid)
        h = g[1] - g[0]
        w = np.full(g.size, h)
        w[[0, -1]] = h / 2
        sk = np.asarray(self.skeleton)[:, None]
        scale = np.exp(g)[None, :]
        if self.model == "empiric":
            log_p = scale * np.log(sk)
            log_q = np.log(-np.expm1(log_p))
        else:
            eta = self.intercept + scale * (np.log(sk / (1 - sk)) - self.intercept)
            log_p = -np.logaddexp(0.0, -eta)
            log_q = -np.logaddexp(0.0, eta)
        s = np.sqrt(prior_var)
        return _Grid(
            g,
            log_p,
            log_q,
            -(g**2) / (2 * prior_var) + np.log(w),
            tail=float(s * np.sqrt(2 * np.pi) * ndtr(-GRID_HALF_WIDTH / s)),
            over_target=np.exp(log_p[0]) > self.target,
            log_pq=np.vstack([log_p, log_q]),
            moments=np.column_stack([np.ones_like(g), g, g**2, np.exp(log_p[0]) > self.target]),
        )

    @cached_property
    def _main_grid(self) -> _Grid:
        return self._grid(self.prior_var)

    @cached_property
    def _flat_grid(self) -> _Grid:
        return self._grid(500.0**2)

    def ptox(self, beta: np.ndarray) -> np.ndarray:
        """Model DLT probabilities at each dose for each value of beta (shape (..., K))."""
        b = np.asarray(beta, dtype=float)[..., None]
        sk = np.asarray(self.skeleton)
        if self.model == "empiric":
            return sk ** np.exp(b)
        x = np.log(sk / (1 - sk)) - self.intercept
        return 1.0 / (1.0 + np.exp(-self.intercept - np.exp(b) * x))

    def posterior(
        self, n: np.ndarray, y: np.ndarray, flat: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Posterior mean and variance of beta and Pr(p_1 > target) for rows of (n, y).

        The normalising integral includes the prior's mass beyond the grid (the likelihood
        taken at the grid ends), like dfcrm's integral over the whole real line.
        """
        n = np.atleast_2d(n)
        y = np.atleast_2d(y)
        if n.shape[0] > 64:
            # many simulated trials share the same data: integrate once per distinct state
            first, inverse = distinct_rows(n.astype(np.int64), y.astype(np.int64))
            mean, var, p_over = self._posterior_rows(n[first], y[first], flat)
            return mean[inverse], var[inverse], p_over[inverse]
        return self._posterior_rows(n, y, flat)

    def _posterior_rows(
        self, n: np.ndarray, y: np.ndarray, flat: bool, block: int = 128
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Posterior moments for rows of (n, y), ``block`` rows at a time.

        One matrix product gives the log posterior on the grid (counts and a column of ones
        against the stacked log p, log q and log prior); it is exponentiated in place and one
        more product gives the sums of w, w beta, w beta^2 and w over the target. Working in
        blocks that stay in the CPU cache makes this memory-bound step ~3x faster than whole
        arrays (benchmarks/bench_designs.py).
        """
        grid = self._flat_grid if flat else self._main_grid
        r, k = n.shape
        counts = np.empty((r, 2 * k + 1))
        counts[:, :k] = y
        counts[:, k : 2 * k] = n - y
        counts[:, -1] = 1.0
        design = np.vstack([grid.log_pq, grid.log_prior[None, :]])
        sums = np.empty((r, 4))
        ends = np.empty((r, 2))
        top = np.empty(r)
        buf = np.empty((min(block, r), design.shape[1]))
        for a in range(0, r, block):
            b = min(a + block, r)
            w = np.matmul(counts[a:b], design, out=buf[: b - a])
            m = w.max(axis=1)
            top[a:b] = m
            ends[a:b] = w[:, [0, -1]]
            np.subtract(w, m[:, None], out=w)
            np.exp(w, out=w)
            np.matmul(w, grid.moments, out=sums[a:b])
        # dfcrm integrates the normalising constant over the whole line: the prior's mass
        # beyond each grid end times the likelihood there
        lik_ends = np.exp(ends - grid.log_prior[[0, -1]] - top[:, None])
        den = sums[:, 0] + grid.tail * lik_ends.sum(axis=1)
        mean = sums[:, 1] / den
        var = sums[:, 2] / den - mean**2
        p_over = sums[:, 3] / sums[:, 0]
        return mean, var, p_over

    def _recommend(self, est: np.ndarray) -> np.ndarray:
        p = self.ptox(est)
        rec = np.argmin(np.abs(p - self.target), axis=-1)
        rec = np.where(np.all(p <= self.target, axis=-1), self.n_doses - 1, rec)
        rec = np.where(np.all(p >= self.target, axis=-1), 0, rec)
        return rec

    # ----------------------------------------------------------------- conduct
    def decide(self, outcomes: Any) -> Decision:
        """Next dose (or stop and MTD) after ``outcomes``, with the posterior and reasons."""
        k = self.n_doses
        out = parse_outcomes(outcomes, n_doses=k)
        n = np.zeros(k, dtype=np.int64)
        y = np.zeros(k, dtype=np.int64)
        highest = self.start_dose - 1
        for i, c in enumerate(out.cohorts):
            where = f"outcomes cohort {i + 1} ({c.token!r})"
            check_no_skip(where, c.dose, highest)
            if n.sum() + c.n > self.max_n:
                raise DesignError(
                    describe_problem(
                        where, f"{n.sum() + c.n} patients", f"at most max_n = {self.max_n}"
                    )
                )
            highest = max(highest, c.dose - 1)
            n[c.dose - 1] += c.n
            y[c.dose - 1] += c.n_dlt
        if not out.cohorts:
            first = self.startup[0] if self.startup else self.start_dose
            return Decision(
                first,
                False,
                None,
                (f"no patients treated yet: start at dose {first}",),
                tuple([0] * k),
                tuple([0] * k),
            )
        last = out.cohorts[-1]
        reasons: list[str] = []
        total = int(n.sum())
        any_dlt = y.sum() > 0
        nt, yt = tuple(int(v) for v in n), tuple(int(v) for v in y)
        if self.startup and not any_dlt and total < self.max_n:
            idx = min(len(out.cohorts), len(self.startup) - 1)
            nxt = self.startup[idx]
            return Decision(
                nxt,
                False,
                None,
                (f"start-up phase, no DLT yet: next start-up dose {nxt}",),
                nt,
                yt,
                last.dose,
            )
        flat = bool(self.startup) and y.sum() == n.sum()
        mean, var, p_over = self.posterior(n, y, flat=flat)
        est = float(mean[0])
        p_hat = self.ptox(np.array(est))
        rec = int(self._recommend(np.array(est))) + 1
        reasons.append(
            f"posterior mean of beta = {est:.4f} (variance {float(var[0]):.4f}); estimated DLT rates "
            + ", ".join(f"dose {j + 1} {v:.3f}" for j, v in enumerate(p_hat))
            + f"; closest to the target {self.target:g}: dose {rec}"
        )
        if self.safety_cutoff is not None and n[0] > 0 and p_over[0] > self.safety_cutoff:
            reasons.append(
                f"Pr(DLT rate at dose 1 > {self.target:g}) = {p_over[0]:.3f} > {self.safety_cutoff:g}: stop, no MTD"
            )
            return Decision(
                None, True, None, tuple(reasons), nt, yt, last.dose, tuple(map(float, p_hat))
            )
        if total >= self.max_n:
            reasons.append(
                f"{total} patients treated: maximum sample size reached; MTD = dose {rec}"
            )
            return Decision(
                None, True, rec, tuple(reasons), nt, yt, last.dose, tuple(map(float, p_hat))
            )
        nxt = rec
        if self.restrict:
            if last.n_dlt / last.n >= self.target and nxt > last.dose:
                reasons.append(
                    f"coherence: the last cohort had {last.n_dlt}/{last.n} DLTs (>= target): no escalation, stay at dose {last.dose}"
                )
                nxt = last.dose
            elif nxt > last.dose + 1:
                reasons.append(f"no skipping: escalate by one level only, to dose {last.dose + 1}")
                nxt = last.dose + 1
        if self.stop_n_at_dose is not None and n[nxt - 1] >= self.stop_n_at_dose:
            reasons.append(
                f"dose {nxt} already has {int(n[nxt - 1])} >= {self.stop_n_at_dose} patients: stop, MTD = dose {nxt}"
            )
            return Decision(
                None, True, nxt, tuple(reasons), nt, yt, last.dose, tuple(map(float, p_hat))
            )
        return Decision(
            nxt, False, None, tuple(reasons), nt, yt, last.dose, tuple(map(float, p_hat))
        )

    def decision_table(self) -> pd.DataFrame:
        """Next dose for every DLT count in a cohort at each dose, for a fresh trial.

        The CRM's decisions depend on all doses' data, so its "table" is the dose after the
        first cohort: one row per (dose, DLTs in the first cohort).
        """
        rows = []
        for d in range(1, self.n_doses + 1):
            for x in range(self.cohort_size + 1):
                letters = "T" * x + "N" * (self.cohort_size - x)
                dec = self.decide(f"{d}{letters}")
                rows.append(
                    {
                        "n": self.cohort_size,
                        "dose": d,
                        "n_dlt": x,
                        "next_dose": dec.next_dose,
                        "action": dec.action,
                    }
                )
        return pd.DataFrame(rows)

    def _simulate_batch(self, p: np.ndarray, u: np.ndarray) -> TrialBatch:
        t = u.shape[0]
        k = self.n_doses
        cs = self.cohort_size
        rows = np.arange(t)
        n = np.zeros((t, k), dtype=np.int64)
        y = np.zeros((t, k), dtype=np.int64)
        startup = np.array(self.startup or (self.start_dose,), dtype=np.int64) - 1
        in_startup = np.full(t, self.startup is not None)
        d = np.full(t, startup[0])
        active = np.ones(t, dtype=bool)
        tox_stop = np.zeros(t, dtype=bool)
        selected = np.zeros(t, dtype=np.int64)
        n_cohorts = self.max_n // cs
        path = np.full((t, n_cohorts), -1, dtype=np.int64)
        for c in range(n_cohorts):
            path[:, c] = np.where(active, d, -1)
            cnt = (u[:, c * cs : (c + 1) * cs] < p[d][:, None]).sum(axis=1)
            n[rows, d] += cs * active
            y[rows, d] += cnt * active
            if c == n_cohorts - 1:
                break
            in_startup &= y.sum(axis=1) == 0
            idx = np.nonzero(active & ~in_startup)[0]
            nxt = np.where(in_startup, startup[min(c + 1, startup.size - 1)], d)
            if idx.size:
                flat = (y[idx].sum(axis=1) == n[idx].sum(axis=1)) & (self.startup is not None)
                est, _, p_over = self.posterior(n[idx], y[idx])
                if flat.any():
                    est_f, _, _ = self.posterior(n[idx][flat], y[idx][flat], flat=True)
                    est[flat] = est_f
                rec = self._recommend(est)
                last = d[idx]
                if self.restrict:
                    coherent = cnt[idx] / cs >= self.target
                    rec = np.where(coherent, np.minimum(rec, last), np.minimum(rec, last + 1))
                nxt[idx] = rec
                if self.safety_cutoff is not None:
                    unsafe = (n[idx, 0] > 0) & (p_over > self.safety_cutoff)
                    tox_stop[idx[unsafe]] = True
                    active[idx[unsafe]] = False
                if self.stop_n_at_dose is not None:
                    full = active[idx] & (n[idx, rec] >= self.stop_n_at_dose)
                    selected[idx[full]] = rec[full] + 1
                    active[idx[full]] = False
            d = np.where(active, nxt, d)
            if not active.any():
                break
        final = active.copy()
        idx = np.nonzero(final)[0]
        if idx.size:
            flat = (y[idx].sum(axis=1) == n[idx].sum(axis=1)) & (self.startup is not None)
            est, _, _ = self.posterior(n[idx], y[idx])
            if flat.any():
                est[flat] = self.posterior(n[idx][flat], y[idx][flat], flat=True)[0]
            selected[idx] = self._recommend(est) + 1
        selected[tox_stop] = 0
        return TrialBatch(selected=selected, n=n, dlt=y, stopped_early=tox_stop, cohort_dose=path)

    def simulate(
        self,
        true_dlt: Sequence[float],
        n_trials: int = 1000,
        seed: int = 0,
        chunk_size: int = 10000,
        progress: Callable[[int], None] | None = None,
    ) -> OperatingCharacteristics:
        """Operating characteristics by simulation (all trials of a chunk at once).

        The posterior products run on one BLAS thread (threadpoolctl): they are small and many,
        so more threads only add overhead, and parallel work is done by processes (sweeps).
        """
        from threadpoolctl import threadpool_limits

        p = check_true_dlt(true_dlt, self.n_doses)
        with threadpool_limits(limits=1):
            return run_simulation(
                self.name,
                self._simulate_batch,
                p,
                self.max_n,
                n_trials,
                seed,
                chunk_size=chunk_size,
                target=self.target,
                progress=progress,
            )
