"""Isotonic regression: PAVA and the vectorised max-min formula agree; closed-form cases."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyphase.designs.isotonic import isotonic_minmax, pava


def test_closed_form_pooling():
    # (0.5, 0.1) violate order: pooled mean with weights (1, 3) = (0.5 + 0.3) / 4 = 0.2
    assert np.allclose(pava([0.5, 0.1], [1, 3]), [0.2, 0.2])
    assert np.allclose(pava([0.1, 0.3, 0.2, 0.4]), [0.1, 0.25, 0.25, 0.4])
    assert np.allclose(pava([3.0, 2.0, 1.0]), [2.0, 2.0, 2.0])


values = st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=7)


@settings(max_examples=100, deadline=None)
@given(values, st.data())
def test_minmax_equals_pava_and_is_monotone(x, data):
    w = data.draw(st.lists(st.floats(0.01, 100), min_size=len(x), max_size=len(x)))
    fit = pava(x, w)
    assert np.all(np.diff(fit) >= -1e-12)
    assert np.isclose(np.dot(fit, w), np.dot(x, w))  # weighted mean preserved
    fast = isotonic_minmax(np.array([x]), np.array([w]))[0]
    assert np.allclose(fast, fit, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(values, st.data())
def test_zero_weights_are_ignored(x, data):
    keep = data.draw(st.lists(st.booleans(), min_size=len(x), max_size=len(x)))
    if not any(keep):
        keep[0] = True
    xa, ka = np.array(x), np.array(keep)
    fast = isotonic_minmax(xa[None, :], ka[None, :].astype(float))[0]
    assert np.allclose(fast[ka], pava(xa[ka]), atol=1e-12)
