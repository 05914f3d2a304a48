"""The public table-layout API (earlyphase.report.layout): counts, denominators, nesting,
sorting, summary rows, sub-columns, errors.  Expected numbers are counted by hand from the
small frames below."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from earlyphase.errors import DataError, OptionsError
from earlyphase.report.layout import (
    Analyze,
    CountLevels,
    CountSubjects,
    Heading,
    NestedCounts,
    SubColumn,
    Summarize,
    TableLayout,
)


@pytest.fixture
def adsl() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "USUBJID": ["s1", "s2", "s3", "s4", "s5"],
            "ARMN": [1, 1, 2, 2, 2],
            "ARM": ["Low", "Low", "High", "High", "High"],
            "SAFFL": ["Y", "Y", "Y", "Y", "N"],
            "AGE": [50.0, 60.0, 70.0, 41.0, 99.0],
            "SEX": ["M", "F", "F", "F", "M"],
        }
    )


@pytest.fixture
def adae() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "USUBJID": ["s1", "s1", "s1", "s3", "s4", "s5", "zz"],
            "SOC": ["GI", "GI", "Blood", "GI", "Blood", "GI", "GI"],
            "PT": ["Nausea", "Diarrhoea", "Anaemia", "Nausea", "Anaemia", "Nausea", "Nausea"],
            "GRADE": [1, 3, 2, 1, 4, 5, 1],
        }
    )


def _base() -> TableLayout:
    return (
        TableLayout("t", "T")
        .population("SAFFL")
        .split_columns_by("ARMN", label_var="ARM", key_prefix="A")
    )


def test_columns_and_denominators_come_from_the_population(adsl, adae):
    result = _base().add(CountSubjects("any", "Any AE")).build(adsl, adae)
    headers = [c.header for c in result.spec.columns]
    # s5 is not in the safety population; "zz" has records but no ADSL row
    assert headers == ["Low (n = 2)", "High (n = 2)", "Overall (n = 4)"]
    assert result.value("any", "A1", "n") == 1  # s1 (3 records, counted once)
    assert result.value("any", "A2", "n") == 2
    assert result.value("any", "OVERALL", "n") == 3
    assert result.value("any", "OVERALL", "pct") == 75.0
    assert result.display().body[0][3] == ("1 (50)", "2 (100)", "3 (75)")


def test_nested_counts_sorted_by_overall_frequency(adsl, adae):
    result = _base().add(NestedCounts(("SOC", "PT"))).build(adsl, adae)
    labels = [(r.label, r.indent) for r in result.spec.rows]
    # safety population only: GI s1, s3 = 2; Blood s1, s4 = 2 -> tie, alphabetical
    assert labels == [
        ("Blood", 0),
        ("Anaemia", 1),
        ("GI", 0),
        ("Nausea", 1),
        ("Diarrhoea", 1),
    ]
    assert result.value("SOC=GI|PT=Nausea", "OVERALL", "n") == 2
    assert result.value("SOC=GI|PT=Diarrhoea", "A2", "n") == 0


def test_subcolumns_filter_records_but_keep_the_denominator(adsl, adae):
    layout = _base().split_columns_within(
        SubColumn("any", "Any grade"), SubColumn("ge3", "Grade ≥3", lambda d: d["GRADE"] >= 3)
    )
    result = layout.add(NestedCounts(("PT",))).build(adsl, adae)
    assert [c.key for c in result.spec.columns][:2] == ["A1:any", "A1:ge3"]
    assert result.spec.columns[1].span == "Low (n = 2)"
    assert result.value("PT=Anaemia", "A2:ge3", "n") == 1  # s4 grade 4
    assert result.value("PT=Anaemia", "A1:ge3", "n") == 0  # s1 grade 2
    assert result.value("PT=Anaemia", "A1:ge3", "denom") == 2


def test_summary_statistics_on_separate_rows(adsl):
    result = _base().add(Summarize("AGE", "Age, years")).build(adsl)
    table = result.display()
    labels = [row[0] for row in table.body]
    assert labels == ["Age, years", "n", "Mean (SD)", "Median", "Min, max"]
    # Low: 50, 60 -> mean 55.0, SD 7.07; High (safety only): 70, 41 -> median 55.5
    assert table.body[2][3][0] == "55.0 (7.07)"
    assert table.body[3][3][1] == "55.5"
    assert table.body[4][3][2] == "41, 70"


def test_count_levels_keeps_zero_rows_in_order(adsl):
    levels = (("M", "Male"), ("F", "Female"), ("U", "Unknown"))
    result = _base().add(CountLevels("SEX", "Sex, n (%)", levels)).build(adsl)
    assert [r.label for r in result.spec.rows] == ["Sex, n (%)", "Male", "Female", "Unknown"]
    assert result.value("SEX=F", "A2", "n") == 2
    assert result.value("SEX=U", "OVERALL", "n") == 0


def test_heading_and_analyze_escape_hatch(adsl, adae):
    def worst(cell):
        g = cell.records["GRADE"]
        return {"max": float(g.max()) if len(g) else math.nan}

    result = (
        _base()
        .add(Heading("Worst grade"), Analyze("worst", "Highest grade", worst, "{max}", indent=1))
        .build(adsl, adae)
    )
    assert result.spec.rows[0].template == ""
    assert result.value("worst", "A2", "max") == 4
    assert result.display().body[1][3] == ("3", "4", "4")


def test_layout_is_immutable_and_reusable(adsl, adae):
    base = _base()
    one = base.add(CountSubjects("any", "Any"))
    assert base.analyses == ()
    assert len(one.analyses) == 1


def test_bad_inputs_name_the_field(adsl, adae):
    with pytest.raises(DataError, match="NOPE"):
        TableLayout("t", "T").split_columns_by("NOPE").build(adsl)
    with pytest.raises(DataError, match="population flag"):
        TableLayout("t", "T").population("XFL").build(adsl)
    with pytest.raises(OptionsError, match="stats"):
        _base().add(Summarize("AGE", "Age", stats=("mode",))).build(adsl)
    with pytest.raises(DataError, match="one row per subject"):
        _base().build(pd.concat([adsl, adsl]))
