"""Summaries and dose proportionality against base R (tests/reference/pk/generate_proportionality.R,
R 4.2.2: lm(log(auc) ~ log(dose)), confint(level = 0.90), t.test(var.equal = TRUE, conf.level = 0.90))."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from earlyphase.errors import DataError
from earlyphase.pk.proportionality import geometric_mean_ratio, power_model
from earlyphase.pk.summary import describe, format_mean_sd_geo, format_median_range, summarize

REF = pd.read_csv(
    Path(__file__).resolve().parents[1] / "reference" / "pk" / "proportionality_r.csv"
).set_index("quantity")["value"]
DOSE = np.array([10, 10, 10, 10, 10, 20, 20, 20, 20, 20, 20.0])
AUC = np.array([15100, 12000, 19800, 14300, 16900, 24600, 30100, 21000, 18800, 27700, 33900.0])


def test_power_model_matches_r_lm():
    fit = power_model(DOSE, AUC)
    for name in ("slope", "slope_lower", "slope_upper", "intercept"):
        assert getattr(fit, name) == pytest.approx(REF[name], rel=1e-10)
    # Smith 2000 bounds for r = 2: 1 + ln(0.8)/ln 2, 1 + ln(1.25)/ln 2 (pk.md: [0.6781, 1.3219])
    assert fit.acceptance_lower == pytest.approx(0.678072, abs=1e-6)
    assert fit.acceptance_upper == pytest.approx(1.321928, abs=1e-6)
    assert fit.conclusion == "inconclusive"  # CI 0.39-1.06 overlaps the interval


def test_power_model_decisions():
    d = np.repeat([1.0, 2, 4, 8], 50)
    rng = np.random.default_rng(1)
    exact = 3 * d * np.exp(rng.normal(0, 0.01, d.size))
    assert power_model(d, exact).conclusion == "proportional"
    assert (
        power_model(d, 3 * d**2 * np.exp(rng.normal(0, 0.01, d.size))).conclusion
        == "not proportional"
    )
    with pytest.raises(DataError):
        power_model([10, 10, 10], [1, 2, 3])
    with pytest.raises(DataError):
        power_model([10, 20, 20], [1, -2, 3])


def test_geometric_mean_ratio_matches_r_t_test():
    g = geometric_mean_ratio(AUC[DOSE == 20], AUC[DOSE == 10])
    assert g.ratio == pytest.approx(REF["gmr"], rel=1e-12)
    assert g.lower == pytest.approx(REF["gmr_lower"], rel=1e-10)
    assert g.upper == pytest.approx(REF["gmr_upper"], rel=1e-10)
    dn = geometric_mean_ratio(AUC[DOSE == 20], AUC[DOSE == 10], dose_normalise=(20, 10))
    assert dn.ratio == pytest.approx(REF["gmr"] / 2, rel=1e-12)


def test_describe_matches_r():
    s = describe(AUC[DOSE == 10])
    for name in ("mean", "sd", "geo_mean", "geo_cv_pct", "cv_pct", "median"):
        assert s[name] == pytest.approx(REF[name], rel=1e-12)
    assert s["n"] == 5 and s["min"] == 12000 and s["max"] == 19800


def test_paper_formats():
    # Table 3, DL1 cycle 1: "20,200 ± 5400 (19,700) [27]"; tmax "6.30 (5.37-24.00)"
    stats = {"mean": 20213.0, "sd": 5398.0, "geo_mean": 19712.0, "cv_pct": 26.7}
    assert format_mean_sd_geo(stats) == "20,200 ± 5400 (19,700) [27]"  # as printed
    assert (
        format_mean_sd_geo({"mean": 2.1301, "sd": 0.63912, "geo_mean": 2.0349, "cv_pct": 30.2})
        == "2.13 ± 0.639 (2.03) [30]"
    )
    assert format_median_range({"median": 6.3, "min": 5.37, "max": 24.0}) == "6.30 (5.37-24.00)"


def test_summarize_groups():
    df = pd.DataFrame({"dose": DOSE, "value": AUC})
    out = summarize(df, ["dose"])
    assert list(out["n"]) == [5, 6]
    assert out.loc[0, "mean"] == pytest.approx(REF["mean"])


@given(st.lists(st.floats(0.01, 1e6), min_size=2, max_size=30))
def test_geometric_mean_between_min_and_arithmetic_mean(x):
    s = describe(x)
    assert s["min"] * (1 - 1e-9) <= s["geo_mean"] <= s["mean"] * (1 + 1e-9)
    assert s["geo_cv_pct"] >= 0
