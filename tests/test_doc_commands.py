"""Every ``earlyphase`` command printed in README.md and docs/*.md runs as typed.

Conventions (docs/architecture.md, "Documented commands are tested"):

* Commands are the lines of fenced code blocks (no language, ``bash``, ``sh``, ``shell`` or
  ``console``) that start with ``earlyphase`` (after an optional ``$`` prompt) or that chain one
  after ``&&``. A trailing backslash continues a line; ``# ...`` comments are shell comments.
* The commands of one document run in order, in one new temporary folder in which
  ``earlyphase examples .`` wrote the example inputs first (so ``labs.csv``, ``adtte.xpt``,
  ... exist, and a command may use what an earlier one of the same document wrote).
* ``python3 -m pip install ...`` segments of a chain are not run (the test runs in the
  installed checkout); the rest of the chain is.
* A block preceded by ``<!-- doc-test: skip REASON -->`` is not run and is reported as skipped
  with its reason (for commands that need a server, a database server or a password prompt).
* A command that exits non-zero, or runs past the per-command timeout, fails the test.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_LANGUAGES = {"", "bash", "sh", "shell", "console"}
TIMEOUT_S = 600
_FENCE = re.compile(
    r"^(?P<indent> *)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
_SKIP = re.compile(r"<!--\s*doc-test:\s*skip\s+(?P<reason>.+?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """The commands of one code block, with its line in the document and any skip reason."""

    document: str
    line: int
    commands: tuple[str, ...]
    skip: str = ""


def _commands(body: str) -> list[str]:
    out = []
    for raw in body.replace("\\\n", " ").splitlines():
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:].strip()
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if not words:
            continue
        segments: list[list[str]] = [[]]
        for word in words:
            if word == "&&":
                segments.append([])
            else:
                segments[-1].append(word)
        if not any(seg and seg[0] == "earlyphase" for seg in segments):
            continue
        kept = [seg for seg in segments if seg[:4] != ["python3", "-m", "pip", "install"]]
        out.append(" && ".join(shlex.join(seg) for seg in kept))
    return out


def blocks(path: Path) -> list[Block]:
    """The shell code blocks of ``path`` that hold ``earlyphase`` commands."""
    text = path.read_text(encoding="utf-8")
    found = []
    for m in _FENCE.finditer(text):
        if m.group("lang") not in SHELL_LANGUAGES:
            continue
        commands = _commands(m.group("body"))
        if not commands:
            continue
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = _SKIP.search(before)
        found.append(
            Block(
                path.relative_to(ROOT).as_posix(),
                text.count("\n", 0, m.start()) + 1,
                tuple(commands),
                skip.group("reason") if skip else "",
            )
        )
    return found


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    shell = f'earlyphase() {{ {shlex.quote(sys.executable)} -m earlyphase "$@"; }}\nset -e\n'
    return subprocess.run(
        ["bash", "-c", shell + command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def _documents_with_commands() -> list[Path]:
    return [d for d in DOCUMENTS if any(not b.skip for b in blocks(d))]


@pytest.mark.parametrize("document", _documents_with_commands(), ids=lambda p: p.name)
def test_documented_commands_run(document, tmp_path):
    assert _run("earlyphase examples .", tmp_path).returncode == 0
    for block in blocks(document):
        if block.skip:
            continue
        for command in block.commands:
            try:
                result = _run(command, tmp_path)
            except subprocess.TimeoutExpired:
                pytest.fail(f"{block.document}:{block.line}: {command!r} ran over {TIMEOUT_S} s")
            assert result.returncode == 0, (
                f"{block.document}:{block.line}: {command!r} exited {result.returncode}\n"
                f"{(result.stdout + result.stderr)[-3000:]}"
            )


_SKIPPED = [b for d in DOCUMENTS for b in blocks(d) if b.skip]


@pytest.mark.parametrize("block", _SKIPPED, ids=lambda b: f"{b.document}:{b.line}")
def test_skipped_blocks_say_why(block):
    pytest.skip(f"{block.document}:{block.line} not run: {block.skip}")


# ------------------------------------------------------------- the extraction itself can fail
def test_extraction_rules(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text(
        "text\n```bash\npython3 -m pip install -e . && earlyphase run\n"
        "earlyphase schedule --protocol p \\\n    --cycles 3   # comment\nls\n```\n"
        "<!-- doc-test: skip needs a server -->\n```\n$ earlyphase app\n```\n"
        "```python\nearlyphase = 1\n```\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = blocks(doc)
    finally:
        ROOT = saved
    assert [b.commands for b in found] == [
        ("earlyphase run", "earlyphase schedule --protocol p --cycles 3"),
        ("earlyphase app",),
    ]
    assert [b.skip for b in found] == ["", "needs a server"]


def test_a_failing_command_is_reported(tmp_path):
    result = _run("earlyphase nca missing.csv doses.csv", tmp_path)
    assert result.returncode != 0
