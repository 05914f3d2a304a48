"""Speed of the vectorised RECIST 1.1 assessment (issue target: 100,000 x 8 x 5 in < 5 s).

Builds 100,000 subjects x 8 assessments x 5 lesions (3 targets, one of them a node, and 2
non-targets; 4 million rows) and times ``earlyphase.clinical.recist.assess``, without and with
confirmation, then a one-subject-at-a-time loop over 200 subjects scaled up, in the same run.

    python benchmarks/bench_recist.py [n_subjects]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from earlyphase.clinical.recist import RECISTOptions, assess


def make_lesions(
    n_subjects: int, n_visits: int = 8, n_lesions: int = 5, seed: int = 1
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    shape = (n_subjects, n_visits, n_lesions)
    subj = np.broadcast_to(np.arange(n_subjects)[:, None, None], shape).ravel()
    visit = np.broadcast_to(np.arange(n_visits)[None, :, None], shape).ravel()
    lesion = np.broadcast_to(np.arange(n_lesions)[None, None, :], shape).ravel()
    base = rng.uniform(10, 60, (n_subjects, 1, n_lesions))
    steps = rng.normal(-0.05, 0.15, shape)
    steps[:, 0, :] = 0
    diam = (base * np.exp(np.cumsum(steps, axis=1))).ravel().round(1)
    target = lesion < 3
    status = rng.choice(["present", "absent", "present", "not-evaluated"], subj.size)
    return pd.DataFrame(
        {
            "subject_id": subj,
            "day": np.where(visit == 0, -7, visit * 42 + 1),
            "lesion_id": lesion,
            "lesion_class": np.where(target, "target", "non-target"),
            "is_node": lesion == 2,
            "diameter_mm": np.where(target, diam, np.nan),
            "status": np.where(target, None, status),
        }
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    lesions = make_lesions(n)
    for options in (RECISTOptions(), RECISTOptions(confirmation=True)):
        t0 = time.perf_counter()
        result = assess(lesions, options)
        dt = time.perf_counter() - t0
        print(f"{len(lesions):,} rows, confirmation={options.confirmation}: {dt:.2f} s")
    print(result.best["best_response"].value_counts().to_string())
    few = lesions[lesions["subject_id"] < 200]
    t0 = time.perf_counter()
    for _, one in few.groupby("subject_id"):
        assess(one)
    loop = (time.perf_counter() - t0) / 200 * n
    print(f"one-subject loop scaled to {n:,} subjects: {loop:.0f} s ({loop / dt:.0f}x)")


if __name__ == "__main__":
    main()
