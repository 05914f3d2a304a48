"""Operating characteristics of a dose-finding design (exact or simulated)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from earlyphase._arrays import freeze_arrays

__all__ = ["OperatingCharacteristics"]


@dataclass(frozen=True)
class OperatingCharacteristics:
    """Operating characteristics of one design under one true dose-toxicity scenario.

    Attributes
    ----------
    design : str
        Name of the design.
    true_dlt : numpy.ndarray
        True DLT probability per dose (length K).
    p_select : numpy.ndarray
        Length K + 1: index 0 = no MTD selected (stopped for toxicity), index j = dose j.
    mean_n, mean_dlt : numpy.ndarray
        Expected patients and DLTs per dose (length K).
    expected_n_total, expected_dlt_total : float
        Expected total patients and DLTs (escalation part, plus the expansion cohort when
        ``expansion_n`` > 0).
    p_stop_early : float
        Probability the trial stopped with no MTD selected (all doses too toxic).
    pct_treated_above_mtd : float
        Expected % of patients treated at doses whose true DLT rate exceeds the target
        (NaN when the design has no target, e.g. 3+3).
    n_trials : int or None
        Number of simulated trials; ``None`` for exact results.
    se_p_select : numpy.ndarray or None
        Monte Carlo standard errors of ``p_select`` (None for exact results).
    n_total_distribution : pandas.Series or None
        P(total escalation sample size = n), index n (exact 3+3 only).
    expansion_n : int
        Patients added at the selected MTD (0 = none).
    expansion_expected_n, expansion_expected_dlt : float
        Expected patients and DLTs in the expansion cohort.
    """

    design: str
    true_dlt: np.ndarray
    p_select: np.ndarray
    mean_n: np.ndarray
    mean_dlt: np.ndarray
    expected_n_total: float
    expected_dlt_total: float
    p_stop_early: float
    pct_treated_above_mtd: float = float("nan")
    n_trials: int | None = None
    se_p_select: np.ndarray | None = None
    se_mean_n: np.ndarray | None = None
    n_total_distribution: pd.Series | None = None
    expansion_n: int = 0
    expansion_expected_n: float = 0.0
    expansion_expected_dlt: float = 0.0
    target: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        freeze_arrays(self)  # writing into a result's arrays raises instead of changing it

    @property
    def n_doses(self) -> int:
        """Number of dose levels."""
        return int(self.true_dlt.size)

    @property
    def exact(self) -> bool:
        """True for exact (not simulated) operating characteristics."""
        return self.n_trials is None

    def to_frame(self) -> pd.DataFrame:
        """Tidy per-dose table: one row per dose plus a row ``dose = 0`` for "no MTD"."""
        k = self.n_doses
        frame = pd.DataFrame(
            {
                "design": self.design,
                "dose": np.arange(0, k + 1),
                "true_dlt": np.concatenate([[np.nan], self.true_dlt]),
                "p_select": self.p_select,
                "mean_n": np.concatenate([[np.nan], self.mean_n]),
                "mean_dlt": np.concatenate([[np.nan], self.mean_dlt]),
            }
        )
        if self.se_p_select is not None:
            frame["se_p_select"] = self.se_p_select
        return frame

    def summary(self) -> dict[str, Any]:
        """Whole-trial numbers as a flat dictionary (JSON-ready)."""
        return {
            "design": self.design,
            "expected_n_total": self.expected_n_total,
            "expected_dlt_total": self.expected_dlt_total,
            "p_stop_early": self.p_stop_early,
            "pct_treated_above_mtd": self.pct_treated_above_mtd,
            "expansion_n": self.expansion_n,
            "expansion_expected_n": self.expansion_expected_n,
            "expansion_expected_dlt": self.expansion_expected_dlt,
            "n_trials": self.n_trials,
        }
