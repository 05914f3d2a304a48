"""Pointwise confidence limits for a survival curve from Greenwood's variance.

Three transforms, named as in R ``survival`` and SAS ``PROC LIFETEST``:

========== ================================================ =====================
conf_type   limits (z = Φ⁻¹(1 − α/2), σ² = Greenwood V(t))    default of
========== ================================================ =====================
log-log     exp(−exp(log(−log Ŝ) ∓ z σ / log Ŝ))             SAS (CONFTYPE=LOGLOG)
log         Ŝ · exp(∓ z σ), upper capped at 1                R ``survfit``
plain       Ŝ (1 ∓ z σ), clipped to [0, 1]                   tern, SAS LINEAR
========== ================================================ =====================

``V(t) = Σ d_i / (n_i (n_i − d_i))`` is Greenwood's variance of log Ŝ (Kalbfleisch &
Prentice 2002, eq. 1.6; SAS/STAT LIFETEST "Computational formulas").  Where a transform is
undefined the limits are NaN, exactly as R ``survival:::survfit_confint`` returns ``NA``:
log-log at Ŝ ∈ {0, 1}, log at Ŝ = 0, and every transform when Ŝ = 0 (the variance is then
infinite).

References
----------
Borgan Ø, Liestøl K. A note on confidence intervals and bands for the survival function
based on transformations. Scand J Stat 1990;17:35-41.
Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data, 2nd ed. 2002.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

__all__ = ["CONF_TYPES", "ConfType", "pointwise_limits", "z_value"]

ConfType = Literal["log-log", "log", "plain"]
CONF_TYPES: tuple[str, ...] = ("log-log", "log", "plain")


def z_value(level: float) -> float:
    """Two-sided standard-normal quantile Φ⁻¹(1 − (1 − level)/2)."""
    return float(ndtri(1.0 - (1.0 - level) / 2.0))


def pointwise_limits(
    surv: NDArray[np.float64],
    var_log: NDArray[np.float64],
    conf_type: str,
    level: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Lower and upper pointwise limits of Ŝ(t) under ``conf_type``.

    Parameters
    ----------
    surv : ndarray
        Kaplan–Meier estimates Ŝ(t).
    var_log : ndarray
        Greenwood variance of log Ŝ(t) (``inf`` once Ŝ = 0).
    conf_type : {"log-log", "log", "plain"}
        Transform; see the module docstring.
    level : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    (lower, upper) : tuple of ndarray
        NaN where the transform is undefined (see module docstring).
    """
    s = np.asarray(surv, dtype=np.float64)
    sigma = np.sqrt(np.asarray(var_log, dtype=np.float64))
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "plain":
            half = z * sigma * s
            lower = np.maximum(s - half, 0.0)
            upper = np.minimum(s + half, 1.0)
            undefined = s <= 0.0
        elif conf_type == "log":
            lower = s * np.exp(-z * sigma)
            upper = np.minimum(s * np.exp(z * sigma), 1.0)
            undefined = s <= 0.0
        elif conf_type == "log-log":
            log_s = np.log(s)
            shift = z * sigma / log_s  # negative: log Ŝ < 0
            loglog = np.log(-log_s)
            lower = np.exp(-np.exp(loglog - shift))
            upper = np.exp(-np.exp(loglog + shift))
            undefined = (s <= 0.0) | (s >= 1.0)
        else:  # pragma: no cover - callers validate conf_type first
            raise ValueError(conf_type)
    lower = np.where(undefined, np.nan, lower)
    upper = np.where(undefined, np.nan, upper)
    return lower, upper
