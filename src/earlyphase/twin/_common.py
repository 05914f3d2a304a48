"""Helpers shared by the twin generator modules: identifiers, dates, sequence numbers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms

__all__ = [
    "SITES",
    "Row",
    "add_seq",
    "records",
    "frame",
    "iso_date",
    "iso_datetime",
    "study_date",
    "usubjid",
]

#: Three US sites (Methods: "Patients were enrolled at 3 sites within the United States").
SITES = ("101", "102", "103")


def usubjid(subj: int) -> str:
    """``STUDYID-SITEID-SUBJID`` for plan patient number ``subj`` (sites assigned round-robin)."""
    site = SITES[(subj - 1) % len(SITES)]
    return f"{terms.STUDYID}-{site}-{subj:03d}"


def site_of(subj: int) -> str:
    """Site identifier of plan patient ``subj``."""
    return SITES[(subj - 1) % len(SITES)]


def study_date(first_dose: pd.Timestamp, day: int | float) -> pd.Timestamp:
    """Calendar date of study day ``day`` (day 1 = first dose; no day 0)."""
    day = int(day)
    return first_dose + pd.Timedelta(days=day - 1 if day > 0 else day)


def iso_date(ts: pd.Timestamp | None) -> str:
    """ISO 8601 date (``YYYY-MM-DD``), empty for missing."""
    return "" if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")


def iso_datetime(ts: pd.Timestamp | None) -> str:
    """ISO 8601 date-time to the minute (``YYYY-MM-DDThh:mm``), empty for missing."""
    return "" if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%dT%H:%M")


def frame(rows: Iterable[dict], columns: list[str]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns`` in that order (empty rows allowed)."""
    df = pd.DataFrame(list(rows))
    for col in columns:
        if col not in df.columns:
            df[col] = pd.Series(dtype=object)
    return df[columns].reset_index(drop=True)


def add_seq(df: pd.DataFrame, domain: str, sort_by: list[str]) -> pd.DataFrame:
    """Sort by ``sort_by`` and number ``--SEQ`` 1.. within each subject (SDTM rule)."""
    out = df.sort_values(["USUBJID", *sort_by], kind="stable").reset_index(drop=True)
    out.insert(3, f"{domain}SEQ", out.groupby("USUBJID").cumcount().astype(np.int64) + 1)
    return out


#: One plan row as a plain mapping (column name -> value).
Row = Mapping[str, Any]


def records(plan: pd.DataFrame) -> list[dict[str, Any]]:
    """The plan's rows as plain dicts (much faster than ``iterrows``)."""
    return [{str(k): v for k, v in r.items()} for r in plan.to_dict("records")]
