"""Whole-folder atomicity: staged output folders, the manifest, --overwrite, kills."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from earlyphase._staging import MANIFEST_NAME, file_entries, staged_folder
from earlyphase.errors import OutputError


def _write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _hidden(parent):
    return [p.name for p in parent.iterdir() if p.name.startswith(".")]


def test_success_writes_manifest_last_and_moves_into_place(tmp_path):
    target = tmp_path / "out"
    with staged_folder(target, command="run", argv=["earlyphase", "run"], extra={"seed": 3}) as s:
        assert s.path.parent == tmp_path and s.path != target
        assert not target.exists()  # nothing visible until complete
        _write(s.path, {"a.csv": "x\n", "sub/b.txt": "yy"})
    manifest = json.loads((target / MANIFEST_NAME).read_text())
    assert manifest["command"] == "run" and manifest["seed"] == 3
    assert manifest["command_line"] == ["earlyphase", "run"]
    assert {"python", "earlyphase", "numpy", "pandas"} <= set(manifest["versions"])
    assert [f["path"] for f in manifest["files"]] == ["a.csv", "sub/b.txt"]
    assert manifest["files"][1]["bytes"] == 2
    # SHA-256 of b"x\n" (coreutils: printf 'x\n' | sha256sum)
    assert manifest["files"][0]["sha256"] == (
        "73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac"
    )
    assert file_entries(target) == manifest["files"]
    assert _hidden(tmp_path) == []


def test_failure_keeps_the_previous_folder_and_removes_staging(tmp_path):
    target = tmp_path / "out"
    with staged_folder(target, command="run") as s:
        _write(s.path, {"old.csv": "1"})
    with pytest.raises(RuntimeError), staged_folder(target, command="run") as s:
        _write(s.path, {"new.csv": "2"})
        raise RuntimeError("killed half-way")
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST_NAME, "old.csv"]
    assert _hidden(tmp_path) == []


def test_own_previous_output_is_replaced_whole(tmp_path):
    target = tmp_path / "out"
    with staged_folder(target, command="run") as s:
        _write(s.path, {f"t{i}.csv": "1" for i in range(5)})
    with staged_folder(target, command="run") as s:
        _write(s.path, {"only.csv": "2"})
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST_NAME, "only.csv"]


def test_foreign_non_empty_folder_needs_overwrite(tmp_path):
    target = tmp_path / "mine"
    _write(target, {"thesis.tex": "precious"})
    with pytest.raises(OutputError, match="--overwrite"), staged_folder(target, command="run"):
        pytest.fail("must not start")
    assert (target / "thesis.tex").read_text() == "precious"
    with pytest.raises(OutputError, match="--overwrite"), staged_folder(target, command="analyze"):
        pass
    with staged_folder(target, command="run", overwrite=True) as s:
        _write(s.path, {"r.csv": "1"})
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST_NAME, "r.csv"]


def test_other_commands_output_is_foreign(tmp_path):
    target = tmp_path / "out"
    with staged_folder(target, command="analyze") as s:
        _write(s.path, {"a": "1"})
    with pytest.raises(OutputError, match="earlyphase run"), staged_folder(target, command="run"):
        pass


def test_empty_folder_is_fine_and_files_are_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with staged_folder(tmp_path / "empty", command="run") as s:
        _write(s.path, {"a": "1"})
    (tmp_path / "file").write_text("x")
    with (
        pytest.raises(OutputError, match="is a file"),
        staged_folder(tmp_path / "file", command="run"),
    ):
        pass
    with (
        pytest.raises(OutputError, match="not a folder"),
        staged_folder(tmp_path / "file" / "sub", command="run"),
    ):
        pass


def test_overwrite_never_replaces_the_current_folder(tmp_path, monkeypatch):
    _write(tmp_path, {"keep.txt": "1"})
    monkeypatch.chdir(tmp_path)
    with (
        pytest.raises(OutputError, match="current folder"),
        staged_folder(tmp_path, command="run", overwrite=True),
    ):
        pass
    assert (tmp_path / "keep.txt").exists()


_KILLED = textwrap.dedent(
    """
    import sys, time
    import typer
    from earlyphase._staging import staged_folder
    from earlyphase.cli._errors import run_with_clean_errors

    app = typer.Typer(add_completion=False)

    @app.command()
    def main(out: str) -> None:
        with staged_folder(out, command="run") as s:
            (s.path / "new.csv").write_text("half")
            print("writing", flush=True)
            time.sleep(30)

    sys.argv = ["earlyphase", sys.argv[1]]
    run_with_clean_errors(app)
    """
)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_killed_run_leaves_the_previous_complete_folder(tmp_path, sig):
    target = tmp_path / "out"
    with staged_folder(target, command="run") as s:
        _write(s.path, {"old.csv": "1"})
    script = tmp_path / "killed.py"
    script.write_text(_KILLED)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    assert len(_hidden(tmp_path)) == 1  # the staging folder
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode in (130, 143) and "Traceback" not in err
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST_NAME, "old.csv"]
    assert _hidden(tmp_path) == []


def test_keep_on_completes_the_folder_and_reraises(tmp_path):
    class Stop(Exception):
        pass

    target = tmp_path / "out"
    with pytest.raises(Stop), staged_folder(target, command="analyze", keep_on=(Stop,)) as s:
        _write(s.path, {"validation.csv": "finding\n"})
        raise Stop("3 SDTM errors")
    manifest = json.loads((target / MANIFEST_NAME).read_text())
    assert manifest["stopped"] == "3 SDTM errors"
    assert [f["path"] for f in manifest["files"]] == ["validation.csv"]
    assert _hidden(tmp_path) == []
