"""IMWG response assessment at the boundaries of every rule.

Criteria: Kumar et al., Lancet Oncol 2016;17:e328 (IMWG 2016), Rajkumar et al., Blood
2011;117:4691 (MR from EBMT, Bladé et al. BJH 1998), Durie et al., Leukemia 2006;20:1467.
Expected categories below are worked by hand from those definitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyphase.clinical.imwg import IMWGOptions, assess
from earlyphase.clinical.vocabulary import RESPONSE_ORDER
from earlyphase.errors import DataError, OptionsError


def visits(**cols):
    n = len(next(iter(cols.values())))
    base = {"subject_id": ["P1"] * n, "day": [0, *range(28, 28 * n, 28)]}
    return pd.DataFrame({**base, **cols})


def cats(frame, options=None):
    res = assess(frame, options)
    return list(res.by_visit.loc[~res.by_visit["baseline"], "category"])


# --- serum thresholds -----------------------------------------------------------------------
def test_exactly_50_percent_reduction_is_pr():
    assert cats(visits(serum_m_protein=[2.0, 1.0])) == ["PR"]
    assert cats(visits(serum_m_protein=[2.0, 1.0001])) == ["MR"]  # 49.995%


def test_exactly_90_percent_reduction_is_vgpr_and_25_percent_is_mr():
    assert cats(visits(serum_m_protein=[2.0, 0.2])) == ["VGPR"]
    assert cats(visits(serum_m_protein=[2.0, 0.2001])) == ["PR"]
    assert cats(visits(serum_m_protein=[2.0, 1.5])) == ["MR"]
    assert cats(visits(serum_m_protein=[2.0, 1.5001])) == ["SD"]


def test_mr_can_be_switched_off():
    assert cats(visits(serum_m_protein=[2.0, 1.4]), IMWGOptions(include_mr=False)) == ["SD"]


def test_literal_boundaries_leave_the_49_to_50_gap_as_sd():
    v = visits(serum_m_protein=[2.0, 1.01])  # 49.5% reduction
    assert cats(v) == ["MR"]
    assert cats(v, IMWGOptions(boundaries="literal")) == ["SD"]


# --- progression ----------------------------------------------------------------------------
def test_pd_needs_both_25_percent_and_half_gram():
    # nadir 2.0: +0.5 g/dL is also +25% -> PD exactly at the boundary
    assert cats(visits(serum_m_protein=[2.0, 2.5]))[-1] == "PD"
    assert cats(visits(serum_m_protein=[2.0, 2.4999]))[-1] == "SD"
    # nadir 1.0: +25% (1.25) is only +0.25 g/dL -> not PD; +0.5 g/dL -> PD
    assert cats(visits(serum_m_protein=[2.0, 1.0, 1.25]))[-1] != "PD"
    assert cats(visits(serum_m_protein=[2.0, 1.0, 1.5]))[-1] == "PD"
    # nadir 4.0: +0.5 g/dL is only +12.5% -> not PD; +1.0 g/dL = +25% -> PD
    assert cats(visits(serum_m_protein=[4.0, 4.5]))[-1] == "SD"
    assert cats(visits(serum_m_protein=[4.0, 5.0]))[-1] == "PD"


def test_one_gram_rule_when_nadir_at_least_5():
    assert cats(visits(serum_m_protein=[5.0, 6.0]))[-1] == "PD"  # +20% but +1 g/dL
    assert cats(visits(serum_m_protein=[5.0, 5.99]))[-1] == "SD"
    assert cats(visits(serum_m_protein=[4.99, 5.99]))[-1] == "SD"  # nadir below 5: needs 25%


def test_nadir_of_zero_uses_the_absolute_increase_only():
    assert cats(visits(serum_m_protein=[2.0, 0.0, 0.5]))[-1] == "PD"
    assert cats(visits(serum_m_protein=[2.0, 0.0, 0.4]))[-1] != "PD"


def test_urine_pd_and_urine_blocking_pr():
    assert cats(visits(serum_m_protein=[1.0, 1.0], urine_m_protein=[800, 1000]))[-1] == "PD"
    assert cats(visits(serum_m_protein=[1.0, 1.0], urine_m_protein=[800, 999]))[-1] == "SD"
    # serum -60% (PR level) but urine only -50% and still >= 200 mg/24h: MR, not PR
    v = visits(serum_m_protein=[2.0, 0.8], urine_m_protein=[1000, 500])
    res = assess(v)
    assert res.by_visit["category"].iloc[-1] == "MR"
    assert "urine" in res.by_visit["reasons"].iloc[-1]
    # urine below 200 mg/24h satisfies the urine PR criterion
    assert cats(visits(serum_m_protein=[2.0, 0.8], urine_m_protein=[1000, 190])) == ["PR"]
    # urine >= 90% reduction also does
    assert cats(visits(serum_m_protein=[2.0, 0.8], urine_m_protein=[3000, 300])) == ["PR"]


def test_urine_not_measurable_is_ignored_by_default():
    v = visits(serum_m_protein=[2.0, 0.8], urine_m_protein=[150, 199])
    assert cats(v) == ["PR"]
    v2 = visits(serum_m_protein=[2.0, 0.1], urine_m_protein=[150, 120])
    assert cats(v2) == ["VGPR"]
    assert cats(v2, IMWGOptions(urine_not_measurable="require")) == ["PR"]  # VGPR needs < 100


# --- FLC-only disease -----------------------------------------------------------------------
def flc_visits(kappa, lam=None, serum=None):
    lam = lam or [1.0] * len(kappa)
    serum = serum or [0.2] * len(kappa)
    return visits(serum_m_protein=serum, kappa_flc=kappa, lambda_flc=lam)


def test_flc_only_disease_measurability_and_pr():
    res = assess(flc_visits([51.0, 25.5]))  # dFLC 50 -> 24.5: 51% reduction
    assert res.best["measurable"].iloc[0] == "flc"
    assert res.by_visit["category"].iloc[-1] == "PR"
    assert cats(flc_visits([51.0, 26.5])) == ["SD"]  # 49% reduction; no MR for FLC-only
    assert cats(flc_visits([51.0, 6.0])) == ["VGPR"]  # 90% reduction
    # involved FLC below 10 mg/dL: not measurable -> NE
    assert assess(flc_visits([9.0, 2.0])).best["measurable"].iloc[0] == "none"


def test_dflc_pd_only_without_measurable_serum_or_urine():
    # FLC-only: nadir dFLC 4 -> 14.01 (> +10 mg/dL and > +25%) is PD; exactly +10 is not
    assert cats(flc_visits([51.0, 5.0, 15.01]))[-1] == "PD"
    assert cats(flc_visits([51.0, 5.0, 15.0]))[-1] != "PD"
    # serum-measurable patient: the same FLC rise is not PD
    v = flc_visits([51.0, 5.0, 25.0], serum=[2.0, 0.8, 0.8])
    assert cats(v)[-1] == "PR"


def test_lambda_involved_uses_lambda_minus_kappa():
    res = assess(flc_visits([1.0, 1.0], lam=[31.0, 11.0]))  # ratio 0.03; dFLC 30 -> 10
    assert res.best["measurable"].iloc[0] == "flc"
    assert res.by_visit["dflc"].iloc[-1] == pytest.approx(10.0)
    assert res.by_visit["category"].iloc[-1] == "PR"


# --- CR and sCR -----------------------------------------------------------------------------
def cr_visits(**extra):
    cols = dict(
        serum_m_protein=[2.0, 0.0],
        urine_m_protein=[0.0, 0.0],
        serum_ife=["positive", "negative"],
        urine_ife=["positive", "negative"],
    )
    cols.update(extra)
    return visits(**cols)


def test_cr_downgraded_to_vgpr_without_marrow():
    res = assess(cr_visits())
    assert res.by_visit["category"].iloc[-1] == "VGPR"
    assert "no post-baseline bone marrow" in res.by_visit["reasons"].iloc[-1]
    assert cats(cr_visits(), IMWGOptions(cr_requires_marrow=False)) == ["CR"]


def test_cr_with_marrow_below_5_percent():
    assert cats(cr_visits(bm_plasma_cells=[40, 4.9])) == ["CR"]
    assert cats(cr_visits(bm_plasma_cells=[40, 5.0])) == ["VGPR"]
    # urine IFE positive blocks CR
    assert cats(cr_visits(bm_plasma_cells=[40, 2], urine_ife=["positive", "positive"])) == ["VGPR"]


def test_scr_vs_cr_by_flc_ratio_and_clonality():
    common = dict(bm_plasma_cells=[40, 2], clonal_pc=[None, "negative"])
    assert cats(cr_visits(kappa_flc=[3.0, 1.0], lambda_flc=[1.0, 1.0], **common)) == ["sCR"]
    assert cats(cr_visits(kappa_flc=[3.0, 1.66], lambda_flc=[1.0, 1.0], **common)) == ["CR"]
    assert cats(cr_visits(kappa_flc=[3.0, 1.65], lambda_flc=[1.0, 1.0], **common)) == ["sCR"]
    clonal = dict(bm_plasma_cells=[40, 2], clonal_pc=[None, "positive"])
    assert cats(cr_visits(kappa_flc=[3.0, 1.0], lambda_flc=[1.0, 1.0], **clonal)) == ["CR"]


def test_plasmacytoma_must_shrink_for_pr_and_grow_for_pd():
    v = visits(serum_m_protein=[2.0, 0.8, 0.8], plasmacytoma_spd=[400, 300, 100])
    assert cats(v) == ["MR", "PR"]  # 25% SPD reduction caps at MR; 75% allows PR
    v = visits(serum_m_protein=[2.0, 0.8, 0.8], plasmacytoma_spd=[400, 200, 300])
    assert cats(v)[-1] == "PD"  # +50% from the nadir of 200


# --- confirmation and best response ----------------------------------------------------------
def test_confirmation_best_response_and_dates():
    v = visits(serum_m_protein=[2.0, 0.9, 0.15, 0.15, 0.9, 1.0])
    res = assess(v)
    assert cats(v) == ["PR", "VGPR", "VGPR", "PD", "PD"]
    b = res.best.iloc[0]
    assert b["best_response"] == "VGPR"
    assert b["first_response_day"] == 28  # PR then VGPR confirms PR at day 28
    assert b["best_response_day"] == 56
    assert b["progression_day"] == 112  # first of the two PD assessments
    assert list(res.by_visit["confirmed_category"].iloc[1:]) == ["PR", "VGPR", "VGPR", "PD", "PD"]


def test_unconfirmed_response_and_unconfirmed_pd():
    res = assess(visits(serum_m_protein=[2.0, 2.0, 0.9]))
    assert res.best["best_response"].iloc[0] == "SD"  # the last PR cannot be confirmed
    assert pd.isna(res.best["first_response_day"].iloc[0])
    res = assess(visits(serum_m_protein=[2.0, 2.6, 2.0, 2.0]))
    assert pd.isna(res.best["progression_day"].iloc[0])  # PD not confirmed by the next visit
    assert "not confirmed" in res.by_visit["reasons"].iloc[1]
    res = assess(visits(serum_m_protein=[2.0, 2.0, 2.6]))
    assert pd.isna(res.best["progression_day"].iloc[0])
    res = assess(visits(serum_m_protein=[2.0, 2.0, 2.6]), IMWGOptions(last_pd_counts=True))
    assert res.best["progression_day"].iloc[0] == 56


def test_new_lesion_is_pd_without_confirmation():
    res = assess(visits(serum_m_protein=[2.0, 0.9, 0.9, 0.9], new_lesion=["N", "N", "N", "Y"]))
    assert res.best["progression_day"].iloc[0] == 84  # last assessment, yet confirmed
    assert res.best["best_response"].iloc[0] == "PR"
    # a PR followed directly by PD is not confirmed: best response SD
    res = assess(visits(serum_m_protein=[2.0, 0.9, 0.9], new_lesion=["N", "N", "Y"]))
    assert res.best["best_response"].iloc[0] == "SD"


def test_ne_visits_are_skipped_when_confirming():
    v = visits(serum_m_protein=[2.0, 0.9, np.nan, 0.9])
    res = assess(v)
    assert cats(v) == ["PR", "NE", "PR"]
    assert res.best["best_response"].iloc[0] == "PR"


def test_measurability_threshold_option():
    v = visits(serum_m_protein=[0.7, 0.3])
    assert assess(v).best["best_response"].iloc[0] == "SD"  # unconfirmed PR
    assert assess(v).best["measurable"].iloc[0] == "serum"
    strict = assess(v, IMWGOptions.strict_imwg())
    assert strict.best["measurable"].iloc[0] == "none"
    assert strict.best["best_response"].iloc[0] == "NE"


def test_lowest_confirmed_nadir_option():
    v = visits(serum_m_protein=[2.0, 1.0, 1.8, 1.6])  # a single dip to 1.0
    assert cats(v)[-1] == "PD"  # +0.6 g/dL and +60% over the nadir 1.0
    assert cats(v, IMWGOptions(nadir="lowest_confirmed"))[-1] != "PD"  # confirmed nadir 1.8


def test_baseline_combines_screening_and_day0():
    v = pd.DataFrame(
        {
            "subject_id": ["P1"] * 3,
            "day": [-10, 0, 28],
            "serum_m_protein": [2.0, np.nan, 1.0],
            "urine_m_protein": [np.nan, 500, 40],
        }
    )
    res = assess(v)
    assert res.best["measurable"].iloc[0] == "serum+urine"
    assert res.by_visit["category"].iloc[-1] == "PR"
    assert len(res.by_visit) == 2


def test_to_frame_is_adrs_like():
    res = assess(visits(serum_m_protein=[2.0, 0.9, 0.9]))
    long = res.to_frame()
    assert set(long["param"]) == {"OVR", "CONFRESP", "BOR"}
    bor = long[long["param"] == "BOR"].iloc[0]
    assert bor["category"] == "PR" and bor["rank"] == RESPONSE_ORDER.index("PR") + 1


# --- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (
            pd.DataFrame({"subject_id": ["A", "A"], "day": [0, 0], "serum_m_protein": [1, 1]}),
            "one assessment per subject and day",
        ),
        (
            pd.DataFrame({"subject_id": ["A", "A"], "day": [0, 28], "serum_m_protein": [1, "1,2"]}),
            "serum_m_protein",
        ),
        (
            pd.DataFrame({"subject_id": ["A", "A"], "day": [0, 28], "serum_m_protein": [1, -0.1]}),
            ">= 0",
        ),
        (
            pd.DataFrame({"subject_id": ["A", "A"], "day": [0, 28], "serum_ife": ["pos", "maybe"]}),
            "serum_ife",
        ),
        (pd.DataFrame({"subject_id": ["A"], "serum_m_protein": [1]}), "day"),
        (pd.DataFrame({"subject_id": ["A", "A"], "day": [0, "d28"]}), "day"),
    ],
)
def test_bad_input(frame, match):
    with pytest.raises(DataError, match=match):
        assess(frame)


def test_bad_options():
    with pytest.raises(OptionsError):
        IMWGOptions(serum_measurable=0)
    with pytest.raises(OptionsError):
        IMWGOptions(nadir="median")  # type: ignore[arg-type]


def test_unsorted_input_gives_the_same_result():
    v = pd.DataFrame(
        {
            "subject_id": ["B", "A", "A", "B", "A", "B"],
            "day": [28, 56, 0, 0, 28, 56],
            "serum_m_protein": [0.9, 0.5, 2.0, 2.0, 0.9, 0.9],
        }
    )
    res = assess(v)
    shuffled = assess(v.sample(frac=1.0, random_state=3))
    pd.testing.assert_frame_equal(res.best, shuffled.best)
    assert list(res.best["best_response"]) == ["PR", "PR"]


# --- properties -----------------------------------------------------------------------------
RANK = {c: i for i, c in enumerate(RESPONSE_ORDER)}
pos = st.floats(min_value=0.5, max_value=10.0, allow_nan=False)
frac = st.floats(min_value=0.0, max_value=2.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(base=pos, f1=frac, f2=frac, u0=st.floats(200, 5000), g=st.floats(0, 2))
def test_a_larger_reduction_never_gives_a_worse_category(base, f1, f2, u0, g):
    lo, hi = sorted((f1, f2))  # lo = remaining fraction with the larger reduction
    frame = pd.DataFrame(
        {
            "subject_id": ["a", "a", "b", "b"],
            "day": [0, 28, 0, 28],
            "serum_m_protein": [base, base * lo, base, base * hi],
            "urine_m_protein": [u0, u0 * g, u0, u0 * g],
        }
    )
    c = assess(frame).by_visit.set_index(["subject_id", "day"])["category"]
    assert RANK[c[("a", 28.0)]] <= RANK[c[("b", 28.0)]]


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(0.0, 6.0, allow_nan=False), min_size=2, max_size=8))
def test_best_confirmed_response_never_beats_the_best_single_assessment(values):
    frame = visits(serum_m_protein=[3.0, *values])
    res = assess(frame)
    per_visit = [RANK[c] for c in res.by_visit["category"].iloc[1:]]
    best = RANK[res.best["best_response"].iloc[0]]
    assert best >= min(per_visit) or best == RANK["PD"]
