"""Findings about SDTM dates that the ADaM derivations would otherwise handle silently.

* **Out of order** (error): a complete end date before its start date in the same record
  (``AEENDTC < AESTDTC``, ``EXENDTC < EXSTDTC``, ``CMENDTC < CMSTDTC``, DM
  ``RFXENDTC < RFXSTDTC``, ``RFENDTC < RFSTDTC``).  Durations and the treatment-emergent
  window would be negative.
* **Partial** (warning): a start or end date without a day (``2013-05``, ``2013``).  ADaM
  imputes it (documented in docs/data_conventions.md): start dates to the first of the
  period but not before first dose (admiral ``derive_vars_dt(highest_imputation = "M",
  date_imputation = "first", min_dates = TRTSDT)``, flag ``ASTDTF``), end dates to the last
  of the period but not after death or cut-off (flag ``AENDTF``); treatment and disposition
  dates are not imputed.

Each finding names the domain, the variable, the number of records and the first subjects
with their values.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from earlyphase.cdisc.specs import Finding

__all__ = ["DATE_PAIRS", "date_findings"]

#: (domain, start, end) pairs checked for order and partial values.
DATE_PAIRS = (
    ("AE", "AESTDTC", "AEENDTC"),
    ("EX", "EXSTDTC", "EXENDTC"),
    ("CM", "CMSTDTC", "CMENDTC"),
    ("DM", "RFXSTDTC", "RFXENDTC"),
    ("DM", "RFSTDTC", "RFENDTC"),
)
_IMPUTATION = {
    "AESTDTC": "imputed to the first of the period, not before first dose (ASTDTF)",
    "AEENDTC": "imputed to the last of the period, not after death or cut-off (AENDTF)",
}


def _examples(df: pd.DataFrame, rows: pd.Series, *cols: str) -> str:
    sample = df.loc[rows, ["USUBJID", *cols]].head(3)
    parts = []
    for rec in sample.itertuples(index=False):
        values = ", ".join(f"{c}={v!r}" for c, v in zip(cols, rec[1:], strict=True))
        parts.append(f"{rec[0]} ({values})")
    return "; ".join(parts)


def _text(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].fillna("").astype("str").str.strip()


def date_findings(study: Mapping[str, pd.DataFrame]) -> list[Finding]:
    """Out-of-order and partial dates of ``study`` (see the module docstring)."""
    out: list[Finding] = []
    for domain, start, end in DATE_PAIRS:
        df = study.get(domain)
        if df is None or "USUBJID" not in df.columns:
            continue
        present = [c for c in (start, end) if c in df.columns]
        for col in present:
            text = _text(df, col)
            partial = (text != "") & (text.str.len() < 10)
            if partial.any():
                how = _IMPUTATION.get(col, "not imputed: the record has no complete date")
                msg = f"{int(partial.sum())} partial date(s), {how}; e.g. " + _examples(
                    df, partial, col
                )
                out.append(Finding(domain, col, "warning", msg, int(partial.sum())))
        if len(present) == 2:
            s, e = _text(df, start), _text(df, end)
            complete = (s.str.len() >= 10) & (e.str.len() >= 10)
            backwards = complete & (e.str[:10] < s.str[:10])
            if backwards.any():
                msg = (
                    f"{int(backwards.sum())} record(s) end before they start; expected "
                    f"{end} >= {start}; e.g. " + _examples(df, backwards, start, end)
                )
                out.append(Finding(domain, end, "error", msg, int(backwards.sum())))
    return out
