"""Benchmark of earlyphase.twin: reconstruction time, and simulated trials per second.

Run: ``PYTHONPATH=src python benchmarks/bench_twin.py``. The one-at-a-time reference runs the
same trial simulator one trial per call (no vectorisation across trials), in the same process.
"""

from __future__ import annotations

import time

from earlyphase.protocol import load_protocol
from earlyphase.twin import load_scenario, reconstruct
from earlyphase.twin.simulate import _chunk, _design, simulate_trials

SCENARIO = {
    "name": "bench",
    "true_dlt": {"DL1": 0.05, "DL2": 0.10, "DL3": 0.25},
    "response": {
        d: {"sCR": 0.09, "CR": 0.03, "VGPR": 0.24, "PR": 0.33, "MR": 0.15, "SD": 0.16}
        for d in ("DL1", "DL2", "DL3")
    },
    "pfs_median_months": 10.1,
}


def main() -> None:
    reconstruct()
    t = time.perf_counter()
    for _ in range(3):
        reconstruct()
    print(f"reconstruct: {(time.perf_counter() - t) / 3:.3f} s per trial (33 patients)")

    n = 5000
    t = time.perf_counter()
    simulate_trials("isak-phase1b", SCENARIO, n_trials=n, seed=1)
    fast = n / (time.perf_counter() - t)
    proto = load_protocol("isak-phase1b")
    design, ids, n_exp = _design(proto)
    scen = load_scenario(SCENARIO)
    m = 300
    t = time.perf_counter()
    for i in range(m):
        _chunk((design, ids, n_exp, scen, 1, i, i + 1))
    slow = m / (time.perf_counter() - t)
    print(
        f"simulate_trials: {fast:,.0f} trials/s vectorised; {slow:,.0f} trials/s one at a "
        f"time; ratio {fast / slow:.1f}x"
    )
    t = time.perf_counter()
    simulate_trials("isak-phase1b", SCENARIO, n_trials=n, seed=1, workers=2)
    print(f"simulate_trials, 2 workers: {n / (time.perf_counter() - t):,.0f} trials/s")


if __name__ == "__main__":
    main()
