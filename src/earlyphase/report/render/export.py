"""Tidy, unrounded exports of every table and figure's data (CSV and Parquet)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from earlyphase._files import atomic_path, atomic_write

__all__ = ["write_frame"]


def write_frame(
    frame: pd.DataFrame, stem: Path, formats: Iterable[str] = ("csv", "parquet")
) -> list[Path]:
    """Write ``frame`` to ``stem.csv`` / ``stem.parquet``; returns the paths written."""
    written = []
    for fmt in formats:
        path = stem.with_suffix(f".{fmt}")
        if fmt == "csv":
            with atomic_write(path) as handle:
                frame.to_csv(handle, index=False, lineterminator="\n")
        elif fmt == "parquet":
            with atomic_path(path) as tmp:
                frame.to_parquet(tmp, index=False)
        else:
            continue
        written.append(path)
    return written
