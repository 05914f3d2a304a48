"""Chunked, reproducible Monte Carlo driver shared by all designs.

Every simulated patient carries a latent uniform "tolerance" ``u``; the patient has a DLT at
dose ``d`` when ``u < p_d`` (as in ``escalation``'s ``PatientSample``).  Trials are grouped in
fixed blocks of :data:`BLOCK_TRIALS`; block ``b`` draws its uniforms from child ``b`` of
``numpy.random.SeedSequence(seed)``.  Blocks are simulated in chunks to keep memory flat, and
because blocks, not chunks, own the random streams, the same seed gives the same results for
any chunk size.  Different designs given the same seed see the same patients (common random
numbers), which sharpens comparisons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from earlyphase.designs.base import check_int
from earlyphase.designs.operating_characteristics import OperatingCharacteristics
from earlyphase.errors import DesignError, describe_problem
from earlyphase.limits import MAX_TRIALS, check_seed

__all__ = [
    "BLOCK_TRIALS",
    "SimulationSums",
    "TrialBatch",
    "patient_uniforms",
    "run_simulation",
    "simulate_blocks",
    "summarise_sums",
]

#: Trials per random-number block (fixed: changing it changes the random streams).
BLOCK_TRIALS = 1000

#: A simulator maps (true DLT probabilities, uniforms of shape (trials, max_patients)) to a batch.
BatchSimulator = Callable[[np.ndarray, np.ndarray], "TrialBatch"]


@dataclass(frozen=True)
class TrialBatch:
    """Results of a batch of simulated trials.

    ``selected``: shape (T,), 0 = no MTD, j = dose j; ``n`` and ``dlt``: shape (T, K);
    ``stopped_early``: shape (T,), True when stopped for toxicity; ``cohort_dose``: shape
    (T, C), the 0-based dose of cohort ``c`` (-1 once the trial has stopped), whose patients
    are the uniforms' columns ``c * cohort_size .. (c + 1) * cohort_size - 1`` (the whole-trial
    simulation places patients on the calendar from it).
    """

    selected: np.ndarray
    n: np.ndarray
    dlt: np.ndarray
    stopped_early: np.ndarray
    cohort_dose: np.ndarray | None = None


def patient_uniforms(
    seed: int | np.random.SeedSequence, n_trials: int, max_patients: int
) -> np.ndarray:
    """All the latent uniforms of ``n_trials`` trials, block by block (for tests and loops)."""
    parts = []
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    n_blocks = -(-n_trials // BLOCK_TRIALS)
    for b, child in enumerate(root.spawn(n_blocks)):
        size = min(BLOCK_TRIALS, n_trials - b * BLOCK_TRIALS)
        parts.append(np.random.default_rng(child).random((size, max_patients)))
    return np.concatenate(parts) if parts else np.zeros((0, max_patients))


@dataclass(frozen=True)
class SimulationSums:
    """Sums over simulated trials, from which operating characteristics follow.

    Sums of counts are whole numbers held exactly in float64, so adding the sums of disjoint
    block ranges in any order gives bit-identical results: a simulation can be split over
    workers (:func:`simulate_blocks`) and merged (``+``) without changing a digit.
    """

    n_trials: int
    sel_count: np.ndarray
    sum_n: np.ndarray
    sum_n2: np.ndarray
    sum_dlt: np.ndarray
    n_early: int
    sum_above: float

    def __add__(self, other: SimulationSums) -> SimulationSums:
        return SimulationSums(
            self.n_trials + other.n_trials,
            self.sel_count + other.sel_count,
            self.sum_n + other.sum_n,
            self.sum_n2 + other.sum_n2,
            self.sum_dlt + other.sum_dlt,
            self.n_early + other.n_early,
            self.sum_above + other.sum_above,
        )

    @classmethod
    def zero(cls, k: int) -> SimulationSums:
        """Sums of no trial over ``k`` doses."""
        z = np.zeros(k)
        return cls(0, np.zeros(k + 1), z, z.copy(), z.copy(), 0, 0.0)


def simulate_blocks(
    simulator: BatchSimulator,
    true_dlt: np.ndarray,
    max_patients: int,
    n_trials: int,
    seed: int | np.random.SeedSequence,
    blocks: range | None = None,
    blocks_per_chunk: int = 20,
    target: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationSums:
    """Simulate the trials of some random-number blocks of an ``n_trials`` simulation.

    Block ``b`` holds trials ``b * BLOCK_TRIALS ..`` and draws from child ``b`` of
    ``SeedSequence(seed)``; ``blocks`` (default: all) picks which blocks to run, so workers
    can share one simulation and their :class:`SimulationSums` add up to the whole.
    """
    n_trials = int(n_trials)
    k = true_dlt.size
    n_blocks = -(-n_trials // BLOCK_TRIALS)
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    todo = range(n_blocks) if blocks is None else blocks
    above = true_dlt > target if target is not None else np.zeros(k, dtype=bool)
    sums = SimulationSums.zero(k)
    done = 0
    ids = list(todo)
    for start in range(0, len(ids), max(1, int(blocks_per_chunk))):
        parts = []
        for b in ids[start : start + max(1, int(blocks_per_chunk))]:
            size = min(BLOCK_TRIALS, n_trials - b * BLOCK_TRIALS)
            child = np.random.SeedSequence(
                root.entropy, spawn_key=(*root.spawn_key, b), pool_size=root.pool_size
            )
            parts.append(np.random.default_rng(child).random((size, max_patients)))
        u = np.concatenate(parts)
        batch = simulator(true_dlt, u)
        sums = sums + SimulationSums(
            u.shape[0],
            np.bincount(batch.selected, minlength=k + 1).astype(float),
            batch.n.sum(axis=0).astype(float),
            (batch.n.astype(float) ** 2).sum(axis=0),
            batch.dlt.sum(axis=0).astype(float),
            int(batch.stopped_early.sum()),
            float(batch.n[:, above].sum()),
        )
        done += u.shape[0]
        if progress is not None:
            progress(done)
    return sums


def summarise_sums(
    name: str, true_dlt: np.ndarray, sums: SimulationSums, target: float | None = None
) -> OperatingCharacteristics:
    """Operating characteristics from the sums of all trials of a simulation."""
    n_trials = sums.n_trials
    p_select = sums.sel_count / n_trials
    mean_n = sums.sum_n / n_trials
    var_n = np.maximum(sums.sum_n2 / n_trials - mean_n**2, 0.0)
    total = float(sums.sum_n.sum())
    return OperatingCharacteristics(
        design=name,
        true_dlt=true_dlt.copy(),
        p_select=p_select,
        mean_n=mean_n,
        mean_dlt=sums.sum_dlt / n_trials,
        expected_n_total=total / n_trials,
        expected_dlt_total=float(sums.sum_dlt.sum()) / n_trials,
        p_stop_early=sums.n_early / n_trials,
        pct_treated_above_mtd=100.0 * sums.sum_above / total
        if target is not None and total > 0
        else float("nan"),
        n_trials=n_trials,
        se_p_select=np.sqrt(p_select * (1 - p_select) / n_trials),
        se_mean_n=np.sqrt(var_n / n_trials),
        target=target,
    )


def run_simulation(
    name: str,
    simulator: BatchSimulator,
    true_dlt: np.ndarray,
    max_patients: int,
    n_trials: int,
    seed: int,
    chunk_size: int = 20 * BLOCK_TRIALS,
    target: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> OperatingCharacteristics:
    """Simulate ``n_trials`` trials in chunks and summarise them.

    Parameters
    ----------
    name : str
        Design name for the result.
    simulator : callable
        ``simulator(true_dlt, uniforms) -> TrialBatch``, vectorised across trials.
    true_dlt : array of shape (K,)
    max_patients : int
        Largest number of patients a trial can enrol (columns of the uniforms).
    n_trials, seed : int
    chunk_size : int
        Trials simulated at once (rounded up to a multiple of :data:`BLOCK_TRIALS`); does not
        change the results.
    target : float, optional
        Target DLT rate, for the share of patients treated at doses above it.
    progress : callable, optional
        Called with the number of trials finished after each block (for progress bars).
    """
    n_trials = check_int("n_trials", n_trials, 1, "a positive integer", high=MAX_TRIALS)
    check_seed("seed", seed)
    if int(chunk_size) < 1:
        raise DesignError(describe_problem("chunk_size", chunk_size, "a positive integer"))
    sums = simulate_blocks(
        simulator,
        true_dlt,
        max_patients,
        int(n_trials),
        seed,
        blocks_per_chunk=-(-int(chunk_size) // BLOCK_TRIALS),
        target=target,
        progress=progress,
    )
    return summarise_sums(name, true_dlt, sums, target)
