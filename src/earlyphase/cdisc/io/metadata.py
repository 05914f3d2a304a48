"""Variable and dataset metadata carried in ``DataFrame.attrs``.

Every reader in :mod:`earlyphase.cdisc.io` returns a DataFrame whose ``attrs`` hold the
CDISC metadata of the file, in Dataset-JSON v1.1 vocabulary, and every writer restores it::

    df.attrs = {
        "name": "DM",                     # dataset name (XPT member name, Dataset-JSON "name")
        "label": "Demographics",          # dataset label
        "columns": {                      # one entry per variable, Dataset-JSON column attributes
            "AGE": {"label": "Age", "dataType": "integer"},
            "RFSTDTC": {"label": "...", "dataType": "date", "length": 10},
            "TRTSDT": {"label": "...", "dataType": "date", "targetDataType": "integer",
                       "displayFormat": "DATE9."},
        },
        "dataset_json": {...},            # other top-level Dataset-JSON attributes (studyOID, ...)
    }

In-memory representation (the same whatever the file format):

* character variables (``dataType`` string, and ISO 8601 ``date``/``datetime``/``time`` strings
  as in SDTM ``--DTC``) are pandas ``str`` columns;
* every numeric variable (``integer``, ``float``, ``double``, ``decimal``) is ``float64``, as in
  SAS and R's haven: integer-ness is metadata (``dataType``), not a pandas dtype, so that the
  XPT and the Dataset-JSON of one dataset read into identical tables;
* numeric dates (ADaM ``--DT``, ``--DTM``; ``targetDataType`` integer) are ``datetime64[ns]``,
  numeric times are ``timedelta64[ns]``;
* ``boolean`` is pandas ``boolean``.

Columns without metadata get it inferred from their values (:func:`infer_column`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "COLUMN_KEYS",
    "DATA_TYPES",
    "NUMERIC_TYPES",
    "column_metadata",
    "dataset_label",
    "dataset_name",
    "infer_column",
    "set_metadata",
    "to_memory_dtype",
    "variable_labels",
    "without_attrs",
]

#: Dataset-JSON v1.1 column attributes, in the order the specification recommends.
COLUMN_KEYS = (
    "itemOID",
    "name",
    "label",
    "dataType",
    "targetDataType",
    "length",
    "displayFormat",
    "keySequence",
)
#: Allowed ``dataType`` values (Dataset-JSON v1.1, ``DataTypesEnum``).
DATA_TYPES = (
    "string",
    "integer",
    "decimal",
    "float",
    "double",
    "boolean",
    "datetime",
    "date",
    "time",
    "URI",
)
TARGET_DATA_TYPES = ("integer", "decimal")
NUMERIC_TYPES = frozenset({"integer", "decimal", "float", "double"})
TEMPORAL_TYPES = frozenset({"date", "datetime", "time"})

_ISO_DATE = re.compile(r"^\d{4}(-(\d{2}|-)(-(\d{2}|-))?)?$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?$")


def to_memory_dtype(meta: Mapping[str, Any]) -> str:
    """The pandas dtype a variable with this Dataset-JSON metadata has in memory."""
    data_type = meta.get("dataType", "string")
    if data_type in NUMERIC_TYPES:
        return "float64"
    if data_type == "boolean":
        return "boolean"
    if data_type in TEMPORAL_TYPES and meta.get("targetDataType") == "integer":
        return "timedelta64[ns]" if data_type == "time" else "datetime64[ns]"
    return "str"


def byte_lengths(series: pd.Series) -> np.ndarray:
    """UTF-8 byte length of each value (0 for missing), vectorised through pyarrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = series.astype(object).where(series.notna(), None)
    arr = pa.array(text.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    return np.asarray(pc.binary_length(arr).fill_null(0), dtype=np.int64)


def _string_length(series: pd.Series) -> int:
    lengths = byte_lengths(series)
    return max(1, int(lengths.max())) if lengths.size else 1


def infer_column(series: pd.Series, name: str | None = None) -> dict[str, Any]:
    """Dataset-JSON metadata for a column that has none, inferred from its dtype and values.

    Floats whose non-missing values are all whole numbers are ``integer`` (XPT stores every
    number as a double, so this is how integer variables are recognised there); datetimes at
    midnight are ADaM dates (``DATE9.``), other datetimes ``DATETIME20.``; character variables
    named ``--DTC`` holding ISO 8601 values are ``date`` or ``datetime`` strings.
    """
    name = str(name if name is not None else series.name)
    meta: dict[str, Any] = {"label": ""}
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        meta["dataType"] = "boolean"
    elif pd.api.types.is_integer_dtype(dtype):
        meta["dataType"] = "integer"
    elif pd.api.types.is_float_dtype(dtype):
        values = series.dropna().to_numpy(dtype=float)
        # whole numbers within +-2**53 (exact in a double) are integers; larger ones stay double
        whole = values.size > 0 and bool(
            np.all(np.isfinite(values) & (values == np.round(values)) & (np.abs(values) <= 2.0**53))
        )
        meta["dataType"] = "integer" if whole else "double"
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = series.dropna()
        at_midnight = bool((stamps == stamps.dt.normalize()).all())
        meta.update(
            dataType="date" if at_midnight else "datetime",
            targetDataType="integer",
            displayFormat="DATE9." if at_midnight else "DATETIME20.",
        )
    elif pd.api.types.is_timedelta64_dtype(dtype):
        meta.update(dataType="time", targetDataType="integer", displayFormat="TIME8.")
    else:
        meta["dataType"] = "string"
        meta["length"] = _string_length(series)
        if name.upper().endswith("DTC"):
            texts = [v for v in series.dropna().astype(str) if v]
            if texts and all(_ISO_DATE.match(v) for v in texts):
                meta["dataType"] = "date"
            elif texts and all(_ISO_DATE.match(v) or _ISO_DATETIME.match(v) for v in texts):
                meta["dataType"] = "datetime"
    return meta


def without_attrs(df: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy of ``df`` with empty ``attrs``.

    pandas deep-copies ``attrs`` into every Series taken from a frame, so column-by-column
    work on a frame carrying metadata is slow; writers and checks work on this copy.
    """
    out = df.copy(deep=False)
    out.attrs = {}
    return out


def column_metadata(df: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Complete metadata for every column of ``df``: ``attrs`` where given, inferred elsewhere.

    Entries in ``attrs["columns"]`` for columns that no longer exist are ignored; missing
    attributes of existing entries (e.g. ``length`` of a string column) are filled in.
    """
    stored = df.attrs.get("columns") or {}
    df = without_attrs(df)
    out: dict[str, dict[str, Any]] = {}
    for col in df.columns:
        inferred = infer_column(df[col], col)
        given = dict(stored.get(col) or {})
        if given.get("dataType") and to_memory_dtype(given) != to_memory_dtype(inferred):
            # the column's values changed kind since the metadata was attached: trust the values
            given = {k: v for k, v in given.items() if k in ("label", "itemOID", "keySequence")}
        meta = {**inferred, **{k: v for k, v in given.items() if v is not None}}
        if to_memory_dtype(meta) == "str" and given.get("length"):
            # a declared length never truncates data: it grows to the longest value
            meta["length"] = max(int(given["length"]), _string_length(df[col]))
        elif not (to_memory_dtype(meta) == "str" and meta["dataType"] == "string"):
            if not given.get("length"):
                meta.pop("length", None)
        out[str(col)] = meta
    return out


def set_metadata(
    df: pd.DataFrame,
    *,
    name: str | None = None,
    label: str | None = None,
    columns: Mapping[str, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Attach dataset name/label and (partial) column metadata to ``df`` in place; return ``df``."""
    if name is not None:
        df.attrs["name"] = name
    if label is not None:
        df.attrs["label"] = label
    if columns:
        merged = {k: dict(v) for k, v in (df.attrs.get("columns") or {}).items()}
        for col, meta in columns.items():
            merged.setdefault(col, {}).update(meta)
        df.attrs["columns"] = merged
    return df


def variable_labels(df: pd.DataFrame) -> dict[str, str]:
    """Variable name -> label ("" where none is known)."""
    stored = df.attrs.get("columns") or {}
    return {str(c): str((stored.get(c) or {}).get("label") or "") for c in df.columns}


def dataset_name(df: pd.DataFrame, default: str = "DATASET") -> str:
    """The dataset name from ``attrs`` (upper case), or ``default``."""
    return str(df.attrs.get("name") or default).upper()


def dataset_label(df: pd.DataFrame) -> str:
    """The dataset label from ``attrs`` ("" when none)."""
    return str(df.attrs.get("label") or "")
