"""Log-rank (incl. stratified) and reverse-KM median follow-up against R survival 3.5-3.

References: tests/reference/survival/logrank.csv from
``survdiff(Surv(time, event) ~ group [+ strata(strata)])`` and followup_reverse_km.csv from
``quantile(survfit(Surv(time, 1 - event) ~ 1, conf.type = "log-log"), probs = 0.5)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from survival_refs import REF, load_dataset, subset

from earlyphase.survival import logrank, median_followup

LOGRANK = pd.read_csv(REF / "logrank.csv")
FOLLOWUP = pd.read_csv(REF / "followup_reverse_km.csv")


@pytest.mark.parametrize(
    ("test", "dataset"), sorted(set(LOGRANK[["test", "dataset"]].itertuples(index=False)))
)
def test_logrank_matches_survdiff(test, dataset):
    ref = LOGRANK[(LOGRANK.test == test) & (LOGRANK.dataset == dataset)]
    data = load_dataset(dataset)
    res = logrank(
        data["time"],
        data["event"],
        data["group"],
        strata=data["strata"] if test == "stratified" else None,
    )
    assert list(res.groups) == ref["group"].astype(str).tolist()
    np.testing.assert_array_equal(res.n, ref["n"])
    np.testing.assert_allclose(res.observed, ref["observed"], rtol=1e-12)
    np.testing.assert_allclose(res.expected, ref["expected"], rtol=1e-10)
    assert res.chisq == pytest.approx(ref["chisq"].iloc[0], rel=1e-9)
    assert res.df == ref["df"].iloc[0]
    assert res.p_value == pytest.approx(ref["p_value"].iloc[0], rel=1e-8)
    frame = res.to_frame()
    assert list(frame["group"]) == list(res.groups) and (frame["n_strata"] >= 1).all()


def test_logrank_two_groups_closed_form():
    # One event time t=1 with n=4 (2 per group), d=1 in group a; then no more events.
    # E_a = 1*2/4 = 0.5, V = 1*(4-1)*2*2/(16*3) = 0.25, chi2 = (1-0.5)^2/0.25 = 1.
    res = logrank([1, 2, 2, 2], [1, 0, 0, 0], ["a", "a", "b", "b"])
    np.testing.assert_allclose(res.expected, [0.5, 0.5])
    assert res.chisq == pytest.approx(1.0) and res.df == 1


def test_logrank_not_computable_is_missing_not_a_number():
    singular = logrank([1, 1], [1, 1], ["a", "b"])  # n = d at the only event time: V = 0
    assert np.isnan(singular.chisq) and np.isnan(singular.p_value)
    one_group_at_risk = logrank([1, 2, 0.5], [1, 1, 0], ["a", "a", "b"])  # b censored first
    assert one_group_at_risk.df == 0 and one_group_at_risk.chisq == 0.0
    assert np.isnan(one_group_at_risk.p_value)


@pytest.mark.parametrize(
    "row", [r for _, r in FOLLOWUP.iterrows()], ids=lambda r: f"{r.dataset}-{r.group}"
)
def test_median_followup_matches_reverse_survfit(row):
    data = subset(load_dataset(row["dataset"]), row["group"])
    fu = median_followup(data["time"], data["event"])
    np.testing.assert_allclose(
        [fu.median, fu.lower, fu.upper, fu.min, fu.max],
        row[["median", "lower", "upper", "min", "max"]].to_numpy(float),
        equal_nan=True,
    )
    assert fu.n == len(data)


def test_followup_tie_rules_differ_only_on_ties():
    # Death at 5 and censoring at 5: "flip" keeps the death at risk for the censoring at 5
    # (reverse S(5) = 1 - 1/2), "events-first" removes it first (1 - 1/1 = 0).
    flip = median_followup([3, 5, 5], [1, 1, 0])
    first = median_followup([3, 5, 5], [1, 1, 0], ties="events-first")
    assert flip.reverse_km.survival[-1] == pytest.approx(0.5)
    assert first.reverse_km.survival[-1] == pytest.approx(0.0)
    no_ties = ([1, 2, 3, 4], [1, 0, 1, 0])
    np.testing.assert_allclose(
        median_followup(*no_ties).reverse_km.survival,
        median_followup(*no_ties, ties="events-first").reverse_km.survival,
    )
    assert flip.to_frame().iloc[0]["max"] == 5
