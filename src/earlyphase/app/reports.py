"""Report viewer: files of finished ``earlyphase run`` output folders, and nothing else.

A run folder is a direct sub-folder of the configured reports folder (or that folder itself)
that holds ``report.html`` (written last by the report pipeline, atomically).  A requested
path is resolved (symbolic links included) and served only if it stays inside its run
folder and is a regular file, so ``../`` or absolute paths cannot reach other files.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["list_runs", "resolve_report_file"]

_RUN_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def list_runs(root: Path | None) -> list[str]:
    """Names of the finished runs under ``root`` (``"."`` when ``root`` itself is one)."""
    if root is None or not root.is_dir():
        return []
    runs = ["."] if (root / "report.html").is_file() else []
    for child in sorted(root.iterdir()):
        if child.is_dir() and _RUN_NAME.match(child.name) and (child / "report.html").is_file():
            runs.append(child.name)
    return runs


def resolve_report_file(root: Path | None, run: str, relative: str) -> Path:
    """The file ``relative`` inside run ``run`` under ``root``, or :class:`LookupError`.

    The same "not found" answer is given for a missing file and for a path outside the run
    folder, so the viewer reveals nothing about the rest of the disk.
    """
    missing = LookupError(f"report file {run}/{relative}: not found in a finished run")
    if root is None or run not in list_runs(root):
        raise missing
    base = (root / run).resolve()
    if "\x00" in relative or relative.startswith(("/", "\\")):
        raise missing
    target = (base / (relative or "report.html")).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        raise missing
    return target
