"""Speed of the IMWG assessment and CTCAE grading on a trial-sized cohort.

Prints assessments per second for the vectorised ``assess`` over 1,000 subjects x 40 visits,
and the ratio against a one-subject-at-a-time loop over the same data measured in the same run
(the loop is timed on the first 100 subjects and scaled).

    python benchmarks/bench_clinical.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from earlyphase.clinical.ctcae import grade_labs
from earlyphase.clinical.imwg import assess


def make_visits(n_subjects: int, n_visits: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    subj = np.repeat(np.arange(n_subjects), n_visits)
    day = np.tile(np.arange(n_visits) * 28, n_subjects)
    s0 = rng.uniform(0.3, 6.0, n_subjects)
    trend = rng.normal(-0.04, 0.05, n_subjects)
    t = np.tile(np.arange(n_visits), n_subjects)
    serum = np.clip(
        np.repeat(s0, n_visits)
        * np.exp(np.repeat(trend, n_visits) * t + rng.normal(0, 0.1, subj.size)),
        0,
        None,
    )
    urine = np.clip(rng.normal(300, 200, subj.size), 0, None)
    return pd.DataFrame(
        {
            "subject_id": subj,
            "day": day,
            "serum_m_protein": serum.round(2),
            "urine_m_protein": urine.round(0),
            "kappa_flc": rng.uniform(0.5, 60, subj.size).round(1),
            "lambda_flc": rng.uniform(0.5, 3, subj.size).round(1),
            "serum_ife": np.where(serum < 0.05, "negative", "positive"),
            "urine_ife": np.where(urine < 50, "negative", "positive"),
        }
    )


def main() -> None:
    visits = make_visits(1000, 40)
    assess(visits.head(400))  # warm up
    t0 = time.perf_counter()
    result = assess(visits)
    vec = time.perf_counter() - t0
    n = len(visits)
    print(f"IMWG assess, vectorised: {n} assessments in {vec:.3f} s = {n / vec:,.0f} /s")

    sub = visits[visits["subject_id"] < 100]
    t0 = time.perf_counter()
    loop_best = [assess(g).best for _, g in sub.groupby("subject_id")]
    loop = (time.perf_counter() - t0) * 10  # scaled to 1,000 subjects
    print(f"IMWG assess, one subject at a time (scaled): {loop:.2f} s = {n / loop:,.0f} /s")
    print(f"speed-up: {loop / vec:.1f}x")
    same = pd.concat(loop_best, ignore_index=True)["best_response"].tolist()
    assert same == result.best["best_response"].head(100).tolist(), "results differ"

    rng = np.random.default_rng(2)
    labs = pd.DataFrame(
        {
            "subject_id": np.repeat(np.arange(10_000), 10),
            "day": 1,
            "test": "neutrophils",
            "value": rng.uniform(0.1, 5, 100_000),
            "unit": "10^9/L",
            "lln": 1.8,
        }
    )
    t0 = time.perf_counter()
    grade_labs(labs)
    g = time.perf_counter() - t0
    print(f"CTCAE grade_labs: {len(labs)} results in {g:.3f} s = {len(labs) / g:,.0f} /s")


if __name__ == "__main__":
    main()
