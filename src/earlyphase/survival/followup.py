"""Median follow-up by the reverse Kaplan–Meier method (Schemper & Smith 1996).

The follow-up distribution is estimated by a Kaplan–Meier curve in which *censoring* is the
event and the clinical event (death, progression) censors follow-up: the "median potential
follow-up".  This is R ``prodlim::followup`` / ``survfit(Surv(time, 1 - status) ~ 1)`` and
what most oncology papers mean by "median follow-up".

Ties between an event and a censoring at the same time (common with dates in days):

``ties="flip"`` (default)
    Flip the indicator and apply the usual Kaplan–Meier tie rule, so subjects with an event
    at t are still at risk of "being censored" at t.  Equals R
    ``survfit(Surv(time, 1 - status) ~ 1)`` and lifelines with a flipped indicator.
``ties="events-first"``
    Events at t leave the risk set before the censorings at t (scikit-survival
    ``kaplan_meier_estimator(..., reverse=True)``).

References
----------
Schemper M, Smith TL. A note on quantifying follow-up in studies of failure time.
Controlled Clinical Trials 1996;17:343-346.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from numpy.typing import ArrayLike

from earlyphase.survival._validate import as_time_event, check_choice, check_level
from earlyphase.survival.confidence import CONF_TYPES
from earlyphase.survival.kaplan_meier import (
    KMResult,
    km_result,
    product_limit,
    survival_and_greenwood,
)
from earlyphase.survival.quantile_rules import QUANTILE_RULES

__all__ = ["FollowupResult", "median_followup"]

TIE_RULES = ("flip", "events-first")


@dataclass(frozen=True, eq=False)
class FollowupResult:
    """Median follow-up with its confidence limits and the observed range.

    Attributes
    ----------
    median, lower, upper : float
        Median of the reverse Kaplan–Meier curve and its Brookmeyer–Crowley limits
        (NaN = not estimable).
    min, max : float
        Range of the observed times of all subjects (events and censorings).
    n : int
        Number of subjects.
    reverse_km : KMResult
        The reverse Kaplan–Meier curve itself (events = censorings).
    """

    median: float
    lower: float
    upper: float
    min: float
    max: float
    n: int
    reverse_km: KMResult

    def to_frame(self) -> pd.DataFrame:
        """One tidy row: n, median, lower, upper, min, max, conf_type, level."""
        return pd.DataFrame(
            [
                {
                    "n": self.n,
                    "median": self.median,
                    "lower": self.lower,
                    "upper": self.upper,
                    "min": self.min,
                    "max": self.max,
                    "conf_type": self.reverse_km.conf_type,
                    "level": self.reverse_km.level,
                }
            ]
        )


def median_followup(
    time: ArrayLike,
    event: ArrayLike,
    conf_type: str = "log-log",
    level: float = 0.95,
    *,
    ties: str = "flip",
    quantile_rule: str = "midpoint",
) -> FollowupResult:
    """Median follow-up by reverse Kaplan–Meier, with CI and range.

    Parameters
    ----------
    time, event : array_like
        Follow-up times and event indicators (1 = event, 0 = censored), as for
        :func:`earlyphase.survival.kaplan_meier`.
    conf_type, level, quantile_rule
        As in :func:`~earlyphase.survival.kaplan_meier`.
    ties : {"flip", "events-first"}
        Handling of events and censorings at the same time (module docstring).

    Returns
    -------
    FollowupResult
    """
    conf = check_choice(conf_type, CONF_TYPES, "conf_type")
    rule = check_choice(quantile_rule, QUANTILE_RULES, "quantile_rule")
    tie = check_choice(ties, TIE_RULES, "ties")
    lvl = check_level(level)
    t, e = as_time_event(time, event)
    uniq, n_risk, n_event, n_censor, survival, var_log = product_limit(t, ~e)
    if tie == "events-first":
        n_risk = n_risk - n_censor  # clinical events at t leave before censorings at t
        survival, var_log = survival_and_greenwood(n_risk, n_event)
    km = km_result((uniq, n_risk, n_event, n_censor, survival, var_log), conf, lvl, rule)
    lo, hi = km.median_ci
    return FollowupResult(
        median=km.median,
        lower=lo,
        upper=hi,
        min=float(t.min()),
        max=float(t.max()),
        n=int(t.size),
        reverse_km=km,
    )
