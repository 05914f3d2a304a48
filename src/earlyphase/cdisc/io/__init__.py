"""Read and write CDISC datasets: SAS XPORT v5, Dataset-JSON v1.1 (JSON, NDJSON), Parquet, CSV.

``read_dataset(path)`` and ``write_dataset(df, path)`` choose the format from the extension;
labels, types, lengths and display formats travel in ``DataFrame.attrs`` (see
:mod:`earlyphase.cdisc.io.metadata`).
"""

from earlyphase.cdisc.io.dataset_json import (
    read_dataset_json,
    read_ndjson,
    validate_dataset_json,
    write_dataset_json,
    write_ndjson,
)
from earlyphase.cdisc.io.dispatch import FORMATS, read_dataset, write_dataset
from earlyphase.cdisc.io.metadata import column_metadata, set_metadata, variable_labels
from earlyphase.cdisc.io.tabular import read_csv, read_parquet, write_csv, write_parquet
from earlyphase.cdisc.io.xpt import read_xpt, write_xpt

__all__ = [
    "FORMATS",
    "column_metadata",
    "read_csv",
    "read_dataset",
    "read_dataset_json",
    "read_ndjson",
    "read_parquet",
    "read_xpt",
    "set_metadata",
    "validate_dataset_json",
    "variable_labels",
    "write_csv",
    "write_dataset",
    "write_dataset_json",
    "write_ndjson",
    "write_parquet",
    "write_xpt",
]
