"""``earlyphase km`` on the real CDISC pilot ADTTE, as a user would run it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from survival_refs import REF
from typer.testing import CliRunner

from earlyphase.cli import app

runner = CliRunner()


def test_km_xpt_by_arm_writes_summary_matching_r(pilot_data_dir, tmp_path):
    out = tmp_path / "summary.csv"
    plot = tmp_path / "km.png"
    steps = tmp_path / "steps.json"
    result = runner.invoke(
        app,
        [
            "km",
            str(pilot_data_dir / "adam" / "adtte.xpt"),
            "--param",
            "TTDE",
            "--by",
            "TRTA",
            "--landmark",
            "30",
            "--out",
            str(out),
            "--plot",
            str(plot),
            "--steps-out",
            str(steps),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Log-rank test" in result.output and "Xanomeline High Dose" in result.output
    summary = pd.read_csv(out).set_index("group")
    ref = pd.read_csv(REF / "km_quantiles.csv")
    ref = ref[
        (ref.dataset == "pilot_trta")
        & (ref.conf_type == "log-log")
        & (ref.level == 0.95)
        & (ref.prob == 0.5)
    ]
    for _, r in ref[ref.group != "ALL"].iterrows():
        np.testing.assert_allclose(
            summary.loc[r["group"], ["median", "median_lower", "median_upper"]].to_numpy(float),
            [r["quantile"], r["lower"], r["upper"]],
            equal_nan=True,
        )
    assert {"surv_30", "surv_30_lower", "surv_30_upper"} <= set(summary.columns)
    assert plot.stat().st_size > 10_000
    assert len(json.loads(steps.read_text())) > 100


def test_km_dataset_json_gives_same_numbers_as_xpt(pilot_data_dir, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for src, dst in (
        (pilot_data_dir / "adam" / "adtte.xpt", a),
        (pilot_data_dir / "adam" / "adtte.json", b),
    ):
        res = runner.invoke(
            app,
            [
                "km",
                str(src),
                "--param",
                "TTDE",
                "--by",
                "TRTP",
                "--conf-type",
                "log",
                "--out",
                str(dst),
            ],
        )
        assert res.exit_code == 0, res.output
    pd.testing.assert_frame_equal(pd.read_csv(a), pd.read_csv(b))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--param", "PFS"], "param: got 'PFS'; expected one of the PARAMCD values TTDE"),
        (["--by", "ARM"], "columns: got 'ARM'"),
        (["--conf-type", "loglog"], "conf_type: got 'loglog'"),
    ],
)
def test_km_bad_input_is_a_clear_error(pilot_data_dir, args, message):
    result = runner.invoke(app, ["km", str(pilot_data_dir / "adam" / "adtte.xpt"), *args])
    assert result.exit_code != 0
    assert message in str(result.exception)


def test_km_negative_time_and_bad_cnsr_named(tmp_path):
    bad = tmp_path / "adtte.csv"
    pd.DataFrame({"PARAMCD": ["OS"] * 3, "AVAL": [1.0, -2.0, 3.0], "CNSR": [0, 1, 0]}).to_csv(
        bad, index=False
    )
    result = runner.invoke(app, ["km", str(bad), "--param", "OS"])
    assert "AVAL[1]: got -2.0; expected a time >= 0" in str(result.exception)
    pd.DataFrame({"PARAMCD": ["OS"] * 3, "AVAL": [1.0, 2.0, 3.0], "CNSR": [0, 0.5, 0]}).to_csv(
        bad, index=False
    )
    result = runner.invoke(app, ["km", str(bad), "--param", "OS"])
    assert "CNSR[1]: got 0.5" in str(result.exception)
