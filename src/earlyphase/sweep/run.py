"""Run a sweep: validate everything, then run the tasks not yet stored, then write results.

Order of work (so bad input writes nothing): read and validate the grid (every cell's design
is built), check the output folder, connect the backend (an unreachable Dask scheduler is an
error here), and only then write the manifest and start tasks. Each finished task is stored at
once (:class:`~earlyphase.sweep.store.SweepStore`), so a killed sweep resumes where it stopped.
Memory stays flat in the number of trials: a task holds one chunk of trials at a time and
returns only sums.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from earlyphase._files import atomic_path
from earlyphase.designs.simulate import SimulationSums
from earlyphase.errors import OptionsError, describe_problem
from earlyphase.limits import MAX_WORKERS, check_count
from earlyphase.sweep.backends import BACKENDS, close_dask, connect_dask, run_dask, run_local
from earlyphase.sweep.grid import Grid, load_grid
from earlyphase.sweep.store import SweepStore
from earlyphase.sweep.summary import results_frame, write_summaries
from earlyphase.sweep.tasks import TaskResult, make_tasks, run_task

__all__ = ["SweepResult", "run_sweep"]


@dataclass(frozen=True)
class SweepResult:
    """What a finished sweep wrote.

    Attributes
    ----------
    results : DataFrame
        The ``results.parquet`` table.
    out : Path
    n_tasks, n_resumed : int
        Tasks in the grid, and how many were already stored (not recomputed).
    """

    results: pd.DataFrame
    out: Path
    n_tasks: int
    n_resumed: int

    def to_frame(self) -> pd.DataFrame:
        """The results table."""
        return self.results.copy()


def run_sweep(
    grid: str | Path | Mapping[str, Any] | Grid,
    out: str | Path,
    backend: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    client: Any = None,
    progress: Callable[[int, int], None] | None = None,
    connect_timeout_s: float = 10.0,
) -> SweepResult:
    """Run every design x scenario of ``grid`` and write ``out/results.parquet`` and summaries.

    Parameters
    ----------
    grid : path, mapping or Grid
        The grid (see :mod:`earlyphase.sweep.grid`).
    out : path
        Output folder (created; a folder holding this grid's unfinished sweep is resumed).
    backend : {"local", "dask"}
    workers : int
        Local processes, or workers of the LocalCluster the dask backend starts.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); dask backend only.
    client : dask.distributed.Client, optional
        An existing client to submit to (e.g. a dask-jobqueue cluster's); dask backend only.
    progress : callable, optional
        ``progress(done, total)`` after each task (tasks, including resumed ones).
    connect_timeout_s : float
        How long to try reaching ``scheduler`` before giving up (nothing is written then).
    """
    g = grid if isinstance(grid, Grid) else load_grid(grid)
    if backend not in BACKENDS:
        raise OptionsError(describe_problem("--backend", backend, " or ".join(BACKENDS)))
    workers = check_count("--workers", workers, MAX_WORKERS, what="workers")
    if backend == "local" and (scheduler or client is not None):
        raise OptionsError(describe_problem("--scheduler", scheduler, "only with --backend dask"))
    store = SweepStore(out, g)
    store.check()
    tasks = make_tasks(g)
    done = {k: v for k, v in store.done().items() if k in {t.task_id for t in tasks}}
    todo = [t for t in tasks if t.task_id not in done]
    own_client = None
    if backend == "dask" and client is None and todo:
        client = own_client = connect_dask(scheduler, workers, connect_timeout_s)
    try:
        store.start()
        if progress is not None:
            progress(len(done), len(tasks))
        stream = (
            run_dask(run_task, todo, client)
            if backend == "dask" and todo
            else run_local(run_task, todo, workers)
        )
        for result in stream:
            store.save(result)
            done[result.task_id] = result
            if progress is not None:
                progress(len(done), len(tasks))
    finally:
        if own_client is not None:
            close_dask(own_client)
    results = results_frame(g, _cell_sums(g, done.values()))
    out_dir = Path(out)
    with atomic_path(out_dir / "results.parquet") as tmp:
        results.to_parquet(tmp, index=False)
    write_summaries(results, out_dir)
    return SweepResult(results, out_dir, len(tasks), len(tasks) - len(todo))


def _cell_sums(grid: Grid, results: Any) -> dict[int, SimulationSums]:
    """Each cell's task sums added in task order (exact: the sums are whole numbers)."""
    by_cell: dict[int, list[TaskResult]] = {}
    for r in results:
        by_cell.setdefault(r.cell, []).append(r)
    out = {}
    for i, cell in enumerate(grid.cells):
        parts = sorted(by_cell.get(i, []), key=lambda r: r.task_id)
        total = SimulationSums.zero(len(cell.true_dlt))
        for r in parts:
            total = total + r.sums()
        if total.n_trials != grid.n_trials:  # pragma: no cover - guarded by make_tasks
            raise OptionsError(
                describe_problem(
                    f"cell {cell.design_label} x {cell.scenario}",
                    total.n_trials,
                    f"{grid.n_trials} trials",
                )
            )
        out[i] = total
    return out
