"""`earlyphase run` twice gives byte-identical folders; embedded times follow the documented rule.

The reconstruction is replaced by the 4-subject SDTM fixture (as in test_pipeline.py) so the
test checks the writers and the pipeline, not the twin; every output format is written.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from earlyphase._staging import MANIFEST_NAME
from earlyphase.report.pipeline import DEFAULT_FORMATS, run_reference


@pytest.fixture
def fake_twin(monkeypatch):
    sys.path.insert(0, str(Path(__file__).parents[1] / "cdisc"))
    from sdtm_fixture import make_study

    from earlyphase.twin import write_pk_calibration

    fake = types.ModuleType("earlyphase.twin")
    fake.reconstruct = lambda seed=0: make_study()
    fake.reconstruct_with_pk_calibration = lambda seed=0: (
        make_study(),
        pd.DataFrame({"subj": [1], "eta_cl_inf_sd": [0.5]}),
        pd.DataFrame({"subj": [1], "residual_sd": [-0.25]}),
    )
    fake.write_pk_calibration = write_pk_calibration
    monkeypatch.setitem(sys.modules, "earlyphase.twin", fake)


def _files(folder: Path) -> list[dict]:
    return json.loads((folder / MANIFEST_NAME).read_text())["files"]


def test_two_runs_give_identical_manifests(tmp_path, fake_twin, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    run_reference(tmp_path / "a", seed=1, formats=DEFAULT_FORMATS)
    run_reference(tmp_path / "b", seed=1, formats=DEFAULT_FORMATS)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    kinds = {Path(f["path"]).suffix for f in a}
    assert {".json", ".pdf", ".rtf", ".html", ".png", ".csv", ".parquet"} <= kinds
    assert a == b
    # without SOURCE_DATE_EPOCH the embedded time is the data cut-off (ADSL.DCUTDT)
    adsl = json.loads((tmp_path / "a" / "adam" / "adsl.json").read_text())
    cutoff = max(d for d in adsl["rows"][0] if isinstance(d, str) and len(d) == 10 and d[4] == "-")
    assert adsl["datasetJSONCreationDateTime"].endswith("T00:00:00")
    assert adsl["datasetJSONCreationDateTime"][:4] == cutoff[:4]
    pdf = (tmp_path / "a" / "report.pdf").read_bytes()
    stamp = adsl["datasetJSONCreationDateTime"].replace("-", "").replace(":", "")[:15]
    assert f"/CreationDate (D:{stamp.replace('T', '')}".encode() in pdf


def test_source_date_epoch_wins(tmp_path, fake_twin, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    run_reference(tmp_path / "a", seed=1, formats=("pdf", "csv"))
    adsl = json.loads((tmp_path / "a" / "adam" / "adsl.json").read_text())
    assert adsl["datasetJSONCreationDateTime"] == "2023-11-14T22:13:20"
    pdf = (tmp_path / "a" / "report.pdf").read_bytes()
    assert b"/CreationDate (D:20231114221320+00'00')" in pdf
    assert b"/ModDate (D:20231114221320+00'00')" in pdf


def test_bad_source_date_epoch_is_a_clear_error(tmp_path, fake_twin, monkeypatch):
    from earlyphase.errors import OptionsError

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(OptionsError, match="SOURCE_DATE_EPOCH"):
        run_reference(tmp_path / "a", seed=1, formats=("csv",))
    assert not (tmp_path / "a").exists()
    assert list(tmp_path.iterdir()) == []


def test_options_are_checked_before_anything_is_written(tmp_path, fake_twin):
    from earlyphase.errors import DataError

    with pytest.raises(DataError, match="formats"):
        run_reference(tmp_path / "a", formats=("csv", "docx"))
    with pytest.raises(Exception, match="seed"):
        run_reference(tmp_path / "a", seed=-1, formats=("csv",))
    assert list(tmp_path.iterdir()) == []
