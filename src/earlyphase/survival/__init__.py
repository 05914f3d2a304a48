"""Survival analysis: Kaplan–Meier, quantile CIs, follow-up, log-rank and KM figures."""

from __future__ import annotations

from earlyphase.survival.adtte import adtte_subset, km_from_adtte
from earlyphase.survival.confidence import CONF_TYPES
from earlyphase.survival.followup import FollowupResult, median_followup
from earlyphase.survival.kaplan_meier import KMResult, SurvivalAt, estimate_by_group, kaplan_meier
from earlyphase.survival.logrank import LogrankResult, logrank
from earlyphase.survival.quantile_rules import QUANTILE_RULES

__all__ = [
    "CONF_TYPES",
    "FollowupResult",
    "KMResult",
    "LogrankResult",
    "QUANTILE_RULES",
    "SurvivalAt",
    "adtte_subset",
    "estimate_by_group",
    "kaplan_meier",
    "km_from_adtte",
    "logrank",
    "median_followup",
    "plot_km",
]


def __getattr__(name: str):  # matplotlib is imported only when a figure is asked for
    if name == "plot_km":
        from earlyphase.survival.plot import plot_km

        return plot_km
    raise AttributeError(name)
