"""Assemble and write the twin's SDTM domains (Dataset-JSON and XPT via ``earlyphase.cdisc.io``)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from earlyphase._stamps import file_timestamp
from earlyphase.cdisc.io import write_dataset
from earlyphase.errors import OptionsError, describe_problem
from earlyphase.twin.define import define_table

__all__ = ["FORMATS", "finalize_domains", "write_sdtm"]

#: Output formats accepted by :func:`write_sdtm` (file extension without the dot).
FORMATS = ("json", "xpt", "ndjson", "parquet", "csv")

_SORT = {
    "VS": ["VSTESTCD"],
    "MH": ["MHSTDTC"],
    "SC": ["SCTESTCD"],
    "LB": ["LBDTC", "LBTESTCD", "LBSPEC"],
    "RS": ["RSDTC"],
}


def finalize_domains(domains: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Add missing ``--SEQ`` numbers, order rows, set ``attrs["name"]`` and variable labels."""
    from earlyphase.twin.define import LABELS

    out: dict[str, pd.DataFrame] = {}
    for name, df in domains.items():
        df = df.reset_index(drop=True)
        seq = f"{name}SEQ"
        if name in _SORT and seq not in df.columns:
            df = df.sort_values(["USUBJID", *_SORT[name]], kind="stable").reset_index(drop=True)
            df.insert(3, seq, df.groupby("USUBJID").cumcount().astype(np.int64) + 1)
        df.attrs["name"] = name
        df.attrs["label"] = LABELS.get(name, name)
        out[name] = df
    return out


def check_sdtm_formats(formats: Iterable[str]) -> list[str]:
    """The SDTM output formats, checked before anything is written."""
    chosen = [f.lower().lstrip(".") for f in formats]
    if not chosen:
        raise OptionsError(describe_problem("formats", "", f"one or more of {', '.join(FORMATS)}"))
    for f in chosen:
        if f not in FORMATS:
            raise OptionsError(describe_problem("formats", f, f"one of {', '.join(FORMATS)}"))
    return chosen


def sdtm_cutoff(domains: Mapping[str, pd.DataFrame]) -> dt.date | None:
    """The data cut-off date: the latest DS ``DATA CUT-OFF`` milestone (None if absent)."""
    ds = domains.get("DS")
    if ds is None or not {"DSDECOD", "DSSTDTC"} <= set(ds.columns):
        return None
    dates = ds.loc[ds["DSDECOD"].astype(str) == "DATA CUT-OFF", "DSSTDTC"].astype(str).str[:10]
    parsed = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce").dropna()
    return None if parsed.empty else parsed.max().date()


def write_sdtm(
    domains: Mapping[str, pd.DataFrame],
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] = ("json", "xpt"),
) -> list[Path]:
    """Write every domain as ``<out_dir>/<domain lower case>.<format>`` plus ``define.csv``.

    Parameters
    ----------
    domains : mapping
        Domain name -> DataFrame, as returned by :func:`earlyphase.twin.reconstruct`.
    out_dir : path
        Output folder (created if needed). Every file is written atomically.
    formats : iterable of str
        Any of ``FORMATS``; default Dataset-JSON and SAS XPORT v5.

    Returns
    -------
    list of Path
        The files written.
    """
    chosen = check_sdtm_formats(formats)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    created = file_timestamp(sdtm_cutoff(domains))
    written = []
    for name, df in domains.items():
        for f in chosen:
            path = folder / f"{name.lower()}.{f}"
            write_dataset(df, path, created=created)
            written.append(path)
    define = define_table(domains)
    path = folder / "define.csv"
    _write_csv(define, path)
    written.append(path)
    return written


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    from earlyphase._files import atomic_write

    with atomic_write(path) as handle:
        df.to_csv(handle, index=False)
