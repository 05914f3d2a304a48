"""CDISC Dataset-JSON v1.1: ``.json`` (one object) and ``.ndjson`` (metadata line + row lines).

The structure is checked against the required attributes, types, enumerations and patterns of
the official schema (``dataset.schema.json`` of cdisc-org/DataExchange-DatasetJson, v1.1),
without network access or a JSON-schema library: :func:`validate_dataset_json` returns the
list of problems and the readers raise :class:`DataError` listing them.  Duplicate object keys
(which ``json`` would silently collapse) are an error, as are rows whose length differs from
the number of columns, values of the wrong JSON type, and ``records`` disagreeing with the rows.

Types follow the specification's "Supported Column Data Type Combinations": ``decimal`` is
exchanged as a string; ADaM numeric dates (``targetDataType`` integer) as ISO 8601 strings.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np
import pandas as pd

from earlyphase import __version__
from earlyphase._files import atomic_write
from earlyphase._json import load_json
from earlyphase._stamps import file_timestamp
from earlyphase.cdisc.io.metadata import (
    COLUMN_KEYS,
    DATA_TYPES,
    TARGET_DATA_TYPES,
    column_metadata,
    dataset_label,
    dataset_name,
    to_memory_dtype,
    without_attrs,
)
from earlyphase.errors import DataError, describe_problem

__all__ = [
    "REQUIRED_COLUMN_KEYS",
    "REQUIRED_TOP_LEVEL",
    "dataset_json_metadata",
    "read_dataset_json",
    "read_ndjson",
    "validate_dataset_json",
    "write_dataset_json",
    "write_ndjson",
]

#: ``required`` of the top-level object in dataset.schema.json (v1.1).
REQUIRED_TOP_LEVEL = (
    "datasetJSONCreationDateTime",
    "datasetJSONVersion",
    "itemGroupOID",
    "records",
    "name",
    "label",
    "columns",
)
#: ``required`` of ``$defs.Column`` in dataset.schema.json (v1.1).
REQUIRED_COLUMN_KEYS = ("itemOID", "name", "label", "dataType")
TOP_LEVEL_ORDER = (
    "datasetJSONCreationDateTime",
    "datasetJSONVersion",
    "fileOID",
    "dbLastModifiedDateTime",
    "originator",
    "sourceSystem",
    "studyOID",
    "metaDataVersionOID",
    "metaDataRef",
    "itemGroupOID",
    "records",
    "name",
    "label",
    "columns",
    "rows",
)
_STRING_ATTRS = ("fileOID", "originator", "studyOID", "metaDataVersionOID", "metaDataRef")
#: ``pattern`` of datasetJSONCreationDateTime / dbLastModifiedDateTime in the schema.
DATETIME_PATTERN = (
    r"^([0-9][0-9][0-9][0-9])(-(([0][1-9])|([1][0-2])))(-(([0][1-9])|([1-2][0-9])|([3][0-1])))"
    r"T(([0-1][0-9])|([2][0-3])):([0-5][0-9])(:([0-5][0-9]))((\.[0-9]+))?"
    r"((((\+|-)(([0-1][0-9])|([2][0-3])):[0-5][0-9])|(Z)))?$"
)
#: ``pattern`` of datasetJSONVersion in the schema.
VERSION_PATTERN = r"^1.1(.(0|([1-9][0-9]*)))?$"
_DATETIME_RE = re.compile(DATETIME_PATTERN)
_VERSION_RE = re.compile(VERSION_PATTERN)


# --------------------------------------------------------------------------- parsing helpers
def _loads(text: str, where: str) -> Any:
    return load_json(text, where, "Dataset-JSON")


def _is_int(v: Any) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def validate_dataset_json(obj: Any, *, expect_rows: bool = True) -> list[str]:
    """Problems with a parsed Dataset-JSON object (empty list: structurally valid).

    Checks the schema's required attributes, their JSON types, the ``dataType`` and
    ``targetDataType`` enumerations, the datetime and version patterns, no unknown attributes
    (``additionalProperties: false``), unique column names, and for each row its length and
    the JSON type of each value against its column's ``dataType``.
    """
    if not isinstance(obj, Mapping):
        return [describe_problem("Dataset-JSON", type(obj).__name__, "a JSON object")]
    problems = _top_level_problems(obj, expect_rows)
    records = obj.get("records")
    columns = obj.get("columns")
    if "columns" in obj and not isinstance(columns, list):
        problems.append(describe_problem("columns", type(columns).__name__, "an array"))
        columns = None
    names: list[str] = []
    for i, col in enumerate(columns or []):
        problems += _column_problems(col, f"columns[{i}]", names)
    rows = obj.get("rows")
    if rows is not None and expect_rows:
        if not isinstance(rows, list):
            problems.append(describe_problem("rows", type(rows).__name__, "an array of arrays"))
        else:
            if _is_int(records) and records != len(rows):
                problems.append(
                    describe_problem("records", records, f"the number of rows ({len(rows)})")
                )
            if isinstance(columns, list) and not problems:
                problems.extend(_check_rows(rows, columns))
    return problems


def _top_level_problems(obj: Mapping[str, Any], expect_rows: bool) -> list[str]:
    """Required, unknown and mistyped top-level attributes (not columns or rows)."""
    problems = [
        describe_problem(key, "missing", "required top-level attribute")
        for key in REQUIRED_TOP_LEVEL
        if key not in obj
    ]
    allowed = set(TOP_LEVEL_ORDER) if expect_rows else set(TOP_LEVEL_ORDER) - {"rows"}
    unknown = [key for key in obj if key not in allowed]
    if unknown:
        problems.append(
            describe_problem("top-level attributes", unknown, "only those of the v1.1 schema")
        )
    for key in ("datasetJSONCreationDateTime", "dbLastModifiedDateTime"):
        if key in obj and not (isinstance(obj[key], str) and _DATETIME_RE.match(obj[key])):
            problems.append(describe_problem(key, obj[key], "ISO 8601 YYYY-MM-DDThh:mm:ss"))
    version = obj.get("datasetJSONVersion")
    if "datasetJSONVersion" in obj and not (
        isinstance(version, str) and _VERSION_RE.match(version)
    ):
        problems.append(describe_problem("datasetJSONVersion", version, "1.1 or 1.1.n"))
    for key in (*_STRING_ATTRS, "itemGroupOID", "name", "label"):
        if key in obj and not isinstance(obj[key], str):
            problems.append(describe_problem(key, obj[key], "a string"))
    if "sourceSystem" in obj:
        src = obj["sourceSystem"]
        if not (
            isinstance(src, Mapping)
            and set(src) == {"name", "version"}
            and all(isinstance(v, str) for v in src.values())
        ):
            problems.append(
                describe_problem("sourceSystem", src, "an object with string name and version")
            )
    records = obj.get("records")
    if "records" in obj and not (_is_int(records) and records >= 0):
        problems.append(describe_problem("records", records, "an integer >= 0"))
    return problems


def _column_problems(col: Any, where: str, names: list[str]) -> list[str]:
    """Problems with one column definition; appends its name to ``names`` (uniqueness)."""
    if not isinstance(col, Mapping):
        return [describe_problem(where, col, "an object")]
    problems = [
        describe_problem(f"{where}.{key}", "missing", "required column attribute")
        for key in REQUIRED_COLUMN_KEYS
        if key not in col
    ]
    unknown = [key for key in col if key not in COLUMN_KEYS]
    if unknown:
        problems.append(
            describe_problem(f"{where} attributes", unknown, f"only {list(COLUMN_KEYS)}")
        )
    for key in ("itemOID", "name", "label", "displayFormat"):
        if key in col and not isinstance(col[key], str):
            problems.append(describe_problem(f"{where}.{key}", col[key], "a string"))
    if "dataType" in col and col["dataType"] not in DATA_TYPES:
        problems.append(
            describe_problem(f"{where}.dataType", col["dataType"], f"one of {list(DATA_TYPES)}")
        )
    if "targetDataType" in col and col["targetDataType"] not in TARGET_DATA_TYPES:
        problems.append(
            describe_problem(f"{where}.targetDataType", col["targetDataType"], "integer or decimal")
        )
    for key in ("length", "keySequence"):
        if key in col and not (_is_int(col[key]) and col[key] >= 1):
            problems.append(describe_problem(f"{where}.{key}", col[key], "an integer >= 1"))
    if isinstance(col.get("name"), str):
        if col["name"] in names:
            problems.append(describe_problem(f"{where}.name", col["name"], "unique column names"))
        names.append(col["name"])
    return problems


def _value_ok(value: Any, meta: Mapping[str, Any]) -> bool:
    if value is None:
        return True
    data_type = meta.get("dataType")
    if data_type == "integer":
        return _is_int(value)
    if data_type in ("float", "double"):
        return _is_number(value)
    if data_type == "boolean":
        return isinstance(value, bool)
    if data_type == "decimal":
        return isinstance(value, str) or _is_number(value)
    return isinstance(value, str)


def _check_rows(rows: list[Any], columns: list[Mapping[str, Any]], start: int = 0) -> list[str]:
    problems: list[str] = []
    width = len(columns)
    for r, row in enumerate(rows, start=start):
        if not isinstance(row, list) or len(row) != width:
            problems.append(
                describe_problem(
                    f"rows[{r}]",
                    row if not isinstance(row, list) else f"{len(row)} values",
                    f"an array of {width} values",
                )
            )
        else:
            for value, meta in zip(row, columns, strict=True):
                if not _value_ok(value, meta):
                    problems.append(
                        describe_problem(
                            f"rows[{r}].{meta.get('name')}",
                            value,
                            f"a JSON value of dataType {meta.get('dataType')}",
                        )
                    )
        if len(problems) >= 20:
            problems.append("... (further problems not listed)")
            break
    return problems


def _raise_if(problems: list[str], where: str) -> None:
    if problems:
        raise DataError(f"{where} is not valid Dataset-JSON v1.1: " + "; ".join(problems))


# ----------------------------------------------------------------------- JSON -> DataFrame
def _to_frame(meta: Mapping[str, Any], rows: list[list[Any]]) -> pd.DataFrame:
    width = len(meta["columns"])
    by_column = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]
    return _frame_from_columns(meta, by_column)


def _frame_from_columns(meta: Mapping[str, Any], by_column: list[list[Any]]) -> pd.DataFrame:
    """DataFrame (with ``attrs``) from Dataset-JSON metadata and one list of JSON values per column."""
    columns = list(meta["columns"])
    names = [c["name"] for c in columns]
    data: dict[str, Any] = {}
    for j, col in enumerate(columns):
        values = by_column[j]
        dtype = to_memory_dtype(col)
        where = f"{meta.get('name', '')}.{col['name']}"
        try:
            if dtype == "float64":
                data[col["name"]] = pd.array(
                    [np.nan if v is None else float(v) for v in values], dtype="float64"
                )
            elif dtype == "boolean":
                data[col["name"]] = pd.array(values, dtype="boolean")
            elif dtype == "datetime64[ns]":
                data[col["name"]] = _parse_temporal(values, col["dataType"], where)
            elif dtype == "timedelta64[ns]":
                data[col["name"]] = pd.to_timedelta(pd.Series(values, dtype="object")).astype(
                    "timedelta64[ns]"
                )
            else:
                data[col["name"]] = pd.array(values, dtype="str")
        except (ValueError, TypeError) as exc:
            raise DataError(
                describe_problem(
                    where, f"unconvertible values ({exc})", f"values of dataType {col['dataType']}"
                )
            ) from exc
    df = pd.DataFrame(data, columns=names)
    df.attrs = {
        "name": meta.get("name", ""),
        "label": meta.get("label", ""),
        "columns": {c["name"]: {k: v for k, v in c.items() if k != "name"} for c in columns},
        "dataset_json": {
            k: meta[k]
            for k in TOP_LEVEL_ORDER
            if k in meta and k not in ("records", "name", "label", "columns", "rows")
        },
    }
    return df


def _parse_temporal(values: list[Any], data_type: str, where: str) -> pd.Series:
    from earlyphase.cdisc.dates import parse_iso8601_strict

    return parse_iso8601_strict(values, field=where, date_only=data_type == "date")


def read_dataset_json(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a Dataset-JSON v1.1 ``.json`` file into a DataFrame with its metadata in ``attrs``."""
    path = Path(path)
    obj = _loads(_read_text(path), path.name)
    _raise_if(validate_dataset_json(obj), path.name)
    return _to_frame(obj, obj.get("rows") or [])


def read_ndjson(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the NDJSON representation: line 1 metadata object, then one JSON array per row."""
    path = Path(path)
    # NDJSON lines end in "\n" (optionally "\r\n"); str.splitlines() would also split inside
    # values at U+2028, U+0085, ... which JSON strings may contain unescaped
    lines = [line.removesuffix("\r") for line in _read_text(path).split("\n") if line.strip()]
    if not lines:
        raise DataError(describe_problem(path.name, "an empty file", "a Dataset-JSON NDJSON file"))
    meta = _loads(lines[0], f"{path.name} line 1")
    problems = validate_dataset_json(meta, expect_rows=False)
    _raise_if(problems, path.name)
    rows = [_loads(line, f"{path.name} line {i}") for i, line in enumerate(lines[1:], start=2)]
    problems = _check_rows(rows, meta["columns"])
    if meta["records"] != len(rows):
        problems.insert(
            0,
            describe_problem("records", meta["records"], f"the number of row lines ({len(rows)})"),
        )
    _raise_if(problems, path.name)
    return _to_frame(meta, rows)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(describe_problem(str(path), str(exc), "a readable file")) from exc
    except UnicodeDecodeError as exc:
        raise DataError(
            describe_problem(path.name, "bytes that are not UTF-8", "UTF-8 JSON")
        ) from exc


# ----------------------------------------------------------------------- DataFrame -> JSON
def dataset_json_metadata(
    df: pd.DataFrame, *, name: str | None = None, created: str | None = None
) -> dict[str, Any]:
    """The Dataset-JSON top-level object for ``df`` without ``rows`` (attribute order of the spec)."""
    name = (name or dataset_name(df)).upper()
    extra = dict(df.attrs.get("dataset_json") or {})
    created = created or file_timestamp().strftime("%Y-%m-%dT%H:%M:%S")
    columns = []
    for col, entry in column_metadata(df).items():
        item = {"itemOID": entry.get("itemOID") or f"IT.{name}.{col}", "name": col, **entry}
        columns.append({k: item[k] for k in COLUMN_KEYS if item.get(k) is not None})
    obj: dict[str, Any] = {
        **extra,
        "datasetJSONCreationDateTime": created,
        "datasetJSONVersion": "1.1.0",
        "sourceSystem": extra.get("sourceSystem") or {"name": "earlyphase", "version": __version__},
        "itemGroupOID": extra.get("itemGroupOID") or f"IG.{name}",
        "records": int(len(df)),
        "name": name,
        "label": dataset_label(df),
        "columns": columns,
    }
    return {k: obj[k] for k in TOP_LEVEL_ORDER if k in obj}


def _json_rows(df: pd.DataFrame, columns: list[dict[str, Any]]) -> Iterable[list[Any]]:
    df = without_attrs(df)
    converted = [_json_values(df[c["name"]], c) for c in columns]
    return (
        (list(row) for row in zip(*converted, strict=True)) if converted else iter([[]] * len(df))
    )


def _objects(values: pd.Series) -> list[Any]:
    """Python objects with None for missing (fast path through numpy object arrays)."""
    # pandas documents na_value=None; pandas-stubs do not list None among its types
    arr = values.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
    return arr.tolist()


def _json_values(series: pd.Series, meta: Mapping[str, Any]) -> list[Any]:
    data_type = meta["dataType"]
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        fmt = "%Y-%m-%d" if data_type == "date" else "%Y-%m-%dT%H:%M:%S"
        return _objects(series.dt.strftime(fmt).astype(object).where(series.notna(), None))
    if pd.api.types.is_timedelta64_dtype(series.dtype):
        secs = series.dt.total_seconds()
        text = [
            None
            if pd.isna(v)
            else f"{int(v) // 3600:02d}:{int(v) % 3600 // 60:02d}:{int(v) % 60:02d}"
            for v in secs
        ]
        return text
    if data_type in ("integer", "float", "double", "decimal"):
        values = pd.to_numeric(series.astype("float64")).to_numpy()
        if np.isinf(values).any():
            raise DataError(
                describe_problem(
                    str(series.name), "infinite value", "finite numbers (JSON has no infinity)"
                )
            )
        missing = np.isnan(values)
        if data_type == "integer":
            if not np.all(missing | (values == np.round(values))):
                raise DataError(
                    describe_problem(
                        str(series.name), "non-whole numbers", "whole numbers for dataType integer"
                    )
                )
            out = values.astype(object)
            out[~missing] = [int(v) for v in values[~missing]]  # Python ints: no overflow
        elif data_type == "decimal":
            out = np.array([repr(float(v)) for v in values], dtype=object)
        else:
            out = values.astype(object)
        out[missing] = None
        return out.tolist()
    if data_type == "boolean":
        return [None if pd.isna(v) else bool(v) for v in series]
    return _objects(
        series.astype(object).where(series.notna(), None).map(lambda v: v if v is None else str(v))
    )


def write_dataset_json(
    df: pd.DataFrame, path: str | os.PathLike[str], *, created: str | None = None
) -> None:
    """Write ``df`` as Dataset-JSON v1.1 (``.json``), atomically, keeping its metadata."""
    obj = dataset_json_metadata(df, name=df.attrs.get("name") or Path(path).stem, created=created)
    obj["rows"] = list(_json_rows(df, obj["columns"]))
    _raise_if(validate_dataset_json(obj), Path(path).name)
    with atomic_write(path) as fh:
        json.dump(obj, fh, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def write_ndjson(
    df: pd.DataFrame, path: str | os.PathLike[str], *, created: str | None = None
) -> None:
    """Write ``df`` as NDJSON Dataset-JSON v1.1: the metadata line, then one array per row."""
    meta = dataset_json_metadata(df, name=df.attrs.get("name") or Path(path).stem, created=created)
    _raise_if(validate_dataset_json(meta, expect_rows=False), Path(path).name)
    with atomic_write(path) as fh:
        fh.write(json.dumps(meta, ensure_ascii=False, allow_nan=False) + "\n")
        for row in _json_rows(df, meta["columns"]):
            fh.write(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")
