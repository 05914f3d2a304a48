"""Kaplan–Meier curves straight from an ADaM ADTTE dataset (``CNSR``: 1 = censored, 0 = event).

ADaM's censoring flag is the opposite of the event indicator used by
:func:`~earlyphase.survival.kaplan_meier`: ``event = 1 - CNSR`` (ADaMIG BDS-TTE;
``docs/data_conventions.md``).  Values of ``CNSR`` above 1 (sponsor-specific censoring
reasons, allowed by ADaM) also mean censored.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, describe_problem
from earlyphase.survival.kaplan_meier import KMResult, estimate_by_group, kaplan_meier

__all__ = ["adtte_subset", "km_from_adtte"]


def adtte_subset(
    adtte: pd.DataFrame,
    param: str | None = None,
    *,
    time_col: str = "AVAL",
    cnsr_col: str = "CNSR",
    by: str | None = None,
) -> pd.DataFrame:
    """Rows of one ``PARAMCD`` with the columns checked; returns columns time, event[, group].

    Raises
    ------
    DataError
        Missing columns, unknown or ambiguous parameter, missing/negative ``AVAL``,
        ``CNSR`` not a non-negative integer, several rows per subject within a parameter.
    """
    missing = [c for c in (time_col, cnsr_col, by) if c is not None and c not in adtte.columns]
    if missing:
        raise DataError(
            describe_problem(
                "columns",
                missing[0],
                f"a column of the dataset ({', '.join(map(str, adtte.columns))})",
            )
        )
    data = adtte
    if "PARAMCD" in adtte.columns:
        params = sorted(adtte["PARAMCD"].dropna().astype(str).unique().tolist())
        if param is None:
            if len(params) > 1:
                raise DataError(
                    describe_problem(
                        "param", None, "one of the PARAMCD values " + ", ".join(params)
                    )
                )
        elif param not in params:
            raise DataError(
                describe_problem("param", param, "one of the PARAMCD values " + ", ".join(params))
            )
        if param is not None:
            data = adtte[adtte["PARAMCD"].astype(str) == param]
    elif param is not None:
        raise DataError(
            describe_problem("param", param, "a dataset with a PARAMCD column (or no --param)")
        )
    if "USUBJID" in data.columns and data["USUBJID"].duplicated().any():
        dup = data.loc[data["USUBJID"].duplicated(), "USUBJID"].iloc[0]
        raise DataError(describe_problem("USUBJID", dup, "one record per subject and parameter"))
    time = pd.to_numeric(data[time_col], errors="coerce").to_numpy(dtype=float)
    cnsr = pd.to_numeric(data[cnsr_col], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(cnsr) | (cnsr < 0) | (cnsr != np.floor(cnsr))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = data[cnsr_col].iloc[i]
        value = value.item() if hasattr(value, "item") else value
        raise DataError(
            describe_problem(f"{cnsr_col}[{i}]", value, "0 (event) or an integer >= 1 (censored)")
        )
    out = pd.DataFrame({"time": time, "event": (cnsr == 0).astype(np.int64)}, index=data.index)
    if by is not None:
        out["group"] = data[by].to_numpy()
    return out


def km_from_adtte(
    adtte: pd.DataFrame,
    param: str | None = None,
    *,
    time_col: str = "AVAL",
    cnsr_col: str = "CNSR",
    by: str | None = None,
    **options: Any,
) -> dict[str, KMResult]:
    """Kaplan–Meier curve(s) of one ADTTE parameter, by group when ``by`` is given.

    ``options`` go to :func:`~earlyphase.survival.kaplan_meier` (``conf_type``, ``level``,
    ``quantile_rule``).  Returns ``{"All": km}`` without ``by``.
    """
    rows = adtte_subset(adtte, param, time_col=time_col, cnsr_col=cnsr_col, by=by)
    if by is None:
        return {
            "All": kaplan_meier(
                rows["time"],
                rows["event"],
                time_name=time_col,
                event_name=f"1 - {cnsr_col}",
                **options,
            )
        }
    return estimate_by_group(
        rows["time"],
        rows["event"],
        rows["group"],
        time_name=time_col,
        event_name=f"1 - {cnsr_col}",
        **options,
    )
