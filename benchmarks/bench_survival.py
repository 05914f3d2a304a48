"""Speed of the vectorised Kaplan–Meier and log-rank against simple loop implementations.

Run: ``python benchmarks/bench_survival.py``.  Prints subjects/second and the speed-up over a
one-time-point-at-a-time reference measured in the same run on the same data.  Not timed in
the tests.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from earlyphase.survival import kaplan_meier, logrank  # noqa: E402


def loop_kaplan_meier(t: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Textbook loop: for each distinct time, count at risk and events by scanning all subjects."""
    times = np.unique(t)
    surv, var = [], []
    s, v = 1.0, 0.0
    for u in times:
        n = int((t >= u).sum())
        d = int(((t == u) & e).sum())
        if d:
            s *= 1 - d / n
            v += d / (n * (n - d)) if n > d else np.inf
        surv.append(s)
        var.append(v)
    return times, np.array(surv), np.array(var)


def loop_logrank(t: np.ndarray, e: np.ndarray, g: np.ndarray) -> float:
    o_minus_e, var = 0.0, 0.0
    for u in np.unique(t[e]):
        at_risk = t >= u
        n, n1 = at_risk.sum(), (at_risk & (g == 1)).sum()
        d = ((t == u) & e).sum()
        d1 = ((t == u) & e & (g == 1)).sum()
        o_minus_e += d1 - d * n1 / n
        if n > 1:
            var += d * (n - d) * n1 * (n - n1) / (n**2 * (n - 1))
    return o_minus_e**2 / var


def simulate(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    event_time = rng.exponential(12.0, n)
    censor_time = rng.uniform(0, 36.0, n)
    t = np.round(np.minimum(event_time, censor_time) * 30.4375) / 30.4375  # day resolution, ties
    return t, event_time <= censor_time, rng.integers(0, 2, n)


def best_of(func, repeats: int = 3) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rng = np.random.default_rng(20211)
    print(
        f"{'task':<28}{'n':>10}{'vectorised s':>15}{'subjects/s':>14}{'loop s':>10}{'speed-up':>10}"
    )
    for n in (2_000, 20_000, 100_000, 1_000_000):
        t, e, g = simulate(n, rng)
        fast = best_of(lambda t=t, e=e: kaplan_meier(t, e).median)
        if n <= 100_000:
            ref_times, ref_s, _ = loop_kaplan_meier(t, e)
            km = kaplan_meier(t, e)
            assert np.allclose(km.survival, ref_s) and np.array_equal(km.time, ref_times)
            slow = best_of(lambda t=t, e=e: loop_kaplan_meier(t, e), repeats=1)
            ratio = f"{slow / fast:9.0f}x"
            slow_txt = f"{slow:10.3f}"
        else:
            ratio, slow_txt = f"{'-':>10}", f"{'-':>10}"
        print(
            f"{'kaplan_meier + median CI':<28}{n:>10,}{fast:>15.4f}{n / fast:>14,.0f}{slow_txt}{ratio}"
        )
    for n in (2_000, 20_000, 100_000):
        t, e, g = simulate(n, rng)
        fast = best_of(lambda t=t, e=e, g=g: logrank(t, e, g))
        if n <= 100_000:
            assert np.isclose(logrank(t, e, g).chisq, loop_logrank(t, e, g))
            slow = best_of(lambda t=t, e=e, g=g: loop_logrank(t, e, g), repeats=1)
            ratio, slow_txt = f"{slow / fast:9.0f}x", f"{slow:10.3f}"
        else:
            ratio, slow_txt = f"{'-':>10}", f"{'-':>10}"
        print(f"{'logrank (2 groups)':<28}{n:>10,}{fast:>15.4f}{n / fast:>14,.0f}{slow_txt}{ratio}")


if __name__ == "__main__":
    main()
