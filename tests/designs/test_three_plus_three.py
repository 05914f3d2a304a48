"""3+3: exact OCs vs an independent brute-force enumeration, bcrm 0.5.4, and simulation."""

from __future__ import annotations

from itertools import product
from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyphase.designs import ThreePlusThree, from_protocol
from earlyphase.errors import DesignError

from ._reference import load_json

VARIANTS = ["escalate-only", "de-escalate", "de-escalate-confirm-top"]


def brute_force(p, variant):
    """Independent enumeration written from the textbook rules (not from the module).

    Walks every sequence of cohort DLT counts (0..3) with a tiny state machine over
    "phase" labels and returns (paths, p_mtd, E[N_j], E[DLT_j], P(N = n)).
    """
    k = len(p)
    paths = []

    def bin3(j, x):
        return comb(3, x) * p[j] ** x * (1 - p[j]) ** (3 - x)

    def fail_below(j, hist, n, y, prob):
        # dose j just judged too toxic
        if j == 0:
            paths.append((prob, 0, n, y))
        elif variant == "escalate-only":
            paths.append((prob, j, n, y))
        elif n[j - 1] == 6:
            paths.append((prob, j, n, y))
        else:
            back(j - 1, n, y, prob)

    def back(j, n, y, prob):
        # returning to dose j (had 0/3): 3 more patients
        for x in range(4):
            n2, y2 = n.copy(), y.copy()
            n2[j] += 3
            y2[j] += x
            if x <= 1:
                paths.append((prob * bin3(j, x), j + 1, n2, y2))
            else:
                fail_below(j, None, n2, y2, prob * bin3(j, x))

    def first_visit(j, n, y, prob):
        for x in range(4):
            n2, y2 = n.copy(), y.copy()
            n2[j] += 3
            y2[j] += x
            pr = prob * bin3(j, x)
            if x == 0:
                passed(j, n2, y2, pr, confirmed=False)
            elif x == 1:
                for x2 in range(4):
                    n3, y3 = n2.copy(), y2.copy()
                    n3[j] += 3
                    y3[j] += x2
                    if x2 == 0:
                        passed(j, n3, y3, pr * bin3(j, x2), confirmed=True)
                    else:
                        fail_below(j, None, n3, y3, pr * bin3(j, x2))
            else:
                fail_below(j, None, n2, y2, pr)

    def passed(j, n, y, prob, confirmed):
        if j < k - 1:
            first_visit(j + 1, n, y, prob)
        elif variant == "de-escalate-confirm-top" and not confirmed:
            back_top(j, n, y, prob)
        else:
            paths.append((prob, k, n, y))

    def back_top(j, n, y, prob):
        back(j, n, y, prob)

    first_visit(0, np.zeros(k, int), np.zeros(k, int), 1.0)
    probs = np.array([q[0] for q in paths])
    p_mtd = np.bincount([q[1] for q in paths], weights=probs, minlength=k + 1)
    en = sum(q[0] * q[2] for q in paths)
    ey = sum(q[0] * q[3] for q in paths)
    sizes = {}
    for q in paths:
        sizes[int(q[2].sum())] = sizes.get(int(q[2].sum()), 0.0) + q[0]
    return len(paths), p_mtd, en, ey, sizes


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
def test_escalate_only_path_count_formula(k):
    # Number of complete paths of the escalate-only 3+3: 3 * 2^(K+1) - 5.
    n_bf = brute_force([0.2] * k, "escalate-only")[0]
    n_mod = len(ThreePlusThree(k, "escalate-only").enumerate_paths([0.2] * k))
    assert n_bf == n_mod == 3 * 2 ** (k + 1) - 5


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("k", [2, 3, 4])
def test_path_counts_agree_between_enumerations(variant, k):
    p = [0.1 * (j + 1) for j in range(k)]
    paths = ThreePlusThree(k, variant).enumerate_paths(p)
    assert brute_force(p, variant)[0] == len(paths)
    assert paths["probability"].sum() == pytest.approx(1.0, abs=1e-13)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(
    "p",
    [
        [0.05, 0.15, 0.30],
        [0.1, 0.2, 0.35, 0.5, 0.7],
        [0.3, 0.3],
        [0.0, 0.5, 1.0],
        [0.02, 0.04, 0.08, 0.16, 0.32, 0.64],
    ],
)
def test_exact_oc_equals_brute_force(variant, p):
    _, p_mtd, en, ey, sizes = brute_force(p, variant)
    oc = ThreePlusThree(len(p), variant).exact_oc(p)
    assert np.allclose(oc.p_select, p_mtd, atol=1e-14)
    assert np.allclose(oc.mean_n, en, atol=1e-13)
    assert np.allclose(oc.mean_dlt, ey, atol=1e-13)
    dist = oc.n_total_distribution
    assert dist.sum() == pytest.approx(1.0, abs=1e-13)
    for n, prob in sizes.items():
        assert dist.get(n, 0.0) == pytest.approx(prob, abs=1e-14)
    assert float((dist.index * dist).sum()) == pytest.approx(oc.expected_n_total, abs=1e-12)


@pytest.mark.parametrize(
    "case", load_json("bcrm_threep3.json"), ids=lambda c: f"{c['truep']}-{c['esc_only']}"
)
def test_exact_oc_equals_bcrm_threep3(case):
    # R: bcrm 0.5.4 threep3(truep, threep3.esc.only = esc_only) (pathway enumeration)
    variant = "escalate-only" if case["esc_only"] else "de-escalate"
    d = ThreePlusThree(len(case["truep"]), variant)
    oc = d.exact_oc(case["truep"])
    assert len(d.enumerate_paths(case["truep"])) == case["n_paths"]
    assert np.allclose(oc.p_select, case["p_mtd"], atol=1e-12)
    assert np.allclose(oc.mean_n, case["n_average"], atol=1e-12)
    assert np.allclose(oc.mean_dlt, case["dlt_average"], atol=1e-12)
    assert oc.n_total_distribution.index.tolist() == case["ssize"]
    assert np.allclose(oc.n_total_distribution.to_numpy(), case["p_ssize"], atol=1e-12)


def test_domain_note_check_values():
    # /work/shared/domain/dose_finding.md, Appendix A check values for variant C (closed form,
    # cross-checked there against a re-coding of crmPack's NextBestThreePlusThree), 6 d.p.
    oc = ThreePlusThree(3, "de-escalate-confirm-top").exact_oc([0.05, 0.15, 0.30])
    assert np.round(oc.p_select, 6).tolist() == [0.02785, 0.201028, 0.438268, 0.332854]


@pytest.mark.parametrize("variant", VARIANTS)
def test_simulation_agrees_with_exact_within_mc_error(variant):
    p = [0.05, 0.12, 0.25, 0.40]
    d = ThreePlusThree(4, variant, expansion=12)
    exact = d.exact_oc(p)
    sim = d.simulate(p, n_trials=40000, seed=17)
    se = np.sqrt(exact.p_select * (1 - exact.p_select) / sim.n_trials)
    assert np.all(np.abs(sim.p_select - exact.p_select) <= 4 * se)
    assert np.all(np.abs(sim.mean_n - exact.mean_n) <= 4 * sim.se_mean_n)
    assert abs(sim.expected_n_total - exact.expected_n_total) < 4 * (
        sim.se_mean_n.sum() + 12 * se[0]
    )


def test_expansion_expectations():
    p = np.array([0.05, 0.10, 0.20])
    oc = ThreePlusThree(3, "de-escalate", expansion=18).exact_oc(p)
    assert oc.expansion_expected_n == pytest.approx(18 * (1 - oc.p_select[0]))
    assert oc.expansion_expected_dlt == pytest.approx(18 * float(oc.p_select[1:] @ p))
    assert oc.expected_n_total == pytest.approx(oc.mean_n.sum() + oc.expansion_expected_n)
    dist = oc.extra["expansion_dlt_distribution"]
    assert dist.sum() == pytest.approx(1 - oc.p_select[0])
    assert float(np.arange(19) @ dist) == pytest.approx(oc.expansion_expected_dlt)


def test_protocol_drives_the_design():
    d = from_protocol("isak-phase1b")
    assert (d.n_doses, d.variant, d.expansion) == (3, "de-escalate", 18)


@pytest.mark.parametrize(
    ("variant", "text", "next_dose", "mtd"),
    [
        ("escalate-only", "1NNN 2NTN 2NNN 3TTN", None, 2),
        ("escalate-only", "1NNN 2TTN", None, 1),
        ("de-escalate", "1NNN 2TTN", 1, None),
        ("de-escalate", "1NNN 2TTN 1NNT", None, 1),
        ("de-escalate", "1NNN 2TTN 1NTT", None, None),
        ("escalate-only", "1NNN 2NNN 3NNN", None, 3),
        ("de-escalate-confirm-top", "1NNN 2NNN 3NNN", 3, None),
        ("de-escalate-confirm-top", "1NNN 2NNN 3NNN 3TNN", None, 3),
        ("de-escalate", "1TTN", None, None),
    ],
)
def test_decide(variant, text, next_dose, mtd):
    dec = ThreePlusThree(3, variant).decide(text)
    assert dec.next_dose == next_dose
    assert dec.mtd == mtd
    assert dec.reasons


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1NNN 3NNN", "cohort 2 ('3NNN'): got 'dose 3'; expected dose 2"),
        ("1NNT 1NNN 1NNN", "at most 6 patients at a 3+3 dose"),
        ("1NN", "a cohort of 3 patients"),
        ("1TTT 1NNN", "no further cohort"),
    ],
)
def test_decide_rejects_outcomes_that_break_the_rules(text, fragment):
    with pytest.raises(DesignError) as info:
        ThreePlusThree(3, "escalate-only").decide(text)
    assert fragment in str(info.value)


def test_bad_settings():
    with pytest.raises(DesignError, match="variant"):
        ThreePlusThree(3, "rolling-six")  # type: ignore[arg-type]
    with pytest.raises(DesignError, match=r"true_dlt\[dose 2\]"):
        ThreePlusThree(3).exact_oc([0.1, -0.1, 0.3])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=5), st.sampled_from(VARIANTS))
def test_exact_probabilities_are_a_distribution(p, variant):
    oc = ThreePlusThree(len(p), variant).exact_oc(p)
    assert oc.p_select.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(oc.p_select >= -1e-15)
    assert np.all(oc.mean_dlt <= oc.mean_n + 1e-12)
    assert np.all(oc.mean_n <= 6 + 1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=6), st.sampled_from(VARIANTS))
def test_more_dlts_never_give_a_higher_next_dose(counts, variant):
    d = ThreePlusThree(4, variant)
    text = ""
    for x in counts[:-1]:
        dec = d.decide(text)
        if dec.stop:
            return
        text = f"{text} {dec.next_dose}{'T' * x}{'N' * (3 - x)}".strip()
    dec = d.decide(text)
    if dec.stop:
        return
    nexts = []
    for x in range(4):
        r = d.decide(f"{text} {dec.next_dose}{'T' * x}{'N' * (3 - x)}".strip())
        nexts.append(r.next_dose if r.next_dose is not None else (r.mtd or 0))
    for a, b in product(range(4), range(4)):
        if a < b:
            assert nexts[b] <= nexts[a]
