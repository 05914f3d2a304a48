"""Statistical methods behind the tables, against closed forms and R survival."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from earlyphase.report._methods import binomial_ci, describe, kaplan_meier, median_followup

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "report"


def test_clopper_pearson_paper_orr():
    # Chari et al. 2021, Results/Efficacy: ORR 23/33, 95% CI 51%-84%
    lo, hi = binomial_ci(23, 33)
    assert round(100 * lo) == 51 and round(100 * hi) == 84


@given(st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_clopper_pearson_matches_scipy_binomtest(xn):
    x, n = xn
    ci = sps.binomtest(x, n).proportion_ci(method="exact")
    lo, hi = binomial_ci(x, n)
    assert lo == pytest.approx(ci.low, abs=1e-10) and hi == pytest.approx(ci.high, abs=1e-10)


def test_describe_geometric_mean_and_cv():
    s = describe(np.array([1.0, 10.0, 100.0]))
    assert s["geomean"] == pytest.approx(10.0)
    assert s["cv"] == pytest.approx(100 * np.std([1, 10, 100], ddof=1) / 37.0)
    assert math.isnan(describe(np.array([0.0, 1.0]))["geomean"])  # log of 0 undefined


CAMIS_T = np.array([54, 75, 77, 84, 87, 92, 103, 105, 112, 118], float)
CAMIS_E = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0])


def test_km_camis_example_sas_conventions():
    # PSIAIMS/CAMIS Comp/r-sas_survival.qmd: S = 0.5 from t = 87; log-log CI (0.184, 0.753)
    km = kaplan_meier(CAMIS_T, CAMIS_E)
    est, lo, hi = km.survival_at(90)
    assert est == pytest.approx(0.5)
    assert (lo, hi) == (pytest.approx(0.1836, abs=1e-4), pytest.approx(0.7532, abs=1e-4))
    assert math.isnan(km.median)  # SAS: NE when the curve never drops below 0.5
    e = CAMIS_E.copy()
    e[-1] = 1
    assert kaplan_meier(CAMIS_T, e).median == pytest.approx(102.5)  # SAS and R agree


def test_km_against_r_survival():
    data = pd.read_csv(REFERENCE / "km_input.csv")
    ref = pd.read_csv(REFERENCE / "km_r.csv").set_index("paramcd")
    for param in ("PFS", "OS", "DOR"):
        d = data[data["PARAMCD"] == param]
        km = kaplan_meier(d["AVAL"].to_numpy(), 1 - d["CNSR"].to_numpy())
        r = ref.loc[param]
        for mine, theirs in (
            (km.median, r["median"]),
            (km.median_lower, r["median_lower"]),
            (km.median_upper, r["median_upper"]),
        ):
            assert (math.isnan(mine) and pd.isna(theirs)) or mine == pytest.approx(theirs, rel=1e-8)
        for month in (12, 24):
            est, lo, hi = km.survival_at(month)
            assert est == pytest.approx(r[f"surv{month}"], rel=1e-9)
            assert lo == pytest.approx(r[f"lower{month}"], rel=1e-7)
            assert hi == pytest.approx(r[f"upper{month}"], rel=1e-7)


def test_reverse_km_followup_without_censoring_is_the_median_time():
    t = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    # everybody censored (alive): reverse KM = ordinary KM of the censoring times
    assert median_followup(t, np.zeros(5, int)) == pytest.approx(3.0)


def test_km_at_risk_counts():
    km = kaplan_meier(CAMIS_T, CAMIS_E)
    assert list(km.at_risk(np.array([0, 80, 100, 200]))) == [10, 7, 4, 0]
