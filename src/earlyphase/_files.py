"""Atomic file output: files appear complete or not at all.

Every writer in earlyphase goes through :func:`atomic_path` or :func:`atomic_write` so that a
failure half-way never leaves a partial file behind (DESIGN.md, "never a partial file").
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from earlyphase.errors import FileFormatError, OutputError

__all__ = ["atomic_path", "atomic_write", "read_text_file"]


def make_parent(target: Path) -> None:
    """Create the folder that will hold ``target``; a clear :class:`OutputError` if it can't."""
    for parent in (target.parent, *target.parent.parents):
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"cannot write {target}: {parent} is a file, not a folder")
            break
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder; expected a file name")
    target.parent.mkdir(parents=True, exist_ok=True)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    Use this for libraries that want a file name (pyreadstat, matplotlib, pyarrow).
    """
    target = Path(path)
    make_parent(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600 files; give the result the usual permissions (0666 less umask)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "w", **open_kwargs: Any
) -> Iterator[IO[Any]]:
    """Open a temporary file for writing and move it onto ``path`` only if the block succeeds."""
    if "b" not in mode:
        open_kwargs.setdefault("encoding", "utf-8")
        open_kwargs.setdefault("newline", "")
    with atomic_path(path) as tmp, open(tmp, mode, **open_kwargs) as handle:
        yield handle


def read_text_file(
    path: str | os.PathLike[str], what: str, max_bytes: int, encoding: str = "utf-8"
) -> str:
    """Read a text file, refusing files above ``max_bytes`` and bytes not in ``encoding``.

    Parameters
    ----------
    path : path-like
        The file.
    what : str
        What the file should be, for messages (``"protocol YAML"``).
    max_bytes : int
        Largest accepted size in bytes.
    encoding : str
        Expected encoding.

    Raises
    ------
    FileFormatError
        The file is too large or not valid ``encoding``; the message names the file.
    OSError
        The file cannot be read (missing, a folder, permission denied).
    """
    p = Path(path)
    size = p.stat().st_size
    if size > max_bytes:
        raise FileFormatError(
            f"{p}: {size:,} bytes; expected a {what} file of at most {max_bytes:,} bytes "
            "(the documented limit)"
        )
    data = p.read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileFormatError(
            f"{p}:{line}: byte {data[exc.start : exc.start + 1]!r} at offset {exc.start} is not "
            f"{encoding.upper()}; expected a {what} file encoded in {encoding.upper()}"
        ) from None
