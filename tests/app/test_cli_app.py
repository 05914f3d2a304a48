"""``earlyphase app create-user`` / ``verify-audit`` and the message without the extra."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from typer.testing import CliRunner

from earlyphase.cli import app as cli


def test_create_user_then_verify(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    runner = CliRunner()
    r = runner.invoke(
        cli,
        [
            "app",
            "create-user",
            "ann",
            "--role",
            "statistician",
            "--password",
            "s3cret-pass",
            "--db",
            url,
        ],
    )
    assert r.exit_code == 0, r.output
    assert "created user ann (statistician)" in r.output
    assert (tmp_path / "new.db").is_file()
    r = runner.invoke(cli, ["app", "verify-audit", "--db", url])
    assert r.exit_code == 0 and "1 rows" in r.output
    again = runner.invoke(
        cli, ["app", "create-user", "ann", "--password", "s3cret-pass", "--db", url]
    )
    assert again.exit_code != 0 and "already taken" in str(again.exception)


def test_verify_audit_does_not_create_a_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'typo.db'}"
    r = CliRunner().invoke(cli, ["app", "verify-audit", "--db", url])
    assert r.exit_code != 0 and "an existing SQLite file" in str(r.exception)
    assert not (tmp_path / "typo.db").exists()


def test_bad_db_url_is_a_clear_error():
    r = subprocess.run(
        [sys.executable, "-m", "earlyphase", "app", "verify-audit", "--db", "nosuch://x"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "error: --db" in r.stderr and "Traceback" not in r.stderr


def test_missing_extra_says_how_to_install(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "fastapi" else real(name, *a)
    )
    r = CliRunner().invoke(cli, ["app", "verify-audit"])
    assert r.exit_code != 0
    assert 'pip install "earlyphase[app]"' in str(r.exception) and "fastapi" in str(r.exception)
