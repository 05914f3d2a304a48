"""Whole-folder atomicity: an output folder appears complete, with its manifest, or not at all.

A command that writes a folder (``earlyphase run``, ``analyze``, ``twin reconstruct``) writes
into a hidden staging folder beside the target, writes ``earlyphase-manifest.json`` last
(every file with its size and SHA-256, the command line, package versions and the seed), and
only then moves the staging folder into place. A run killed half-way (SIGTERM, Ctrl-C, a full
disk) removes its staging folder and leaves the previous complete folder untouched.

The target must be absent, empty, or an earlier output of the same command (it has a manifest
naming that command); anything else is refused unless ``overwrite=True``. Either way the whole
folder is replaced, so no stale file of an earlier run survives.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from earlyphase.errors import OutputError

__all__ = ["MANIFEST_NAME", "Staged", "check_output_folder", "file_entries", "staged_folder"]

#: File name of the manifest written last into every staged output folder.
MANIFEST_NAME = "earlyphase-manifest.json"
#: Distributions whose versions the manifest records (those that shape the bytes written).
_PACKAGES = (
    "earlyphase",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "pyreadstat",
    "matplotlib",
    "reportlab",
    "rtflite",
)


@dataclass
class Staged:
    """The staging folder being written; ``extra`` goes into the manifest."""

    path: Path
    target: Path
    extra: dict[str, Any] = field(default_factory=dict)


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in _PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entries(folder: Path) -> list[dict[str, Any]]:
    """``[{path, bytes, sha256}]`` of every file under ``folder`` (sorted, POSIX paths)."""
    entries = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel == MANIFEST_NAME:
            continue
        entries.append({"path": rel, "bytes": path.stat().st_size, "sha256": _sha256(path)})
    return entries


def _is_own_output(target: Path, command: str) -> bool:
    manifest = target / MANIFEST_NAME
    if not manifest.is_file() or manifest.stat().st_size > 10 * 2**20:
        return False
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("command") == command


def _dangerous(target: Path) -> bool:
    """Folders ``--overwrite`` must never replace: /, the home folder, the current folder or
    one of its parents."""
    resolved = target.resolve()
    cwd = Path.cwd().resolve()
    return resolved in (Path(resolved.anchor), Path.home().resolve(), cwd, *cwd.parents)


def check_output_folder(target: Path, command: str, overwrite: bool) -> None:
    """Refuse an output folder that :func:`staged_folder` would refuse (call it early)."""
    if target.exists() and not target.is_dir():
        raise OutputError(f"cannot write the output folder {target}: it is a file")
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"cannot write {target}: {parent} is a file, not a folder")
            break
    if not target.is_dir() or not any(target.iterdir()):
        return
    if _dangerous(target):
        raise OutputError(
            f"refusing to replace {target}: it is the current folder, one of its parents or "
            "the home folder; choose another --out"
        )
    if not overwrite and not _is_own_output(target, command):
        raise OutputError(
            f"output folder {target} is not empty and is not an earlier output of "
            f"'earlyphase {command}' (no {MANIFEST_NAME}); choose another --out, or pass "
            "--overwrite to replace the whole folder"
        )


def _write_manifest(staged: Staged, command: str, argv: Sequence[str] | None) -> None:
    manifest = {
        "command": command,
        "command_line": list(argv) if argv is not None else None,
        "versions": _versions(),
        **staged.extra,
        "files": file_entries(staged.path),
    }
    text = json.dumps(manifest, indent=1, sort_keys=False, default=str) + "\n"
    (staged.path / MANIFEST_NAME).write_text(text, encoding="utf-8")


def _move_into_place(stage: Path, target: Path) -> None:
    """Replace ``target`` by ``stage``; on failure the previous ``target`` is put back."""
    if not target.exists():
        os.replace(stage, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    old.rmdir()
    os.replace(target, old)
    try:
        os.replace(stage, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged_folder(
    target: str | os.PathLike[str],
    *,
    command: str,
    overwrite: bool = False,
    argv: Sequence[str] | None = None,
    extra: Mapping[str, Any] | None = None,
    keep_on: tuple[type[BaseException], ...] = (),
) -> Iterator[Staged]:
    """Yield a staging folder for ``target``; on success write the manifest and move it in place.

    Parameters
    ----------
    target : path-like
        The output folder.
    command : str
        The command's name (``"run"``), recorded in the manifest; an existing folder whose
        manifest names the same command may be replaced without ``overwrite``.
    overwrite : bool
        Replace a non-empty folder that is not an earlier output of ``command``.
    argv : sequence of str, optional
        The command line, recorded in the manifest.
    extra : mapping, optional
        More manifest entries (``{"seed": 20200320}``); ``Staged.extra`` may add to them.
    keep_on : tuple of exception types
        Exceptions after which what was written is still the command's output (a validation
        report that stops the run): the folder is completed (manifest, move) and the exception
        re-raised. Any other exception removes the staging folder.

    Raises
    ------
    OutputError
        The target is a file, under a file, not empty and not our output (without
        ``overwrite``), or a folder that must never be replaced.
    """
    target = Path(target)
    check_output_folder(target, command, overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    staged = Staged(stage, target, dict(extra or {}))
    try:
        try:
            yield staged
        except keep_on as exc:
            staged.extra["stopped"] = str(exc)
            _complete(staged, command, argv)
            raise
        _complete(staged, command, argv)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _complete(staged: Staged, command: str, argv: Sequence[str] | None) -> None:
    _write_manifest(staged, command, argv)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staged.path, 0o777 & ~umask)
    _move_into_place(staged.path, staged.target)
