"""Table layout and number formatting (SAS ROUND convention)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from earlyphase.errors import OptionsError
from earlyphase.report.spec import (
    ColumnSpec,
    RowSpec,
    TableResult,
    TableSpec,
    format_number,
    render_template,
    sas_round,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        # SAS ROUND rounds the printed decimal half away from zero (SAS 9.4 ROUND function)
        (2.675, 2, 2.68),  # binary 2.67499999... ; Python round() gives 2.67
        (0.125, 2, 0.13),
        (2.5, 0, 3.0),  # Python round() gives 2 (ties to even)
        (-2.5, 0, -3.0),
        (1.005, 2, 1.01),
        (69.69696969, 0, 70.0),
    ],
)
def test_sas_round_half_away_from_zero(value, decimals, expected):
    assert sas_round(value, decimals) == expected


def test_half_even_option_differs_from_sas():
    assert format_number(2.5, "0", "half-even") == "2"
    assert format_number(2.5, "0", "sas") == "3"


@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 4))
def test_sas_round_is_within_half_a_unit(x, d):
    assert abs(sas_round(x, d) - x) <= 0.5 * 10.0**-d + 1e-9 * max(1.0, abs(x))


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        # three significant figures as printed in the paper's Table 3
        (20204.0, "3s", "20,200"),
        (5400.4, "3s", "5400"),
        (155.2, "3s", "155"),
        (32.14, "3s", "32.1"),
        (0.6391, "3s", "0.639"),
        (999.6, "3s", "1000"),
        (151234.0, "3s", "151,000"),
        (2.5, "1g", "2.5"),
        (3.0, "1g", "3"),
        (6.0, "", "6"),
        (-0.04, "1", "0.0"),
    ],
)
def test_format_number(value, fmt, expected):
    assert format_number(value, fmt) == expected


def test_bad_format_code_is_a_clear_error():
    with pytest.raises(OptionsError, match="format"):
        format_number(1.0, "x")


def test_template_missing_and_empty():
    assert (
        render_template("{median:1} ({lcl:1}-{ucl:1})", {"median": 10.06, "lcl": math.nan})
        == "10.1 (NE-NE)"
    )
    assert render_template("{n}", {}) == "—"


def test_display_keeps_numbers_unrounded_until_rendering():
    data = pd.DataFrame(
        [
            ("r", "A", "n", 2.0),
            ("r", "A", "pct", 66.666666),
            ("r", "B", "n", 0.0),
            ("r", "B", "pct", 0.0),
        ],
        columns=["row", "column", "stat", "value"],
    )
    spec = TableSpec(
        "t",
        "T",
        (ColumnSpec("A", "a", "span"), ColumnSpec("B", "b", "span")),
        (RowSpec("h", "Heading"), RowSpec("r", "Row", "{n} ({pct:0})", 1)),
    )
    result = TableResult(data, spec)
    shown = result.display()
    assert shown.body[1][3] == ("2 (67)", "0")
    assert shown.span_headers == (("span", 2),)
    assert result.to_frame()["value"].iloc[1] == pytest.approx(66.666666)
    one_decimal = TableSpec(**{**spec.__dict__, "rows": (RowSpec("r", "Row", "{pct:1}"),)})
    # a zero count prints as "0" (the paper's style), whatever the decimals
    assert result.display(one_decimal).body[0][3] == ("66.7", "0")
