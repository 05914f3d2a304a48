"""Result arrays are read-only: writing into km.survival raises instead of changing km.median."""

from __future__ import annotations

import numpy as np
import pytest

from earlyphase.survival import kaplan_meier, logrank

TIME = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
EVENT = np.array([1, 1, 0, 1, 1, 0, 1, 1])


def test_writing_into_km_arrays_raises_and_the_median_stays():
    km = kaplan_meier(TIME, EVENT)
    median = km.median
    for name in ("time", "survival", "lower", "upper", "n_risk", "n_event"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(km, name)[0] = 0
    assert km.median == median
    time = TIME.copy()
    kaplan_meier(time, EVENT)
    time[0] = 0.5  # the caller's own array stays writeable


def test_logrank_arrays_are_read_only():
    result = logrank(TIME, EVENT, np.array(["a", "b"] * 4))
    with pytest.raises(ValueError, match="read-only"):
        result.observed[0] = 0
