"""Simulation sweeps: every design x scenario of a grid, on local processes or a Dask cluster.

>>> from earlyphase.sweep import run_sweep                                  # doctest: +SKIP
>>> run_sweep("grid.yaml", "out/", backend="dask", workers=2).results       # doctest: +SKIP

See :mod:`earlyphase.sweep.grid` for the grid format and ``docs/sweeps.md``.
"""

from earlyphase.sweep.grid import Cell, Grid, load_grid
from earlyphase.sweep.run import SweepResult, run_sweep
from earlyphase.sweep.tasks import Task, TaskResult, make_tasks, run_task

__all__ = [
    "Cell",
    "Grid",
    "SweepResult",
    "Task",
    "TaskResult",
    "load_grid",
    "make_tasks",
    "run_sweep",
    "run_task",
]
