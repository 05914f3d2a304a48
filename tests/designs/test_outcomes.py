"""The outcome-string grammar ("1NNN 2NTN") and its errors."""

from __future__ import annotations

import pandas as pd
import pytest

from earlyphase.designs import parse_outcomes
from earlyphase.errors import DesignError


def test_parse_counts_per_dose():
    out = parse_outcomes("1NNN 2NTN 2TTN", n_doses=3)
    assert [c.dose for c in out.cohorts] == [1, 2, 2]
    assert out.n_per_dose(3).tolist() == [3, 6, 0]
    assert out.dlt_per_dose(3).tolist() == [0, 3, 0]
    assert str(out) == "1NNN 2NTN 2TTN"
    assert out.n_total == 9


def test_empty_string_is_no_cohort():
    assert parse_outcomes("   ").cohorts == ()


def test_table_and_pairs_give_the_same_cohorts():
    table = pd.DataFrame({"dose": [1, 1, 1, 2, 2, 2], "dlt": [0, 0, 0, 0, 1, 0]})
    assert str(parse_outcomes(table)) == "1NNN 2NTN"
    assert str(parse_outcomes([(1, "NNN"), (2, [0, 1, 0])])) == "1NNN 2NTN"
    with_cohort = table.assign(cohort=[1, 1, 1, 2, 2, 2])
    assert str(parse_outcomes(with_cohort)) == "1NNN 2NTN"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1NNN 2NXN", "cohort 2 (token '2NXN' at character 6)"),
        ("1NNN N", "cohort 2"),
        ("0NNN", "between 1 and 3"),
        ("1NNN 4NNN", "token '4NNN'"),
    ],
)
def test_grammar_errors_point_at_the_token(text, fragment):
    with pytest.raises(DesignError, match="expected") as info:
        parse_outcomes(text, n_doses=3)
    assert fragment in str(info.value)


def test_table_with_bad_dlt_value():
    with pytest.raises(DesignError, match="row 2 dlt"):
        parse_outcomes(pd.DataFrame({"dose": [1, 1], "dlt": [0, 2]}))
