"""Parquet and CSV, with the CDISC metadata kept.

* **Parquet**: the Dataset-JSON metadata object (no rows) is stored in the file's key-value
  metadata under ``earlyphase.dataset_json``; each field also carries its label under
  ``label`` so that arrow-based tools (R arrow, polars) see it.  Dtypes round-trip exactly.
* **CSV** cannot hold types or labels, so :func:`write_csv` writes a sidecar
  ``<file>.csv-metadata.json`` (the W3C CSV-on-the-Web naming) holding the same Dataset-JSON
  metadata object; :func:`read_csv` uses it to restore dtypes and labels.  Without a sidecar,
  columns whose every non-empty value is a number become ``float64`` and the rest stay text
  (empty text stays ``""``, as in SAS).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from earlyphase._files import atomic_path, atomic_write
from earlyphase._json import load_json
from earlyphase.cdisc.io.dataset_json import (
    _frame_from_columns,
    _json_values,
    dataset_json_metadata,
    validate_dataset_json,
)
from earlyphase.cdisc.io.metadata import without_attrs
from earlyphase.errors import DataError, describe_problem

__all__ = ["csv_sidecar", "read_csv", "read_parquet", "write_csv", "write_parquet"]

PARQUET_KEY = b"earlyphase.dataset_json"
_CREATED = "1970-01-01T00:00:00"  # placeholder: file-format metadata, not a Dataset-JSON file


def _attrs_from_meta(df: pd.DataFrame, meta: dict) -> pd.DataFrame:
    df.attrs = {
        "name": meta.get("name", ""),
        "label": meta.get("label", ""),
        "columns": {
            c["name"]: {k: v for k, v in c.items() if k != "name"} for c in meta["columns"]
        },
    }
    return df


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``df`` to Parquet atomically with its metadata (dataset and variable labels)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = dataset_json_metadata(df, name=df.attrs.get("name") or Path(path).stem, created=_CREATED)
    plain = df.reset_index(drop=True)
    plain.attrs = {}
    table = pa.Table.from_pandas(plain, preserve_index=False)
    labels = {c["name"]: c.get("label", "") for c in meta["columns"]}
    fields = [f.with_metadata({b"label": labels.get(f.name, "").encode()}) for f in table.schema]
    schema = pa.schema(
        fields, metadata={**(table.schema.metadata or {}), PARQUET_KEY: json.dumps(meta).encode()}
    )
    table = table.cast(schema)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def read_parquet(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read Parquet; restore ``attrs`` from earlyphase metadata (or field labels if foreign)."""
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError on corrupt files
        raise DataError(
            describe_problem(path.name, f"unreadable ({exc})", "a Parquet file")
        ) from exc
    df = table.to_pandas()
    df.attrs = {}
    raw = (table.schema.metadata or {}).get(PARQUET_KEY)
    if raw:
        meta = json.loads(raw)
        return _attrs_from_meta(df, meta)
    df.attrs = {
        "name": path.stem.upper(),
        "label": "",
        "columns": {
            f.name: {"label": (f.metadata or {}).get(b"label", b"").decode()} for f in table.schema
        },
    }
    return df


def csv_sidecar(path: str | os.PathLike[str]) -> Path:
    """Path of the metadata sidecar of a CSV file (``adsl.csv`` -> ``adsl.csv-metadata.json``)."""
    path = Path(path)
    return path.with_name(path.name + "-metadata.json")


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``df`` as CSV (UTF-8, ISO 8601 dates) plus its metadata sidecar, both atomically."""
    meta = dataset_json_metadata(df, name=df.attrs.get("name") or Path(path).stem, created=_CREATED)
    plain = without_attrs(df)
    text = pd.DataFrame({c["name"]: _json_values(plain[c["name"]], c) for c in meta["columns"]})
    with atomic_write(csv_sidecar(path)) as fh:
        json.dump(meta, fh, ensure_ascii=False, indent=1)
    with atomic_write(path) as fh:
        text.to_csv(fh, index=False, na_rep="", lineterminator="\n")


def read_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv` (or any CSV with a header row)."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(
            describe_problem(path.name, f"unreadable ({exc})", "a CSV file with a header row")
        ) from exc
    if raw.columns.duplicated().any():
        dup = list(raw.columns[raw.columns.duplicated()])
        raise DataError(
            describe_problem(path.name, f"duplicate columns {dup}", "unique column names")
        )
    sidecar = csv_sidecar(path)
    if sidecar.exists():
        meta = load_json(sidecar.read_bytes(), sidecar.name, "a Dataset-JSON metadata sidecar")
        problems = validate_dataset_json(meta, expect_rows=False)
        if problems:  # a sidecar that is not a metadata object stops here (e.g. the JSON "1")
            raise DataError(f"{sidecar.name}: " + "; ".join(problems))
        names = [c.get("name") for c in meta.get("columns", [])]
        if names != list(raw.columns):
            raise DataError(
                f"{sidecar.name}: "
                + describe_problem("columns", list(raw.columns), f"the sidecar's {names}")
            )
        by_column = []
        for name, col in zip(names, meta["columns"], strict=True):
            text = raw[name]
            blank = (text == "").to_numpy()
            if col["dataType"] in ("integer", "float", "double"):
                numbers = pd.to_numeric(text.where(~blank), errors="coerce")
                bad = numbers.isna().to_numpy() & ~blank
                if bad.any():
                    raise DataError(
                        describe_problem(f"{path.name}.{name}", text[bad].iloc[0], "a number")
                    )
                values = numbers.astype(object).where(~blank, None).tolist()
            elif col["dataType"] == "boolean":
                values = (
                    text.map({"True": True, "False": False})
                    .astype(object)
                    .where(~blank, None)
                    .tolist()
                )
            elif col.get("targetDataType") == "integer":
                values = text.astype(object).where(~blank, None).tolist()
            else:
                values = text.tolist()
            by_column.append(values)
        meta["records"] = len(raw)
        return _attrs_from_meta(_frame_from_columns(meta, by_column), meta)
    df = raw.copy()
    for col in df.columns:
        values = df[col]
        filled = values[values != ""]
        converted = pd.to_numeric(filled, errors="coerce")
        if len(filled) and converted.notna().all():
            df[col] = pd.to_numeric(values.replace("", np.nan)).astype("float64")
    df.attrs = {"name": path.stem.upper(), "label": "", "columns": {}}
    return df
