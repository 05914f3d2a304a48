"""Simulation mode: scenario validation, reproducibility, and escalation OCs against the exact
3+3 results of earlyphase.designs (ThreePlusThree.exact_oc, generating functions)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlyphase.designs.three_plus_three import ThreePlusThree
from earlyphase.errors import DataError, OptionsError, ProtocolError
from earlyphase.twin import load_scenario, simulate_trials

SCENARIO = {
    "name": "test",
    "true_dlt": {"DL1": 0.05, "DL2": 0.15, "DL3": 0.35},
    "response": {
        d: {"sCR": 0.1, "VGPR": 0.2, "PR": 0.3, "MR": 0.1, "SD": 0.2, "PD": 0.1}
        for d in ("DL1", "DL2", "DL3")
    },
    "pfs_median_months": {"DL1": 8.0, "DL2": 10.0, "DL3": 10.0},
    "os_median_months": 40.0,
    "enrollment_per_month": 1.5,
    "followup_months": 24,
    "orr_threshold": 0.4,
}


@pytest.fixture(scope="module")
def result():
    return simulate_trials("isak-phase1b", SCENARIO, n_trials=4000, seed=11)


def test_escalation_matches_exact_3plus3_within_mc_error(result):
    exact = ThreePlusThree(3, "de-escalate").exact_oc([0.05, 0.15, 0.35])
    p = result.p_select.to_numpy()
    se = np.sqrt(exact.p_select * (1 - exact.p_select) / result.n_trials)
    assert np.all(np.abs(p - exact.p_select) < 4 * se + 1e-12), (p, exact.p_select)
    mean_n = np.array([result.trials[f"n_{d}"].mean() for d in result.dose_ids])
    expected = exact.mean_n + 18 * exact.p_select[1:]  # expansion at the selected dose
    sd = result.trials[[f"n_{d}" for d in result.dose_ids]].std().to_numpy()
    assert np.all(np.abs(mean_n - expected) < 4 * sd / np.sqrt(result.n_trials))


def test_orr_and_pfs_match_the_truth(result):
    t = result.trials
    treated = t["n_total"]
    # every response probability is 0.6 for >= PR, so pooled ORR ~ 0.6 (no dropouts here)
    pooled = t["responders"].sum() / treated.sum()
    assert pooled == pytest.approx(0.6, abs=4 * np.sqrt(0.24 / treated.sum()))
    assert (t["orr_ci_lower"] <= t["orr"]).all() and (t["orr"] <= t["orr_ci_upper"]).all()
    # exponential PFS with medians 8-10 months: the median estimate centres near 10
    assert 8.5 < t["median_pfs_months"].median() < 10.5
    s = result.summary()
    assert 0 <= s["p_orr_lower_gt_threshold"] <= 1
    assert s["mean_duration_months"] > SCENARIO["followup_months"]


def test_same_seed_same_result_whatever_the_workers():
    one = simulate_trials("isak-phase1b", SCENARIO, n_trials=1100, seed=5, workers=1)
    two = simulate_trials("isak-phase1b", SCENARIO, n_trials=1100, seed=5, workers=2)
    pd.testing.assert_frame_equal(one.trials, two.trials)
    first = simulate_trials("isak-phase1b", SCENARIO, n_trials=10, seed=5)
    pd.testing.assert_frame_equal(first.trials, one.trials.iloc[:10])  # chunking-independent
    other = simulate_trials("isak-phase1b", SCENARIO, n_trials=10, seed=6)
    assert not other.trials.equals(first.trials)


def test_fixed_expansion_dose_and_toxic_truth():
    scen = dict(SCENARIO, expansion_dose="DL2", true_dlt={"DL1": 0.95, "DL2": 0.95, "DL3": 0.95})
    res = simulate_trials("isak-phase1b", scen, n_trials=300, seed=1)
    assert res.p_select["none"] > 0.95
    stopped = res.trials[res.trials["selected"] == "none"]
    assert (stopped["n_DL2"] == 0).all()  # no expansion when no dose is selected


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"true_dlt": {"DL1": 1.5, "DL2": 0.1, "DL3": 0.2}}, r"true_dlt\[DL1\]: got 1.5"),
        ({"true_dlt": {"DL1": -0.1, "DL2": 0.1, "DL3": 0.2}}, "probability in"),
        ({"pfs_median_months": -3.0}, "positive median"),
        ({"os_median_months": {"DL1": 0.0, "DL2": 1.0, "DL3": 1.0}}, "positive median"),
        ({"response": {"DL1": {"PR": 0.5, "SD": 0.6}}}, "summing to 1"),
        ({"enrollment_per_month": 0}, "enrollment_per_month"),
        ({"dropout_probability": float("nan")}, "dropout_probability"),
        ({"followup_months": float("inf")}, "followup_months"),
        ({"adverse_events": [{"term": "Nausea", "rate": 1.2}]}, r"rate\[all\]: got 1.2"),
        ({"adverse_events": [{"term": "Nausea", "rate": 0.2, "grade3_fraction": -1}]}, "grade3"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_bad_scenarios_give_clear_errors(change, match):
    with pytest.raises(DataError, match=match):
        load_scenario(dict(SCENARIO, **change))


def test_response_categories_are_the_protocols_criteria():
    bad = dict(SCENARIO, response=dict(SCENARIO["response"], DL1={"XR": 1.0}))
    with pytest.raises(ProtocolError, match=r"response\[DL1\]\.XR.*sCR, CR, VGPR"):
        simulate_trials("isak-phase1b", bad, n_trials=5, seed=1)
    ae = dict(SCENARIO, adverse_events=[{"term": "Nausea", "rate": {"DL1": 0.1}}])
    with pytest.raises(ProtocolError, match=r"adverse_events\[0\]\.rate: dose level DL2"):
        simulate_trials("isak-phase1b", ae, n_trials=5, seed=1)


def test_unknown_or_missing_dose_levels():
    bad = dict(SCENARIO, true_dlt={"DL1": 0.1, "DL2": 0.1, "DL3": 0.1, "DL4": 0.2})
    with pytest.raises(ProtocolError, match="DL4"):
        simulate_trials("isak-phase1b", bad, n_trials=5, seed=1)
    missing = dict(SCENARIO, pfs_median_months={"DL1": 8.0})
    with pytest.raises(ProtocolError, match="DL2"):
        simulate_trials("isak-phase1b", missing, n_trials=5, seed=1)
    with pytest.raises(ProtocolError, match="expansion_dose"):
        simulate_trials("isak-phase1b", dict(SCENARIO, expansion_dose="DL9"), n_trials=5, seed=1)


def test_bad_arguments(tmp_path):
    with pytest.raises(OptionsError, match="n_trials"):
        simulate_trials("isak-phase1b", SCENARIO, n_trials=0, seed=1)
    with pytest.raises(OptionsError, match="workers"):
        simulate_trials("isak-phase1b", SCENARIO, n_trials=5, seed=1, workers=0)
    with pytest.raises(DataError, match="existing YAML"):
        load_scenario(tmp_path / "nope.yaml")
    (tmp_path / "s.yaml").write_text("- a\n- b\n")
    with pytest.raises(DataError, match="mapping"):
        load_scenario(tmp_path / "s.yaml")


def test_sdtm_of_a_simulated_trial_matches_its_summary_row():
    """The patient-level SDTM of trial i, analysed by IMWG, gives that trial's responders."""
    from _twin_pipeline import imwg_visits

    from earlyphase.cdisc.study import validate_study
    from earlyphase.clinical.imwg import assess
    from earlyphase.twin import simulate_trial_sdtm

    row = simulate_trials("isak-phase1b", SCENARIO, n_trials=3, seed=2).trials.iloc[2]
    sdtm = simulate_trial_sdtm("isak-phase1b", SCENARIO, seed=2, trial=2)
    assert [f for f in validate_study(sdtm).findings if f.severity == "error"] == []
    counts = sdtm["DM"]["ARMCD"].value_counts()
    for dose in ("DL1", "DL2", "DL3"):
        assert counts.get(dose, 0) == row[f"n_{dose}"]
    best = assess(imwg_visits(sdtm["LB"], sdtm["DM"])).best["best_response"]
    assert best.isin(["sCR", "CR", "VGPR", "PR"]).sum() == row["responders"]
    with pytest.raises(OptionsError, match="trial"):
        simulate_trial_sdtm("isak-phase1b", SCENARIO, seed=2, trial=-1)
