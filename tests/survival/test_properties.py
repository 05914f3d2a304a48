"""Properties of the Kaplan–Meier estimate for arbitrary data (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyphase.survival import kaplan_meier, logrank, median_followup

times = st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=60)


@st.composite
def survival_data(draw):
    t = draw(times)
    e = draw(st.lists(st.booleans(), min_size=len(t), max_size=len(t)))
    return np.array(t, dtype=float), np.array(e)


@settings(max_examples=150, deadline=None)
@given(survival_data(), st.sampled_from(["log-log", "log", "plain"]), st.floats(0.5, 0.99))
def test_curve_monotone_and_limits_contain_estimate(data, conf_type, level):
    t, e = data
    km = kaplan_meier(t, e, conf_type=conf_type, level=level)
    s = km.survival
    assert np.all(np.diff(s) <= 1e-15) and np.all((s >= 0) & (s <= 1))
    ok = ~np.isnan(km.lower)
    assert np.all(km.lower[ok] <= s[ok] + 1e-12) and np.all(km.upper[ok] >= s[ok] - 1e-12)
    assert np.all((km.lower[ok] >= 0) & (km.upper[ok] <= 1))
    assert km.n == t.size and km.events == int(e.sum())
    # numbers at risk decrease and start at n
    assert km.n_at_risk(0.0) == t.size
    assert np.all(np.diff(km.n_risk) < 0)


@settings(max_examples=100, deadline=None)
@given(survival_data())
def test_quantiles_ordered_and_inside_their_limits(data):
    t, e = data
    km = kaplan_meier(t, e)
    q = km.quantile([0.25, 0.5, 0.75])
    finite = q[~np.isnan(q)]
    assert np.all(np.diff(finite) >= 0)
    lo, hi = km.quantile_ci(0.5)
    if not np.isnan(km.median):
        assert np.isnan(lo) or lo <= km.median
        assert np.isnan(hi) or hi >= km.median


@settings(max_examples=100, deadline=None)
@given(survival_data())
def test_wider_level_gives_wider_limits(data):
    t, e = data
    narrow = kaplan_meier(t, e, level=0.8)
    wide = kaplan_meier(t, e, level=0.95)
    ok = ~np.isnan(narrow.lower)
    assert np.all(wide.lower[ok] <= narrow.lower[ok] + 1e-12)
    assert np.all(wide.upper[ok] >= narrow.upper[ok] - 1e-12)


@settings(max_examples=100, deadline=None)
@given(survival_data())
def test_no_censoring_equals_empirical_survival(data):
    t, _ = data
    km = kaplan_meier(t, np.ones_like(t, dtype=bool))
    expected = np.array([(t > u).mean() for u in km.time])
    np.testing.assert_allclose(km.survival, expected, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(survival_data(), st.lists(st.sampled_from("ab"), min_size=60, max_size=60))
def test_logrank_properties(data, labels):
    t, e = data
    g = np.array(labels[: t.size])
    if len(set(g)) < 2 or e.sum() == 0:
        return
    res = logrank(t, e, g)
    if res.df == 0 or np.isnan(res.chisq):  # no comparison possible: reported as missing
        assert np.isnan(res.p_value)
        return
    assert res.chisq >= -1e-12 and 0 <= res.p_value <= 1
    np.testing.assert_allclose(res.observed.sum(), res.expected.sum())  # Σ O = Σ E
    swapped = logrank(t, e, np.where(g == "a", "b", "a"))
    np.testing.assert_allclose(swapped.chisq, res.chisq, rtol=1e-9, atol=1e-12)
    one_stratum = logrank(t, e, g, strata=np.zeros(t.size))
    np.testing.assert_allclose(one_stratum.chisq, res.chisq, rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(survival_data())
def test_followup_median_within_range(data):
    t, e = data
    fu = median_followup(t, e)
    assert fu.min == t.min() and fu.max == t.max()
    assert np.isnan(fu.median) or t.min() <= fu.median <= t.max()
