"""Simulated solid-tumour patients: lesion measurements that give back their drawn response."""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.clinical.recist import RECISTOptions, assess
from earlyphase.twin.tumor_course import domains_from_plan, lesion_table


def patients(seed: int, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    best = rng.choice(["CR", "PR", "SD", "PD", "NE"], n)
    pd_day = np.where(rng.random(n) < 0.6, rng.integers(130, 400, n).astype(float), np.nan)
    return pd.DataFrame(
        {
            "usubjid": [f"S{i:03d}" for i in range(n)],
            "best": best,
            "pd_day": np.where(best == "PD", np.nan, pd_day),
            "last_day": rng.integers(150, 500, n),
        }
    )


def test_measurements_reproduce_the_drawn_best_response_and_progression():
    plan = patients(11)
    lesions = lesion_table(plan, 42, np.random.default_rng(12))
    best = assess(lesions, RECISTOptions(confirmation=True)).best.set_index("subject_id")
    best = best.loc[plan["usubjid"]]
    assert (best["best_response"].astype(str).to_numpy() == plan["best"].to_numpy()).all()
    # progression is documented at the first scan on or after the drawn day (scans every 42 d)
    has_pd = plan["pd_day"].notna() & (plan["best"] != "NE")
    scan = 1 + 42 * np.ceil((plan["pd_day"] - 1) / 42)
    seen = has_pd & (scan <= plan["last_day"])
    assert np.array_equal(best["progression_day"].to_numpy()[seen], scan[seen].to_numpy())
    no_pd = (~seen & (plan["best"] != "PD")).to_numpy()
    assert np.isnan(best["progression_day"].to_numpy()[no_pd]).all()
    # RECIST 1.1 limits on the baseline: <= 5 targets, nodes >= 15 mm short axis
    base = lesions[(lesions["lesion_class"] == "target")].groupby("subject_id").head(5)
    assert (base.loc[base["is_node"], "diameter_mm"].groupby(base["subject_id"]).max() >= 10).all()


def test_domains_from_a_simulated_trial_plan():
    start = pd.Timestamp("2022-03-01")
    plan = pd.DataFrame(
        {
            "subj": [1, 2, 3],
            "first_dose": [start, start + pd.Timedelta(days=20), start + pd.Timedelta(days=40)],
            "best": ["PR", "SD", "SD"],
            "pd_cycle": pd.array([6, pd.NA, pd.NA], dtype="Int64"),
            "end": ["PD", "ONGOING", "WITHDRAWN"],
            "cutoff": start + pd.Timedelta(days=400),
        }
    )
    domains = domains_from_plan(plan, np.random.default_rng(3))
    assert set(domains) == {"TU", "TR", "RS"}
    rs = domains["RS"]
    ovr = rs[rs["RSTESTCD"] == "OVRLRESP"].groupby("USUBJID")["RSSTRESC"].apply(list)
    first = ovr.iloc[0]
    assert first[:2] == ["PR", "PR"] and first[-1] == "PD"  # PD at the scan after day 141
    assert len(ovr) == 2  # the dropout (WITHDRAWN) has a baseline scan only
    tr = domains["TR"]
    assert set(tr["TRTESTCD"]) <= {"LDIAM", "SAXIS", "TUMSTATE"}
