"""Descriptive summaries of PK parameters and the paper's display formats.

Statistics per group come from :func:`earlyphase.stats.summarize_continuous` (the package's one
descriptive summary): n, arithmetic mean, SD (n - 1), CV% = 100 SD/mean, geometric mean
exp(mean ln x), geometric CV% = 100 sqrt(exp(s²) - 1) with s the SD of ln x (Kirkwood 1979,
Biometrics 35:908-909), median, min, max. Missing values are dropped; the geometric statistics
are NaN ("NC") when any value is <= 0 (see :mod:`earlyphase.stats.descriptive`).
Formats (Table 3 of the isatuximab + carfilzomib phase 1b paper): continuous parameters
"mean ± SD (geometric mean) [CV%]", tmax "median (min-max)", rounded by
:mod:`earlyphase.stats.rounding` (SAS rounding, as the report's Table 3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.stats.descriptive import geometric_stats, summarize_continuous
from earlyphase.stats.rounding import format_decimals, format_significant

__all__ = [
    "describe",
    "summarize",
    "format_mean_sd_geo",
    "format_median_range",
    "geometric_cv",
    "parameter_table",
]


def geometric_cv(x: np.ndarray) -> float:
    """Geometric CV% = 100 sqrt(exp(sd(ln x)^2) - 1) (NaN when any value is <= 0)."""
    arr = np.asarray(x, float)
    return geometric_stats(arr[~np.isnan(arr)])[1]


def describe(x: Sequence[float] | np.ndarray | pd.Series) -> dict[str, float]:
    """All summary statistics of one sample (NaN where undefined; non-finite values dropped)."""
    arr = np.asarray(x, float)
    s = summarize_continuous(arr[np.isfinite(arr)])
    return {
        "n": s.n,
        "mean": s.mean,
        "sd": s.sd,
        "cv_pct": s.cv_pct,
        "geo_mean": s.geo_mean,
        "geo_cv_pct": s.geo_cv_pct,
        "median": s.median,
        "min": s.min,
        "max": s.max,
    }


def summarize(data: pd.DataFrame, by: Sequence[str], value: str = "value") -> pd.DataFrame:
    """Summary statistics of ``value`` per group ``by`` (tidy, unrounded, one row per group).

    Example: ``summarize(result.parameters.merge(arms), ["arm", "interval", "parameter"])``.
    """
    rows = []
    for key, group in data.groupby(list(by), sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by, key, strict=True)), **describe(group[value].to_numpy(float))})
    return pd.DataFrame(rows)


def _sig(x: float, digits: int = 3) -> str:
    """Significant digits as Table 3 prints them (SAS rounding; "NC" when not computed)."""
    return format_significant(x, digits) if np.isfinite(x) else "NC"


def format_mean_sd_geo(stats: Mapping[Any, Any], digits: int = 3) -> str:
    """``"mean ± SD (geometric mean) [CV%]"`` with 3 significant digits and the CV% as an
    integer, e.g. ``"20,200 ± 5400 (19,700) [27]"`` (paper Table 3, the same text as the
    report's Table 3)."""
    cv = stats["cv_pct"]
    cv_s = format_decimals(cv, 0) if np.isfinite(cv) else "NC"
    return (
        f"{_sig(stats['mean'], digits)} ± {_sig(stats['sd'], digits)} "
        f"({_sig(stats['geo_mean'], digits)}) [{cv_s}]"
    )


def format_median_range(stats: Mapping[Any, Any], decimals: int = 2) -> str:
    """``"median (min-max)"`` with fixed decimals, e.g. ``"6.30 (5.37-24.00)"``."""
    median, low, high = (
        format_decimals(stats[k], decimals) if np.isfinite(stats[k]) else "NC"
        for k in ("median", "min", "max")
    )
    return f"{median} ({low}-{high})"


#: Parameters shown as "median (range)" rather than "mean ± SD (geometric mean) [CV%]".
MEDIAN_RANGE_PARAMETERS = frozenset({"TMAX", "TLST", "TLAG", "LAMZNPT", "LAMZLL", "LAMZUL"})


def parameter_table(
    parameters: pd.DataFrame,
    by: Sequence[str],
    codes: Sequence[str] | None = None,
    digits: int = 3,
) -> pd.DataFrame:
    """Display table in the paper's format: one row per (group, parameter) with ``n`` and the
    formatted ``summary`` ("median (range)" for times, "mean ± SD (geometric mean) [CV%]"
    otherwise). ``parameters`` is a long table with ``parameter`` and ``value`` columns (e.g.
    :attr:`NCAResult.parameters`, or accumulation ratios)."""
    data = parameters if codes is None else parameters[parameters["parameter"].isin(list(codes))]
    stats = summarize(data, [*by, "parameter"])
    text = [
        format_median_range(row)
        if row["parameter"] in MEDIAN_RANGE_PARAMETERS
        else format_mean_sd_geo(row, digits)
        for row in stats.to_dict("records")
    ]
    out = stats[[*by, "parameter", "n"]].assign(summary=text)
    # groups in order of first appearance, parameters in the order of ``codes``
    groups = data[list(by)].drop_duplicates().itertuples(index=False, name=None)
    group_rank = {k: i for i, k in enumerate(groups)}
    code_rank = {c: i for i, c in enumerate(codes or list(pd.unique(data["parameter"])))}
    keys = [
        (group_rank.get(tuple(row[list(by)]), 0), code_rank.get(row["parameter"], 0))
        for _, row in out.iterrows()
    ]
    order = sorted(range(len(out)), key=keys.__getitem__)
    return out.iloc[order].reset_index(drop=True)
