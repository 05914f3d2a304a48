"""BOIN against R package BOIN 2.7.2 (tests/reference/designs, generate_designs_reference.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyphase.designs import BOIN, boin_lambdas
from earlyphase.designs.interval import select_mtd, select_mtd_scalar
from earlyphase.errors import DesignError

from ._reference import REF, load_json, mc_tolerance


@pytest.mark.parametrize("phi", [0.25, 0.30])
def test_boundary_table_equals_r(phi):
    # R: get.boundary(target = phi, ncohort = 10, cohortsize = 3, extrasafe = TRUE)
    ref = pd.read_csv(REF / f"boin_boundary_phi{round(phi * 100):03d}.csv")
    ours = BOIN(phi, 5, extrasafe=True).decision_table()
    assert ours["n"].tolist() == list(range(1, 31))
    for col in ["escalate_if_dlt_le", "deescalate_if_dlt_ge", "eliminate_if_dlt_ge"]:
        assert ours[col].astype("Float64").fillna(-1).tolist() == ref[col].fillna(-1).tolist(), col
    stop = ours["stop_if_dlt_ge_at_lowest_dose"].astype("Float64").fillna(-1).tolist()
    assert stop == ref["extrasafe_stop_if_dlt_ge"].fillna(-1).tolist()


def test_lambdas_equal_r():
    # R: get.boundary(phi, 10, 3)$lambda_e / $lambda_d
    ref = pd.read_csv(REF / "boin_lambda.csv")
    for row in ref.itertuples():
        assert boin_lambdas(row.target) == pytest.approx((row.lambda_e, row.lambda_d), abs=1e-14)


@pytest.mark.parametrize("case", load_json("boin_select_mtd.json"), ids=lambda c: str(c["npts"]))
def test_select_mtd_equals_r(case):
    # R: select.mtd(target, npts, ntox) / (..., extrasafe = TRUE) / (..., boundMTD = TRUE)
    n, y = np.array(case["npts"]), np.array(case["ntox"])
    k = n.size
    for key, opts in [
        ("mtd", {}),
        ("mtd_extrasafe", {"extrasafe": True}),
        ("mtd_bound", {"bound_mtd": True}),
    ]:
        rules = BOIN(case["target"], k, **opts).rules
        expected = 0 if case[key] == 99 else case[key]
        assert int(select_mtd(rules, n, y)[0]) == expected, key
        assert select_mtd_scalar(rules, n, y)[0] == expected, key


@pytest.mark.parametrize(
    "case", load_json("boin_get_oc.json"), ids=lambda c: str(c["call"]["p.true"])
)
def test_simulated_oc_within_3_mc_se_of_r(case):
    # R: get.oc(..., ntrial = 10000, seed = 6); ours: 20000 trials, a different RNG.
    call = case["call"]
    design = BOIN(
        call["target"],
        len(call["p.true"]),
        cohort_size=call["cohortsize"],
        n_cohorts=call["ncohort"],
        n_earlystop=call.get("n.earlystop", 100),
        extrasafe=call.get("extrasafe", False),
        start_dose=call.get("startdose", 1),
    )
    n_ours, n_r = 20000, call["ntrial"]
    oc = design.simulate(call["p.true"], n_trials=n_ours, seed=11)
    r_sel = np.array(case["selpercent"]) / 100
    r_stop = case["percentstop"] / 100
    assert np.all(
        np.abs(oc.p_select[1:] - r_sel) <= mc_tolerance(oc.p_select[1:], n_ours, r_sel, n_r)
    )
    assert abs(oc.p_select[0] - r_stop) <= mc_tolerance(oc.p_select[0], n_ours, r_stop, n_r)
    se_diff = oc.se_mean_n * np.sqrt(1 + n_ours / n_r)
    assert np.all(np.abs(oc.mean_n - np.array(case["npatients"])) <= 3 * se_diff + 1e-9)


def test_decide_reasons_and_next_dose():
    d = BOIN(0.25, 5)
    dec = d.decide("1NNN 2NTN")
    assert (dec.next_dose, dec.action, dec.stop) == (1, "de-escalate", False)
    assert "de-escalation boundary 1" in dec.reasons[0]
    assert BOIN(0.25, 5, stay_on_1_of_3=True).decide("1NNN 2NTN").next_dose == 2
    assert BOIN(0.30, 5).decide("1NNN 2NTN").next_dose == 2
    assert BOIN(0.30, 5).decide("").next_dose == 1


def test_elimination_of_lowest_dose_stops_without_mtd():
    dec = BOIN(0.30, 5).decide("1TTT")
    assert dec.stop and dec.mtd is None
    assert any("eliminated" in r for r in dec.reasons)


def test_eliminated_dose_cannot_be_used_again():
    d = BOIN(0.30, 5)
    assert d.decide("1NNN 2TTT").next_dose == 1
    with pytest.raises(DesignError, match="cohort 4 .* eliminated dose 2"):
        d.decide("1NNN 2TTT 1NNN 2NNN")


def test_maximum_sample_size_selects_mtd():
    d = BOIN(0.30, 3, n_cohorts=3)
    dec = d.decide("1NNN 2NNN 3TNN")
    assert dec.stop and dec.mtd == 3
    assert "PAVA" in dec.reasons[-1]


def test_n_earlystop_stops_on_stay():
    d = BOIN(0.30, 3, n_earlystop=6)
    dec = d.decide("1NNN 2NNT 2NNN")  # 1/6 at dose 2 with lambda_e * 6 = 1.42 -> escalate, no stop
    assert dec.next_dose == 3
    dec = d.decide("1NNN 2NNT 2NTN")  # 2/6: stay, and 6 >= n_earlystop -> stop
    assert dec.stop and dec.mtd is not None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("1NNN 3NNN", "untried doses cannot be skipped"), ("1NNN 2NXN", "token '2NXN'")],
)
def test_bad_outcomes(text, fragment):
    with pytest.raises(DesignError, match="cohort 2") as info:
        BOIN(0.3, 5).decide(text)
    assert fragment in str(info.value)


@pytest.mark.parametrize("target", [0.0, 1.0, -0.2, 1.5])
def test_target_outside_unit_interval(target):
    with pytest.raises(DesignError, match="target"):
        BOIN(target, 5)


def test_true_dlt_checks():
    with pytest.raises(DesignError, match=r"true_dlt\[dose 2\]"):
        BOIN(0.3, 3).simulate([0.1, 1.2, 0.3], 10)
    with pytest.raises(DesignError, match="3 probabilities"):
        BOIN(0.3, 3).simulate([0.1, 0.2], 10)


def test_same_seed_same_result_whatever_the_chunk_size():
    d = BOIN(0.25, 4)
    a = d.simulate([0.1, 0.2, 0.3, 0.5], n_trials=2500, seed=5, chunk_size=1000)
    b = d.simulate([0.1, 0.2, 0.3, 0.5], n_trials=2500, seed=5, chunk_size=100000)
    assert np.array_equal(a.p_select, b.p_select)
    assert np.array_equal(a.mean_n, b.mean_n)
    c = d.simulate([0.1, 0.2, 0.3, 0.5], n_trials=2500, seed=6)
    assert not np.array_equal(a.mean_n, c.mean_n)


@pytest.mark.parametrize(
    "design",
    [
        BOIN(0.3, 4, n_cohorts=6, extrasafe=True),
        BOIN(0.25, 4, n_cohorts=8, n_earlystop=9, start_dose=2),
        BOIN(0.25, 4, n_cohorts=5, stay_on_1_of_3=True),
    ],
)
def test_vectorised_simulation_equals_decide_replay(design):
    """Each simulated trial, replayed through decide() one cohort at a time, gives the same path."""
    from earlyphase.designs.interval import simulate_interval
    from earlyphase.designs.simulate import patient_uniforms

    d = design
    p = np.array([0.1, 0.25, 0.4, 0.6])
    u = patient_uniforms(3, 200, d.max_n)
    batch = simulate_interval(d.rules, p, u)
    for t in range(200):
        text, dose, pos = "", d.start_dose, 0
        while True:
            flags = "".join("T" if v < p[dose - 1] else "N" for v in u[t, pos : pos + 3])
            text, pos = f"{text} {dose}{flags}".strip(), pos + 3
            dec = d.decide(text)
            if dec.stop:
                break
            dose = dec.next_dose
        assert list(dec.n_per_dose) == batch.n[t].tolist()
        assert (dec.mtd or 0) == batch.selected[t]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([0.2, 0.25, 0.3, 0.33]),
    st.lists(st.tuples(st.integers(1, 4), st.integers(0, 3)), min_size=1, max_size=6),
)
def test_more_dlts_never_give_a_higher_next_dose(target, cohorts):
    d = BOIN(target, 4)
    last_dose, last_dlt = cohorts[-1]
    history = []
    highest = 0
    for dose, _x in cohorts[:-1]:
        dose = min(dose, highest + 1)
        highest = max(highest, dose)
        history.append(f"{dose}" + "N" * 3)
    last_dose = min(last_dose, highest + 1)
    prefix = " ".join(history)
    nexts = []
    for x in range(4):
        text = f"{prefix} {last_dose}{'T' * x}{'N' * (3 - x)}".strip()
        dec = d.decide(text)
        nexts.append(0 if dec.next_dose is None else dec.next_dose)
    assert all(b <= a for a, b in zip(nexts, nexts[1:], strict=False))


def test_protocol_with_a_boin_design_section():
    from earlyphase.designs import from_protocol
    from earlyphase.protocol import load_protocol

    proto = load_protocol("isak-phase1b")
    boin_proto = proto.model_copy(
        update={"design": proto.design.model_copy(update={"name": "BOIN"})}
    )
    d = from_protocol(boin_proto)
    assert isinstance(d, BOIN)
    assert (d.target, d.n_doses, d.cohort_size) == (0.30, 3, 3)
