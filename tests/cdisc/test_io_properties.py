"""Property tests: any table of text, numbers and dates survives every format unchanged."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from earlyphase.cdisc.io import read_dataset, variable_labels, write_dataset

# SAS XPORT stores IBM hexadecimal floats: magnitudes in about [5e-79, 7e75] (we stay inside);
# their 56-bit fraction holds every IEEE double exactly in that range.
numbers = st.one_of(
    st.none(),
    st.just(0.0),
    st.floats(min_value=1e-60, max_value=1e60),
    st.floats(min_value=-1e60, max_value=-1e-60),
)
texts = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=("Cs",)),
    max_size=30,
).map(str.rstrip)  # SAS does not keep trailing blanks
dates = st.one_of(
    st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
)


@st.composite
def tables(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    df = pd.DataFrame(
        {
            "USUBJID": pd.Series([f"S{i:03d}" for i in range(n)], dtype="str"),
            "TEXT": pd.Series(draw(st.lists(texts, min_size=n, max_size=n)), dtype="str"),
            "AVAL": pd.Series(draw(st.lists(numbers, min_size=n, max_size=n)), dtype="float64"),
            "ADT": pd.Series(
                pd.to_datetime(draw(st.lists(dates, min_size=n, max_size=n))),
                dtype="datetime64[ns]",
            ),
        }
    )
    df.attrs = {
        "name": "ADX",
        "label": "Property table",
        "columns": {"AVAL": {"label": "Analysis Value"}},
    }
    return df


@pytest.mark.parametrize("ext", [".xpt", ".json", ".ndjson", ".parquet", ".csv"])
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(df=tables())
def test_any_table_round_trips(tmp_path, ext, df):
    path = tmp_path / f"adx{ext}"
    write_dataset(df, path)
    back = read_dataset(path)
    expected = df.copy()
    if ext in (".xpt", ".csv"):  # SAS and CSV have one missing value for text: blank
        expected["TEXT"] = expected["TEXT"].fillna("")
    pd.testing.assert_frame_equal(back, expected, check_exact=True)
    assert variable_labels(back)["AVAL"] == "Analysis Value"
    assert np.array_equal(back["AVAL"].isna(), df["AVAL"].isna())
