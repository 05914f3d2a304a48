"""The one error path of the command line: one line on stderr and a documented exit code."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import typer

from earlyphase._files import atomic_write
from earlyphase.cli import app as main_app
from earlyphase.cli._errors import (
    EXIT_CHECK_FAILED,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_IO,
    EXIT_OK,
    run_cli,
)
from earlyphase.errors import DataError, LimitError, OutputError


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.command("boom")
    def boom(kind: str) -> None:
        if kind == "data":
            raise DataError("weight_kg: got nan; expected a finite number")
        if kind == "limit":
            raise LimitError("n_trials: got 10**12; expected at most 1,000,000")
        if kind == "output":
            raise OutputError("out: not empty")
        if kind == "oserror":
            open("/nonexistent-dir-earlyphase/x.csv", "w")  # noqa: SIM115
        if kind == "unicode":
            b"\xff".decode("utf-8")
        if kind == "bug":
            _ = 1 / 0
        if kind == "exit1":
            raise typer.Exit(code=1)

    @app.command("ok")
    def ok() -> None:
        typer.echo("fine")

    return app


@pytest.mark.parametrize(
    ("kind", "code", "needle"),
    [
        ("data", EXIT_INPUT, "error: weight_kg: got nan"),
        ("limit", EXIT_INPUT, "at most 1,000,000"),
        ("output", EXIT_IO, "error: out: not empty"),
        ("oserror", EXIT_IO, "error: /nonexistent-dir-earlyphase/x.csv: No such file or directory"),
        ("unicode", EXIT_INPUT, "error: could not read the input"),
        ("exit1", EXIT_CHECK_FAILED, ""),
    ],
)
def test_anticipated_failures_are_one_line(kind, code, needle, capsys):
    assert run_cli(_app(), ["boom", kind]) == code
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) <= 1


def test_unexpected_exception_writes_a_log(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EARLYPHASE_LOG_DIR", str(tmp_path))
    assert run_cli(_app(), ["boom", "bug"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "ZeroDivisionError" in err and "bug in earlyphase" in err
    logs = list(tmp_path.glob("earlyphase-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    text = logs[0].read_text()
    assert "Traceback" in text and "1 / 0" in text and "command: earlyphase boom bug" in text


def test_usage_errors_and_success(capsys):
    assert run_cli(_app(), ["ok"]) == EXIT_OK
    assert run_cli(_app(), ["nope"]) == EXIT_INPUT
    assert "No such command" in capsys.readouterr().err
    assert run_cli(main_app, ["--help"]) == EXIT_OK


def test_real_command_error_through_entry_point(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "earlyphase", "protocol", "validate", str(tmp_path / "no.yaml")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == EXIT_INPUT
    assert out.stderr.startswith("error: protocol: got ")
    assert "Traceback" not in out.stderr


_SLOW_WRITER = textwrap.dedent(
    """
    import sys, time
    import typer
    from earlyphase._files import atomic_write
    from earlyphase.cli._errors import run_with_clean_errors

    app = typer.Typer(add_completion=False)

    @app.command()
    def main(path: str) -> None:
        with atomic_write(path) as handle:
            handle.write("partial")
            handle.flush()
            print("writing", flush=True)
            time.sleep(30)

    sys.argv = ["earlyphase", sys.argv[1]]
    run_with_clean_errors(app)
    """
)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signals_clean_up_temporary_files(tmp_path, sig, code):
    script = tmp_path / "writer.py"
    script.write_text(_SLOW_WRITER)
    target = tmp_path / "out" / "table.csv"
    proc = subprocess.Popen(
        [sys.executable, str(script), str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    assert list(target.parent.iterdir())  # the .part file exists while writing
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == code, err
    assert "Traceback" not in err
    assert list(target.parent.iterdir()) == []


def test_atomic_write_helper_still_writes(tmp_path):
    with atomic_write(tmp_path / "a.txt") as handle:
        handle.write("x")
    assert (tmp_path / "a.txt").read_text() == "x"
    assert time.time() > 0
    assert Path(tmp_path / "a.txt").exists()
