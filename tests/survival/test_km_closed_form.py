"""Kaplan–Meier on data small enough to compute by hand, and the median conventions.

CAMIS example (PSIAIMS/CAMIS, Comp/r-sas_survival.qmd): times 54, 75, 77, 84, 87 events and
92, 103, 105, 112, 118 censored.  By hand: Ŝ(87) = 0.5 and Greenwood
V = 1/(10·9) + 1/(9·8) + 1/(8·7) + 1/(7·6) + 1/(6·5) = 0.1 exactly; CAMIS reports R's
log-log limits at that point as (0.184, 0.753) and the medians 102.5 (R) / NE (SAS), and
102.5 for both when the last observation is an event.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from earlyphase.errors import OptionsError
from earlyphase.survival import kaplan_meier

CAMIS_T = [54, 75, 77, 84, 87, 92, 103, 105, 112, 118]
CAMIS_CENSORED_LAST = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
CAMIS_EVENT_LAST = [1, 1, 1, 1, 1, 0, 0, 0, 0, 1]


def test_camis_greenwood_and_loglog_limits():
    km = kaplan_meier(CAMIS_T, CAMIS_CENSORED_LAST, conf_type="log-log")
    est, lo, hi = km.survival_at(87)
    assert est == pytest.approx(0.5)
    assert km.var_log[4] == pytest.approx(0.1, rel=1e-14)
    # closed form: exp(-exp(log(log 2) ± z sqrt(0.1)/log 0.5))
    z = 1.959963984540054
    theta = z * math.sqrt(0.1) / math.log(0.5)
    assert lo == pytest.approx(math.exp(-math.exp(math.log(math.log(2)) - theta)), rel=1e-12)
    assert hi == pytest.approx(math.exp(-math.exp(math.log(math.log(2)) + theta)), rel=1e-12)
    assert (round(lo, 3), round(hi, 3)) == (0.184, 0.753)  # CAMIS, R conf.type = "log-log"
    assert km.table["std_err"][4] == pytest.approx(0.5 * math.sqrt(0.1))


def test_log_and_plain_limits_closed_form():
    z = 1.959963984540054
    log = kaplan_meier(CAMIS_T, CAMIS_CENSORED_LAST, conf_type="log").survival_at(87)
    assert (log.lower, log.upper) == pytest.approx(
        (0.5 * math.exp(-z * math.sqrt(0.1)), min(1.0, 0.5 * math.exp(z * math.sqrt(0.1))))
    )
    plain = kaplan_meier(CAMIS_T, CAMIS_CENSORED_LAST, conf_type="plain").survival_at(87)
    assert (plain.lower, plain.upper) == pytest.approx(
        (0.5 - z * 0.5 * math.sqrt(0.1), 0.5 + z * 0.5 * math.sqrt(0.1))
    )


@pytest.mark.parametrize(
    ("events", "rule", "expected"),
    [
        (CAMIS_CENSORED_LAST, "midpoint", 102.5),  # R: (87 + 118) / 2
        (CAMIS_CENSORED_LAST, "sas", math.nan),  # SAS: NE, never strictly below 0.5
        (CAMIS_CENSORED_LAST, "first", 87.0),  # lifelines
        (CAMIS_CENSORED_LAST, "strict", math.nan),  # statsmodels
        (CAMIS_EVENT_LAST, "midpoint", 102.5),
        (CAMIS_EVENT_LAST, "sas", 102.5),
        (CAMIS_EVENT_LAST, "first", 87.0),
        (CAMIS_EVENT_LAST, "strict", 118.0),
    ],
)
def test_median_conventions_when_flat_at_one_half(events, rule, expected):
    km = kaplan_meier(CAMIS_T, events, quantile_rule=rule)
    if math.isnan(expected):
        assert math.isnan(km.median)
    else:
        assert km.median == expected


def test_hand_computed_curve_with_ties_and_censoring_at_event_time():
    # t: 2 2 2 3 3 5 ; event: 1 1 0 1 0 1
    # t=2: n=6, d=2 -> S = 4/6; censor at 2 stays at risk at 2.
    # t=3: n=3, d=1 -> S = 4/6 * 2/3 = 4/9 ; t=5: n=1, d=1 -> 0
    km = kaplan_meier([2, 2, 2, 3, 3, 5], [1, 1, 0, 1, 0, 1])
    tab = km.table
    assert tab["n_risk"].tolist() == [6, 3, 1]
    assert tab["n_event"].tolist() == [2, 1, 1]
    assert tab["n_censor"].tolist() == [1, 1, 0]
    np.testing.assert_allclose(tab["survival"], [4 / 6, 4 / 9, 0.0])
    np.testing.assert_allclose(km.var_log[:2], [2 / (6 * 4), 2 / (6 * 4) + 1 / (3 * 2)])
    assert np.isinf(km.var_log[2]) and np.isnan(tab["std_err"][2])
    assert km.median == 3.0  # S jumps from 2/3 to 4/9 at t = 3
    assert km.n_at_risk([0, 2, 2.5, 5, 6]).tolist() == [6, 6, 3, 1, 0]
    assert (km.n, km.events, km.censored) == (6, 4, 2)


def test_no_events_gives_flat_curve_and_no_median():
    km = kaplan_meier([1, 2, 3], [0, 0, 0])
    assert km.survival.tolist() == [1.0, 1.0, 1.0]
    assert math.isnan(km.median) and all(math.isnan(v) for v in km.median_ci)
    assert tuple(km.survival_at(2.0)) == (1.0, 1.0, 1.0)


def test_quantile_accepts_arrays_and_rejects_bad_probabilities():
    km = kaplan_meier(CAMIS_T, CAMIS_EVENT_LAST)
    assert km.quantile([0.25, 0.5]).tolist() == [77.0, 102.5]
    with pytest.raises(OptionsError, match="q"):
        km.quantile(1.5)
    with pytest.raises(OptionsError, match="landmark"):
        km.survival_at(-1)


def test_summary_and_tidy_frames():
    km = kaplan_meier(CAMIS_T, CAMIS_EVENT_LAST, conf_type="log")
    row = km.summary_frame().iloc[0]
    assert row["median"] == 102.5 and row["conf_type"] == "log" and row["n"] == 10
    frame = km.to_frame()
    assert {"conf_type", "level", "survival", "std_err"} <= set(frame.columns)
    assert len(frame) == 10
