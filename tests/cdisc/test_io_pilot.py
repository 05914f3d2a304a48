"""Round trips on the real CDISC pilot datasets (CDISCPILOT01, as XPT and Dataset-JSON v1.1).

Source: cdisc-org/DataExchange-DatasetJson examples (MIT), copied to tests/data/cdisc-pilot (see its README).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from earlyphase.cdisc.io import (
    column_metadata,
    read_dataset,
    validate_dataset_json,
    variable_labels,
    write_dataset,
)
from earlyphase.cdisc.io.dataset_json import (
    DATETIME_PATTERN,
    REQUIRED_COLUMN_KEYS,
    REQUIRED_TOP_LEVEL,
    VERSION_PATTERN,
)
from earlyphase.cdisc.io.metadata import DATA_TYPES, TARGET_DATA_TYPES

DATASETS = [
    "sdtm/dm",
    "sdtm/ae",
    "sdtm/ds",
    "sdtm/mh",
    "sdtm/cm",
    "sdtm/ie",
    "adam/adsl",
    "adam/adae",
    "adam/adtte",
]

#: Labels on which the pilot's own .xpt and .json disagree (checked by hand in both files):
#: the test asserts these exact differences so that any other difference fails.
KNOWN_LABEL_DIFFERENCES = {
    "adam/adae": {
        "ADURN": ("Analysis Duration (N)", "AE Duration (N)"),
        "ADURU": ("Analysis Duration Units", "AE Duration Units"),
        "AOCCFL": ("1st Occurrence within Subject Flag", "1st Occurrence of Any AE Flag"),
    },
    "adam/adtte": {
        "STARTDT": (
            "Time-to-Event Origin Date for Subject",
            "Time to Event Origin Date for Subject",
        ),
        "SRCDOM": ("Source Data", "Source Domain"),
    },
}
#: Lengths on which the pilot files disagree (XPT storage width vs JSON "length").
KNOWN_LENGTH_DIFFERENCES = {"adam/adtte": {"PARAM": (32, 100), "PARAMCD": (4, 8)}}


def _kind(meta):
    dt = meta["dataType"]
    if dt in ("integer", "float", "double", "decimal"):
        return "number"
    if meta.get("targetDataType") == "integer":
        return dt
    return "text"


@pytest.mark.parametrize("name", DATASETS)
def test_xpt_and_json_read_to_the_same_table(pilot_data_dir, name):
    xpt = read_dataset(pilot_data_dir / f"{name}.xpt")
    js = read_dataset(pilot_data_dir / f"{name}.json")
    pd.testing.assert_frame_equal(xpt, js, check_exact=True)  # values and dtypes
    lx, lj = variable_labels(xpt), variable_labels(js)
    diffs = {k: (lx[k], lj[k]) for k in lx if lx[k] != lj[k]}
    assert diffs == KNOWN_LABEL_DIFFERENCES.get(name, {})
    mx, mj = column_metadata(xpt), column_metadata(js)
    length_diffs = {}
    for col in mx:
        assert _kind(mx[col]) == _kind(mj[col]), col
        if "length" in mj[col] and mx[col]["dataType"] == "string":
            if mx[col]["length"] != mj[col]["length"]:
                length_diffs[col] = (mx[col]["length"], mj[col]["length"])
        if mj[col].get("targetDataType") == "integer":  # numeric dates keep their format
            assert mx[col]["displayFormat"] == mj[col]["displayFormat"]
    assert length_diffs == KNOWN_LENGTH_DIFFERENCES.get(name, {})
    assert xpt.attrs["name"] == js.attrs["name"]


def test_pilot_values_spot_check(pilot_data_dir):
    # values read in the JSON text itself: DM row 2 (CDISC002) died 2013-01-14, AGE 76
    dm = read_dataset(pilot_data_dir / "sdtm/dm.xpt")
    row = dm.loc[dm["USUBJID"] == "CDISC002"].iloc[0]
    assert row["DTHDTC"] == "2013-01-14" and row["AGE"] == 76.0 and row["DTHFL"] == "Y"
    adsl = read_dataset(pilot_data_dir / "adam/adsl.xpt")
    assert adsl["TRTSDT"].dtype == "datetime64[ns]"
    assert adsl.loc[0, "TRTSDT"] == pd.Timestamp("2014-01-02")


#: every format on every dataset, except the large ADAE (1191 x 55) only through XPT and JSON
ROUND_TRIPS = [
    (name, ext)
    for name in DATASETS
    for ext in (".xpt", ".json", ".ndjson", ".parquet", ".csv")
    if name != "adam/adae" or ext in (".xpt", ".json")
]


@pytest.mark.parametrize(("name", "ext"), ROUND_TRIPS)
def test_round_trip_preserves_values_labels_types(pilot_data_dir, tmp_path, name, ext):
    src = read_dataset(pilot_data_dir / f"{name}.json")
    out = tmp_path / f"{name.split('/')[1]}{ext}"
    write_dataset(src, out)
    back = read_dataset(out)
    pd.testing.assert_frame_equal(src, back, check_exact=True)
    assert variable_labels(back) == variable_labels(src)
    assert back.attrs["name"] == src.attrs["name"] and back.attrs["label"] == src.attrs["label"]
    m_src, m_back = column_metadata(src), column_metadata(back)
    for col in m_src:
        keep = ("label", "length", "displayFormat", "targetDataType")
        if ext == ".xpt":  # XPT has no integer/float distinction nor keys: kinds must agree
            assert _kind(m_back[col]) == _kind(m_src[col])
            # XPT always stores a character length; JSON date strings may have none
            given = [k for k in keep if k in m_src[col]]
            assert {k: m_src[col][k] for k in given} == {k: m_back[col].get(k) for k in given}
        else:
            assert m_back[col] == m_src[col], col


def test_xpt_json_parquet_chain(pilot_data_dir, tmp_path):
    src = read_dataset(pilot_data_dir / "adam/adtte.xpt")
    write_dataset(src, tmp_path / "adtte.json")
    write_dataset(read_dataset(tmp_path / "adtte.json"), tmp_path / "adtte.parquet")
    write_dataset(read_dataset(tmp_path / "adtte.parquet"), tmp_path / "adtte2.xpt")
    back = read_dataset(tmp_path / "adtte2.xpt")
    pd.testing.assert_frame_equal(src, back, check_exact=True)
    assert variable_labels(back) == variable_labels(src)


def _schema(pilot_data_dir):
    return json.loads((pilot_data_dir / "schema/dataset.schema.json").read_text())


def test_validator_constants_match_official_schema(pilot_data_dir):
    schema = _schema(pilot_data_dir)
    assert tuple(schema["required"]) == REQUIRED_TOP_LEVEL
    assert tuple(schema["$defs"]["Column"]["required"]) == REQUIRED_COLUMN_KEYS
    assert tuple(schema["$defs"]["DataTypesEnum"]["enum"]) == DATA_TYPES
    assert tuple(schema["$defs"]["TargetDataTypesEnum"]["enum"]) == TARGET_DATA_TYPES
    assert schema["properties"]["datasetJSONCreationDateTime"]["pattern"] == DATETIME_PATTERN
    assert schema["properties"]["datasetJSONVersion"]["pattern"] == VERSION_PATTERN


def _check_against_schema(obj, schema):
    """Minimal, independent check of an object against the official schema's structure."""
    props = schema["properties"]
    assert set(schema["required"]) <= set(obj)
    assert set(obj) <= set(props)  # additionalProperties: false
    for key, value in obj.items():
        spec = props[key]
        expected = {"string": str, "integer": int, "array": list}.get(spec.get("type"))
        if expected:
            assert isinstance(value, expected), key
        if "pattern" in spec:
            assert re.match(spec["pattern"], value), key
        if "minimum" in spec:
            assert value >= spec["minimum"]
    col_def = schema["$defs"]["Column"]
    for col in obj["columns"]:
        assert set(col_def["required"]) <= set(col) <= set(col_def["properties"])
        assert col["dataType"] in schema["$defs"]["DataTypesEnum"]["enum"]
        if "targetDataType" in col:
            assert col["targetDataType"] in schema["$defs"]["TargetDataTypesEnum"]["enum"]
    for row in obj.get("rows", []):
        assert len(row) == len(obj["columns"])
        assert all(v is None or isinstance(v, (str, int, float, bool)) for v in row)


@pytest.mark.parametrize("name", ["sdtm/dm", "adam/adsl", "adam/adtte"])
def test_written_json_matches_official_schema(pilot_data_dir, tmp_path, name):
    schema = _schema(pilot_data_dir)
    original = json.loads((pilot_data_dir / f"{name}.json").read_text())
    _check_against_schema(original, schema)  # the checker accepts the official example
    src = read_dataset(pilot_data_dir / f"{name}.xpt")
    write_dataset(src, tmp_path / "out.json")
    written = json.loads((tmp_path / "out.json").read_text())
    _check_against_schema(written, schema)
    assert validate_dataset_json(written) == []
    assert written["records"] == len(src) == len(written["rows"])
    # ADaM dates go out as ISO strings with targetDataType integer, as in the CDISC example
    if name == "adam/adsl":
        col = next(c for c in written["columns"] if c["name"] == "TRTSDT")
        assert col["dataType"] == "date" and col["targetDataType"] == "integer"
        assert written["rows"][0][written["columns"].index(col)] == original["rows"][0][10]


def test_pilot_json_files_validate(pilot_data_dir):
    for name in DATASETS:
        obj = json.loads((pilot_data_dir / f"{name}.json").read_text())
        assert validate_dataset_json(obj) == [], name
