"""Where sweep tasks run: local processes, or a Dask cluster.

Both backends take the same tasks and yield results as they complete; neither changes a number
(each task carries its own seed). ``local`` runs ``workers`` processes
(``concurrent.futures.ProcessPoolExecutor``; ``workers=1`` runs in this process). ``dask``
submits to a ``dask.distributed`` scheduler — an existing one by address, or a
``LocalCluster`` of ``workers`` single-threaded processes started for the sweep. A cluster made
by dask-jobqueue (SLURM, PBS) or dask-kubernetes is used by passing its scheduler address (or
its ``Client``); see ``docs/sweeps.md``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from earlyphase.errors import OptionsError, describe_problem

__all__ = ["BACKENDS", "connect_dask", "run_dask", "run_local"]

BACKENDS = ("local", "dask")


def run_local(fn: Callable[[Any], Any], tasks: Iterable[Any], workers: int) -> Iterator[Any]:
    """Run ``fn`` on every task in ``workers`` local processes; yield results as they finish."""
    tasks = list(tasks)
    if workers == 1:
        for t in tasks:
            yield fn(t)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(fn, t) for t in tasks]
        try:
            for f in as_completed(futures):
                yield f.result()
        finally:
            for f in futures:
                f.cancel()


def connect_dask(scheduler: str | None, workers: int, timeout_s: float = 10.0) -> Any:
    """A ``dask.distributed.Client``: to ``scheduler`` when given, else to a new LocalCluster
    of ``workers`` single-threaded worker processes (closed with the client).

    Raises
    ------
    OptionsError
        Dask is not installed, or the scheduler cannot be reached within ``timeout_s``.
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is a declared dependency
        raise OptionsError(
            describe_problem("--backend", "dask", "dask[distributed] installed")
        ) from None
    if scheduler:
        try:
            return Client(scheduler, timeout=timeout_s)
        except (OSError, TimeoutError, ValueError) as exc:
            raise OptionsError(
                describe_problem(
                    "--scheduler",
                    scheduler,
                    f"the address of a running Dask scheduler, reachable within {timeout_s:g} s "
                    f"({type(exc).__name__}: {exc})",
                )
            ) from None
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    client._earlyphase_owns_cluster = cluster  # type: ignore[attr-defined]
    return client


def close_dask(client: Any) -> None:
    """Close a client made by :func:`connect_dask` (and the LocalCluster it started)."""
    cluster = getattr(client, "_earlyphase_owns_cluster", None)
    with contextlib.suppress(Exception):
        client.close()
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close()


def run_dask(fn: Callable[[Any], Any], tasks: Iterable[Any], client: Any) -> Iterator[Any]:
    """Submit every task to the Dask ``client``; yield results as they finish."""
    from dask.distributed import as_completed as dask_completed

    futures = [client.submit(fn, t, pure=False) for t in tasks]
    try:
        for f in dask_completed(futures):
            yield f.result()
    finally:
        client.cancel([f for f in futures if not f.done()])
