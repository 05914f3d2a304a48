"""Choose the reader or writer from the file extension."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from earlyphase.cdisc.io.dataset_json import (
    read_dataset_json,
    read_ndjson,
    write_dataset_json,
    write_ndjson,
)
from earlyphase.cdisc.io.tabular import read_csv, read_parquet, write_csv, write_parquet
from earlyphase.cdisc.io.xpt import read_xpt, write_xpt
from earlyphase.errors import DataError, describe_problem

__all__ = ["FORMATS", "format_of", "read_dataset", "write_dataset"]

#: Extension -> (reader, writer).
FORMATS: MappingProxyType[str, tuple[Callable[..., pd.DataFrame], Callable[..., None]]] = (
    MappingProxyType(
        {
            ".xpt": (read_xpt, write_xpt),
            ".json": (read_dataset_json, write_dataset_json),
            ".ndjson": (read_ndjson, write_ndjson),
            ".parquet": (read_parquet, write_parquet),
            ".csv": (read_csv, write_csv),
        }
    )
)


def format_of(path: str | os.PathLike[str]) -> str:
    """The lower-case extension of ``path`` if earlyphase reads and writes it."""
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise DataError(
            describe_problem(
                f"file extension of {Path(path).name}", ext or "(none)", f"one of {sorted(FORMATS)}"
            )
        )
    return ext


def read_dataset(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read one dataset; the format comes from the extension (.xpt .json .ndjson .parquet .csv).

    The result's ``attrs`` hold the dataset name and label and each variable's label,
    Dataset-JSON ``dataType``, length and display format.

    Raises
    ------
    DataError
        Unknown extension, missing file, corrupt or truncated content.
    """
    path = Path(path)
    reader = FORMATS[format_of(path)][0]
    if not path.is_file():
        raise DataError(describe_problem(str(path), "no such file", "an existing dataset file"))
    return reader(path)


def write_dataset(
    df: pd.DataFrame, path: str | os.PathLike[str], *, created: dt.datetime | None = None
) -> None:
    """Write one dataset atomically in the format given by the extension, with its metadata.

    ``created`` is the time embedded in Dataset-JSON and XPT headers (default: see
    :func:`earlyphase._stamps.file_timestamp`); CSV and Parquet carry none.
    """
    ext = format_of(path)
    writer = FORMATS[ext][1]
    if created is None or ext in (".csv", ".parquet"):
        writer(df, path)
    elif ext == ".xpt":
        writer(df, path, created=created)
    else:
        writer(df, path, created=created.strftime("%Y-%m-%dT%H:%M:%S"))
