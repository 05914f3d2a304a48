"""The statistical methods the report calls, behind one small interface.

The report uses ``earlyphase.stats`` and ``earlyphase.survival`` when they are installed
(they are the validated implementations, tested against R and SAS).  Each call records which
engine answered, so the methods section states it.  The local fallbacks implement the same
documented conventions (Clopper–Pearson; Kaplan–Meier with Greenwood variance, log-log CI,
SAS median rule and Brookmeyer–Crowley median CI) so that the report also works on a checkout
without those packages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

__all__ = ["KMCurve", "binomial_ci", "describe", "kaplan_meier", "median_followup"]

_Z = float(sps.norm.ppf(0.975))


def binomial_ci(x: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Clopper–Pearson exact interval for ``x`` of ``n`` (proportions in [0, 1]).

    Clopper CJ, Pearson ES. Biometrika 1934;26:404-413.  Same as SAS PROC FREQ
    ``BINOMIAL`` exact limits and R ``binom.test``.
    """
    if n == 0:
        return (math.nan, math.nan)
    try:
        from earlyphase.stats import binomial_ci as upstream
    except ImportError:
        upstream = None
    if upstream is not None:
        result = upstream(int(x), int(n), method="clopper-pearson", level=level)
        lower, upper = (result.lower, result.upper) if hasattr(result, "lower") else result
        return float(lower), float(upper)
    alpha = 1.0 - level
    lower = 0.0 if x == 0 else float(sps.beta.ppf(alpha / 2, x, n - x + 1))
    upper = 1.0 if x == n else float(sps.beta.ppf(1 - alpha / 2, x + 1, n - x))
    return lower, upper


def describe(values: np.ndarray) -> dict[str, float]:
    """n, mean, SD (n-1), median, min, max, geometric mean and CV% of the finite values."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    out = {"n": float(x.size)}
    if x.size == 0:
        return out
    out.update(mean=float(x.mean()), median=float(np.median(x)), min=float(x.min()))
    out["max"] = float(x.max())
    out["sd"] = float(x.std(ddof=1)) if x.size > 1 else math.nan
    out["cv"] = 100.0 * out["sd"] / out["mean"] if out["mean"] != 0 else math.nan
    positive = x[x > 0]
    out["geomean"] = float(np.exp(np.log(positive).mean())) if positive.size == x.size else math.nan
    return out


@dataclass(frozen=True)
class KMCurve:
    """A Kaplan–Meier curve as the report needs it (times in the input's unit)."""

    time: np.ndarray
    n_risk: np.ndarray
    n_event: np.ndarray
    survival: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    censor_times: np.ndarray
    raw_time: np.ndarray
    median: float
    median_lower: float
    median_upper: float
    n: int
    events: int
    engine: str

    def survival_at(self, t: float) -> tuple[float, float, float]:
        """Step-function value and log-log CI at ``t``; NaN beyond the last observation."""
        if self.raw_time.size == 0 or t > self.raw_time.max():
            return (math.nan, math.nan, math.nan)
        idx = np.searchsorted(self.time, t, side="right") - 1
        if idx < 0:
            return (1.0, 1.0, 1.0)
        return (float(self.survival[idx]), float(self.lower[idx]), float(self.upper[idx]))

    def at_risk(self, times: np.ndarray) -> np.ndarray:
        """Numbers at risk at each time (subjects with time >= t)."""
        return np.array([(self.raw_time >= t).sum() for t in np.asarray(times)], dtype=int)


def _km_local(time: np.ndarray, event: np.ndarray) -> KMCurve:
    ut = np.unique(time)
    n_risk = np.array([(time >= t).sum() for t in ut], dtype=float)
    n_event = np.array([((time == t) & (event == 1)).sum() for t in ut], dtype=float)
    surv = np.cumprod(1.0 - n_event / n_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(n_risk > n_event, n_event / (n_risk * (n_risk - n_event)), 0.0)
        var = np.cumsum(terms)
        theta = np.exp(_Z * np.sqrt(var) / np.log(surv))
        lower = np.where((surv > 0) & (surv < 1), surv ** (1 / theta), np.nan)
        upper = np.where((surv > 0) & (surv < 1), surv**theta, np.nan)
    lower = np.where(surv == 1, 1.0, lower)
    upper = np.where(surv == 1, 1.0, upper)
    ev = n_event > 0
    et, es, ev_var = ut[ev], surv[ev], var[ev]
    below = np.flatnonzero(es < 0.5)
    at_or_below = np.flatnonzero(es <= 0.5)
    median = 0.5 * (et[below[0]] + et[at_or_below[0]]) if below.size else math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.log(-np.log(es))
        ok = np.abs(g - math.log(math.log(2))) <= _Z * np.sqrt(ev_var) / np.abs(np.log(es))
    ok &= (es > 0) & (es < 1)
    hits = np.flatnonzero(ok)
    if hits.size:
        lo = float(et[hits[0]])
        hi = float(et[hits[-1] + 1]) if hits[-1] + 1 < et.size else math.nan
    else:
        lo = hi = math.nan
    return KMCurve(
        time=ut,
        n_risk=n_risk,
        n_event=n_event,
        survival=surv,
        lower=lower,
        upper=upper,
        censor_times=np.sort(time[event == 0]),
        raw_time=time,
        median=float(median),
        median_lower=lo,
        median_upper=hi,
        n=int(time.size),
        events=int(event.sum()),
        engine="earlyphase.report (local Kaplan-Meier)",
    )


def kaplan_meier(time: np.ndarray, event: np.ndarray) -> KMCurve:
    """Kaplan–Meier with Greenwood variance, log-log CI, SAS median and Brookmeyer–Crowley CI.

    Kaplan EL, Meier P. JASA 1958;53:457-481; Brookmeyer R, Crowley J. Biometrics
    1982;38:29-41.  Matches SAS PROC LIFETEST defaults (CONFTYPE=LOGLOG).
    """
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=int)
    keep = np.isfinite(t)
    t, e = t[keep], e[keep]
    local = _km_local(t, e)
    try:
        from earlyphase.survival import kaplan_meier as upstream
    except ImportError:
        return local
    fit = upstream(t, e, conf_type="log-log")
    median_ci = tuple(getattr(fit, "median_ci", (local.median_lower, local.median_upper)))
    return KMCurve(
        time=local.time,
        n_risk=local.n_risk,
        n_event=local.n_event,
        survival=local.survival,
        lower=local.lower,
        upper=local.upper,
        censor_times=local.censor_times,
        raw_time=local.raw_time,
        median=_float(getattr(fit, "median", local.median)),
        median_lower=_float(median_ci[0]),
        median_upper=_float(median_ci[1]),
        n=local.n,
        events=local.events,
        engine="earlyphase.survival.kaplan_meier",
    )


def _float(value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan


def median_followup(time: np.ndarray, event: np.ndarray) -> float:
    """Median follow-up by the reverse Kaplan–Meier method (Schemper & Smith 1996)."""
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=int)
    try:
        from earlyphase.survival import median_followup as upstream
    except ImportError:
        return _km_local(t, 1 - e).median
    result = upstream(t, e)
    return _float(getattr(result, "median", result))
