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

__all__ = ["BLOCK_TRIALS", "TrialBatch", "run_simulation", "patient_uniforms"]

#: Trials per random-number block (fixed: changing it changes the random streams).
BLOCK_TRIALS = 1000

#: A simulator maps (true DLT probabilities, uniforms of shape (trials, max_patients)) to a batch.
BatchSimulator = Callable[[np.ndarray, np.ndarray], "TrialBatch"]


@dataclass(frozen=True)
class TrialBatch:
    """Results of a batch of simulated trials.

    ``selected``: shape (T,), 0 = no MTD, j = dose j; ``n`` and ``dlt``: shape (T, K);
    ``stopped_early``: shape (T,), True when stopped for toxicity.
    """

    selected: np.ndarray
    n: np.ndarray
    dlt: np.ndarray
    stopped_early: np.ndarray


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
    n_trials = int(n_trials)
    k = true_dlt.size
    blocks_per_chunk = max(1, -(-int(chunk_size) // BLOCK_TRIALS))
    n_blocks = -(-n_trials // BLOCK_TRIALS)
    children = np.random.SeedSequence(seed).spawn(n_blocks)

    sel_count = np.zeros(k + 1)
    sum_n = np.zeros(k)
    sum_n2 = np.zeros(k)
    sum_dlt = np.zeros(k)
    n_early = 0
    above = true_dlt > target if target is not None else np.zeros(k, dtype=bool)
    sum_above = 0.0
    done = 0
    for start in range(0, n_blocks, blocks_per_chunk):
        parts = []
        for b in range(start, min(start + blocks_per_chunk, n_blocks)):
            size = min(BLOCK_TRIALS, n_trials - b * BLOCK_TRIALS)
            parts.append(np.random.default_rng(children[b]).random((size, max_patients)))
        u = np.concatenate(parts)
        batch = simulator(true_dlt, u)
        sel_count += np.bincount(batch.selected, minlength=k + 1)
        sum_n += batch.n.sum(axis=0)
        sum_n2 += (batch.n.astype(float) ** 2).sum(axis=0)
        sum_dlt += batch.dlt.sum(axis=0)
        n_early += int(batch.stopped_early.sum())
        sum_above += float(batch.n[:, above].sum())
        done += u.shape[0]
        if progress is not None:
            progress(done)
    p_select = sel_count / n_trials
    mean_n = sum_n / n_trials
    var_n = np.maximum(sum_n2 / n_trials - mean_n**2, 0.0)
    total = float(sum_n.sum())
    return OperatingCharacteristics(
        design=name,
        true_dlt=true_dlt.copy(),
        p_select=p_select,
        mean_n=mean_n,
        mean_dlt=sum_dlt / n_trials,
        expected_n_total=total / n_trials,
        expected_dlt_total=float(sum_dlt.sum()) / n_trials,
        p_stop_early=n_early / n_trials,
        pct_treated_above_mtd=100.0 * sum_above / total
        if target is not None and total > 0
        else float("nan"),
        n_trials=n_trials,
        se_p_select=np.sqrt(p_select * (1 - p_select) / n_trials),
        se_mean_n=np.sqrt(var_n / n_trials),
        target=target,
    )
