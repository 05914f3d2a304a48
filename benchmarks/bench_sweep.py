"""Speed of the sweep machinery (plain script: ``python benchmarks/bench_sweep.py [--quick]``).

Issue 15 targets, each measured against a reference in the same run (the machine may be shared):

1. BOIN, 5 doses x 30 patients (cohorts of 3): <= 2 us per simulated trial; reference = a
   plain one-trial-at-a-time Python loop of the same rules (``bench_designs.boin_loop``).
2. CRM, cohort size 1, 30 patients: <= 10 us per trial; reference = the dfcrm logic with
   ``scipy.integrate.quad`` one trial at a time (``bench_designs.crm_loop``).
3. A 3 designs x 20 scenarios x 10,000-trial sweep on 2 local workers: < 10 s; and the
   speed-up from 1 to 2 workers (>= 1.7x expected on 2 idle cores).
4. Dask per-task overhead (LocalCluster, 2 single-threaded worker processes): < 50 ms.
5. Memory flat in the number of trials: peak traced memory of one task at 10,000 vs 100,000
   trials.

The load average is printed first: on a machine shared with other jobs the absolute times grow,
the ratios much less.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
from bench_designs import boin_loop, crm_loop  # noqa: E402

from earlyphase.designs import BOIN, CRM, getprior  # noqa: E402
from earlyphase.sweep import make_tasks, run_sweep, run_task  # noqa: E402
from earlyphase.sweep.grid import grid_from_mapping  # noqa: E402

P = np.array([0.05, 0.10, 0.20, 0.30, 0.45])


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def grid(n_trials: int, n_scenarios: int = 20) -> dict:
    rng = np.random.default_rng(7)
    scenarios = []
    for i in range(n_scenarios):
        p = np.sort(rng.uniform(0.01, 0.7, 5))
        scenarios.append({"name": f"S{i + 1}", "true_dlt": [round(float(v), 3) for v in p]})
    return {
        "designs": [
            {"name": "3+3", "variant": "de-escalate"},
            {"name": "boin", "target": 0.3, "cohort_size": 3, "n_cohorts": 10},
            {
                "name": "crm",
                "target": 0.3,
                "skeleton": [0.05, 0.12, 0.25, 0.40, 0.55],
                "max_n": 30,
                "cohort_size": 3,
            },
        ],
        "scenarios": scenarios,
        "n_trials": n_trials,
        "seed": 2026,
    }


def cores(quick: bool) -> None:
    rng = np.random.default_rng(1)
    n = 20000 if quick else 100000
    boin = BOIN(0.30, 5, cohort_size=3, n_cohorts=10)
    boin.simulate(P, 1000, seed=0)
    t_vec = best_of(lambda: boin.simulate(P, n, seed=0)) / n
    n_loop = 300
    t_loop = best_of(lambda: boin_loop(boin, P, n_loop, rng), repeat=1) / n_loop
    print(
        f"BOIN 5 doses x 30 pts     {t_vec * 1e6:8.2f} us/trial {1 / t_vec:>12,.0f} trials/s"
        f"   loop {t_loop * 1e6:9.1f} us/trial   ratio {t_loop / t_vec:6.0f}x   (target <= 2 us)"
    )
    crm = CRM(0.30, tuple(getprior(0.05, 0.30, 3, 5)), 30, cohort_size=1)
    crm.simulate(P, 1000, seed=0)
    n = 10000 if quick else 50000
    t_vec = best_of(lambda: crm.simulate(P, n, seed=0), repeat=2) / n
    n_loop = 5
    t_loop = best_of(lambda: crm_loop(crm, P, n_loop, rng), repeat=1) / n_loop
    print(
        f"CRM cohort 1, 30 pts      {t_vec * 1e6:8.2f} us/trial {1 / t_vec:>12,.0f} trials/s"
        f"   loop {t_loop * 1e6:9.1f} us/trial   ratio {t_loop / t_vec:6.0f}x   (target <= 10 us)"
    )


def sweeps(quick: bool) -> None:
    n_trials = 2000 if quick else 10000
    g = grid(n_trials)
    with tempfile.TemporaryDirectory() as tmp:
        times = {}
        for workers in (1, 2):
            t0 = time.perf_counter()
            run_sweep(g, Path(tmp) / f"w{workers}", backend="local", workers=workers)
            times[workers] = time.perf_counter() - t0
            print(
                f"sweep 3 designs x 20 scenarios x {n_trials:,} trials, local, {workers} "
                f"worker(s): {times[workers]:6.2f} s"
                + ("   (target < 10 s)" if workers == 2 else "")
            )
        print(f"speed-up 1 -> 2 workers: {times[1] / times[2]:.2f}x (target >= 1.7x on idle cores)")
        from dask.distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            client.submit(abs, -1).result()  # warm
            n_tasks = 200
            t0 = time.perf_counter()
            futures = [client.submit(abs, -i, pure=False) for i in range(n_tasks)]
            client.gather(futures)
            per_task = (time.perf_counter() - t0) / n_tasks
            print(
                f"dask per-task overhead (trivial task, 2 workers): {per_task * 1e3:6.2f} ms (target < 50 ms)"
            )
            t0 = time.perf_counter()
            run_sweep(g, Path(tmp) / "dask", backend="dask", client=client)
            print(
                f"same sweep on dask (2 workers, cluster started): {time.perf_counter() - t0:6.2f} s"
            )


def memory() -> None:
    for n_trials in (10000, 100000):
        task = make_tasks(grid_from_mapping(dict(grid(n_trials, 1), trials_per_task=n_trials)))[1]
        tracemalloc.start()
        run_task(task)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"BOIN task peak traced memory, {n_trials:>7,} trials: {peak / 2**20:6.1f} MiB")


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"load average {os.getloadavg()}, {os.cpu_count()} CPUs; numpy {np.__version__}")
    cores(quick)
    sweeps(quick)
    memory()


if __name__ == "__main__":
    main()
