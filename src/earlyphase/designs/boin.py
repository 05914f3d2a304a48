"""Bayesian optimal interval (BOIN) design (Liu & Yuan 2015; Yuan et al. 2016).

Behaviour follows the R package ``BOIN`` 2.7.2 (``get.boundary``, ``get.oc``, ``select.mtd``):

* boundaries ``lambda_e = log((1-phi1)/(1-phi)) / log(phi(1-phi1) / (phi1(1-phi)))`` and
  ``lambda_d = log((1-phi)/(1-phi2)) / log(phi2(1-phi) / (phi(1-phi2)))`` with
  ``phi1 = 0.6 phi``, ``phi2 = 1.4 phi``; escalate if ``y <= floor(lambda_e n)``,
  de-escalate if ``y >= ceil(lambda_d n)`` (``+1`` when ``lambda_d n`` is an integer), the
  de-escalation cut capped at the elimination cut;
* elimination of the current and higher doses when ``n >= 3`` and
  ``Pr(p > phi | y, n) > cutoff_eli`` under Beta(1, 1); the trial stops when dose 1 goes;
* ``extrasafe``: also stop when ``Pr(p_1 > phi) > cutoff_eli - offset`` at the lowest dose;
* ``n_earlystop`` (2.6.8+ semantics): stop once the current dose has that many patients and the
  next decision would be to stay (or a move is impossible);
* the final cohort is not followed by a decision; the MTD is selected by isotonic regression
  (see :func:`earlyphase.designs.mtd_selection.select_mtd`).

``stay_on_1_of_3=True`` turns "de-escalate after 1 DLT in 3" (which BOIN gives for
phi = 0.25, since 1/3 > lambda_d = 0.298) into "stay", a variant used in some published
comparisons of BOIN with the 3+3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from earlyphase.designs.base import Decision, check_int, check_target
from earlyphase.designs.interval import (
    IntervalDesign,
    IntervalRules,
    decide_interval,
    overdose_boundary,
)
from earlyphase.errors import DesignError, describe_problem
from earlyphase.limits import MAX_COHORT_SIZE, MAX_DOSES, MAX_PATIENTS

__all__ = ["BOIN", "boin_lambdas"]


def boin_lambdas(
    target: float, p_saf: float | None = None, p_tox: float | None = None
) -> tuple[float, float]:
    """BOIN escalation and de-escalation boundaries (lambda_e, lambda_d) (Liu & Yuan 2015, eq. 2)."""
    phi = target
    phi1 = 0.6 * phi if p_saf is None else p_saf
    phi2 = 1.4 * phi if p_tox is None else p_tox
    lam_e = math.log((1 - phi1) / (1 - phi)) / math.log(phi * (1 - phi1) / (phi1 * (1 - phi)))
    lam_d = math.log((1 - phi) / (1 - phi2)) / math.log(phi2 * (1 - phi) / (phi * (1 - phi2)))
    return lam_e, lam_d


@dataclass(frozen=True)
class BOIN(IntervalDesign):
    """BOIN design for a single agent.

    Parameters
    ----------
    target : float
        Target DLT rate phi, in (0, 1) (the R package accepts 0.05..0.6).
    n_doses : int
    cohort_size, n_cohorts : int
        Maximum sample size is ``cohort_size * n_cohorts``.
    n_earlystop : int
        Stop when this many patients are at the current dose and the decision is "stay"
        (100 = never, as in BOIN).
    cutoff_eli : float
        Posterior probability cut-off for eliminating doses (0.95).
    extrasafe : bool
        Stricter stopping at the lowest dose (``cutoff_eli - offset``).
    stay_on_1_of_3 : bool
        Stay (not de-escalate) after 1 DLT in 3 patients.
    start_dose : int
        1-based starting dose.
    p_saf, p_tox : float, optional
        phi1 and phi2 (default 0.6 phi and 1.4 phi).
    offset : float
        Offset for ``extrasafe`` (0.05).
    bound_mtd : bool
        Only select an MTD whose isotonic estimate is <= lambda_d (BOIN ``boundMTD``).
    """

    target: float
    n_doses: int
    cohort_size: int = 3
    n_cohorts: int = 10
    n_earlystop: int = 100
    cutoff_eli: float = 0.95
    extrasafe: bool = False
    stay_on_1_of_3: bool = False
    start_dose: int = 1
    p_saf: float | None = None
    p_tox: float | None = None
    offset: float = 0.05
    bound_mtd: bool = False

    def __post_init__(self) -> None:
        check_target(self.target)
        check_int("n_doses", self.n_doses, 1, high=MAX_DOSES)
        check_int("cohort_size", self.cohort_size, 1, high=MAX_COHORT_SIZE)
        check_int("n_cohorts", self.n_cohorts, 1, high=MAX_PATIENTS)
        check_int("max_n", self.cohort_size * self.n_cohorts, 1, high=MAX_PATIENTS)
        check_int("n_earlystop", self.n_earlystop, 1, high=MAX_PATIENTS)
        check_int("start_dose", self.start_dose, 1, high=MAX_DOSES)
        if self.start_dose > self.n_doses:
            raise DesignError(
                describe_problem("start_dose", self.start_dose, f"a dose in 1..{self.n_doses}")
            )
        if not 0.0 < self.cutoff_eli < 1.0:
            raise DesignError(
                describe_problem("cutoff_eli", self.cutoff_eli, "a probability in (0, 1)")
            )
        phi1 = 0.6 * self.target if self.p_saf is None else self.p_saf
        phi2 = 1.4 * self.target if self.p_tox is None else self.p_tox
        if not 0 < phi1 <= self.target - 0.1 * self.target:
            raise DesignError(describe_problem("p_saf", phi1, "a rate in (0, 0.9 * target]"))
        if not self.target + 0.1 * self.target <= phi2 < 1:
            raise DesignError(describe_problem("p_tox", phi2, "a rate in [1.1 * target, 1)"))
        if not 0 <= self.offset < 0.5:
            raise DesignError(describe_problem("offset", self.offset, "a number in [0, 0.5)"))

    @property
    def name(self) -> str:
        """Design name used in results: ``"BOIN"``."""
        return "BOIN"

    @property
    def lambdas(self) -> tuple[float, float]:
        """(lambda_e, lambda_d)."""
        return boin_lambdas(self.target, self.p_saf, self.p_tox)

    @cached_property
    def rules(self) -> IntervalRules:
        """The decision lookup tables (indexed by the number of patients at the dose)."""
        lam_e, lam_d = self.lambdas
        n = np.arange(0, self.max_n + 1)
        esc = np.floor(lam_e * n).astype(np.int64)
        raw = lam_d * n
        de = np.where(np.abs(np.round(raw) - raw) < 1e-12, np.round(raw) + 1, np.ceil(raw)).astype(
            np.int64
        )
        elim = overdose_boundary(self.target, self.max_n, self.cutoff_eli)
        de = np.minimum(de, elim)
        if self.stay_on_1_of_3 and self.max_n >= 3:
            de[3] = max(int(de[3]), 2)
        return self._conduct_rules(esc, de, elim, lambda_d=lam_d, bound_mtd=self.bound_mtd)

    def decide(self, outcomes: Any) -> Decision:
        """Next dose (or stop and MTD) after the cohorts in ``outcomes``, with reasons."""
        lam_e, lam_d = self.lambdas

        def explain(n: int, y: int) -> str:
            return f"lambda_e = {lam_e:.4f}, lambda_d = {lam_d:.4f}"

        return decide_interval(self.rules, outcomes, explain)
