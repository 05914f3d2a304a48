"""Trial statistics: binomial confidence intervals, descriptive summaries, SAS rounding."""

from __future__ import annotations

from earlyphase.stats.binomial import BINOMIAL_METHODS, BinomialCI, binomial_ci
from earlyphase.stats.descriptive import (
    CategoricalSummary,
    ContinuousSummary,
    summarize_categorical,
    summarize_continuous,
)
from earlyphase.stats.rounding import round_half_away

__all__ = [
    "BINOMIAL_METHODS",
    "BinomialCI",
    "CategoricalSummary",
    "ContinuousSummary",
    "binomial_ci",
    "round_half_away",
    "summarize_categorical",
    "summarize_continuous",
]
