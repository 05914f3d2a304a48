"""Binomial confidence intervals: paper, closed form, R, properties.

R references: tests/reference/survival/binomial.csv from generate_survival_refs.R
(R 4.2.2: ``binom.test(x, n, conf.level)$conf.int`` = Clopper–Pearson,
``prop.test(x, n, conf.level, correct = FALSE / TRUE)$conf.int`` = Wilson / Wilson-cc).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyphase.errors import DataError, OptionsError
from earlyphase.stats import BINOMIAL_METHODS, binomial_ci

REF = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "survival" / "binomial.csv")


def test_paper_overall_response_rate():
    # Chari et al., Cancer 2021 (isatuximab + carfilzomib phase 1b), Results: ORR 70%
    # (23 of 33; 95% CI, 51%-84%), "binomial exact 95% CIs" (Statistical Analysis).
    est, lo, hi = binomial_ci(23, 33)
    assert (round(est * 100), round(lo * 100), round(hi * 100)) == (70, 51, 84)


def test_clopper_pearson_closed_form_at_the_boundaries():
    # x = 0: upper = 1 - (α/2)^(1/n); x = n: lower = (α/2)^(1/n)  (Clopper & Pearson 1934)
    n = np.arange(1, 40)
    zero = binomial_ci(np.zeros_like(n), n)
    full = binomial_ci(n, n)
    np.testing.assert_allclose(zero.upper, 1 - 0.025 ** (1 / n), rtol=1e-12)
    np.testing.assert_allclose(full.lower, 0.025 ** (1 / n), rtol=1e-12)
    assert np.all(zero.lower == 0) and np.all(full.upper == 1)


@pytest.mark.parametrize(
    ("method", "col"), [("clopper-pearson", "cp"), ("wilson", "wilson"), ("wilson-cc", "wilsoncc")]
)
@pytest.mark.parametrize("level", [0.95, 0.90])
def test_matches_r(method, col, level):
    ref = REF[np.isclose(REF.level, level)]
    ci = binomial_ci(ref["x"].to_numpy(), ref["n"].to_numpy(), method, level)
    np.testing.assert_allclose(ci.lower, ref[f"{col}_lower"], atol=1e-14, rtol=1e-12)
    np.testing.assert_allclose(ci.upper, ref[f"{col}_upper"], atol=1e-14, rtol=1e-12)


def test_jeffreys_agresti_coull_wald_closed_form():
    from scipy.stats import beta

    ci = binomial_ci(3, 12, "jeffreys")
    assert (ci.lower, ci.upper) == pytest.approx(
        (beta.ppf(0.025, 3.5, 9.5), beta.ppf(0.975, 3.5, 9.5))
    )
    z = 1.959963984540054
    nt = 12 + z**2
    pt = (3 + z**2 / 2) / nt
    ac = binomial_ci(3, 12, "agresti-coull")
    assert (ac.lower, ac.upper) == pytest.approx(
        (pt - z * np.sqrt(pt * (1 - pt) / nt), pt + z * np.sqrt(pt * (1 - pt) / nt))
    )
    w = binomial_ci(3, 12, "wald")
    assert (w.lower, w.upper) == pytest.approx(
        (0.25 - z * np.sqrt(0.25 * 0.75 / 12), 0.25 + z * np.sqrt(0.25 * 0.75 / 12))
    )


def test_vectorised_equals_scalar_and_frame():
    x = np.array([[0, 3], [7, 12]])
    ci = binomial_ci(x, 12, "wilson")
    assert ci.lower.shape == (2, 2)
    assert ci.upper[1, 0] == binomial_ci(7, 12, "wilson").upper
    frame = ci.to_frame()
    assert list(frame.columns) == ["x", "n", "estimate", "lower", "upper", "method", "level"]
    assert len(frame) == 4 and isinstance(binomial_ci(1, 2).lower, float)


@pytest.mark.parametrize(
    ("args", "error", "pattern"),
    [
        ((5, 3), DataError, "x: got '5 of n=3'; expected 0 <= x <= n"),
        ((-1, 3), DataError, "x: got -1.0"),
        ((1.5, 3), DataError, "x: got 1.5; expected a whole number"),
        ((1, 0), DataError, "n: got 0.0; expected at least 1 trial"),
        (("a", 3), DataError, "x: got 'a'"),
        ((1, 3, "exact"), OptionsError, "method: got 'exact'"),
        ((1, 3, "wilson", 95), OptionsError, "level: got 95"),
    ],
)
def test_bad_input(args, error, pattern):
    with pytest.raises(error, match=pattern):
        binomial_ci(*args)


@st.composite
def counts(draw):
    n = draw(st.integers(1, 300))
    return draw(st.integers(0, n)), n


@settings(max_examples=200, deadline=None)
@given(counts(), st.sampled_from(BINOMIAL_METHODS), st.floats(0.5, 0.99))
def test_interval_contains_estimate_and_widens_with_level(xn, method, level):
    x, n = xn
    ci = binomial_ci(x, n, method, level)
    assert 0 <= ci.lower <= ci.estimate <= ci.upper <= 1
    wider = binomial_ci(x, n, method, min(level + 0.009, 0.999))
    assert wider.lower <= ci.lower + 1e-12 and wider.upper >= ci.upper - 1e-12


@settings(max_examples=200, deadline=None)
@given(counts())
def test_clopper_pearson_contains_jeffreys(xn):
    # Beta(x, n-x+1) <=st Beta(x+1/2, n-x+1/2) <=st Beta(x+1, n-x): the exact interval
    # always contains the Jeffreys interval at the same level.
    x, n = xn
    cp = binomial_ci(x, n)
    jeffreys = binomial_ci(x, n, "jeffreys")
    assert cp.lower <= jeffreys.lower + 1e-12 and cp.upper >= jeffreys.upper - 1e-12
