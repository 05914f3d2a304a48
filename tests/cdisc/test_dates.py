"""ISO 8601 parsing and admiral-style imputation (earlyphase.cdisc.dates).

Reference behaviour: pharmaverse admiral 1.x ``derive_vars_dt()`` / ``impute_dtc_dt()``
documentation (date_imputation "first"/"mid"/"last", highest_imputation, min_dates/max_dates).
"""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyphase.cdisc.dates import impute_dtc, parse_iso8601_strict, study_day
from earlyphase.errors import DataError, OptionsError

VALUES = ["2015", "2015-03", "2015-03-02", "2015---02", "2016-02", "2015-03-02T09:30", ""]


@pytest.mark.parametrize(
    ("rule", "expected", "flags"),
    [
        (
            "first",
            [
                "2015-01-01",
                "2015-03-01",
                "2015-03-02",
                "2015-01-01",
                "2016-02-01",
                "2015-03-02",
                None,
            ],
            ["M", "D", "", "M", "D", "", ""],
        ),
        (
            "last",
            [
                "2015-12-31",
                "2015-03-31",
                "2015-03-02",
                "2015-12-31",
                "2016-02-29",
                "2015-03-02",
                None,
            ],
            ["M", "D", "", "M", "D", "", ""],
        ),
        (
            "mid",
            [
                "2015-06-30",
                "2015-03-15",
                "2015-03-02",
                "2015-06-30",
                "2016-02-15",
                "2015-03-02",
                None,
            ],
            ["M", "D", "", "M", "D", "", ""],
        ),
    ],
)
def test_imputation_table(rule, expected, flags):
    r = impute_dtc(VALUES, date_imputation=rule)
    assert list(r.dates) == [pd.Timestamp(e) if e else pd.NaT for e in expected]
    assert list(r.date_flag) == flags


def test_time_part_and_flags():
    r = impute_dtc(["2015-03-02T09:30", "2015-03-02T09", "2015-03-02"], date_imputation="last")
    assert list(r.datetimes) == [
        pd.Timestamp("2015-03-02 09:30:59"),
        pd.Timestamp("2015-03-02 09:59:59"),
        pd.Timestamp("2015-03-02 23:59:59"),
    ]
    assert list(r.time_flag) == ["S", "M", "H"]


def test_highest_imputation_caps_what_is_imputed():
    r = impute_dtc(["2015", "2015-03", "2015-03-02"], highest_imputation="D")
    assert pd.isna(r.dates[0]) and r.dates[1] == pd.Timestamp("2015-03-01")
    r = impute_dtc(["2015", "2015-03", "2015-03-02"], highest_imputation="n")
    assert r.dates.isna().tolist() == [True, True, False]


def test_min_and_max_dates_inside_the_period_only():
    r = impute_dtc(
        ["2015-03", "2015-03", "2015"], min_dates=["2015-03-10", "2015-04-10", "2015-07-01"]
    )
    # first bound is inside March: used; second is outside: plain first-of-month
    assert list(r.dates) == [
        pd.Timestamp("2015-03-10"),
        pd.Timestamp("2015-03-01"),
        pd.Timestamp("2015-07-01"),
    ]
    r = impute_dtc(
        ["2015-03", "2015-03-31"], date_imputation="last", max_dates=["2015-03-20", "2015-03-20"]
    )
    assert list(r.dates) == [
        pd.Timestamp("2015-03-20"),
        pd.Timestamp("2015-03-31"),
    ]  # complete dates untouched


@pytest.mark.parametrize(
    "bad",
    [
        "2015-13-01",
        "2015-02-30",
        "03/02/2015",
        "2015-03-02/2015-03-05",
        "20150302",
        "2015-03-02T25:00",
    ],
)
def test_invalid_dates_are_errors_naming_field_and_row(bad):
    with pytest.raises(DataError, match=rf"AESTDTC\[1\].*{bad[:7]}"):
        impute_dtc(["2015-01-01", bad], field="AESTDTC")


def test_bad_options():
    with pytest.raises(OptionsError):
        impute_dtc(["2015"], date_imputation="early")
    with pytest.raises(OptionsError):
        impute_dtc(["2015"], min_dates=["2015-01-01", "2015-01-02"])


def test_strict_parser_needs_complete_dates():
    assert list(parse_iso8601_strict(["2014-01-02", None, ""])) == [
        pd.Timestamp("2014-01-02"),
        pd.NaT,
        pd.NaT,
    ]
    with pytest.raises(DataError, match="complete"):
        parse_iso8601_strict(["2014-01"], field="TRTSDT")


def test_study_day_has_no_day_zero():
    ref = pd.Series(pd.to_datetime(["2015-03-02"] * 3))
    days = study_day(pd.Series(pd.to_datetime(["2015-03-01", "2015-03-02", "2015-03-03"])), ref)
    assert list(days) == [-1.0, 1.0, 2.0]


@settings(deadline=None)  # a loaded machine took 0.3 s for one example (default deadline 0.2 s)
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["year", "month", "day"]),
)
def test_imputed_date_lies_in_the_partial_period(day, precision):
    text = {"year": f"{day:%Y}", "month": f"{day:%Y-%m}", "day": f"{day:%Y-%m-%d}"}[precision]
    first = impute_dtc([text], date_imputation="first").dates[0]
    last = impute_dtc([text], date_imputation="last").dates[0]
    mid = impute_dtc([text], date_imputation="mid").dates[0]
    assert first <= mid <= last
    assert first <= pd.Timestamp(day) <= last
    if precision == "month":
        assert last.day == calendar.monthrange(day.year, day.month)[1]
    if precision == "day":
        assert first == last == pd.Timestamp(day)


@given(
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2090, 12, 31)),
    st.sampled_from(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]),
    st.sampled_from(["first", "mid", "last"]),
)
def test_vectorised_and_per_value_parsers_agree(moment, fmt, rule):
    # complete values take a vectorised path; a "Z" suffix sends the same value through the
    # per-value parser (the suffix is ignored): both must give the same date-time and flags
    text = moment.strftime(fmt)
    fast = impute_dtc([text], date_imputation=rule)
    slow = impute_dtc([text + "Z"], date_imputation=rule)
    assert fast.datetimes[0] == slow.datetimes[0]
    assert fast.time_flag[0] == slow.time_flag[0] and fast.date_flag[0] == slow.date_flag[0] == ""
