"""The statistical methods the report calls, with the conventions it states in its methods.

Binomial CIs come from :func:`earlyphase.stats.binomial_ci` (Clopper–Pearson), Kaplan–Meier
from :func:`earlyphase.survival.kaplan_meier` with ``conf_type="log-log"`` (SAS PROC LIFETEST
default) and ``quantile_rule="sas"`` (median not estimable when the curve only reaches 0.5
at the last observation), and follow-up from :func:`earlyphase.survival.median_followup`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from earlyphase._arrays import freeze_arrays
from earlyphase.stats import binomial_ci as _binomial_ci
from earlyphase.stats import summarize_continuous
from earlyphase.survival import KMResult
from earlyphase.survival import kaplan_meier as _kaplan_meier
from earlyphase.survival import median_followup as _median_followup

__all__ = [
    "CONF_TYPE",
    "QUANTILE_RULE",
    "KMCurve",
    "binomial_ci",
    "describe",
    "kaplan_meier",
    "median_followup",
]

CONF_TYPE = "log-log"
QUANTILE_RULE = "sas"


def binomial_ci(x: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Clopper–Pearson exact interval for ``x`` of ``n`` as proportions; NaN when ``n == 0``.

    Clopper CJ, Pearson ES. Biometrika 1934;26:404-413 (SAS PROC FREQ exact limits).
    """
    if n == 0:
        return (math.nan, math.nan)
    result = _binomial_ci(int(x), int(n), method="clopper-pearson", level=level)
    return float(result.lower), float(result.upper)


def describe(values: np.ndarray) -> dict[str, float]:
    """n, mean, SD (n − 1), median, min, max, geometric mean and arithmetic CV% of the finite
    values, from :func:`earlyphase.stats.summarize_continuous` (the package's one descriptive
    summary). The geometric mean is NaN when any value is ≤ 0 (log undefined; see
    :mod:`earlyphase.stats.descriptive`). Only ``n`` when there is no value."""
    x = np.asarray(values, dtype=float)
    s = summarize_continuous(x[np.isfinite(x)])
    if s.n == 0:
        return {"n": 0.0}
    return {
        "n": float(s.n),
        "mean": s.mean,
        "median": s.median,
        "min": s.min,
        "max": s.max,
        "sd": s.sd,
        "cv": 100.0 * s.sd / s.mean if s.mean != 0 else math.nan,
        "geomean": s.geo_mean,
    }


@dataclass(frozen=True)
class KMCurve:
    """A Kaplan–Meier curve with the raw times (for censor marks and numbers at risk)."""

    result: KMResult
    raw_time: np.ndarray
    raw_event: np.ndarray

    def __post_init__(self) -> None:
        freeze_arrays(self)  # writing into a result's arrays raises instead of changing it

    @property
    def time(self) -> np.ndarray:
        return self.result.time

    @property
    def survival(self) -> np.ndarray:
        return self.result.survival

    @property
    def lower(self) -> np.ndarray:
        return self.result.lower

    @property
    def upper(self) -> np.ndarray:
        return self.result.upper

    @property
    def n_risk(self) -> np.ndarray:
        return self.result.n_risk

    @property
    def n_event(self) -> np.ndarray:
        return self.result.n_event

    @property
    def censor_times(self) -> np.ndarray:
        return np.sort(self.raw_time[self.raw_event == 0])

    @property
    def median(self) -> float:
        return self.result.median

    @property
    def median_lower(self) -> float:
        return self.result.median_ci[0]

    @property
    def median_upper(self) -> float:
        return self.result.median_ci[1]

    @property
    def n(self) -> int:
        return self.result.n

    @property
    def events(self) -> int:
        return self.result.events

    def survival_at(self, t: float) -> tuple[float, float, float]:
        """Ŝ(t) and its log-log CI; NaN beyond the last observation (SAS)."""
        at = self.result.survival_at(t)
        return float(at.estimate), float(at.lower), float(at.upper)

    def at_risk(self, times: np.ndarray) -> np.ndarray:
        return np.asarray(self.result.n_at_risk(np.asarray(times, dtype=float)))


def kaplan_meier(time: np.ndarray, event: np.ndarray, conf_type: str = CONF_TYPE) -> KMCurve:
    """Kaplan–Meier (log-log CI, SAS median rule, Brookmeyer–Crowley median CI).

    Kaplan EL, Meier P. JASA 1958;53:457-481; Brookmeyer R, Crowley J. Biometrics
    1982;38:29-41.
    """
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=int)
    result = _kaplan_meier(t, e, conf_type=conf_type, quantile_rule=QUANTILE_RULE)
    return KMCurve(result, t, e)


def median_followup(time: np.ndarray, event: np.ndarray, conf_type: str = CONF_TYPE) -> float:
    """Median follow-up by reverse Kaplan–Meier (Schemper & Smith 1996)."""
    result = _median_followup(np.asarray(time, float), np.asarray(event, int), conf_type=conf_type)
    return float(result.median)
