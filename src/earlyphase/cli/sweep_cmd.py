"""The ``sweep`` command: every design x scenario of a grid, locally or on Dask."""

from __future__ import annotations

from pathlib import Path

import typer

_BACKEND = typer.Option("local", "--backend", "-b", help="local (processes) or dask.")
_SCHEDULER = typer.Option(
    None, "--scheduler", help="Address of a running Dask scheduler (tcp://host:8786)."
)
_WORKERS = typer.Option(
    2, "--workers", "-w", help="Local processes, or workers of the Dask LocalCluster."
)
_GRID = typer.Argument(..., help="Grid YAML file (designs, scenarios, n_trials, seed).")
_OUT = typer.Option(..., "--out", "-o", help="Output folder (rerun the command to resume).")


def sweep_cmd(
    grid: Path = _GRID,
    backend: str = _BACKEND,
    scheduler: str = _SCHEDULER,
    workers: int = _WORKERS,
    out: Path = _OUT,
) -> None:
    """Simulate every design under every scenario of GRID; write results.parquet and summaries."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from earlyphase.sweep import load_grid, run_sweep

    g = load_grid(grid)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=False,
    ) as bar:
        job = bar.add_task(f"{len(g.cells)} cells x {g.n_trials} trials: tasks", total=None)

        def step(done: int, total: int) -> None:
            bar.update(job, completed=done, total=total)

        result = run_sweep(
            g, out, backend=backend, workers=workers, scheduler=scheduler, progress=step
        )
    resumed = f" ({result.n_resumed} resumed)" if result.n_resumed else ""
    typer.echo(
        f"{result.n_tasks} tasks{resumed}; wrote {out / 'results.parquet'} "
        f"({len(result.results)} rows), summary.csv, summary.html, selection.png"
    )


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` command to ``app``."""
    app.command("sweep")(sweep_cmd)
