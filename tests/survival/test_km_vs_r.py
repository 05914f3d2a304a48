"""Kaplan–Meier steps, quantile CIs and landmarks against R survival 3.5-3 (R 4.2.2).

Reference values: tests/reference/survival/generate_survival_refs.R, calls
``survfit(Surv(time, event) ~ 1, conf.type = ct, conf.int = level)``,
``quantile(fit, probs = c(.25, .5, .75))`` and ``summary(fit, times = ..., extend = TRUE)``
on aml, lung, ovarian, veteran (R survival datasets), hand-made ties / flat-at-0.5 /
not-reached sets, and the CDISC pilot ADTTE (by TRTA and TRTP).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from survival_refs import REF, load_dataset, subset

from earlyphase.survival import kaplan_meier

STEPS = pd.read_csv(REF / "km_steps.csv")
CASES = sorted(
    {(d, g, c) for d, g, c in STEPS[["dataset", "group", "conf_type"]].itertuples(index=False)}
)
COLUMNS = ["time", "n_risk", "n_event", "n_censor", "survival", "std_err", "lower", "upper"]


def _curve(dataset: str, group: str, conf_type: str, level: float = 0.95):
    data = subset(load_dataset(dataset), group)
    return kaplan_meier(data["time"], data["event"], conf_type=conf_type, level=level)


def test_reference_covers_required_situations():
    names = {d for d, _, _ in CASES}
    assert {
        "aml",
        "lung",
        "ovarian",
        "veteran",
        "flat_censored",
        "flat_event",
        "flat_middle",
        "ties",
        "not_reached",
        "pilot_trta",
        "pilot_trtp",
    } <= names


@pytest.mark.parametrize(("dataset", "group", "conf_type"), CASES)
def test_step_table_matches_r(dataset, group, conf_type):
    ref = STEPS[
        (STEPS.dataset == dataset) & (STEPS.group == group) & (STEPS.conf_type == conf_type)
    ]
    table = _curve(dataset, group, conf_type).table
    assert list(table.columns) == COLUMNS
    assert len(table) == len(ref)
    for col in COLUMNS:
        np.testing.assert_allclose(
            table[col].to_numpy(float),
            ref[col].to_numpy(float),
            rtol=1e-10,
            atol=1e-13,
            equal_nan=True,
            err_msg=f"{dataset}/{group}/{conf_type}: {col}",
        )


@pytest.mark.parametrize(("dataset", "group", "conf_type"), CASES)
@pytest.mark.parametrize("level", [0.95, 0.90])
def test_quartiles_and_brookmeyer_crowley_limits_match_r(
    ref_quantiles, dataset, group, conf_type, level
):
    ref = ref_quantiles[
        (ref_quantiles.dataset == dataset)
        & (ref_quantiles.group == group)
        & (ref_quantiles.conf_type == conf_type)
        & np.isclose(ref_quantiles.level, level)
    ]
    assert len(ref) == 3
    km = _curve(dataset, group, conf_type, level)
    probs = ref["prob"].to_numpy()
    lo, hi = km.quantile_ci(probs)
    np.testing.assert_allclose(km.quantile(probs), ref["quantile"], equal_nan=True, rtol=1e-12)
    np.testing.assert_allclose(lo, ref["lower"], equal_nan=True, rtol=1e-12)
    np.testing.assert_allclose(hi, ref["upper"], equal_nan=True, rtol=1e-12)


@pytest.mark.parametrize(("dataset", "group", "conf_type"), CASES)
def test_landmarks_and_numbers_at_risk_match_r(ref_landmarks, dataset, group, conf_type):
    ref = ref_landmarks[
        (ref_landmarks.dataset == dataset)
        & (ref_landmarks.group == group)
        & (ref_landmarks.conf_type == conf_type)
    ]
    km = _curve(dataset, group, conf_type)
    times = ref["time"].to_numpy()
    est, lo, hi = km.survival_at(times, extend=True)
    np.testing.assert_allclose(est, ref["survival"], rtol=1e-12)
    np.testing.assert_array_equal(km.n_at_risk(times), ref["n_risk"])
    # Documented deviation: where no event has happened yet (S = 1) we report (1, 1); R's
    # summary() does so before the first observed time but returns NA after a censoring at S = 1.
    r_lo, r_hi = ref["lower"].to_numpy(), ref["upper"].to_numpy()
    deviates = np.isnan(r_lo) & (ref["survival"].to_numpy() == 1.0)
    np.testing.assert_allclose(lo[~deviates], r_lo[~deviates], rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(hi[~deviates], r_hi[~deviates], rtol=1e-10, equal_nan=True)
    assert np.all(lo[deviates] == 1.0) and np.all(hi[deviates] == 1.0)


def test_landmark_beyond_last_observation_is_not_estimable_by_default():
    # flat_censored: last observation (118) is censored with S = 0.5; SAS reports NE after it,
    # R summary(extend = TRUE) carries 0.5 forward (CAMIS, PSIAIMS/CAMIS Comp/r-sas_survival).
    km = _curve("flat_censored", "ALL", "log-log")
    assert all(np.isnan(v) for v in km.survival_at(150.0))
    assert km.survival_at(150.0, extend=True).estimate == 0.5
    # A curve that has reached 0 is 0 for ever, whichever convention.
    km0 = _curve("flat_event", "ALL", "log-log")
    assert km0.survival_at(500.0).estimate == 0.0


def test_pilot_adtte_median_by_arm_matches_r(ref_quantiles):
    """Real CDISC pilot ADTTE (TTDE), SAS-default log-log limits, by actual treatment."""
    data = load_dataset("pilot_trta")
    ref = ref_quantiles[
        (ref_quantiles.dataset == "pilot_trta")
        & (ref_quantiles.conf_type == "log-log")
        & (ref_quantiles.prob == 0.5)
        & (ref_quantiles.level == 0.95)
    ].set_index("group")
    for arm, rows in data.groupby("group"):
        km = kaplan_meier(rows["time"], rows["event"])
        np.testing.assert_allclose(
            [km.median, *km.median_ci],
            ref.loc[arm, ["quantile", "lower", "upper"]].to_numpy(float),
            equal_nan=True,
        )
    placebo = kaplan_meier(*[data.loc[data.group == "Placebo", c] for c in ("time", "event")])
    assert np.isnan(placebo.median)  # not reached: 29 events in 86
