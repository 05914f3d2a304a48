"""Times embedded in Dataset-JSON and XPT headers follow SOURCE_DATE_EPOCH or `created`."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from earlyphase._stamps import file_timestamp, source_date_epoch
from earlyphase.cdisc.io import read_xpt, write_dataset
from earlyphase.errors import OptionsError


def _frame() -> pd.DataFrame:
    df = pd.DataFrame({"USUBJID": ["01", "02"], "AGE": [61.0, 70.0]})
    df.attrs = {"name": "DM", "label": "Demographics"}
    return df


def _header(path) -> list[bytes]:
    raw = path.read_bytes()
    # (record, offset) of the 4 stamps of a one-member XPT v5 file (SAS TS-140)
    return [raw[r * 80 + o : r * 80 + o + 16] for r, o in ((1, 64), (2, 0), (5, 64), (6, 0))]


def test_xpt_header_uses_created(tmp_path):
    when = dt.datetime(2020, 3, 20, tzinfo=dt.UTC)
    write_dataset(_frame(), tmp_path / "dm.xpt", created=when)
    assert _header(tmp_path / "dm.xpt") == [b"20MAR20:00:00:00"] * 4
    assert read_xpt(tmp_path / "dm.xpt")["USUBJID"].tolist() == ["01", "02"]


def test_xpt_and_json_follow_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    write_dataset(_frame(), tmp_path / "dm.xpt")
    write_dataset(_frame(), tmp_path / "dm.json")
    assert _header(tmp_path / "dm.xpt") == [b"01JAN70:00:00:00"] * 4
    created = json.loads((tmp_path / "dm.json").read_text())["datasetJSONCreationDateTime"]
    assert created == "1970-01-01T00:00:00"
    first = (tmp_path / "dm.xpt").read_bytes()
    write_dataset(_frame(), tmp_path / "dm.xpt")
    assert (tmp_path / "dm.xpt").read_bytes() == first


def test_timestamp_rule():
    cutoff = dt.date(2019, 9, 30)
    assert file_timestamp(cutoff, environ={}) == dt.datetime(2019, 9, 30, tzinfo=dt.UTC)
    epoch = {"SOURCE_DATE_EPOCH": "86400"}
    assert file_timestamp(cutoff, environ=epoch) == dt.datetime(1970, 1, 2, tzinfo=dt.UTC)
    assert source_date_epoch({"SOURCE_DATE_EPOCH": " "}) is None
    with pytest.raises(OptionsError, match="SOURCE_DATE_EPOCH"):
        source_date_epoch({"SOURCE_DATE_EPOCH": "1e9"})
    with pytest.raises(OptionsError, match="SOURCE_DATE_EPOCH"):
        source_date_epoch({"SOURCE_DATE_EPOCH": "9" * 30})
