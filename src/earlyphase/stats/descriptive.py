"""Table 1–style descriptive summaries: continuous variables and counts with percentages.

Continuous: n, number missing, mean, SD (n − 1 denominator), CV% = 100 SD / mean, geometric
mean exp(mean ln x), geometric CV% = 100 sqrt(exp(s²) − 1) with s the SD of ln x (Kirkwood TBL.
Biometrics 1979;35:908-909), median, Q1/Q3, min, max. This is the package's one descriptive
summary: the PK summaries (:mod:`earlyphase.pk.summary`) and the report tables use it.

Zeros and negative values in geometric statistics: the geometric mean and geometric CV% are
**not computed (NaN) when any non-missing value is ≤ 0**. The logarithm of such a value is
undefined; dropping it instead would raise the geometric mean silently (for 0, 2, 8 it would
give 4 over n = 2 while the other statistics use n = 3), and replacing it by a small number
makes the result depend on that number. A table shows NaN as "NE" (not estimable); a user
who wants the positive values only says so by filtering them first.
Quartiles follow the SAS default (PROC UNIVARIATE / MEANS ``PCTLDEF=5``: the average of the
two order statistics at an exact position, R ``quantile(type = 2)``, numpy
``method="averaged_inverted_cdf"``) unless ``quantile_method="r"`` (R's default type 7,
numpy ``"linear"``).  Example (CAMIS): x = 10, 20, 30, 40, 150, …, 200 → Q1 = 30 (SAS) vs
32.5 (R default).

Categorical: counts and percentages **with the denominator stated** in every row, so a
table can say "n (%) of N treated".  Percentages are unrounded; round for display with
:func:`earlyphase.stats.round_half_away` (SAS rounding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from earlyphase.errors import DataError, OptionsError, describe_problem

__all__ = [
    "CategoricalSummary",
    "ContinuousSummary",
    "geometric_stats",
    "summarize_categorical",
    "summarize_continuous",
]

_QUANTILE_METHODS = {"sas": "averaged_inverted_cdf", "r": "linear"}


@dataclass(frozen=True)
class ContinuousSummary:
    """Descriptive statistics of one continuous variable (NaN where n = 0 or SD needs n ≥ 2)."""

    n: int
    n_missing: int
    mean: float
    sd: float
    median: float
    q1: float
    q3: float
    min: float
    max: float
    quantile_method: str = "sas"
    cv_pct: float = float("nan")
    geo_mean: float = float("nan")
    geo_cv_pct: float = float("nan")

    def to_frame(self) -> pd.DataFrame:
        """One tidy row with every statistic (unrounded)."""
        return pd.DataFrame([self.__dict__])


@dataclass(frozen=True, eq=False)
class CategoricalSummary:
    """Counts and percentages of each category over a stated denominator."""

    categories: tuple[str, ...]
    counts: tuple[int, ...]
    denominator: int
    n_missing: int

    @property
    def percents(self) -> tuple[float, ...]:
        """100 · count / denominator per category (NaN when the denominator is 0)."""
        if self.denominator == 0:
            return tuple(float("nan") for _ in self.counts)
        return tuple(100.0 * c / self.denominator for c in self.counts)

    def to_frame(self) -> pd.DataFrame:
        """Rows: category, n, denominator, percent."""
        return pd.DataFrame(
            {
                "category": list(self.categories),
                "n": list(self.counts),
                "denominator": self.denominator,
                "percent": list(self.percents),
            }
        )


def geometric_stats(present: np.ndarray) -> tuple[float, float]:
    """Geometric mean and geometric CV% of non-missing values (NaN when any value is <= 0).

    The geometric CV% needs two values. See the module docstring for the rule on zeros.
    """
    nan = float("nan")
    if present.size == 0 or bool((present <= 0).any()):
        return nan, nan
    logs = np.log(present)
    geo_mean = float(np.exp(logs.mean()))
    geo_cv = float(100.0 * math.sqrt(math.expm1(logs.var(ddof=1)))) if present.size > 1 else nan
    return geo_mean, geo_cv


def _as_numbers(values: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind in "fiub":
        return arr.astype(float).reshape(-1)
    try:
        return pd.to_numeric(
            pd.Series(np.asarray(values, dtype=object).reshape(-1)), errors="raise"
        ).to_numpy(float)
    except (TypeError, ValueError):
        raise DataError(
            describe_problem(name, "non-numeric values", "numbers (NaN/None for missing)")
        ) from None


def summarize_continuous(
    values: ArrayLike, *, quantile_method: str = "sas", name: str = "values"
) -> ContinuousSummary:
    """Summarise a numeric variable; missing values (NaN/None) are counted, not used.

    Parameters
    ----------
    values : array_like
        Numbers; NaN or None mean missing.
    quantile_method : {"sas", "r"} or a numpy quantile method name
        Definition of Q1/Q3 (see module docstring).  The median is the same in all.
    name : str
        Field name used in error messages.
    """
    method = _QUANTILE_METHODS.get(quantile_method, quantile_method)
    if method not in (
        "averaged_inverted_cdf",
        "linear",
        "inverted_cdf",
        "hazen",
        "weibull",
        "median_unbiased",
        "normal_unbiased",
        "closest_observation",
        "interpolated_inverted_cdf",
        "nearest",
        "lower",
        "higher",
        "midpoint",
    ):
        raise OptionsError(
            describe_problem(
                "quantile_method", quantile_method, "'sas', 'r' or a numpy quantile method"
            )
        )
    arr = _as_numbers(values, name)
    if np.isinf(arr).any():
        raise DataError(describe_problem(name, float(arr[np.isinf(arr)][0]), "finite numbers"))
    present = arr[~np.isnan(arr)]
    n = int(present.size)
    nan = float("nan")
    if n == 0:
        return ContinuousSummary(
            0, int(arr.size), nan, nan, nan, nan, nan, nan, nan, quantile_method
        )
    q1, med, q3 = np.quantile(present, [0.25, 0.5, 0.75], method=method)  # type: ignore[call-overload]
    mean = float(present.mean())
    sd = float(present.std(ddof=1)) if n > 1 else nan
    geo_mean, geo_cv = geometric_stats(present)
    return ContinuousSummary(
        n=n,
        n_missing=int(arr.size - n),
        mean=mean,
        sd=sd,
        cv_pct=100.0 * sd / mean if n > 1 and mean != 0 else nan,
        geo_mean=geo_mean,
        geo_cv_pct=geo_cv,
        median=float(med),
        q1=float(q1),
        q3=float(q3),
        min=float(present.min()),
        max=float(present.max()),
        quantile_method=quantile_method,
    )


def summarize_categorical(
    values: ArrayLike,
    *,
    categories: Sequence[Any] | None = None,
    denominator: int | None = None,
    missing: str = "exclude",
    name: str = "values",
) -> CategoricalSummary:
    """Count each category and state the denominator of the percentages.

    Parameters
    ----------
    values : array_like
        Category per subject; NaN/None = missing.
    categories : sequence, optional
        Categories in display order (zero counts kept).  Values outside this list are an
        error.  Default: the sorted observed values.
    denominator : int, optional
        Denominator of the percentages (e.g. all treated patients).  Default: the number of
        non-missing values (``missing="exclude"``) or all values (``missing="category"``).
    missing : {"exclude", "category"}
        Leave missing values out, or count them as a "Missing" category.
    """
    if missing not in ("exclude", "category"):
        raise OptionsError(describe_problem("missing", missing, "'exclude' or 'category'"))
    s = pd.Series(np.asarray(values, dtype=object).reshape(-1))
    is_missing = s.isna().to_numpy()
    labels = s[~is_missing].astype(str)
    cats = (
        [str(c) for c in categories] if categories is not None else sorted(labels.unique().tolist())
    )
    unknown = sorted(set(labels) - set(cats))
    if unknown:
        raise DataError(
            describe_problem(name, unknown[0], "one of the categories " + ", ".join(cats))
        )
    counts = [int((labels == c).sum()) for c in cats]
    n_missing = int(is_missing.sum())
    if missing == "category":
        cats.append("Missing")
        counts.append(n_missing)
    default = int(labels.size) + (n_missing if missing == "category" else 0)
    denom = default if denominator is None else int(denominator)
    if denom < max(counts, default=0) or denom < 0:
        raise DataError(
            describe_problem(
                "denominator",
                denominator,
                f"an integer >= the largest count ({max(counts, default=0)})",
            )
        )
    return CategoricalSummary(tuple(cats), tuple(counts), denom, n_missing)
