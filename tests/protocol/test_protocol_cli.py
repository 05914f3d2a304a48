"""CLI smoke tests: protocol list|show|validate, schedule, eligibility."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from earlyphase.cli import app
from earlyphase.errors import DataError, ProtocolError

runner = CliRunner()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Through the real entry point (clean 'error:' lines, exit code 2)."""
    return subprocess.run(
        [sys.executable, "-m", "earlyphase", *args], capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "command",
    [
        ["protocol"],
        ["protocol", "list"],
        ["protocol", "show"],
        ["protocol", "validate"],
        ["schedule"],
        ["eligibility"],
    ],
)
def test_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_main_help_lists_commands():
    result = runner.invoke(app, ["--help"])
    for name in ("protocol", "schedule", "eligibility"):
        assert name in result.output


def test_list_and_show():
    result = runner.invoke(app, ["protocol", "list"])
    assert result.exit_code == 0 and result.output.startswith("isak-phase1b\t")
    shown = runner.invoke(app, ["protocol", "show", "isak-phase1b"])
    assert shown.exit_code == 0
    assert "DL2: Isa 10 mg/kg QW/Q2W + K" in shown.output
    assert "K C1: 20 mg/m2 on D1, 2; 27 mg/m2 on D8, 9, 15, 16" in shown.output
    assert "DLT window: 28 days" in shown.output


def test_validate_ok_and_errors_with_line_numbers(tmp_path):
    ok = runner.invoke(app, ["protocol", "validate", "isak-phase1b"])
    assert ok.exit_code == 0 and ok.output.startswith("ok: isak-phase1b is a valid protocol")
    bad = tmp_path / "bad.yaml"
    good = (
        Path(__file__).parents[2] / "src/earlyphase/protocol/builtin/isak-phase1b.yaml"
    ).read_text()
    bad.write_text(
        good.replace("dose_unit: mg/m2", "dose_unit: mg/m^2").replace(
            "days: [1, 15], dose: 10}", "days: [1, 35], dose: -10}", 1
        )
    )
    result = runner.invoke(app, ["protocol", "validate", str(bad)])
    assert isinstance(result.exception, ProtocolError)
    message = str(result.exception)
    assert message.splitlines()[0] == f"3 problem(s) in protocol {bad}"
    text = good.splitlines()
    unit_line = next(i for i, t in enumerate(text, 1) if "dose_unit: mg/m2" in t)
    dose_line = next(i for i, t in enumerate(text, 1) if "days: [1, 15], dose: 10}" in t)
    assert f"{bad}:{unit_line}: drugs[1].dose_unit: got 'mg/m^2'" in message
    assert (
        f"{bad}:{dose_line}: dose_levels[0].regimens.isatuximab[0].doses[0].days[1]: got 35"
        in message
    )
    assert (
        f"{bad}:{dose_line}: dose_levels[0].regimens.isatuximab[0].doses[0].dose: got -10"
        in message
    )


def test_schedule_table_csv_ics(tmp_path):
    csv, ics = tmp_path / "cal.csv", tmp_path / "cal.ics"
    result = runner.invoke(
        app,
        [
            "schedule",
            "--protocol",
            "isak-phase1b",
            "--dose-level",
            "2",
            "--weight-kg",
            "80",
            "--height-cm",
            "175",
            "--start",
            "2025-01-06",
            "--cycles",
            "3",
            "--csv",
            str(csv),
            "--ics",
            str(ics),
        ],
        terminal_width=120,
    )
    assert result.exit_code == 0, result.output
    assert "2025-01-06" in result.output and "800.0" in result.output and "310 min" in result.output
    frame = pd.read_csv(csv)
    # DL2: cycle 1 Isa x4 + K x6; cycles 2-3 Isa x2 + K x6
    assert len(frame) == 10 + 8 + 8
    assert frame.groupby("cycle").size().tolist() == [10, 8, 8]
    assert ics.read_bytes().decode().count("BEGIN:VEVENT") == 26


def test_schedule_json_out(tmp_path):
    out = tmp_path / "cal.json"
    result = runner.invoke(
        app,
        [
            "schedule",
            "-d",
            "DL1",
            "--weight-kg",
            "70",
            "--height-cm",
            "170",
            "--start",
            "2025-01-06",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(out.read_text())
    assert [r["drug"] for r in records].count("isatuximab") == 2


def test_schedule_bad_input_clean_error(tmp_path):
    out = tmp_path / "never.csv"
    proc = run(
        "schedule",
        "--dose-level",
        "2",
        "--weight-kg",
        "80",
        "--height-cm",
        "1.75",
        "--start",
        "2025-01-06",
        "--csv",
        str(out),
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: height_cm: got 1.75")
    assert "Traceback" not in proc.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_eligibility_command(tmp_path):
    source = Path(__file__).parents[1] / "eligibility" / "patients_example.csv"
    out = tmp_path / "results.csv"
    result = runner.invoke(
        app,
        ["eligibility", "--protocol", "isak-phase1b", str(source), "--out", str(out)],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    assert "P01-anc-1000" in result.output and "anc [fail]: 1000.0 vs > 1000 /uL" in result.output
    n = len(pd.read_csv(source))
    assert f"of {n} patient(s) eligible" in result.output
    results = pd.read_csv(out)
    assert len(results) == n * 27
    row = results[(results.patient_id == "P04-hb-8") & (results.criterion == "hemoglobin")].iloc[0]
    assert (row.status, row.value, row.threshold) == ("pass", "8.0", ">= 8")


def test_eligibility_missing_file_and_columns(tmp_path):
    # the entry point turns these DataErrors into "error: <message>" + exit 2 (see the
    # subprocess test of schedule); here the exception itself is checked, in-process.
    missing = runner.invoke(app, ["eligibility", str(tmp_path / "none.csv")])
    assert isinstance(missing.exception, DataError)
    assert str(missing.exception).startswith("patients_csv: got")
    partial = tmp_path / "partial.csv"
    pd.DataFrame({"patient_id": ["A"], "age_years": [70]}).to_csv(partial, index=False)
    result = runner.invoke(app, ["eligibility", str(partial)])
    assert isinstance(result.exception, DataError)
    assert str(result.exception).startswith("patients columns: got ['prior_lines'")
    ok = runner.invoke(app, ["eligibility", str(partial), "--allow-missing"], terminal_width=200)
    assert ok.exit_code == 0 and "unevaluable" in ok.output
