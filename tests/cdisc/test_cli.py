"""The command line: ``earlyphase sdtm validate``, ``earlyphase adam``, ``earlyphase convert``."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
from typer.testing import CliRunner

from earlyphase.cdisc.io import read_dataset
from earlyphase.cdisc.study import write_study
from earlyphase.cli import app

runner = CliRunner()


def test_sdtm_validate_exit_codes(study, tmp_path):
    write_study(study, tmp_path / "ok", format="parquet")
    res = runner.invoke(
        app, ["sdtm", "validate", str(tmp_path / "ok"), "--out", str(tmp_path / "f.csv")]
    )
    assert res.exit_code == 0, res.output
    assert "0 error(s)" in res.output
    assert set(pd.read_csv(tmp_path / "f.csv")["severity"]) == {"warning"}
    study["DM"] = study["DM"].drop(columns=["SEX"])
    write_study(study, tmp_path / "bad", format="parquet")
    res = runner.invoke(app, ["sdtm", "validate", str(tmp_path / "bad")])
    assert res.exit_code == 1 and "SEX" in res.output


def test_adam_writes_one_lower_case_file_per_dataset(study, tmp_path):
    write_study(study, tmp_path / "sdtm", format="xpt")
    res = runner.invoke(
        app,
        [
            "adam",
            str(tmp_path / "sdtm"),
            "--protocol",
            "isak-phase1b",
            "--out",
            str(tmp_path / "adam"),
            "--format",
            "json",
            "--response",
            "investigator",
        ],
    )
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in (tmp_path / "adam").iterdir())
    assert names == sorted(
        [f"{n}.json" for n in ("adsl", "adex", "adae", "adlb", "adrs", "adtte", "adpc", "adpp")]
        + ["validation.csv"]  # the SDTM findings, as analyze writes them
    )
    assert "SDTM validation: 0 error(s)" in res.output
    adrs = read_dataset(tmp_path / "adam" / "adrs.json")
    assert adrs.attrs["name"] == "ADRS" and "BOR" in set(adrs["PARAMCD"])
    assert "after the cut-off" in res.output


def test_adam_bad_sdtm_is_a_clean_error(tmp_path):
    (tmp_path / "dm.json").write_text("{not json")
    proc = subprocess.run(
        [sys.executable, "-m", "earlyphase", "adam", str(tmp_path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: dm.json") and "Traceback" not in proc.stderr


def test_convert(pilot_data_dir, tmp_path):
    res = runner.invoke(
        app, ["convert", str(pilot_data_dir / "adam/adtte.xpt"), str(tmp_path / "adtte.parquet")]
    )
    assert res.exit_code == 0, res.output
    pd.testing.assert_frame_equal(
        read_dataset(tmp_path / "adtte.parquet"), read_dataset(pilot_data_dir / "adam/adtte.xpt")
    )
