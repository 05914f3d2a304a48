"""Log-rank test of equal survival across groups, optionally stratified.

For each distinct event time t with n at risk and d events, n_j at risk and d_j events in
group j (Mantel 1966; Peto & Peto 1972):

* expected E_j = Σ_t d n_j / n,  observed O_j = Σ_t d_j;
* hypergeometric covariance V_jk = Σ_t d (n − d) n_j (δ_jk n − n_k) / (n² (n − 1));
* χ² = (O − E)ᵀ V⁻ (O − E) on the groups with E_j > 0, dropping one, with
  df = #{j : E_j > 0} − 1.

Stratified: O, E and V are summed over strata, each computed within its stratum.  This is
exactly R ``survival::survdiff(Surv(time, status) ~ group + strata(s))`` with ``rho = 0``
and SAS ``PROC LIFETEST; STRATA s / GROUP = group; TEST LOGRANK``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from earlyphase._arrays import freeze_arrays
from earlyphase.errors import DataError, describe_problem
from earlyphase.survival._validate import as_time_event

__all__ = ["LogrankResult", "logrank"]


@dataclass(frozen=True, eq=False)
class LogrankResult:
    """Result of :func:`logrank`.

    Attributes
    ----------
    chisq, df, p_value : float, int, float
        Test statistic, degrees of freedom, upper-tail chi-square p-value.  ``p_value`` is
        NaN when no test is possible: fewer than two groups with expected events (df = 0,
        where R reports chisq = 0) or a singular variance (chisq NaN too).
    groups : tuple of str
        Group labels in sorted order (the order of the arrays below).
    n, observed, expected : ndarray
        Subjects, observed and expected events per group (summed over strata).
    variance : ndarray
        Covariance matrix of O − E.
    n_strata : int
        Number of strata (1 = unstratified).
    """

    chisq: float
    df: int
    p_value: float
    groups: tuple[str, ...]
    n: NDArray[np.int64]
    observed: NDArray[np.float64]
    expected: NDArray[np.float64]
    variance: NDArray[np.float64]
    n_strata: int = 1

    def __post_init__(self) -> None:
        freeze_arrays(self)  # writing into a result's arrays raises instead of changing it

    def to_frame(self) -> pd.DataFrame:
        """One row per group: n, observed, expected, o_minus_e, and the test columns."""
        return pd.DataFrame(
            {
                "group": list(self.groups),
                "n": self.n,
                "observed": self.observed,
                "expected": self.expected,
                "o_minus_e": self.observed - self.expected,
                "chisq": self.chisq,
                "df": self.df,
                "p_value": self.p_value,
                "n_strata": self.n_strata,
            }
        )


def _labels(values: ArrayLike, name: str, size: int) -> NDArray[np.str_]:
    s = pd.Series(np.asarray(values, dtype=object).reshape(-1))
    if s.size != size:
        raise DataError(
            describe_problem(name, f"length {s.size}", f"one label per subject ({size})")
        )
    if s.isna().any():
        i = int(np.flatnonzero(s.isna().to_numpy())[0])
        raise DataError(describe_problem(f"{name}[{i}]", None, "a non-missing label"))
    return s.astype(str).to_numpy(dtype=str)


def _one_stratum(
    time: NDArray[np.float64], event: NDArray[np.bool_], gidx: NDArray[np.intp], k: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    uniq, tidx = np.unique(time, return_inverse=True)
    m = uniq.size
    flat = tidx * k + gidx
    at_time = np.bincount(flat, minlength=m * k).reshape(m, k).astype(np.float64)
    d_jt = np.bincount(flat, weights=event.astype(np.float64), minlength=m * k).reshape(m, k)
    # at risk just before each time: subjects with time >= t, per group
    n_jt = at_time[::-1].cumsum(axis=0)[::-1]
    keep = d_jt.sum(axis=1) > 0
    n_jt, d_jt = n_jt[keep], d_jt[keep]
    n_t = n_jt.sum(axis=1)
    d_t = d_jt.sum(axis=1)
    observed = d_jt.sum(axis=0)
    expected = (d_t[:, None] * n_jt / n_t[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(n_t > 1, d_t * (n_t - d_t) / (n_t**2 * (n_t - 1)), 0.0)
    variance = np.diag((w * n_t) @ n_jt) - np.einsum("t,tj,tk->jk", w, n_jt, n_jt)
    return observed, expected, variance


def logrank(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike,
    strata: ArrayLike | None = None,
) -> LogrankResult:
    """Log-rank (Mantel–Haenszel) test comparing survival across ``group``.

    Parameters
    ----------
    time, event : array_like
        Follow-up times and event indicators (1 = event, 0 = censored).
    group : array_like
        Group label per subject (two or more groups).
    strata : array_like, optional
        Stratum label per subject: the stratified log-rank test.

    Returns
    -------
    LogrankResult

    Raises
    ------
    DataError
        Bad times/events (see :func:`earlyphase.survival.kaplan_meier`), missing labels,
        or fewer than two groups.
    """
    t, e = as_time_event(time, event)
    g = _labels(group, "group", t.size)
    groups, gidx = np.unique(g, return_inverse=True)
    if groups.size < 2:
        raise DataError(
            describe_problem("group", groups.tolist(), "at least two groups to compare")
        )
    k = groups.size
    s = (
        np.zeros(t.size, dtype=np.intp)
        if strata is None
        else np.unique(_labels(strata, "strata", t.size), return_inverse=True)[1]
    )
    n_strata = int(s.max()) + 1
    observed = np.zeros(k)
    expected = np.zeros(k)
    variance = np.zeros((k, k))
    for stratum in range(n_strata):
        mask = s == stratum
        o, ex, v = _one_stratum(t[mask], e[mask], gidx[mask], k)
        observed += o
        expected += ex
        variance += v
    used = expected > 0
    df = int(used.sum()) - 1
    if df < 1:
        chisq = 0.0
    else:
        diff = (observed - expected)[used][1:]
        vv = variance[np.ix_(used, used)][1:, 1:]
        try:
            chisq = float(diff @ np.linalg.solve(vv, diff))
        except np.linalg.LinAlgError:  # e.g. every subject at risk dies at the only event time
            chisq = float("nan")
    # df = 0 (events in one group only) or a singular variance: no test, p-value missing.
    from scipy.stats import chi2  # lazy: scipy.stats costs ~0.5 s to import

    p_value = float(chi2.sf(chisq, df)) if df >= 1 and np.isfinite(chisq) else float("nan")
    return LogrankResult(
        chisq=chisq,
        df=df,
        p_value=p_value,
        groups=tuple(str(x) for x in groups),
        n=np.bincount(gidx, minlength=k).astype(np.int64),
        observed=observed,
        expected=expected,
        variance=variance,
        n_strata=n_strata,
    )
