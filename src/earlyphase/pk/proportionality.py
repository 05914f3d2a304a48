"""Dose proportionality: power model with the Smith et al. (2000) criterion, and geometric
mean ratios.

Smith BP, Vandenhende FR, DeSante KA, et al. Confidence interval criteria for assessment of
dose proportionality. *Pharm Res* 2000;17(10):1278-1283. Model ln Y = a + b ln(dose) + e fitted
by ordinary least squares (parallel groups, one value per subject). With r = highest/lowest
dose and limits (theta_L, theta_H) = (0.80, 1.25), proportionality is concluded when the
(1 - alpha) CI of b (90 % by convention) lies within
[1 + ln(theta_L)/ln(r), 1 + ln(theta_H)/ln(r)]; "not proportional" when the CI is wholly
outside, "inconclusive" otherwise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from earlyphase.errors import DataError, describe_problem

__all__ = ["PowerModelResult", "power_model", "GeometricMeanRatio", "geometric_mean_ratio"]


@dataclass(frozen=True)
class PowerModelResult:
    """Power-model fit and the Smith 2000 decision."""

    slope: float
    slope_lower: float
    slope_upper: float
    intercept: float
    level: float
    acceptance_lower: float
    acceptance_upper: float
    dose_ratio: float
    ratio_dn: float  # r^(b-1): dose-normalised exposure, highest vs lowest dose
    ratio_dn_lower: float
    ratio_dn_upper: float
    conclusion: str
    n: int

    def to_frame(self) -> pd.DataFrame:
        """One-row table."""
        return pd.DataFrame([asdict(self)])


def _positive(name: str, x) -> np.ndarray:
    x = np.asarray(x, float)
    if np.isnan(x).any() or (x <= 0).any():
        raise DataError(
            describe_problem(name, x[np.isnan(x) | (x <= 0)][:3].tolist(), "positive numbers")
        )
    return x


def power_model(
    dose, value, level: float = 0.90, theta: tuple[float, float] = (0.80, 1.25)
) -> PowerModelResult:
    """Fit ln(value) = a + b ln(dose) and apply the Smith et al. (2000) criterion."""
    d = _positive("dose", dose)
    y = _positive("value", value)
    if len(d) != len(y) or len(np.unique(d)) < 2 or len(d) < 3:
        raise DataError(
            describe_problem(
                "dose", np.unique(d).tolist(), "at least 2 distinct doses and 3 values"
            )
        )
    x, ly = np.log(d), np.log(y)
    n = len(x)
    xm = x.mean()
    sxx = ((x - xm) ** 2).sum()
    b = ((x - xm) * (ly - ly.mean())).sum() / sxx
    a = ly.mean() - b * xm
    resid = ly - a - b * x
    se = np.sqrt((resid**2).sum() / (n - 2) / sxx)
    q = stats.t.ppf(0.5 + level / 2, n - 2)
    lo, hi = b - q * se, b + q * se
    r = d.max() / d.min()
    acc_lo, acc_hi = 1 + np.log(theta[0]) / np.log(r), 1 + np.log(theta[1]) / np.log(r)
    if acc_lo <= lo and hi <= acc_hi:
        conclusion = "proportional"
    elif hi < acc_lo or lo > acc_hi:
        conclusion = "not proportional"
    else:
        conclusion = "inconclusive"
    return PowerModelResult(
        slope=float(b),
        slope_lower=float(lo),
        slope_upper=float(hi),
        intercept=float(a),
        level=level,
        acceptance_lower=float(acc_lo),
        acceptance_upper=float(acc_hi),
        dose_ratio=float(r),
        ratio_dn=float(r ** (b - 1)),
        ratio_dn_lower=float(r ** (lo - 1)),
        ratio_dn_upper=float(r ** (hi - 1)),
        conclusion=conclusion,
        n=n,
    )


@dataclass(frozen=True)
class GeometricMeanRatio:
    """Ratio of geometric means test/reference with its CI (pooled-variance t on ln scale)."""

    ratio: float
    lower: float
    upper: float
    level: float
    n_test: int
    n_reference: int

    def to_frame(self) -> pd.DataFrame:
        """One-row table."""
        return pd.DataFrame([asdict(self)])


def geometric_mean_ratio(
    test, reference, level: float = 0.90, dose_normalise: tuple[float, float] | None = None
) -> GeometricMeanRatio:
    """Geometric mean ratio of two independent groups, CI from the two-sample t interval
    with pooled variance on ln values (as R ``t.test(log(x), log(y), var.equal = TRUE)``).
    ``dose_normalise=(dose_test, dose_ref)`` divides each group by its dose first."""
    t = np.log(_positive("test", test))
    r = np.log(_positive("reference", reference))
    if dose_normalise is not None:
        t, r = t - np.log(dose_normalise[0]), r - np.log(dose_normalise[1])
    nt, nr = len(t), len(r)
    if nt < 2 or nr < 2:
        raise DataError(describe_problem("group sizes", (nt, nr), "at least 2 values per group"))
    diff = t.mean() - r.mean()
    sp2 = ((nt - 1) * t.var(ddof=1) + (nr - 1) * r.var(ddof=1)) / (nt + nr - 2)
    se = np.sqrt(sp2 * (1 / nt + 1 / nr))
    q = stats.t.ppf(0.5 + level / 2, nt + nr - 2)
    return GeometricMeanRatio(
        float(np.exp(diff)),
        float(np.exp(diff - q * se)),
        float(np.exp(diff + q * se)),
        level,
        nt,
        nr,
    )
