"""Checks of command-line options that run before any work or any write.

Commands call these first, so that a wrong ``--out`` suffix or a ``nan`` is refused before a
long simulation runs or a first file is written (``docs/errors.md``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from earlyphase.errors import OptionsError, describe_problem

__all__ = ["check_finite", "check_suffix"]


def check_suffix(option: str, path: Path | None, suffixes: Iterable[str]) -> None:
    """Refuse ``path`` unless its suffix is one of ``suffixes`` (``None`` is accepted)."""
    if path is None:
        return
    allowed = tuple(s.lower() for s in suffixes)
    if path.suffix.lower() not in allowed:
        words = ", ".join(allowed[:-1]) + (" or " if len(allowed) > 1 else "") + allowed[-1]
        raise OptionsError(describe_problem(option, str(path), f"a file name ending {words}"))
    if path.exists() and path.is_dir():
        raise OptionsError(describe_problem(option, str(path), "a file name, not a folder"))


def check_finite(option: str, value: float | None, low: float | None = None) -> None:
    """Refuse ``nan``/``inf`` (and values below ``low``, exclusive) for a float option."""
    if value is None:
        return
    if not math.isfinite(value) or (low is not None and value <= low):
        expected = "a finite number" + (f" greater than {low:g}" if low is not None else "")
        raise OptionsError(describe_problem(option, value, expected))
