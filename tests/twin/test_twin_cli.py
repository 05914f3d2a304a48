"""The ``earlyphase twin`` commands as a user runs them (in-process with typer's runner)."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from earlyphase.cdisc.study import read_study
from earlyphase.cli import app
from earlyphase.errors import DataError

runner = CliRunner()


def test_help_lists_both_commands():
    res = runner.invoke(app, ["twin", "--help"])
    assert res.exit_code == 0
    assert "reconstruct" in res.output and "simulate" in res.output


def test_reconstruct_writes_sdtm(tmp_path):
    out = tmp_path / "sdtm"
    res = runner.invoke(app, ["twin", "reconstruct", "--out", str(out), "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert (out / "dm.csv").exists() and (out / "define.csv").exists()
    assert not (out / "dm.xpt").exists()
    assert "wrote 13 domains" in res.output
    # the PK calibration's random effects and sample residuals (SD units) beside the SDTM,
    # in a subfolder that read_study does not take for a domain
    effects = pd.read_csv(out / "pk_calibration" / "individual_effects.csv")
    residuals = pd.read_csv(out / "pk_calibration" / "sample_residuals.csv")
    assert len(effects) == 29 and effects.filter(like="eta_").abs().to_numpy().max() <= 3
    assert residuals["calibrated"].sum() == 353
    assert "calibrated samples beyond 3 residual SD" in res.output
    assert "PK_CALIBRATION" not in read_study(out)


def test_simulate_and_bad_scenario(tmp_path):
    scen = tmp_path / "s.yaml"
    scen.write_text(
        "true_dlt: {DL1: 0.05, DL2: 0.1, DL3: 0.2}\n"
        "response: {DL1: {PR: 0.6, SD: 0.4}, DL2: {PR: 0.6, SD: 0.4}, DL3: {PR: 0.6, SD: 0.4}}\n"
        "pfs_median_months: 10\n"
    )
    out = tmp_path / "trials.csv"
    res = runner.invoke(
        app,
        [
            "twin",
            "simulate",
            "--scenario",
            str(scen),
            "--n-trials",
            "50",
            "--seed",
            "1",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "P(select DL2)" in res.output and out.exists()
    sdtm = tmp_path / "sim_sdtm"
    res = runner.invoke(
        app,
        [
            "twin",
            "simulate",
            "--scenario",
            str(scen),
            "--n-trials",
            "5",
            "--seed",
            "1",
            "--sdtm-out",
            str(sdtm),
            "--sdtm-trial",
            "4",
        ],
    )
    assert res.exit_code == 0, res.output
    assert (sdtm / "dm.xpt").exists() and (sdtm / "rs.json").exists()
    scen.write_text("true_dlt: {DL1: 2, DL2: 0.1, DL3: 0.2}\nresponse: {}\npfs_median_months: 1\n")
    bad = runner.invoke(app, ["twin", "simulate", "--scenario", str(scen), "--seed", "1"])
    assert isinstance(bad.exception, DataError)
    assert "true_dlt[DL1]: got 2" in str(bad.exception)


def test_simulate_rejects_bad_out_suffix(tmp_path):
    res = runner.invoke(
        app,
        [
            "twin",
            "simulate",
            "--scenario",
            str(tmp_path / "x.yaml"),
            "--seed",
            "1",
            "--out",
            str(tmp_path / "t.txt"),
        ],
    )
    with pytest.raises(Exception, match="--out"):
        raise res.exception
