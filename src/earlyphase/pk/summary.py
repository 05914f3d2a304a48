"""Descriptive summaries of PK parameters and the paper's display formats.

Statistics per group: n, arithmetic mean, SD (n - 1), CV% = 100 SD/mean, geometric mean
exp(mean ln x), geometric CV% = 100 sqrt(exp(s²) - 1) with s the SD of ln x (Kirkwood 1979,
Biometrics 35:908-909; PKNCA ``geocv``), median, min, max. Missing values are dropped; geometric
statistics also drop values <= 0 (PKNCA ``business.geomean`` does the same).
Formats (Table 3 of the isatuximab + carfilzomib phase 1b paper): continuous parameters
"mean ± SD (geometric mean) [CV%]", tmax "median (min-max)".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "describe",
    "summarize",
    "format_mean_sd_geo",
    "format_median_range",
    "geometric_cv",
    "parameter_table",
]


def geometric_cv(x: np.ndarray) -> float:
    """Geometric CV% = 100 sqrt(exp(sd(ln x)^2) - 1) over positive values."""
    arr = np.asarray(x, float)
    x = arr[np.isfinite(arr) & (arr > 0)]
    if len(x) < 2:
        return float("nan")
    return float(100.0 * math.sqrt(math.expm1(np.var(np.log(x), ddof=1))))


def describe(x: Sequence[float] | np.ndarray | pd.Series) -> dict[str, float]:
    """All summary statistics of one sample (NaN where undefined)."""
    arr = np.asarray(x, float)
    v = arr[~np.isnan(arr)]
    n = len(v)
    pos = v[v > 0]
    mean = float(v.mean()) if n else float("nan")
    sd = float(v.std(ddof=1)) if n > 1 else float("nan")
    return {
        "n": n,
        "mean": mean,
        "sd": sd,
        "cv_pct": 100 * sd / mean if n > 1 and mean != 0 else float("nan"),
        "geo_mean": float(np.exp(np.log(pos).mean())) if len(pos) else float("nan"),
        "geo_cv_pct": geometric_cv(pos),
        "median": float(np.median(v)) if n else float("nan"),
        "min": float(v.min()) if n else float("nan"),
        "max": float(v.max()) if n else float("nan"),
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
    """Round to significant digits, thousands separated, keeping trailing zeros (6.30)."""
    if not np.isfinite(x):
        return "NC"
    if x == 0:
        return "0"
    exponent = math.floor(math.log10(abs(x)))
    decimals = max(digits - 1 - exponent, 0)
    rounded = round(x, digits - 1 - exponent)
    return f"{rounded:,.{decimals}f}"


def format_mean_sd_geo(stats: Mapping[Any, Any], digits: int = 3) -> str:
    """``"mean ± SD (geometric mean) [CV%]"`` with 3 significant digits and the CV% as an
    integer, e.g. ``"20,200 ± 5,400 (19,700) [27]"`` (paper Table 3 prints 5400 unseparated)."""
    cv = stats["cv_pct"]
    cv_s = f"{cv:.0f}" if np.isfinite(cv) else "NC"
    return (
        f"{_sig(stats['mean'], digits)} ± {_sig(stats['sd'], digits)} "
        f"({_sig(stats['geo_mean'], digits)}) [{cv_s}]"
    )


def format_median_range(stats: Mapping[Any, Any], decimals: int = 2) -> str:
    """``"median (min-max)"`` with fixed decimals, e.g. ``"6.30 (5.37-24.00)"``."""
    return (
        f"{stats['median']:.{decimals}f} ({stats['min']:.{decimals}f}-{stats['max']:.{decimals}f})"
    )


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
