"""Input checks shared by the clinical modules: clear DataErrors, never pandas tracebacks."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, describe_problem

__all__ = ["require_columns", "numeric_column", "flag_column", "check_frame"]

_TRUE = {"y", "yes", "true", "t", "1", "positive", "pos", "present", "+"}
_FALSE = {"n", "no", "false", "f", "0", "negative", "neg", "absent", "-"}


def check_frame(frame: object, name: str) -> pd.DataFrame:
    """Raise DataError unless ``frame`` is a DataFrame."""
    if not isinstance(frame, pd.DataFrame):
        raise DataError(describe_problem(name, type(frame).__name__, "a pandas DataFrame"))
    return frame


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise DataError naming the missing columns."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            describe_problem(
                f"{name} columns", sorted(map(str, frame.columns)), f"columns including {missing}"
            )
        )


def numeric_column(
    frame: pd.DataFrame, column: str, name: str, *, allow_negative: bool = False
) -> np.ndarray:
    """Return a float array of ``frame[column]``; text or negative values raise DataError."""
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        raise DataError(describe_problem(f"{name}.{column} (row {i})", raw.iloc[i], "a number"))
    arr = values.to_numpy(dtype=float, na_value=np.nan)
    if not allow_negative:
        neg = arr < 0
        if neg.any():
            i = int(neg.nonzero()[0][0])
            raise DataError(describe_problem(f"{name}.{column} (row {i})", arr[i], "a value >= 0"))
    if np.isinf(arr).any():
        i = int(np.isinf(arr).nonzero()[0][0])
        raise DataError(describe_problem(f"{name}.{column} (row {i})", arr[i], "a finite number"))
    return arr


def flag_column(
    frame: pd.DataFrame,
    column: str,
    name: str,
    true_values: Iterable[str] = (),
    false_values: Iterable[str] = (),
) -> np.ndarray:
    """Parse a yes/no or positive/negative column to a float array (1, 0, NaN for missing)."""
    trues = _TRUE | {v.lower() for v in true_values}
    falses = _FALSE | {v.lower() for v in false_values}
    raw = frame[column]
    out = np.full(len(raw), np.nan)
    for i, v in enumerate(raw.to_numpy(dtype=object)):
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            continue
        if isinstance(v, (bool, np.bool_)):
            out[i] = float(v)
            continue
        if isinstance(v, (int, np.integer)) and v in (0, 1):
            out[i] = float(v)
            continue
        text = str(v).strip().lower()
        if text == "" or text == "nan":
            continue
        if text in trues:
            out[i] = 1.0
        elif text in falses:
            out[i] = 0.0
        else:
            raise DataError(
                describe_problem(
                    f"{name}.{column} (row {i})", v, "yes/no, true/false or positive/negative"
                )
            )
    return out
