"""SAS XPORT version 5 (the FDA transport format) through pyreadstat.

Reading keeps dataset name and label, variable labels, character lengths and SAS formats in
``DataFrame.attrs`` (see :mod:`earlyphase.cdisc.io.metadata`); numeric variables with a SAS
date, datetime or time format become ``datetime64[ns]`` / ``timedelta64[ns]``.  Writing uses
``pyreadstat.write_xport(..., file_format_version=5)`` and enforces the v5 limits (names of at
most 8 characters, labels of at most 40, character values of at most 200 bytes) with a clear
error instead of silent truncation.

XPORT v5 stores no row count, so a file cut at a record boundary cannot be told from a
shorter dataset by any reader; :func:`read_xpt` checks what *can* be checked (80-byte record
structure, a partial last observation, more than one member) and raises :class:`DataError`.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from earlyphase._files import atomic_path
from earlyphase._stamps import source_date_epoch
from earlyphase.cdisc.dates import duration_in
from earlyphase.cdisc.io.metadata import (
    byte_lengths,
    column_metadata,
    dataset_label,
    dataset_name,
    infer_column,
    without_attrs,
)
from earlyphase.errors import DataError, describe_problem

__all__ = ["read_xpt", "write_xpt"]

_SAS_EPOCH = np.datetime64("1960-01-01T00:00:00", "ns")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,7}$")
_MEMBER_HEADER = b"HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!"
_OBS_HEADER = b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!000000000000000000000000000000  "
_DATE_FORMATS = ("DATE", "E8601DA", "YYMMDD", "MMDDYY", "DDMMYY", "IS8601DA", "B8601DA", "DAY")
_DATETIME_FORMATS = ("DATETIME", "E8601DT", "IS8601DT", "B8601DT", "DATEAMPM")
_TIME_FORMATS = ("TIME", "E8601TM", "IS8601TM", "HHMM", "TOD")


def _format_kind(fmt: str | None) -> str | None:
    if not fmt:
        return None
    stem = re.sub(r"[0-9.]+$", "", fmt.upper())
    if stem in _DATETIME_FORMATS:
        return "datetime"
    if stem in _DATE_FORMATS:
        return "date"
    if stem in _TIME_FORMATS:
        return "time"
    return None


def _display_format(fmt: str | None) -> str | None:
    """SAS format as written in Dataset-JSON (``DATE9`` -> ``DATE9.``)."""
    if not fmt:
        return None
    return fmt if "." in fmt else f"{fmt}."


def _check_structure(raw: bytes, path: Path, obs_length: int) -> None:
    if len(raw) % 80:
        raise DataError(
            describe_problem(
                f"{path.name}", f"{len(raw)} bytes", "a multiple of 80 bytes (file truncated?)"
            )
        )
    members = raw.count(_MEMBER_HEADER)
    if members != 1:
        raise DataError(
            describe_problem(
                f"{path.name}", f"{members} datasets", "exactly one dataset per XPT file"
            )
        )
    start = raw.find(_OBS_HEADER)
    if start < 0 or obs_length <= 0:
        return
    data = raw[start + len(_OBS_HEADER) :]
    leftover = data[(len(data) // obs_length) * obs_length :]
    if leftover.strip(b" "):
        raise DataError(
            describe_problem(
                f"{path.name}",
                f"a partial last observation ({len(leftover)} of {obs_length} bytes)",
                "whole observations (file truncated?)",
            )
        )


def read_xpt(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read one dataset from a SAS XPORT (v5 or v8) file.

    Raises
    ------
    DataError
        The file is not XPORT, is truncated mid-record, or holds more than one dataset.
    """
    import pyreadstat

    path = Path(path)
    try:
        raw = path.read_bytes()
        df, meta = pyreadstat.read_xport(str(path), dates_as_pandas_datetime=True)
    except OSError as exc:
        raise DataError(describe_problem(str(path), str(exc), "a readable file")) from exc
    except Exception as exc:  # pyreadstat raises its own ReadstatError / PyreadstatError
        raise DataError(
            describe_problem(path.name, f"unreadable ({exc})", "a SAS XPORT file")
        ) from exc
    widths = meta.variable_storage_width or {}
    _check_structure(raw, path, int(sum(widths.values())))

    columns: dict[str, dict[str, Any]] = {}
    for col in df.columns:
        fmt = (meta.original_variable_types or {}).get(col)
        kind = _format_kind(fmt)
        entry: dict[str, Any] = {"label": (meta.column_names_to_labels or {}).get(col) or ""}
        if kind is not None:
            if kind == "time":
                seconds = pd.to_numeric(df[col].map(_time_seconds), errors="coerce")
                df[col] = pd.to_timedelta(seconds, unit="s").astype("timedelta64[ns]")
            else:
                df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
            entry.update(dataType=kind, targetDataType="integer")
        elif pd.api.types.is_float_dtype(df[col].dtype):
            values = df[col].dropna().to_numpy()
            whole = values.size > 0 and bool(
                np.all((values == np.round(values)) & (np.abs(values) <= 2.0**53))
            )
            entry["dataType"] = "integer" if whole else "double"
        else:
            entry["dataType"] = "string"
            entry["length"] = int(widths.get(col) or 1)
        display = _display_format(fmt)
        if display and not display.startswith("$"):
            entry["displayFormat"] = display
        columns[col] = entry
    # refine ISO 8601 character dates (--DTC) the way metadata inference does
    for col, entry in columns.items():
        if entry["dataType"] == "string" and col.upper().endswith("DTC"):
            entry["dataType"] = infer_column(df[col], col)["dataType"]
    df.attrs = {
        "name": meta.table_name or path.stem.upper(),
        "label": meta.file_label or "",
        "columns": columns,
    }
    return df


def _time_seconds(value: Any) -> float:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6


def _check_v5_limits(df: pd.DataFrame, name: str, meta: dict[str, dict[str, Any]]) -> None:
    problems = []
    if not _NAME.match(name):
        problems.append(describe_problem("dataset name", name, "1-8 letters, digits or _"))
    if len(dataset_label(df)) > 40:
        problems.append(
            describe_problem("dataset label", dataset_label(df), "at most 40 characters")
        )
    for col, entry in meta.items():
        if not _NAME.match(col):
            problems.append(describe_problem("variable name", col, "1-8 letters, digits or _"))
        if len(entry.get("label") or "") > 40:
            problems.append(
                describe_problem(f"{col} label", entry["label"], "at most 40 characters")
            )
        if entry.get("length") and int(entry["length"]) > 200:
            problems.append(
                describe_problem(f"{col} length", entry["length"], "at most 200 bytes in XPT v5")
            )
    if problems:
        raise DataError("cannot write SAS XPORT v5: " + "; ".join(problems))


#: (record, offset) of the four ``ddMMMyy:hh:mm:ss`` stamps of a v5 file with one member:
#: library created / modified, member created / modified (SAS TS-140).
_STAMP_FIELDS = ((1, 64), (2, 0), (5, 64), (6, 0))
_STAMP_RE = re.compile(rb"\d\d[A-Z]{3}\d\d:\d\d:\d\d:\d\d")


def _stamp_header(path: Path, when: _dt.datetime) -> None:
    """Overwrite the created/modified stamps of an XPT v5 header with ``when`` (UTC)."""
    months = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    utc = when.astimezone(_dt.UTC) if when.tzinfo else when
    text = f"{utc:%d}{months[utc.month - 1]}{utc:%y}:{utc:%H:%M:%S}".encode("ascii")
    with open(path, "r+b") as handle:
        for record, offset in _STAMP_FIELDS:
            where = record * 80 + offset
            handle.seek(where)
            if _STAMP_RE.fullmatch(handle.read(16)):
                handle.seek(where)
                handle.write(text)


def write_xpt(
    df: pd.DataFrame, path: str | os.PathLike[str], *, created: _dt.datetime | None = None
) -> None:
    """Write ``df`` as a SAS XPORT v5 file, atomically, with its labels, lengths and formats.

    Dates become SAS dates (days since 1960-01-01) with their ``displayFormat`` (default
    ``DATE9.``), datetimes SAS datetimes (seconds), times seconds since midnight; a character
    variable keeps its declared ``length`` (padded, trailing blanks are not data in SAS);
    missing character values become blanks, the only missing value SAS has for characters.
    """
    import pyreadstat

    path = Path(path)
    meta = column_metadata(df)
    name = dataset_name(df, default=path.stem.upper())
    _check_v5_limits(df, name, meta)
    label = dataset_label(df)
    df = without_attrs(df)
    out = pd.DataFrame(index=range(len(df)))
    formats: dict[str, str] = {}
    for col, entry in meta.items():
        series = df[col].reset_index(drop=True)
        fmt = (entry.get("displayFormat") or "").rstrip(".")
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            ns = series.astype("datetime64[ns]")
            delta = (ns - _SAS_EPOCH) / np.timedelta64(1, "s")
            if entry["dataType"] == "date":
                out[col] = np.floor(delta / 86400.0)
                formats[col] = fmt if _format_kind(fmt) == "date" else "DATE9"
            else:
                out[col] = delta
                formats[col] = fmt if _format_kind(fmt) == "datetime" else "DATETIME20"
        elif pd.api.types.is_timedelta64_dtype(series.dtype):
            out[col] = duration_in(series, "s")
            formats[col] = fmt if _format_kind(fmt) == "time" else "TIME8"
        elif entry["dataType"] in ("integer", "float", "double", "decimal", "boolean"):
            values = pd.to_numeric(series.astype("float64"), errors="raise")
            if np.isinf(values.to_numpy(dtype=float)).any():
                raise DataError(describe_problem(col, "infinite value", "finite numbers in XPT"))
            out[col] = values
            if fmt and not fmt.startswith("$"):
                formats[col] = fmt
        else:
            text = series.astype("object").where(series.notna(), "").astype(str)
            too_long = pd.Series(byte_lengths(text) > 200, index=text.index)
            if too_long.any():
                raise DataError(
                    describe_problem(
                        f"{col}[{int(np.flatnonzero(too_long)[0])}]",
                        text[too_long].iloc[0][:40] + "...",
                        "at most 200 bytes in XPT v5",
                    )
                )
            length = int(entry.get("length") or 1)
            if len(text):
                first = text.iloc[0]
                text.iloc[0] = first + " " * max(0, length - len(first.encode("utf-8")))
            # object dtype: pyreadstat iterates rows, far slower over arrow-backed strings
            out[col] = pd.Series(text.to_numpy(dtype=object), index=out.index, dtype=object)
    labels = {col: (entry.get("label") or None) for col, entry in meta.items()}
    with atomic_path(path) as tmp:
        pyreadstat.write_xport(
            out,
            str(tmp),
            file_label=label,
            column_labels=labels,
            table_name=name,
            file_format_version=5,
            variable_format=formats or None,
        )
        stamp = created or source_date_epoch()
        if stamp is not None:
            _stamp_header(tmp, stamp)
