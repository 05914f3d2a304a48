"""Unit registry: aliases, conversions at thresholds, scalar and vectorised paths agree."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from earlyphase.protocol.units import UNITS, column_suffix, convert, convert_array, normalize_unit


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("µL", "uL"),
        ("/µL", "/uL"),
        ("m²", "m2"),
        ("g/dl", "g/dL"),
        ("x10^9/L", "10^9/L"),
        ("mg/24 h", "mg/24h"),
        ("×ULN", "xULN"),
    ],
)
def test_aliases(raw, norm):
    assert normalize_unit(raw) == norm


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (50, "10^9/L", "/uL", 50_000),  # 1 x 10^9/L = 1000/uL
        (80, "g/L", "g/dL", 8),  # exactly at the Hb threshold
        (100, "mg/L", "mg/dL", 10),  # FLC 100 mg/L = 10 mg/dL
        (4, "weeks", "days", 28),
        (1, "g/24h", "mg/24h", 1000),
    ],
)
def test_conversions_exact_at_thresholds(value, src, dst, expected):
    assert convert(value, src, dst) == expected
    assert convert_array([value], src, dst)[0] == expected


def test_incompatible_dimensions():
    with pytest.raises(ValueError, match="cannot convert"):
        convert(1, "g/dL", "/uL")
    assert column_suffix("10^9/L") == "10e9_l" and column_suffix("/µL") == "per_ul"


pairs = st.sampled_from(
    [
        (a, b)
        for a in UNITS.values()
        for b in UNITS.values()
        if a.dimension == b.dimension and a.symbol != b.symbol
    ]
)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), pairs)
def test_scalar_and_vectorised_agree_and_round_trip(x, pair):
    a, b = pair
    y = convert(x, a.symbol, b.symbol)
    assert convert_array(np.array([x]), a.symbol, b.symbol)[0] == pytest.approx(
        y, rel=1e-15, abs=1e-300
    )
    assert convert(y, b.symbol, a.symbol) == pytest.approx(x, rel=1e-10, abs=1e-12)
