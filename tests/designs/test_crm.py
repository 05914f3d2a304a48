"""CRM against R dfcrm 0.2-2.1 (tests/reference/designs, generate_designs_reference.R)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyphase.designs import CRM, getprior
from earlyphase.errors import DesignError

from ._reference import load_json, mc_tolerance

SKELETON = tuple(getprior(0.05, 0.30, 3, 5))


@pytest.mark.parametrize(
    "case", load_json("dfcrm_getprior.json"), ids=lambda c: f"{c['model']}-{c['nu']}"
)
def test_getprior_equals_dfcrm(case):
    # R: getprior(halfwidth, target, nu, nlevel, model)
    sk = getprior(case["halfwidth"], case["target"], case["nu"], case["nlevel"], case["model"])
    assert np.allclose(sk, case["skeleton"], rtol=0, atol=1e-14)
    assert sk[case["nu"] - 1] == pytest.approx(case["target"])


@pytest.mark.parametrize(
    "case", load_json("dfcrm_crm.json"), ids=lambda c: f"{c['model']}-{len(c['level'])}"
)
def test_posterior_equals_dfcrm_crm(case):
    # R: crm(prior, target, tox, level, model) -> $estimate, $post.var, $ptox, $mtd
    d = CRM(case["target"], tuple(case["prior"]), 30, model=case["model"])
    level = np.array(case["level"]) - 1
    n = np.bincount(level, minlength=5)
    y = np.bincount(level, weights=case["tox"], minlength=5)
    mean, var, _ = d.posterior(n, y)
    # dfcrm's integrate() has relative tolerance ~1e-4 (usually far better)
    assert mean[0] == pytest.approx(case["estimate"], abs=1e-7)
    assert var[0] == pytest.approx(case["post_var"], abs=1e-7)
    assert np.allclose(d.ptox(mean[0]), case["ptox"], atol=1e-7)
    outcomes = " ".join(
        f"{lv}{'T' if t else 'N'}" for lv, t in zip(case["level"], case["tox"], strict=True)
    )
    dec = CRM(
        case["target"], tuple(case["prior"]), len(case["level"]), cohort_size=1, model=case["model"]
    ).decide(outcomes)
    assert dec.stop and dec.mtd == case["mtd"]


@pytest.mark.parametrize(
    "case", load_json("dfcrm_crmsim.json"), ids=lambda c: f"{c['model']}-{c['target']}"
)
def test_simulated_oc_within_3_mc_se_of_crmsim(case):
    # R: crmsim(PI, prior, target, n, x0 = 1, nsim = 2000, mcohort = 3, model, seed = 1009)
    d = CRM(
        case["target"],
        tuple(case["prior"]),
        case["n"],
        cohort_size=case["mcohort"],
        model=case["model"],
    )
    n_ours = 20000
    oc = d.simulate(case["PI"], n_trials=n_ours, seed=23)
    ref = np.array(case["MTD"])
    assert oc.p_select[0] == 0
    assert np.all(
        np.abs(oc.p_select[1:] - ref) <= mc_tolerance(oc.p_select[1:], n_ours, ref, case["nsim"])
    )
    se_diff = oc.se_mean_n * np.sqrt(1 + n_ours / case["nsim"])
    assert np.all(np.abs(oc.mean_n - np.array(case["level"])) <= 3 * se_diff)


def test_coherence_and_no_skipping():
    d = CRM(0.3, SKELETON, 30)
    # no DLT in 3 at dose 1: the model would jump, no-skipping allows dose 2 only
    dec = d.decide("1NNN")
    assert dec.next_dose == 2
    assert any("no skipping" in r for r in dec.reasons)
    # 1 DLT in 3 at dose 3 (rate 0.33 >= target): never escalate
    dec = d.decide("1NNN 2NNN 3NTN")
    assert dec.next_dose <= 3


def test_startup_phase_until_first_dlt():
    d = CRM(0.3, SKELETON, 30, startup=(1, 2, 3, 4, 5))
    assert d.decide("").next_dose == 1
    assert d.decide("1NNN 2NNN").next_dose == 3
    assert "posterior" in d.decide("1NNN 2NNN 3NTN").reasons[0]


def test_safety_stop():
    d = CRM(0.3, SKELETON, 30, safety_cutoff=0.9)
    dec = d.decide("1TTT")
    assert dec.stop and dec.mtd is None
    oc = d.simulate([0.7, 0.8, 0.85, 0.9, 0.95], n_trials=2000, seed=1)
    assert oc.p_stop_early > 0.5
    assert oc.p_select[0] == pytest.approx(oc.p_stop_early)


def test_same_seed_same_result_whatever_the_chunk_size():
    d = CRM(0.3, SKELETON, 18)
    a = d.simulate([0.05, 0.1, 0.2, 0.3, 0.5], n_trials=2100, seed=3, chunk_size=1000)
    b = d.simulate([0.05, 0.1, 0.2, 0.3, 0.5], n_trials=2100, seed=3, chunk_size=5000)
    assert np.array_equal(a.p_select, b.p_select) and np.array_equal(a.mean_dlt, b.mean_dlt)


def test_bad_skeleton_and_outcomes():
    with pytest.raises(DesignError, match=r"skeleton\[dose 3\]"):
        CRM(0.3, (0.1, 0.2, 0.15), 12)
    with pytest.raises(DesignError, match=r"skeleton\[dose 1\]"):
        CRM(0.3, (0.0, 0.2, 0.3), 12)
    with pytest.raises(DesignError, match="cohort 2 .* cannot be skipped"):
        CRM(0.3, SKELETON, 30).decide("1NNN 4NNN")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), min_size=1, max_size=5))
def test_more_dlts_never_give_a_higher_next_dose(cohorts):
    d = CRM(0.3, SKELETON, 30)
    text, highest = "", 0
    for dose, x in cohorts[:-1]:
        dose = min(dose, highest + 1)
        highest = max(highest, dose)
        text += f" {dose + 1}{'T' * x}{'N' * (3 - x)}"
    last = min(cohorts[-1][0], highest + 1) + 1
    nexts = [d.decide(f"{text} {last}{'T' * x}{'N' * (3 - x)}".strip()).next_dose for x in range(4)]
    assert all(b <= a for a, b in zip(nexts, nexts[1:], strict=False))


def test_simulate_runs_on_one_blas_thread():
    """CRM.simulate pins BLAS to one thread (threadpoolctl) while it runs, and restores it."""
    from threadpoolctl import threadpool_info

    seen = []
    d = CRM(0.3, SKELETON, 12, cohort_size=1)
    d.simulate(
        [0.05, 0.1, 0.2, 0.3, 0.45],
        1000,
        seed=1,
        progress=lambda _n: seen.extend(
            p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"
        ),
    )
    assert seen and set(seen) == {1}
