"""Reading and writing the small tables commands take and give (CSV, JSON, Parquet).

One implementation for every command: a missing file, a folder, an empty file, bytes that are
not UTF-8, a ragged CSV or a header without rows all become an
:class:`~earlyphase.errors.EarlyphaseError` naming the option and the file.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from earlyphase.errors import DataError, FileFormatError, OptionsError, describe_problem

__all__ = ["read_table", "write_table"]

_READABLE = (".csv", ".json", ".parquet")


def read_table(
    path: Path, option: str = "input file", suffixes: tuple[str, ...] = _READABLE
) -> Any:
    """Read a CSV/JSON/Parquet table with at least one row; errors name ``option`` and the file."""
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise OptionsError(
            describe_problem(option, str(path), "a file ending " + " or ".join(suffixes))
        )
    if not path.exists():
        raise DataError(describe_problem(option, str(path), "an existing file"))
    if not path.is_file():
        raise DataError(describe_problem(option, str(path), "a file, not a folder"))
    data = path.read_bytes()
    if not data.strip():
        raise FileFormatError(describe_problem(option, str(path), "a table, not an empty file"))
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(io.BytesIO(data))
        else:
            text = data.decode("utf-8")
            if "\x00" in text:
                raise FileFormatError(
                    describe_problem(option, str(path), f"a text {suffix[1:].upper()} file")
                )
            reader = pd.read_csv if suffix == ".csv" else pd.read_json
            frame = reader(io.StringIO(text))
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{option}: {path}: byte {data[exc.start : exc.start + 1]!r} at offset {exc.start} "
            f"is not UTF-8; expected a {suffix[1:].upper()} file encoded in UTF-8"
        ) from None
    except FileFormatError:
        raise
    except Exception as exc:  # pandas ParserError/ValueError, pyarrow ArrowInvalid, ...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FileFormatError(
            describe_problem(option, str(path), f"a readable {suffix[1:].upper()} table ({first})")
        ) from None
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise DataError(describe_problem(option, str(path), "a table with at least one row"))
    return frame


def write_table(frame: Any, out: Path, option: str = "--out", json_dates: bool = False) -> None:
    """Write ``frame`` atomically as CSV or JSON (by suffix)."""
    from earlyphase._files import atomic_write

    suffix = out.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise OptionsError(describe_problem(option, str(out), "a file name ending .csv or .json"))
    with atomic_write(out) as handle:
        if suffix == ".csv":
            frame.to_csv(handle, index=False)
        elif json_dates:
            handle.write(frame.to_json(orient="records", date_format="iso", indent=1))
        else:
            handle.write(frame.to_json(orient="records", indent=1))
