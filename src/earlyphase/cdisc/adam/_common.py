"""Helpers shared by the ADaM derivations (not public)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc.adam.labels import LABELS
from earlyphase.cdisc.io.metadata import set_metadata
from earlyphase.errors import DataError, describe_problem

#: ADSL variables copied onto every BDS/OCCDS record.
ADSL_KEYS = ("STUDYID", "USUBJID", "TRT01P", "TRT01PN", "TRT01A", "TRT01AN", "SAFFL", "EFFFL")

_VISIT = re.compile(r"CYCLE\s+(\d+)\s+DAY\s+(\d+)", re.IGNORECASE)


class MissingInputError(DataError):
    """A derivation cannot run because a domain or variable is absent."""

    def __init__(self, dataset: str, domain: str, variables: Iterable[str] = ()) -> None:
        self.dataset = dataset
        self.domain = domain
        self.variables = tuple(variables)
        what = (
            f"{domain} variables {list(self.variables)}" if self.variables else f"domain {domain}"
        )
        super().__init__(f"{dataset} cannot be derived: {what} missing")


def require(
    df: pd.DataFrame | None, dataset: str, domain: str, columns: Iterable[str]
) -> pd.DataFrame:
    """``df`` if it exists and has ``columns``; else :class:`MissingInputError`."""
    if df is None:
        raise MissingInputError(dataset, domain)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise MissingInputError(dataset, domain, missing)
    return df


def finish(
    df: pd.DataFrame,
    name: str,
    label: str,
    order: Iterable[str] | None = None,
    *,
    extra_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Order columns, reset the index and attach dataset name/label and variable labels.

    Labels come from ``extra_labels``, else :data:`LABELS`, else the ``label`` already in
    the column's metadata (an SDTM variable carried over keeps its SDTM label).
    """
    if order is not None:
        first = [c for c in order if c in df.columns]
        df = df[first + [c for c in df.columns if c not in first]]
    df = df.reset_index(drop=True)
    df.attrs = {}
    labels = {**LABELS, **(extra_labels or {})}
    return set_metadata(
        df,
        name=name,
        label=label,
        columns={c: {"label": labels[c]} for c in df.columns if c in labels},
    )


def flag(condition: pd.Series | np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """ADaM flag: "Y" where true, "" elsewhere (SAS-style blank, not null)."""
    cond = pd.Series(condition, index=index) if not isinstance(condition, pd.Series) else condition
    return pd.Series(
        np.where(cond.fillna(False).to_numpy(dtype=bool), "Y", ""), index=cond.index, dtype="str"
    )


def population_flag(condition: pd.Series) -> pd.Series:
    """ADaM subject-level population flag: "Y" or "N", never null (ADaMIG 1.3, section 3.1.4)."""
    return pd.Series(
        np.where(condition.fillna(False).to_numpy(dtype=bool), "Y", "N"),
        index=condition.index,
        dtype="str",
    )


def yn(values: pd.Series) -> pd.Series:
    """Normalise Y/N text (YES/NO, TRUE/FALSE, 1/0) to "Y"/"N"; other values stay missing."""
    text = values.astype("str").str.strip().str.upper()
    mapped = text.map(
        {"Y": "Y", "YES": "Y", "TRUE": "Y", "1": "Y", "N": "N", "NO": "N", "FALSE": "N", "0": "N"}
    )
    return mapped.astype("str")


def visit_cycle_day(visits: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cycle and day numbers from ``VISIT = "CYCLE c DAY d"`` (NaN where the pattern is absent)."""
    parts = visits.astype("str").str.extract(_VISIT)
    return pd.to_numeric(parts[0], errors="coerce"), pd.to_numeric(parts[1], errors="coerce")


def days_between(end: pd.Series, start: pd.Series) -> pd.Series:
    """Whole days ``end - start`` (float, NaN when either is missing)."""
    return (
        pd.to_datetime(end).dt.normalize() - pd.to_datetime(start).dt.normalize()
    ) / pd.Timedelta(days=1)


def cutoff_from(ds: pd.DataFrame | None, data_cutoff: Any) -> pd.Timestamp | None:
    """The data cut-off: the argument if given, else DS ``DSDECOD = "DATA CUT-OFF"``.

    Different cut-off dates across subjects are an error (one analysis, one cut-off).
    """
    if data_cutoff is not None:
        try:
            return pd.Timestamp(data_cutoff).normalize()
        except (ValueError, TypeError) as exc:
            raise DataError(
                describe_problem("data_cutoff", data_cutoff, "a date such as 2020-03-20")
            ) from exc
    if ds is None or not {"DSDECOD", "DSSTDTC"} <= set(ds.columns):
        return None
    rows = ds[ds["DSDECOD"].astype("str").str.upper() == "DATA CUT-OFF"]
    if rows.empty:
        return None
    from earlyphase.cdisc.dates import impute_dtc

    dates = (
        impute_dtc(rows["DSSTDTC"], highest_imputation="n", field="DS.DSSTDTC")
        .dates.dropna()
        .unique()
    )
    if len(dates) > 1:
        raise DataError(
            describe_problem(
                "DS data cut-off dates", sorted(str(d)[:10] for d in dates), "one date"
            )
        )
    return pd.Timestamp(dates[0]) if len(dates) else None


def subject_map(adsl: pd.DataFrame, column: str) -> Mapping[str, Any]:
    """USUBJID -> an ADSL column, as a dict."""
    return dict(zip(adsl["USUBJID"], adsl[column], strict=True))
