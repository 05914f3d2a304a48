"""Corrupt, truncated or malformed files give a clear DataError, never silent data loss."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from earlyphase.cdisc.io import read_dataset, write_dataset
from earlyphase.errors import DataError


@pytest.fixture
def small():
    df = pd.DataFrame(
        {
            "USUBJID": ["S-001", "S-002", "S-003"],
            "AGE": [61.0, 74.0, np.nan],
            "TRTSDT": pd.to_datetime(["2015-01-05", None, "2016-03-01"]).astype("datetime64[ns]"),
            "AVAL": [1.25, 2.5, 0.1],
        }
    )
    df.attrs = {"name": "ADX", "label": "Test", "columns": {"AGE": {"label": "Age"}}}
    return df


@pytest.mark.parametrize("cut", [7, 80, 160, 400])
def test_truncated_xpt_is_an_error(pilot_data_dir, tmp_path, cut):
    raw = (pilot_data_dir / "sdtm/dm.xpt").read_bytes()
    bad = tmp_path / "dm.xpt"
    bad.write_bytes(raw[: len(raw) - cut])
    with pytest.raises(DataError, match="truncated"):
        read_dataset(bad)


def test_garbage_xpt_is_an_error(tmp_path):
    bad = tmp_path / "x.xpt"
    bad.write_bytes(b"not a transport file" * 40)
    with pytest.raises(DataError, match="SAS XPORT"):
        read_dataset(bad)


def test_two_members_in_one_xpt_is_an_error(pilot_data_dir, tmp_path):
    raw = (pilot_data_dir / "sdtm/mh.xpt").read_bytes()
    member = raw.find(b"HEADER RECORD*******MEMBER")
    bad = tmp_path / "two.xpt"
    bad.write_bytes(raw + raw[member:])
    with pytest.raises(DataError, match="one dataset"):
        read_dataset(bad)


def test_xpt_v5_limits_are_errors_not_truncation(tmp_path, small):
    long_name = small.rename(columns={"AVAL": "AVALTOOLONG"})
    with pytest.raises(DataError, match="AVALTOOLONG"):
        write_dataset(long_name, tmp_path / "a.xpt")
    long_text = small.assign(USUBJID=["x" * 201, "y", "z"])
    with pytest.raises(DataError, match="200 bytes"):
        write_dataset(long_text, tmp_path / "b.xpt")
    labelled = small.copy()
    labelled.attrs = {"columns": {"AGE": {"label": "L" * 41}}}
    with pytest.raises(DataError, match="40 characters"):
        write_dataset(labelled, tmp_path / "c.xpt")
    assert list(tmp_path.iterdir()) == []  # atomic: nothing half-written


def _valid_json(tmp_path, small):
    write_dataset(small, tmp_path / "adx.json")
    return json.loads((tmp_path / "adx.json").read_text())


def test_duplicate_json_keys_are_an_error(tmp_path, small):
    text = tmp_path / "adx.json"
    write_dataset(small, text)
    raw = text.read_text().replace('"name":"ADX"', '"name":"ADX","name":"ADY"', 1)
    text.write_text(raw)
    with pytest.raises(DataError, match="duplicate key 'name'"):
        read_dataset(text)


def test_truncated_json_is_an_error(tmp_path, small):
    path = tmp_path / "adx.json"
    write_dataset(small, path)
    path.write_text(path.read_text()[:-40])
    with pytest.raises(DataError, match="invalid JSON"):
        read_dataset(path)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda o: o.pop("itemGroupOID"), "itemGroupOID"),
        (lambda o: o.update(records=7), "records"),
        (lambda o: o["rows"][1].pop(), "rows\\[1\\]"),
        (lambda o: o["rows"][0].__setitem__(1, "sixty"), "AGE"),
        (lambda o: o["columns"][0].update(dataType="text"), "dataType"),
        (lambda o: o.update(datasetJSONVersion="1.0.0"), "datasetJSONVersion"),
        (lambda o: o["columns"][1].update(name="USUBJID"), "unique column names"),
        (lambda o: o.update(extra=1), "extra"),
    ],
)
def test_structurally_invalid_json_is_an_error(tmp_path, small, mutate, message):
    obj = _valid_json(tmp_path, small)
    mutate(obj)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(obj))
    with pytest.raises(DataError, match=message):
        read_dataset(path)


def test_bad_adam_date_string_is_an_error(tmp_path, small):
    obj = _valid_json(tmp_path, small)
    obj["rows"][0][2] = "2015-02-30"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(obj))
    with pytest.raises(DataError, match="2015-02-30"):
        read_dataset(path)


def test_ndjson_row_count_must_match(tmp_path, small):
    path = tmp_path / "adx.ndjson"
    write_dataset(small, path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(DataError, match="records"):
        read_dataset(path)


def test_unknown_extension_and_missing_file(tmp_path, small):
    with pytest.raises(DataError, match="extension"):
        write_dataset(small, tmp_path / "x.sas7bdat")
    with pytest.raises(DataError, match="no such file"):
        read_dataset(tmp_path / "missing.xpt")


def test_infinite_values_cannot_be_written(tmp_path, small):
    bad = small.assign(AVAL=[1.0, np.inf, 2.0])
    for ext in (".json", ".xpt"):
        with pytest.raises(DataError, match="infinite"):
            write_dataset(bad, tmp_path / f"x{ext}")


@pytest.mark.parametrize("ext", [".xpt", ".json", ".ndjson", ".parquet", ".csv"])
def test_own_frame_round_trip_with_inferred_metadata(tmp_path, small, ext):
    write_dataset(small, tmp_path / f"adx{ext}")
    back = read_dataset(tmp_path / f"adx{ext}")
    pd.testing.assert_frame_equal(back, small, check_exact=True)
    assert back.attrs["columns"]["AGE"]["label"] == "Age"
    assert back.attrs["columns"]["TRTSDT"]["dataType"] == "date"


def test_csv_without_sidecar_is_still_read(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("A,B,C\nx,1,\ny,2.5,z\n")
    df = read_dataset(path)
    assert df["B"].tolist() == [1.0, 2.5] and df["C"].tolist() == ["", "z"]


@pytest.mark.parametrize("ext", [".xpt", ".json", ".ndjson", ".parquet", ".csv"])
def test_datetimes_times_booleans_and_unicode(tmp_path, ext):
    df = pd.DataFrame(
        {
            "ADTM": pd.to_datetime(["2015-03-02 09:30:15", None]).astype("datetime64[ns]"),
            "ATM": pd.to_timedelta(["09:30:00", None]).astype("timedelta64[ns]"),
            "B": pd.array([True, None], dtype="boolean"),
            "S": ["é", "x"],
        }
    )
    write_dataset(df, tmp_path / f"x{ext}")
    back = read_dataset(tmp_path / f"x{ext}")
    assert back["ADTM"].tolist()[0] == pd.Timestamp("2015-03-02 09:30:15") and pd.isna(
        back["ADTM"][1]
    )
    assert back["ATM"][0] == pd.Timedelta("09:30:00") and pd.isna(back["ATM"][1])
    assert back["S"].tolist() == ["é", "x"]  # UTF-8 kept (2 bytes in XPT)
    # XPT has no boolean type: booleans become 1/0 numbers there
    assert back["B"][0] == 1 and pd.isna(back["B"][1])


@pytest.mark.parametrize("ext", [".json", ".xpt", ".csv"])
def test_huge_whole_numbers_are_doubles_not_overflowing_integers(tmp_path, ext):
    # found by the property test: 2**63 is "whole" but no int64; beyond 2**53 it is a double
    df = pd.DataFrame({"AVAL": [float(2**63), 1.0]})
    write_dataset(df, tmp_path / f"x{ext}")
    back = read_dataset(tmp_path / f"x{ext}")
    assert back["AVAL"].tolist() == [float(2**63), 1.0]
    assert back.attrs["columns"]["AVAL"]["dataType"] == "double"


@pytest.mark.parametrize("ext", [".ndjson", ".json", ".csv", ".xpt", ".parquet"])
def test_unicode_line_separators_inside_values(tmp_path, ext):
    # found by the property test: U+2028 / U+0085 are line breaks for str.splitlines()
    df = pd.DataFrame({"TEXT": ["a\u2028b", "c\x85d", "e\x1cf"]})
    write_dataset(df, tmp_path / f"x{ext}")
    assert read_dataset(tmp_path / f"x{ext}")["TEXT"].tolist() == df["TEXT"].tolist()


@pytest.mark.parametrize("sidecar_text", ["1", "[]", '"text"', '{"columns": [1]}'])
def test_csv_sidecar_that_is_not_a_metadata_object(tmp_path, sidecar_text):
    # found by tests/test_fuzz_inputs.py::test_csv_reader (data=b"1" with a sidecar)
    from earlyphase.cdisc.io.tabular import csv_sidecar, read_csv

    path = tmp_path / "x.csv"
    path.write_text("A\n1\n")
    csv_sidecar(path).write_text(sidecar_text)
    with pytest.raises(DataError, match="x.csv-metadata.json"):
        read_csv(path)
