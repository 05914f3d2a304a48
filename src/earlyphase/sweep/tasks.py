"""Sweep tasks: a cell's trials cut into whole random-number blocks, run anywhere.

A task is plain data (picklable, small) naming a cell and a range of blocks of
:data:`earlyphase.designs.simulate.BLOCK_TRIALS` trials; :func:`run_task` rebuilds the design
and simulates those blocks from the cell's seed, so the sums of a cell's tasks are the sums of
the whole simulation whatever the partitioning, the backend or the worker that ran each task.
All sums are counts (whole numbers held exactly in float64), so adding them in any order gives
bit-identical operating characteristics. BLAS is pinned to one thread per task (threadpoolctl):
workers are processes, one per core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from earlyphase.designs.batch import batch_spec
from earlyphase.designs.simulate import BLOCK_TRIALS, SimulationSums, simulate_blocks
from earlyphase.designs.spec import design_from_spec
from earlyphase.sweep.grid import Grid

__all__ = ["Task", "TaskResult", "make_tasks", "run_task"]


@dataclass(frozen=True)
class Task:
    """Blocks ``first_block .. last_block - 1`` of cell ``cell`` (index in the grid)."""

    task_id: str
    cell: int
    design: dict[str, Any]
    true_dlt: tuple[float, ...]
    n_trials: int
    seed: int
    key: int
    first_block: int
    last_block: int


@dataclass(frozen=True)
class TaskResult:
    """The sums of one task's trials (JSON-ready lists)."""

    task_id: str
    cell: int
    n_trials: int
    sel_count: list[float]
    sum_n: list[float]
    sum_n2: list[float]
    sum_dlt: list[float]
    n_early: int
    sum_above: float

    def sums(self) -> SimulationSums:
        """As :class:`~earlyphase.designs.simulate.SimulationSums`."""
        return SimulationSums(
            self.n_trials,
            np.array(self.sel_count),
            np.array(self.sum_n),
            np.array(self.sum_n2),
            np.array(self.sum_dlt),
            self.n_early,
            self.sum_above,
        )


def make_tasks(grid: Grid) -> list[Task]:
    """Every task of the grid, cell by cell, ``trials_per_task`` trials (whole blocks) each."""
    n_blocks = -(-grid.n_trials // BLOCK_TRIALS)
    per = max(1, grid.trials_per_task // BLOCK_TRIALS)
    tasks = []
    for i, cell in enumerate(grid.cells):
        for b in range(0, n_blocks, per):
            last = min(b + per, n_blocks)
            tasks.append(
                Task(
                    f"{cell.key:016x}-{b:06d}-{last:06d}",
                    i,
                    cell.design,
                    cell.true_dlt,
                    grid.n_trials,
                    grid.seed,
                    cell.key,
                    b,
                    last,
                )
            )
    return tasks


def run_task(task: Task) -> TaskResult:
    """Simulate one task's blocks (on one BLAS thread)."""
    from threadpoolctl import threadpool_limits

    design = design_from_spec(task.design, len(task.true_dlt))
    spec = batch_spec(design)
    p = np.asarray(task.true_dlt, dtype=float)
    root = np.random.SeedSequence(task.seed, spawn_key=(task.key,))
    with threadpool_limits(limits=1):
        s = simulate_blocks(
            spec.simulate,
            p,
            spec.max_n,
            task.n_trials,
            root,
            blocks=range(task.first_block, task.last_block),
            target=spec.target,
        )
    return TaskResult(
        task.task_id,
        task.cell,
        s.n_trials,
        s.sel_count.tolist(),
        s.sum_n.tolist(),
        s.sum_n2.tolist(),
        s.sum_dlt.tolist(),
        s.n_early,
        s.sum_above,
    )
