"""Bad input gives a DataError/OptionsError naming the field, the value and what was expected."""

from __future__ import annotations

import numpy as np
import pytest

from earlyphase.errors import DataError, OptionsError
from earlyphase.survival import estimate_by_group, kaplan_meier, logrank, median_followup


@pytest.mark.parametrize(
    ("time", "event", "pattern"),
    [
        ([1, -2, 3], [1, 0, 1], r"time\[1\]: got -2.0; expected a time >= 0"),
        ([1, np.nan, 3], [1, 0, 1], r"time\[1\]: got nan; expected a finite"),
        ([1, np.inf], [1, 0], r"time\[1\]: got inf"),
        ([1, 2, 3], [1, 2, 0], r"event\[1\]: got 2; expected 0 \(censored\) or 1 \(event\)"),
        ([1, 2, 3], [1, np.nan, 0], r"event\[1\]: got nan"),
        ([1, 2, 3], ["Y", "N", "Y"], r"event\[0\]: got 'Y'"),
        ([1, 2, 3], [1, 0], r"time/event: got 'lengths 3 and 2'"),
        ([], [], r"time: got 'empty input'; expected at least one subject"),
        (["a", 2], [1, 0], r"time: got 'a'; expected numeric times"),
    ],
)
def test_bad_time_or_event(time, event, pattern):
    with pytest.raises(DataError, match=pattern):
        kaplan_meier(time, event)


def test_bool_events_and_float_zero_one_are_accepted():
    a = kaplan_meier([1, 2, 3], [True, False, True])
    b = kaplan_meier([1, 2, 3], [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(a.survival, b.survival)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"conf_type": "loglog"}, "conf_type: got 'loglog'"),
        ({"level": 1.5}, "level: got 1.5"),
        ({"quantile_rule": "mean"}, "quantile_rule: got 'mean'"),
    ],
)
def test_bad_options(kwargs, pattern):
    with pytest.raises(OptionsError, match=pattern):
        kaplan_meier([1, 2], [1, 0], **kwargs)


def test_group_errors():
    with pytest.raises(DataError, match="group: got 'length 2'"):
        estimate_by_group([1, 2, 3], [1, 0, 1], ["a", "b"])
    with pytest.raises(DataError, match=r"group\[1\]: got None"):
        estimate_by_group([1, 2, 3], [1, 0, 1], ["a", None, "b"])
    with pytest.raises(DataError, match="at least two groups"):
        logrank([1, 2, 3], [1, 0, 1], ["a", "a", "a"])
    with pytest.raises(DataError, match=r"strata\[0\]: got None"):
        logrank([1, 2, 3], [1, 0, 1], ["a", "b", "a"], strata=[None, "x", "y"])
    with pytest.raises(DataError, match=r"time\[2\]"):
        estimate_by_group([1, 2, -3], [1, 0, 1], ["a", "b", "a"])
    with pytest.raises(OptionsError, match="ties: got 'x'"):
        median_followup([1, 2], [1, 0], ties="x")
