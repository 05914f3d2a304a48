"""Kaplan–Meier product-limit estimate with Greenwood standard errors and quantile CIs.

Conventions (they match R ``survival`` 3.5 ``survfit`` and SAS ``PROC LIFETEST``):

* Ŝ(t) = ∏_{t_i ≤ t} (1 − d_i / n_i), right-continuous; at a tied time, events happen before
  censorings, so subjects censored at t_i are in the risk set n_i.
* Greenwood variance of log Ŝ: V(t) = Σ_{t_i ≤ t} d_i / (n_i (n_i − d_i)); the standard error
  reported in ``table.std_err`` is that of Ŝ itself, Ŝ·√V (R ``summary.survfit``, SAS
  ``StdErr``).
* Pointwise limits by ``conf_type``: ``"log-log"`` (SAS default, the default here),
  ``"log"`` (R default) or ``"plain"`` (see :mod:`earlyphase.survival.confidence`).
* Quantiles (``q`` is a probability of the event-time distribution: the median is q = 0.5,
  the first quartile q = 0.25 is where Ŝ falls to 0.75, as in R and SAS) and their
  Brookmeyer–Crowley limits use the same transform as the pointwise limits; the rule for a
  curve flat at exactly 1 − q is ``quantile_rule`` (see
  :mod:`earlyphase.survival.quantile_rules`).

References
----------
Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. JASA
1958;53:457-481.  Greenwood M. The natural duration of cancer. Reports on Public Health and
Medical Subjects 1926;33.  Brookmeyer R, Crowley J. Biometrics 1982;38:29-41.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from earlyphase._arrays import freeze_arrays
from earlyphase.errors import DataError, OptionsError, describe_problem
from earlyphase.survival._validate import as_time_event, check_choice, check_level
from earlyphase.survival.confidence import CONF_TYPES, pointwise_limits
from earlyphase.survival.quantile_rules import QUANTILE_RULES, crossing_time

__all__ = ["KMResult", "SurvivalAt", "estimate_by_group", "kaplan_meier", "product_limit"]


class SurvivalAt(NamedTuple):
    """Ŝ(t) with its pointwise confidence limits (floats, or arrays for array input)."""

    estimate: Any
    lower: Any
    upper: Any


@dataclass(frozen=True, eq=False)
class KMResult:
    """A Kaplan–Meier curve: one row per distinct observed time (events and censorings).

    Attributes
    ----------
    time, n_risk, n_event, n_censor, survival : ndarray
        Distinct observed times, number at risk just before each, events and censorings at
        it, and Ŝ(t) just after it.
    var_log : ndarray
        Greenwood variance of log Ŝ(t) (``inf`` once Ŝ = 0).
    lower, upper : ndarray
        Pointwise limits at ``level`` under ``conf_type`` (NaN where undefined, as in R).
    conf_type, level, quantile_rule : str, float, str
        The options the curve was computed with.
    """

    time: NDArray[np.float64]
    n_risk: NDArray[np.int64]
    n_event: NDArray[np.int64]
    n_censor: NDArray[np.int64]
    survival: NDArray[np.float64]
    var_log: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    conf_type: str = "log-log"
    level: float = 0.95
    quantile_rule: str = "midpoint"

    # ----------------------------------------------------------------- counts
    @property
    def n(self) -> int:
        """Number of subjects."""
        return int(self.n_event.sum() + self.n_censor.sum())

    def __post_init__(self) -> None:
        freeze_arrays(self)  # writing into a result's arrays raises instead of changing it

    @property
    def events(self) -> int:
        """Total number of events."""
        return int(self.n_event.sum())

    @property
    def censored(self) -> int:
        """Total number of censored subjects."""
        return int(self.n_censor.sum())

    @property
    def last_time(self) -> float:
        """Largest observed time (event or censored)."""
        return float(self.time[-1])

    @property
    def std_err(self) -> NDArray[np.float64]:
        """Greenwood standard error of Ŝ(t) (NaN where Ŝ = 0, as in R)."""
        with np.errstate(invalid="ignore"):
            se = self.survival * np.sqrt(self.var_log)
        return np.where(self.survival > 0, se, np.nan)

    # -------------------------------------------------------------- quantiles
    def quantile(self, q: float | Sequence[float] | NDArray[np.float64]) -> Any:
        """Time by which a fraction ``q`` of subjects have had the event (NaN if not reached).

        ``q = 0.5`` is the median; ``q = 0.25`` the first quartile (Ŝ falls to 0.75).
        Returns a float for a scalar ``q`` and an array otherwise.
        """
        return self._map_q(q, lambda p: self._cross(self.survival, p))

    def quantile_ci(self, q: float | Sequence[float] | NDArray[np.float64]) -> tuple[Any, Any]:
        """Brookmeyer–Crowley limits ``(lower, upper)`` of :meth:`quantile` (NaN = not reached).

        The limits are where the pointwise lower and upper bands (same ``conf_type``) cross
        1 − q, found with the same ``quantile_rule``: R ``quantile.survfit`` and SAS
        ``PROC LIFETEST`` (which applies its CONFTYPE to the quartile CIs too).
        """
        lo = self._map_q(q, lambda p: self._cross(self.lower, p))
        hi = self._map_q(q, lambda p: self._cross(self.upper, p))
        return lo, hi

    @property
    def median(self) -> float:
        """Median time to event (NaN when not reached)."""
        return float(self.quantile(0.5))

    @property
    def median_ci(self) -> tuple[float, float]:
        """Brookmeyer–Crowley confidence limits of the median (NaN = not estimable)."""
        lo, hi = self.quantile_ci(0.5)
        return float(lo), float(hi)

    def _cross(self, curve: NDArray[np.float64], p: float) -> float:
        if self.quantile_rule != "midpoint":
            # Once Ŝ = 0 the curve and its limits are known to be 0 (SAS); R drops the NaNs.
            curve = np.where(self.survival <= 0.0, 0.0, curve)
        return crossing_time(self.time, curve, p, rule=self.quantile_rule, last_time=self.last_time)

    @staticmethod
    def _map_q(q: Any, func: Any) -> Any:
        arr = np.asarray(q, dtype=np.float64)
        if np.any(~np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
            raise OptionsError(describe_problem("q", q, "probabilities in [0, 1] (0.5 = median)"))
        if arr.ndim == 0:
            return float(func(float(arr)))
        return np.array([func(float(p)) for p in arr.ravel()]).reshape(arr.shape)

    # --------------------------------------------------------------- landmark
    def survival_at(self, t: float | ArrayLike, *, extend: bool = False) -> SurvivalAt:
        """Ŝ(t) with pointwise limits at landmark time(s) ``t`` (e.g. 2-year OS).

        Parameters
        ----------
        t : float or array_like
            Landmark times (same unit as the input times).
        extend : bool
            What to do after the last observed time when the curve has not reached 0.
            ``False`` (default, SAS: "not estimable"): NaN.  ``True`` (R
            ``summary(fit, times, extend = TRUE)``): carry the last value forward.
        """
        tt = np.asarray(t, dtype=np.float64)
        if np.any(~np.isfinite(tt)) or np.any(tt < 0):
            raise OptionsError(describe_problem("t", t, "finite landmark times >= 0"))
        flat = tt.ravel()
        idx = np.searchsorted(self.time, flat, side="right") - 1
        est = np.where(idx >= 0, self.survival[np.maximum(idx, 0)], 1.0)
        var = np.where(idx >= 0, self.var_log[np.maximum(idx, 0)], 0.0)
        lo, hi = pointwise_limits(est, var, self.conf_type, self.level)
        # Before the first event Ŝ = 1 is known exactly: limits (1, 1) as R summary.survfit.
        lo = np.where(est == 1.0, 1.0, lo)
        hi = np.where(est == 1.0, 1.0, hi)
        beyond = flat > self.last_time
        if not extend:
            unknown = beyond & (self.survival[-1] > 0)
            est = np.where(unknown, np.nan, est)
            lo = np.where(unknown, np.nan, lo)
            hi = np.where(unknown, np.nan, hi)
        if tt.ndim == 0:
            return SurvivalAt(float(est[0]), float(lo[0]), float(hi[0]))
        return SurvivalAt(est.reshape(tt.shape), lo.reshape(tt.shape), hi.reshape(tt.shape))

    def n_at_risk(self, times: float | ArrayLike) -> Any:
        """Number of subjects at risk at each time (observed time ≥ t), as in a risk table."""
        tt = np.asarray(times, dtype=np.float64)
        cum_out = np.concatenate(([0], np.cumsum(self.n_event + self.n_censor)))
        left_before = cum_out[np.searchsorted(self.time, tt.ravel(), side="left")]
        out = (self.n - left_before).astype(np.int64)
        return int(out[0]) if tt.ndim == 0 else out.reshape(tt.shape)

    # ----------------------------------------------------------------- tables
    @property
    def table(self) -> pd.DataFrame:
        """Step table: time, n_risk, n_event, n_censor, survival, std_err, lower, upper."""
        return pd.DataFrame(
            {
                "time": self.time,
                "n_risk": self.n_risk,
                "n_event": self.n_event,
                "n_censor": self.n_censor,
                "survival": self.survival,
                "std_err": self.std_err,
                "lower": self.lower,
                "upper": self.upper,
            }
        )

    def to_frame(self) -> pd.DataFrame:
        """Tidy, unrounded step table (:attr:`table`) with the options as columns."""
        frame = self.table
        frame["conf_type"] = self.conf_type
        frame["level"] = self.level
        return frame

    def summary_frame(self, quantiles: Sequence[float] = (0.25, 0.5, 0.75)) -> pd.DataFrame:
        """One row: n, events, censored, and each quantile with its confidence limits."""
        row: dict[str, Any] = {"n": self.n, "n_event": self.events, "n_censor": self.censored}
        for q in quantiles:
            name = "median" if q == 0.5 else f"q{round(q * 100):02d}"
            lo, hi = self.quantile_ci(q)
            row[name], row[f"{name}_lower"], row[f"{name}_upper"] = self.quantile(q), lo, hi
        row.update(conf_type=self.conf_type, level=self.level, quantile_rule=self.quantile_rule)
        return pd.DataFrame([row])


def product_limit(
    time: NDArray[np.float64], event: NDArray[np.bool_]
) -> tuple[
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.float64],
]:
    """Vectorised product-limit core on validated arrays.

    Returns ``(time, n_risk, n_event, n_censor, survival, var_log)`` over distinct times.
    O(n log n) (one sort); no Python loop over subjects.
    """
    uniq, inverse = np.unique(time, return_inverse=True)
    n_at = np.bincount(inverse, minlength=uniq.size).astype(np.int64)
    n_event = np.bincount(inverse, weights=event.astype(np.float64), minlength=uniq.size)
    n_event = np.rint(n_event).astype(np.int64)
    n_censor = n_at - n_event
    n_risk = (time.size - np.concatenate(([0], np.cumsum(n_at)[:-1]))).astype(np.int64)
    survival, var_log = survival_and_greenwood(n_risk, n_event)
    return uniq, n_risk, n_event, n_censor, survival, var_log


def survival_and_greenwood(
    n_risk: NDArray[np.int64], n_event: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Product-limit Ŝ and Greenwood variance of log Ŝ from the risk sets and event counts.

    Ŝ = ∏ (1 − d_i / n_i) and V = Σ d_i / (n_i (n_i − d_i)) (``inf`` once n_i = d_i); times
    with no event (d_i = 0) contribute nothing, even with an empty risk set.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(n_event > 0, n_event / np.maximum(n_risk, 1), 0.0)
        survival = np.cumprod(1.0 - hazard).astype(np.float64)
        term = np.where(
            n_event > 0, n_event / (n_risk * (n_risk - n_event).astype(np.float64)), 0.0
        )
    return survival, np.cumsum(term)


def km_result(
    counts: tuple[
        NDArray[np.float64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.float64],
        NDArray[np.float64],
    ],
    conf_type: str,
    level: float,
    quantile_rule: str,
) -> KMResult:
    """A :class:`KMResult` from :func:`product_limit`-style counts, with pointwise limits.

    ``conf_type``, ``level`` and ``quantile_rule`` must already be validated.
    """
    uniq, n_risk, n_event, n_censor, survival, var_log = counts
    lower, upper = pointwise_limits(survival, var_log, conf_type, level)
    return KMResult(
        time=uniq,
        n_risk=n_risk,
        n_event=n_event,
        n_censor=n_censor,
        survival=survival,
        var_log=var_log,
        lower=lower,
        upper=upper,
        conf_type=conf_type,
        level=level,
        quantile_rule=quantile_rule,
    )


def kaplan_meier(
    time: ArrayLike,
    event: ArrayLike,
    conf_type: str = "log-log",
    level: float = 0.95,
    *,
    quantile_rule: str = "midpoint",
    time_name: str = "time",
    event_name: str = "event",
) -> KMResult:
    """Kaplan–Meier estimate of the survival function with Greenwood-based limits.

    Parameters
    ----------
    time : array_like
        Follow-up times (≥ 0, finite).
    event : array_like
        1/True = event, 0/False = censored.  (ADaM ``CNSR`` is the opposite: pass
        ``1 - CNSR``.)
    conf_type : {"log-log", "log", "plain"}
        Pointwise-limit transform; "log-log" is SAS PROC LIFETEST's default, "log" is R
        ``survfit``'s default.
    level : float
        Confidence level of the pointwise and quantile limits.
    quantile_rule : {"midpoint", "sas", "first", "strict"}
        Median/quantile convention for a curve flat at exactly 1 − q; "midpoint" is R's
        (and SAS's, except that SAS reports NE when the flat part reaches the last
        observation: ``"sas"``).
    time_name, event_name : str
        Field names used in error messages.

    Returns
    -------
    KMResult

    Raises
    ------
    DataError
        Empty input, length mismatch, negative/NaN times, event values other than 0/1.
    OptionsError
        Unknown ``conf_type`` or ``quantile_rule``; ``level`` outside (0, 1).

    Examples
    --------
    >>> km = kaplan_meier([6, 6, 6, 7, 10, 13], [1, 1, 0, 1, 0, 1])
    >>> round(km.median, 1)
    10.0
    """
    conf = check_choice(conf_type, CONF_TYPES, "conf_type")
    rule = check_choice(quantile_rule, QUANTILE_RULES, "quantile_rule")
    lvl = check_level(level)
    t, e = as_time_event(time, event, time_name=time_name, event_name=event_name)
    return km_result(product_limit(t, e), conf, lvl, rule)


def estimate_by_group(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike,
    **options: Any,
) -> dict[str, KMResult]:
    """One :func:`kaplan_meier` curve per group label, in sorted label order.

    ``options`` are passed to :func:`kaplan_meier`.  Missing group labels are an error.
    """
    time_name = options.get("time_name", "time")
    event_name = options.get("event_name", "event")
    t_arr, e_arr = as_time_event(time, event, time_name=time_name, event_name=event_name)
    g = pd.Series(np.asarray(group, dtype=object).reshape(-1))
    if g.size != t_arr.size:
        raise DataError(
            describe_problem("group", f"length {g.size}", f"one label per subject ({t_arr.size})")
        )
    if g.isna().any():
        i = int(np.flatnonzero(g.isna().to_numpy())[0])
        raise DataError(describe_problem(f"group[{i}]", None, "a non-missing group label"))
    labels = g.astype(str).to_numpy()
    out: dict[str, KMResult] = {}
    for label in sorted(set(labels)):
        mask = labels == label
        out[label] = kaplan_meier(t_arr[mask], e_arr[mask], **options)
    return out


def as_mapping(
    results: KMResult | Mapping[str, KMResult], label: str = "All"
) -> dict[str, KMResult]:
    """Normalise one curve or a mapping of curves to a ``{label: KMResult}`` dict."""
    if isinstance(results, KMResult):
        return {label: results}
    return dict(results)
