"""The one unit table: closed-form factors, aliases, round trips, errors, its three users."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from earlyphase.clinical.units import ACCEPTED_UNITS, STANDARD_UNITS, UNIT_FACTORS, to_standard
from earlyphase.errors import DataError
from earlyphase.pk.nca.units import concentration_factor_to_mg_l, parameter_units, volume_factor
from earlyphase.units import (
    DOSE_UNITS,
    UNITS,
    column_suffix,
    conversion_factor,
    convert,
    convert_array,
    normalize_unit,
)


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("µL", "uL"),
        ("/µL", "/uL"),
        ("/μL", "/uL"),
        ("m²", "m2"),
        ("g/dl", "g/dL"),
        ("G/DL", "g/dL"),
        (" mg / dL ", "mg/dL"),
        ("x10^9/L", "10^9/L"),
        ("X10^9/l", "10^9/L"),
        ("10*9/L", "10^9/L"),
        ("10**9/L", "10^9/L"),
        ("10E9/L", "10^9/L"),
        ("x 10e9 / L", "10^9/L"),
        ("×10^9/L", "10^9/L"),
        ("giga/L", "10^9/L"),
        ("K/uL", "10^3/uL"),
        ("thou/µL", "10^3/uL"),
        ("10^3/mm3", "10^3/uL"),
        ("x10E3/uL", "10^3/uL"),
        ("cells/mm3", "/uL"),
        ("cells/µL", "/uL"),
        ("/mm^3", "/uL"),
        ("/cumm", "/uL"),
        ("10e6/L", "10^6/L"),
        ("IU/L", "U/L"),
        ("iu/l", "U/L"),
        ("µkat/L", "ukat/L"),
        ("mcg/mL", "ug/mL"),
        ("µg/mL", "ug/mL"),
        ("μg/ml", "ug/mL"),
        ("NG/ML", "ng/mL"),
        ("mcg", "ug"),
        ("µmol/L", "umol/L"),
        ("mg/24 h", "mg/24h"),
        ("×ULN", "xULN"),
        ("x ULN", "xULN"),
        ("week", "weeks"),
        ("h", "hours"),
        ("", ""),
    ],
)
def test_aliases(raw, norm):
    assert normalize_unit(raw) == norm


@pytest.mark.parametrize(
    ("src", "dst", "factor"),
    [
        ("g/dL", "g/L", 10.0),
        ("g/L", "g/dL", 0.1),
        ("/uL", "10^9/L", 1e-3),
        ("10^9/L", "/uL", 1000.0),
        ("10^3/uL", "10^9/L", 1.0),
        ("10^6/L", "10^9/L", 1e-3),
        ("ng/mL", "mg/L", 1e-3),
        ("ng/mL", "ug/L", 1.0),
        ("ug/mL", "mg/L", 1.0),
        ("mg/dL", "mg/L", 10.0),
        ("ng/dL", "mg/L", 1e-5),
        ("mmol/L", "umol/L", 1000.0),
        ("ukat/L", "U/L", 60.0),
        ("weeks", "days", 7.0),
        ("days", "hours", 24.0),
        ("hours", "min", 60.0),
        ("g/24h", "mg/24h", 1000.0),
        ("kg", "mg", 1e6),
        ("mL", "L", 1e-3),
    ],
)
def test_closed_form_factors(src, dst, factor):
    assert conversion_factor(src, dst) == factor  # exact: rounded to 15 significant digits


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (50, "10^9/L", "/uL", 50_000),  # 1 x 10^9/L = 1000/uL
        (80, "g/L", "g/dL", 8),  # exactly at the Hb threshold
        (100, "mg/L", "mg/dL", 10),  # FLC 100 mg/L = 10 mg/dL
        (4, "weeks", "days", 28),
        (1, "g/24h", "mg/24h", 1000),
        (0.3, "ukat/L", "U/L", 18),
        (3, "mcg/mL", "ng/mL", 3000),
    ],
)
def test_conversions_exact_at_thresholds(value, src, dst, expected):
    assert convert(value, src, dst) == expected
    assert convert_array([value], src, dst)[0] == expected


def test_dimension_mismatch_names_both_units_and_dimensions():
    with pytest.raises(DataError, match="cannot convert") as info:
        convert(1, "g/dL", "/uL")
    message = str(info.value)
    assert "'g/dL' (mass concentration)" in message and "'/uL' (cell count)" in message
    with pytest.raises(ValueError, match=r"cannot convert 'umol/L' \(molar concentration\)"):
        conversion_factor("umol/L", "mg/dL")  # needs the substance: earlyphase.clinical.units
    with pytest.raises(DataError, match="cannot convert"):
        convert_array([1.0], "days", "ms")


def test_unknown_unit_names_the_value_and_what_was_expected():
    for call in (
        lambda: normalize_unit("mg/furlong"),
        lambda: convert(1, "mg/furlong", "mg/L"),
        lambda: conversion_factor("mg/L", "mg/furlong"),
        lambda: column_suffix("mg/furlong"),
    ):
        with pytest.raises(DataError) as info:
            call()
        message = str(info.value)
        assert message.startswith("unit: got 'mg/furlong'; expected a known unit (one of ")
        assert "'ng/mL'" in message and "'10^9/L'" in message


def test_column_suffixes_and_table():
    assert column_suffix("10^9/L") == "10e9_l" and column_suffix("/µL") == "per_ul"
    assert column_suffix("K/uL") == "10e3_ul" and column_suffix("ng/mL") == "ng_ml"
    suffixes = [u.suffix for u in UNITS.values() if u.suffix]
    assert len(suffixes) == len(set(suffixes))
    assert all(u.symbol == s for s, u in UNITS.items())
    assert all(u in UNITS for u in DOSE_UNITS)
    lower = [s.lower() for s in UNITS]
    assert len(lower) == len(set(lower))  # case-insensitive lookup is unambiguous


def test_mass_concentrations_are_mass_over_volume():
    for symbol, unit in UNITS.items():
        if unit.dimension == "mass concentration":
            mass, volume = symbol.split("/")
            expected = conversion_factor(mass, "mg") / conversion_factor(volume, "L")
            assert unit.factor == pytest.approx(expected, rel=1e-15)


pairs = st.sampled_from(
    [
        (a, b)
        for a in UNITS.values()
        for b in UNITS.values()
        if a.dimension == b.dimension and a.symbol != b.symbol
    ]
)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), pairs)
def test_factor_round_trip(x, pair):
    a, b = pair
    there, back = conversion_factor(a.symbol, b.symbol), conversion_factor(b.symbol, a.symbol)
    assert x * there * back == pytest.approx(x, rel=1e-12, abs=1e-300)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), pairs)
def test_convert_round_trip_and_scalar_vectorised_agree(x, pair):
    a, b = pair
    y = convert(x, a.symbol, b.symbol)
    assert convert_array(np.array([x]), a.symbol, b.symbol)[0] == pytest.approx(
        y, rel=1e-15, abs=1e-300
    )
    # convert rounds to 12 significant digits each way, so the round trip holds to ~1e-11
    assert convert(y, b.symbol, a.symbol) == pytest.approx(x, rel=2e-11, abs=1e-12)


@given(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-3, max_value=3),
    pairs.filter(lambda p: conversion_factor(p[0].symbol, p[1].symbol) in (1e-3, 1e-1, 10, 1e3)),
)
def test_convert_round_trip_is_exact_for_decimal_factors(n, exponent, pair):
    a, b = pair
    x = n * 10.0**exponent
    assert convert(convert(x, a.symbol, b.symbol), b.symbol, a.symbol) == pytest.approx(
        x, rel=1e-12, abs=1e-300
    )


# ------------------------------------------------------------------ the users of the table
#: The factors of earlyphase.clinical.units before the one table (lower-case spellings).
LAB_FACTORS = {
    "platelets": {
        "10^9/l": 1.0,
        "10e9/l": 1.0,
        "x10^9/l": 1.0,
        "giga/l": 1.0,
        "10^3/ul": 1.0,
        "10^3/mm3": 1.0,
        "x10^3/ul": 1.0,
        "k/ul": 1.0,
        "thou/ul": 1.0,
        "/ul": 1e-3,
        "cells/ul": 1e-3,
        "/mm3": 1e-3,
        "cells/mm3": 1e-3,
        "10^6/l": 1e-3,
    },
    "hemoglobin": {"g/l": 1.0, "g/dl": 10.0, "mmol/l": 16.114},
    "creatinine": {"umol/l": 1.0, "mg/dl": 88.42, "mmol/l": 1000.0},
    "bilirubin": {"umol/l": 1.0, "mg/dl": 17.104},
    "alt": {"u/l": 1.0, "iu/l": 1.0, "ukat/l": 60.0},
}


@pytest.mark.parametrize("test", sorted(LAB_FACTORS))
def test_lab_factors_unchanged(test):
    spellings = list(LAB_FACTORS[test])
    for units in (
        spellings,
        [s.upper() for s in spellings],
        [s.replace("u", "µ") for s in spellings],
    ):
        got = to_standard(test, pd.Series(units))
        assert got.tolist() == list(LAB_FACTORS[test].values())  # exactly
    assert set(UNIT_FACTORS[test]) == set(ACCEPTED_UNITS[test])
    assert UNIT_FACTORS[test][STANDARD_UNITS[test]] == 1.0


@pytest.mark.parametrize(
    ("test", "unit"),
    [("hemoglobin", "mg/L"), ("creatinine", "ng/mL"), ("alt", "g/L"), ("platelets", None)],
)
def test_lab_unit_not_accepted(test, unit):
    with pytest.raises(DataError) as info:
        to_standard(test, pd.Series([STANDARD_UNITS[test], unit], dtype=object))
    message = str(info.value)
    assert message.startswith(f"unit (test {test!r}): got {unit!r}; expected one of ")
    assert all(repr(u) in message for u in ACCEPTED_UNITS[test])


@pytest.mark.parametrize(
    ("amount", "conc", "factor"),
    [
        ("mg", "ng/mL", 1000.0),
        ("mg", "ug/mL", 1.0),
        ("mg", "mg/L", 1.0),
        ("ug", "ng/mL", 1.0),
        ("mcg", "µg/mL", 1e-3),
        ("g", "mg/dL", 100.0),
        ("mg", "umol/L", None),
        ("mg/kg", "ng/mL", None),
        ("", "ng/mL", None),
        ("mg", "ng", None),
        ("mg", "furlongs/mL", None),
    ],
)
def test_nca_volume_factor(amount, conc, factor):
    assert volume_factor(amount, conc) == factor
    assert parameter_units("h", conc, amount)["volume"] == (
        "L" if factor is not None else (f"{amount}/({conc})" if amount else "")
    )


def test_nca_concentration_factor():
    assert concentration_factor_to_mg_l("ng/mL") == 1e-3
    assert concentration_factor_to_mg_l("ng / mL") == 1e-3
    assert concentration_factor_to_mg_l("ug/mL") == 1.0
    assert concentration_factor_to_mg_l("g/dL") == 1e4
    assert concentration_factor_to_mg_l("nmol/L") is None
    assert concentration_factor_to_mg_l("") is None
