"""One vectorised trial simulator per design, behind one interface.

Every design (3+3, BOIN, mTPI-2, Keyboard, CRM) simulates a batch of trials from a matrix of
latent patient uniforms (rows = trials, column ``j`` = the ``j``-th patient enrolled; a patient
has a DLT at dose ``d`` when ``u < p_d``). :func:`batch_spec` gives that simulator with what a
caller needs around it — the largest sample size, the cohort size and the target — so the
whole-trial simulation (``earlyphase.twin``) and sweeps run any design the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from earlyphase.designs.simulate import TrialBatch
from earlyphase.errors import DesignError, describe_problem

__all__ = ["BatchSpec", "batch_spec"]


@dataclass(frozen=True)
class BatchSpec:
    """What it takes to simulate trials of one design in batches.

    Attributes
    ----------
    name : str
        The design's name in results (``design.name``).
    n_doses, max_n, cohort_size : int
        Dose levels, largest escalation sample size (columns of the uniforms), cohort size.
    target : float or None
        Target DLT rate (None for the 3+3).
    simulate : callable
        ``simulate(true_dlt, uniforms) -> TrialBatch`` with ``cohort_dose`` filled.
    """

    name: str
    n_doses: int
    max_n: int
    cohort_size: int
    target: float | None
    simulate: Callable[[np.ndarray, np.ndarray], TrialBatch]


def batch_spec(design: Any) -> BatchSpec:
    """The batch simulator of ``design`` (any design of :mod:`earlyphase.designs`)."""
    from earlyphase.designs.interval import IntervalDesign, simulate_interval

    if isinstance(design, IntervalDesign):
        rules = design.rules
        return BatchSpec(
            design.name,
            design.n_doses,
            design.max_n,
            design.cohort_size,
            design.target,
            partial(simulate_interval, rules),
        )
    simulate = getattr(design, "_simulate_batch", None)
    if simulate is None:
        raise DesignError(
            describe_problem("design", type(design).__name__, "a design of earlyphase.designs")
        )
    return BatchSpec(
        design.name,
        design.n_doses,
        design.max_n,
        int(getattr(design, "cohort_size", 3)),
        getattr(design, "target", None),
        simulate,
    )
