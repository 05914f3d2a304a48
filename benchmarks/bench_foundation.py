"""Benchmark: eligibility screening and dosing calendars (run: python benchmarks/bench_foundation.py).

Prints patients/second of the vectorised ``check_eligibility`` against the patient-by-patient
reference evaluation measured in the same run, and calendars/second of ``dosing_calendar``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "eligibility"))

from patients_table import patients_frame  # noqa: E402

from earlyphase.dosing import dosing_calendar  # noqa: E402
from earlyphase.eligibility import check_eligibility  # noqa: E402
from earlyphase.eligibility.check import _check_one_at_a_time  # noqa: E402
from earlyphase.protocol import load_protocol  # noqa: E402


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    protocol = load_protocol("isak-phase1b")
    base = patients_frame()
    for n in (1_000, 10_000):
        frame = pd.concat([base] * (n // len(base) + 1), ignore_index=True).iloc[:n].copy()
        frame["patient_id"] = [f"P{i:06d}" for i in range(n)]
        rng = np.random.default_rng(20250106)
        frame["platelets_per_ul"] = rng.integers(20_000, 400_000, n)
        fast = timed(lambda f=frame: check_eligibility(protocol, f))
        slow = timed(lambda f=frame: _check_one_at_a_time(protocol, f), repeat=1)
        print(
            f"eligibility, {n:>6} patients x {len(protocol.eligibility)} criteria: "
            f"vectorised {n / fast:10.0f} patients/s, one-at-a-time {n / slow:8.0f} patients/s, "
            f"ratio {slow / fast:5.1f}x"
        )
    n_cal = 200
    t = timed(
        lambda: [dosing_calendar(protocol, "DL2", 80, 175, "2025-01-06", 12) for _ in range(n_cal)],
        repeat=1,
    )
    print(f"dosing_calendar, 12 cycles: {n_cal / t:8.1f} calendars/s")


if __name__ == "__main__":
    main()
