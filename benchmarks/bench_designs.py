"""Speed of the dose-finding simulators (plain script: ``python benchmarks/bench_designs.py``).

For each design: trials per second of the vectorised simulator and of a straightforward
one-trial-at-a-time Python loop of the same design, measured in the same run, and their ratio.
Targets (issue 3, one core): BOIN 10,000 trials x 5 doses x 30 patients <= 0.1 s; CRM 10,000
trials <= 1 s; exact 3+3 OCs for 8 doses <= 10 ms.  Reference figures from the domain notes:
R BOIN get.oc ~0.7 ms/trial, dfcrm crmsim ~10 ms/trial (2-core VM).
"""

from __future__ import annotations

import os
import time
import tracemalloc

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy import integrate  # noqa: E402

from earlyphase.designs import BOIN, CRM, ThreePlusThree, getprior  # noqa: E402
from earlyphase.designs.interval import select_mtd_scalar  # noqa: E402


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


# ---------------------------------------------------------------- one-trial-at-a-time loops
def boin_loop(design: BOIN, p: np.ndarray, n_trials: int, rng: np.random.Generator) -> np.ndarray:
    """BOIN get.oc logic, one trial and one cohort at a time (plain Python)."""
    r = design.rules
    k = design.n_doses
    sel = np.zeros(k + 1)
    for _ in range(n_trials):
        n = np.zeros(k, dtype=int)
        y = np.zeros(k, dtype=int)
        d, elim_from, stopped = 0, k, False
        for c in range(design.n_cohorts):
            y[d] += int((rng.random(design.cohort_size) < p[d]).sum())
            n[d] += design.cohort_size
            if (c + 1) * design.cohort_size >= design.max_n:
                break
            if y[d] >= r.eliminate_ge[n[d]]:
                elim_from = min(elim_from, d)
                if d == 0:
                    stopped = True
                    break
            if y[d] <= r.escalate_le[n[d]] and d < k - 1:
                if d + 1 < elim_from:
                    d += 1
            elif y[d] >= r.deescalate_ge[n[d]] and d > 0:
                d -= 1
        sel[0 if stopped else select_mtd_scalar(r, n, y)[0]] += 1
    return sel / n_trials


def crm_loop(design: CRM, p: np.ndarray, n_trials: int, rng: np.random.Generator) -> np.ndarray:
    """dfcrm crmsim logic with scipy.integrate.quad for the posterior mean, one trial at a time."""
    sk = np.asarray(design.skeleton)
    s2 = design.prior_var
    k, cs = design.n_doses, design.cohort_size

    def post_mean(n, y):
        def lik(a):
            pr = sk ** np.exp(min(a, 50.0))
            return np.exp(-a * a / (2 * s2)) * np.prod(pr**y * (1 - pr) ** (n - y))

        den = integrate.quad(lik, -np.inf, np.inf)[0]
        return integrate.quad(lambda a: a * lik(a), -10, 10)[0] / den

    def rec(est):
        return int(np.argmin(np.abs(sk ** np.exp(est) - design.target)))

    sel = np.zeros(k + 1)
    for _ in range(n_trials):
        n = np.zeros(k)
        y = np.zeros(k)
        d = 0
        for c in range(design.max_n // cs):
            x = int((rng.random(cs) < p[d]).sum())
            n[d] += cs
            y[d] += x
            if c == design.max_n // cs - 1:
                break
            nxt = rec(post_mean(n, y))
            d = min(nxt, d) if x / cs >= design.target else min(nxt, d + 1)
        sel[rec(post_mean(n, y)) + 1] += 1
    return sel / n_trials


def main() -> None:
    rng = np.random.default_rng(1)
    print(f"numpy {np.__version__}; threads pinned to 1 via OMP/OPENBLAS_NUM_THREADS")
    print(f"{'design':<34}{'vectorised trials/s':>22}{'loop trials/s':>16}{'ratio':>8}  target")

    # BOIN: 5 doses x 30 patients
    p = np.array([0.05, 0.15, 0.30, 0.45, 0.60])
    boin = BOIN(0.30, 5)
    boin.simulate(p, 1000, seed=0)
    t_vec = best_of(lambda: boin.simulate(p, 10000, seed=0))
    n_loop = 1000
    t_loop = best_of(lambda: boin_loop(boin, p, n_loop, rng), repeat=1)
    print(
        f"{'BOIN (10,000 x 5 doses x 30 pts)':<34}{10000 / t_vec:>22,.0f}{n_loop / t_loop:>16,.0f}"
        f"{(10000 / t_vec) / (n_loop / t_loop):>8.0f}  {t_vec:.3f} s (<= 0.1 s)"
    )

    # CRM: 5 doses, 30 patients in cohorts of 3
    crm = CRM(0.30, tuple(getprior(0.05, 0.30, 3, 5)), 30)
    crm.simulate(p, 1000, seed=0)
    t_vec = best_of(lambda: crm.simulate(p, 10000, seed=0))
    n_loop = 30
    t_loop = best_of(lambda: crm_loop(crm, p, n_loop, rng), repeat=1)
    print(
        f"{'CRM (10,000 x 5 doses x 30 pts)':<34}{10000 / t_vec:>22,.0f}{n_loop / t_loop:>16,.1f}"
        f"{(10000 / t_vec) / (n_loop / t_loop):>8.0f}  {t_vec:.3f} s (<= 1 s)"
    )

    # exact 3+3, 8 doses: closed-form generating functions vs enumerating every path
    print("(3+3 rows: exact OCs computed per second; 'loop' = enumerating every trial path)")
    p8 = np.linspace(0.05, 0.6, 8)
    for variant in ("escalate-only", "de-escalate", "de-escalate-confirm-top"):
        d = ThreePlusThree(8, variant)
        t_exact = best_of(lambda d=d: [d.exact_oc(p8) for _ in range(100)]) / 100
        t_enum = best_of(lambda d=d: d.enumerate_paths(p8), repeat=1)
        print(
            f"{'3+3 exact, 8 doses, ' + variant:<40}{1 / t_exact:>14,.0f}/s{1 / t_enum:>14,.1f}/s"
            f"{t_enum / t_exact:>8.0f}  {t_exact * 1e3:.2f} ms (<= 10 ms)"
        )

    # memory stays flat as n_trials grows (chunking)
    for n_trials in (20000, 200000):
        tracemalloc.start()
        boin.simulate(p, n_trials, seed=0)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"BOIN peak traced memory, {n_trials:>7,} trials: {peak / 2**20:6.1f} MiB")


if __name__ == "__main__":
    main()
