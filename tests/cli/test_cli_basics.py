"""Things a user hits first: --version, flags shown as flags, the example inputs."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from earlyphase import __version__
from earlyphase.cli import app
from earlyphase.cli.examples_cmd import example_files
from earlyphase.errors import OptionsError

runner = CliRunner()


def test_version_option():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == __version__


def test_boolean_flags_have_no_value_in_help():
    for command in (["nca"], ["design", "table"], ["imwg"], ["examples"]):
        result = runner.invoke(app, [*command, "--help"], terminal_width=120)
        assert result.exit_code == 0, result.output
        assert "<bool>" not in result.output
        assert re.search(r"--help\s+Show this message", result.output)
    assert "<path>" in runner.invoke(app, ["nca", "--help"], terminal_width=120).output


def test_examples_writes_every_file_once(tmp_path):
    result = runner.invoke(app, ["examples", str(tmp_path / "ex")])
    assert result.exit_code == 0, result.output
    names = set(example_files())
    assert {"patients.csv", "labs.csv", "ae.csv", "visits.csv", "conc.csv", "doses.csv"} <= names
    assert {"adtte.xpt", "scenario.yaml", "README.md"} <= names
    assert "cdisc-pilot/sdtm/dm.xpt" in names and "cdisc-pilot/LICENSE" in names
    root = tmp_path / "ex"
    assert {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} == names
    assert runner.invoke(app, ["examples", str(tmp_path / "ex")]).exit_code == 0  # same files
    (tmp_path / "ex" / "labs.csv").write_text("edited", encoding="utf-8")
    again = runner.invoke(app, ["examples", str(tmp_path / "ex")])
    assert isinstance(again.exception, OptionsError) and "labs.csv (or --force)" in str(
        again.exception
    )
    assert runner.invoke(app, ["examples", str(tmp_path / "ex"), "--force"]).exit_code == 0


def test_dose_level_accepts_number_and_id():
    titles = []
    for level in ("2", "DL2"):
        result = runner.invoke(
            app,
            ["pk", "simulate", "--dose-level", level, "--n", "5", "--cycles", "1"],
            terminal_width=160,
        )
        assert result.exit_code == 0, result.output
        titles.append(next(line for line in result.output.splitlines() if "simulated" in line))
    assert titles[0] == titles[1] and "DL2" in titles[0]
