"""The sweep's output folder: a manifest, one small file per finished task, the results.

Layout of ``DIR``::

    sweep.json            the grid (canonical) and its fingerprint, written before any task runs
    tasks/<task_id>.json  one per finished task, written atomically as soon as it completes
    results.parquet       one row per (design, scenario, dose), written when every task is done
    summary.csv, summary.html, selection.png

A sweep that is stopped part-way is resumed by running the same command again: tasks with a
file are not recomputed. A folder holding another grid's sweep is refused.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from earlyphase._files import atomic_write
from earlyphase.errors import OptionsError, describe_problem
from earlyphase.sweep.grid import Grid
from earlyphase.sweep.tasks import TaskResult

__all__ = ["SweepStore"]


class SweepStore:
    """Reads and writes a sweep's folder (see the module docstring)."""

    def __init__(self, out: str | Path, grid: Grid) -> None:
        self.out = Path(out)
        self.grid = grid

    @property
    def manifest(self) -> Path:
        """``DIR/sweep.json``."""
        return self.out / "sweep.json"

    @property
    def task_dir(self) -> Path:
        """``DIR/tasks``."""
        return self.out / "tasks"

    def check(self) -> None:
        """Refuse a folder that is a file or holds another grid's sweep (writes nothing)."""
        if self.out.exists() and not self.out.is_dir():
            raise OptionsError(describe_problem("--out", str(self.out), "a folder"))
        if self.manifest.is_file():
            try:
                old = json.loads(self.manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = {}
            if old.get("fingerprint") != self.grid.fingerprint():
                raise OptionsError(
                    describe_problem(
                        "--out",
                        str(self.out),
                        "an empty folder or one holding a sweep of this same grid (to resume)",
                    )
                )

    def start(self) -> None:
        """Write the manifest (once the grid and the backend are known to be good)."""
        self.task_dir.mkdir(parents=True, exist_ok=True)
        if not self.manifest.is_file():
            body = {"fingerprint": self.grid.fingerprint(), "grid": self.grid.source}
            with atomic_write(self.manifest) as fh:
                json.dump(body, fh, indent=1, sort_keys=True)

    def done(self) -> dict[str, TaskResult]:
        """Finished tasks already stored (unreadable files are ignored: they are rerun)."""
        out: dict[str, TaskResult] = {}
        if not self.task_dir.is_dir():
            return out
        for path in self.task_dir.glob("*.json"):
            try:
                result = TaskResult(**json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                continue
            out[result.task_id] = result
        return out

    def save(self, result: TaskResult) -> None:
        """Store one finished task (atomically)."""
        with atomic_write(self.task_dir / f"{result.task_id}.json") as fh:
            json.dump(dataclasses.asdict(result), fh)
