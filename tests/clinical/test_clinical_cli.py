"""The clinical commands as a user runs them."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from earlyphase.cli import app
from earlyphase.errors import DataError

runner = CliRunner()


@pytest.fixture()
def files(tmp_path):
    pd.DataFrame(
        {
            "subject_id": [1, 1, 1, 2],
            "day": [1, 8, 15, 8],
            "test": ["neutrophils"] * 3 + ["hemoglobin"],
            "value": [1800, 700, 1600, 7.9],
            "unit": ["/uL"] * 3 + ["g/dL"],
            "lln": [1500, 1500, 1500, 12],
            "uln": [8000, 8000, 8000, 16],
        }
    ).to_csv(tmp_path / "labs.csv", index=False)
    pd.DataFrame(
        {
            "subject_id": [1, 2],
            "term": ["Fatigue", "Rash"],
            "grade": [3, 3],
            "start_day": [5, 9],
            "end_day": [9, 20],
            "related": ["RELATED", "RELATED"],
        }
    ).to_csv(tmp_path / "ae.csv", index=False)
    pd.DataFrame(
        {"subject_id": ["A"] * 3, "day": [0, 28, 56], "serum_m_protein": [2.0, 0.9, 0.8]}
    ).to_csv(tmp_path / "visits.csv", index=False)
    return tmp_path


def test_ctcae_command_writes_csv(files):
    out = files / "graded.csv"
    result = runner.invoke(app, ["ctcae", str(files / "labs.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    graded = pd.read_csv(out)
    assert list(graded["grade"]) == [0, 3, 0, 3]
    assert "CTCAE v4.03 grades" in result.output and "wrote 4 rows" in result.output


def test_dlt_command_with_labs(files):
    out = files / "dlt.json"
    result = runner.invoke(
        app, ["dlt", str(files / "ae.csv"), "--labs", str(files / "labs.csv"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text())
    assert [r["dlt"] for r in rows] == [False, True]
    assert "1 of 2 patients with a DLT" in result.output


def test_imwg_command(files):
    out = files / "best.csv"
    result = runner.invoke(app, ["imwg", str(files / "visits.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["best_response"].tolist() == ["PR"]
    result = runner.invoke(app, ["response", str(files / "visits.csv"), "--by-visit"])
    assert result.exit_code == 0 and "confirmed_category" in result.output


def test_bad_unit_is_an_earlyphase_error(files):
    labs = pd.read_csv(files / "labs.csv")
    labs.loc[0, "unit"] = "furlongs"
    labs.to_csv(files / "bad.csv", index=False)
    result = runner.invoke(app, ["ctcae", str(files / "bad.csv")])
    assert isinstance(result.exception, DataError)
    assert "furlongs" in str(result.exception)


def test_dlt_command_with_the_builtin_protocol(files):
    result = runner.invoke(app, ["dlt", str(files / "ae.csv"), "--protocol", "isak-phase1b"])
    assert result.exit_code == 0, result.output
    assert "1 of 2 patients with a DLT" in result.output


def test_dlt_command_takes_labs_only_with_the_option(files):
    # one way to pass each input: labs go with --labs, a second file argument is an error
    args = ["dlt", "--protocol", "isak-phase1b", str(files / "ae.csv")]
    result = runner.invoke(app, [*args, "--labs", str(files / "labs.csv")])
    assert result.exit_code == 0, result.output
    assert "1 of 2 patients with a DLT" in result.output
    assert runner.invoke(app, [*args, str(files / "labs.csv")]).exit_code == 2
