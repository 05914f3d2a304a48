"""Whole-trial simulation with every design: the escalation part agrees with the design's own
simulator (earlyphase.designs, validated against R BOIN / dfcrm / exact 3+3 in tests/designs)
within Monte Carlo error, and the safety and disease steps reproduce the scenario's truth."""

from __future__ import annotations

import numpy as np
import pytest

from earlyphase.designs.spec import design_from_spec
from earlyphase.errors import DesignError
from earlyphase.twin import simulate_trials

TRUE_DLT = {"DL1": 0.05, "DL2": 0.20, "DL3": 0.40}
SCENARIO = {
    "name": "designs",
    "true_dlt": TRUE_DLT,
    "response": {d: {"CR": 0.1, "PR": 0.3, "SD": 0.4, "PD": 0.2} for d in TRUE_DLT},
    "pfs_median_months": 9.0,
    "adverse_events": [
        {
            "term": "Nausea",
            "soc": "Gastrointestinal disorders",
            "rate": {"DL1": 0.1, "DL2": 0.3, "DL3": 0.5},
        },
        {"term": "Fatigue", "rate": 0.4, "grade3_fraction": 0.25, "serious_fraction": 0.5},
    ],
}
DESIGNS = [
    {"name": "boin", "target": 0.25, "cohort_size": 3, "n_cohorts": 6},
    {"name": "crm", "target": 0.25, "skeleton": [0.10, 0.25, 0.40], "max_n": 18},
    {"name": "keyboard", "target": 0.25, "cohort_size": 3, "n_cohorts": 6},
    {"name": "3+3", "variant": "escalate-only"},
]


@pytest.mark.parametrize("spec", DESIGNS, ids=lambda s: s["name"])
def test_escalation_agrees_with_the_designs_own_simulator(spec):
    n = 1500
    res = simulate_trials("isak-phase1b", SCENARIO, n_trials=n, seed=3, design=spec)
    oc = design_from_spec(spec, 3).simulate(list(TRUE_DLT.values()), n_trials=20000, seed=4)
    p = res.p_select.to_numpy()
    se = np.sqrt(oc.p_select * (1 - oc.p_select) * (1 / n + 1 / 20000))
    assert np.all(np.abs(p - oc.p_select) <= 4.5 * se + 1e-9), (p, oc.p_select)
    assert res.design == oc.design
    # escalation patients = total minus the 18 expansion patients of trials that selected a dose
    esc_n = res.trials["n_total"] - 18 * (res.trials["selected"] != "none")
    sd = esc_n.std()
    assert abs(esc_n.mean() - oc.expected_n_total) <= 4.5 * sd * np.sqrt(1 / n + 1 / 20000)


def test_safety_and_efficacy_follow_the_scenario():
    n = 800
    res = simulate_trials("isak-phase1b", SCENARIO, n_trials=n, seed=8, design="boin:target=0.25")
    t = res.trials
    treated = t["n_total"].sum()
    # any-grade Fatigue with P(serious | AE) = 0.5 -> P(patient has a serious AE) = 0.2
    p_sae = t["n_sae"].sum() / treated
    assert p_sae == pytest.approx(0.2, abs=4 * np.sqrt(0.16 / treated))
    p_g3 = t["n_ae_grade3"].sum() / treated
    assert p_g3 == pytest.approx(0.1, abs=4 * np.sqrt(0.09 / treated))
    pooled = t["responders"].sum() / treated
    assert pooled == pytest.approx(0.4, abs=4 * np.sqrt(0.24 / treated))
    # every DLT counted is at a dose where a patient was treated
    for d in TRUE_DLT:
        assert (t[f"dlt_{d}"] <= t[f"n_{d}"]).all()
    assert (t["n_dlt"] == t[[f"dlt_{d}" for d in TRUE_DLT]].sum(axis=1)).all()
    assert (t["treatment_months"] > 0).all()


def test_expansion_patients_have_dlts_at_the_true_rate():
    """Expansion DLTs are unbiased (no design decision depends on them): a fixed expansion
    at DL2 with a certain escalation gives DLT/patient ~ p(DL2) among expansion patients."""
    scen = dict(SCENARIO, expansion_dose="DL2", true_dlt={"DL1": 0.0, "DL2": 0.2, "DL3": 0.0})
    res = simulate_trials(
        "isak-phase1b", scen, n_trials=600, seed=2, design="3+3:variant=escalate-only"
    )
    t = res.trials
    # 3+3 escalate-only with p = (0, 0.2, 0): DL2 patients = escalation ones + 18 expansion
    exp_dlt = t["dlt_DL2"].sum()
    exp_n = t["n_DL2"].sum()
    assert exp_dlt / exp_n == pytest.approx(0.2, abs=0.03)


def test_bad_design_option():
    with pytest.raises(DesignError, match="skeleton"):
        simulate_trials(
            "isak-phase1b",
            SCENARIO,
            5,
            1,
            design={"name": "crm", "target": 0.3, "skeleton": [0.1, 0.2]},
        )
    with pytest.raises(DesignError, match="one of 3\\+3"):
        simulate_trials("isak-phase1b", SCENARIO, 5, 1, design="bayes-magic")


def test_the_disease_step_follows_the_protocols_response_criteria():
    """A protocol declaring RECIST 1.1 gets the RECIST categories (CR, PR, SD, PD); the myeloma
    ones are refused, and a plug-in registered under the same name replaces the built-in."""
    from earlyphase.errors import ProtocolError
    from earlyphase.protocol import load_protocol
    from earlyphase.twin.efficacy import EfficacyModel, efficacy_model_for

    isak = load_protocol("isak-phase1b")
    assert efficacy_model_for(isak).name == "IMWG"
    solid = isak.model_copy(
        update={"disease": isak.disease.model_copy(update={"response_criteria": "RECIST 1.1"})}
    )
    model = efficacy_model_for(solid)
    assert model.categories == ("CR", "PR", "SD", "PD")
    res = simulate_trials(solid, SCENARIO, n_trials=300, seed=5, design="boin:target=0.25")
    treated = res.trials["n_total"].sum()
    orr = res.trials["responders"].sum() / treated
    assert orr == pytest.approx(0.4, abs=4 * np.sqrt(0.24 / treated))
    myeloma = dict(SCENARIO, response={d: {"VGPR": 0.5, "SD": 0.5} for d in TRUE_DLT})
    with pytest.raises(ProtocolError, match="VGPR"):
        simulate_trials(solid, myeloma, n_trials=5, seed=1)
    assert isinstance(model, EfficacyModel)
