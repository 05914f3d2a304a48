"""Confidence intervals for a binomial proportion (response rates), vectorised.

=================== ============================================================ ==========================
method              interval (x successes of n, α = 1 − level, z = Φ⁻¹(1 − α/2))  reference software
=================== ============================================================ ==========================
clopper-pearson     [B⁻¹(α/2; x, n−x+1), B⁻¹(1−α/2; x+1, n−x)]; 0 if x = 0,       R ``binom.test``; SAS PROC
                    1 if x = n ("exact")                                          FREQ BINOMIAL "Exact"
wilson              score interval without continuity correction                 R ``prop.test(correct=FALSE)``
wilson-cc           score interval with continuity correction (Newcombe 1998)    R ``prop.test(correct=TRUE)``
jeffreys            Beta(x+½, n−x+½) quantiles; 0 if x = 0, 1 if x = n            Brown, Cai & DasGupta 2001
agresti-coull       Wald interval around (x + z²/2)/(n + z²), clipped to [0, 1]  Agresti & Coull 1998
wald                p̂ ∓ z √(p̂(1−p̂)/n), clipped to [0, 1]                        (for comparison only)
=================== ============================================================ ==========================

The paper's ORR, 23 of 33 = 70% (95% CI, 51%–84%), is the Clopper–Pearson interval.

References
----------
Clopper CJ, Pearson ES. Biometrika 1934;26:404-413.  Wilson EB. JASA 1927;22:209-212.
Newcombe RG. Stat Med 1998;17:857-872.  Brown LD, Cai TT, DasGupta A. Stat Sci
2001;16:101-133.  Agresti A, Coull BA. Am Stat 1998;52:119-126.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from earlyphase.errors import DataError, OptionsError, describe_problem

__all__ = ["BINOMIAL_METHODS", "BinomialCI", "binomial_ci"]

BINOMIAL_METHODS: tuple[str, ...] = (
    "clopper-pearson",
    "wilson",
    "wilson-cc",
    "jeffreys",
    "agresti-coull",
    "wald",
)


@dataclass(frozen=True, eq=False)
class BinomialCI:
    """Proportion estimate with confidence limits.

    ``x``, ``n``, ``estimate``, ``lower`` and ``upper`` are floats for scalar input and
    numpy arrays (broadcast shape of ``x`` and ``n``) for array input.  The object unpacks
    like a tuple ``(estimate, lower, upper)``.
    """

    x: Any
    n: Any
    estimate: Any
    lower: Any
    upper: Any
    method: str
    level: float

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.estimate, self.lower, self.upper))

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: x, n, estimate, lower, upper, method, level (one row per proportion)."""
        return pd.DataFrame(
            {
                "x": np.ravel(self.x),
                "n": np.ravel(self.n),
                "estimate": np.ravel(self.estimate),
                "lower": np.ravel(self.lower),
                "upper": np.ravel(self.upper),
                "method": self.method,
                "level": self.level,
            }
        )


def _as_counts(values: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iufb":
        raise DataError(describe_problem(name, values, "whole-number counts"))
    arr = arr.astype(np.float64)
    bad = ~np.isfinite(arr) | (arr < 0) | (arr != np.floor(arr))
    if bad.any():
        v = arr.ravel()[np.flatnonzero(bad.ravel())[0]]
        raise DataError(describe_problem(name, float(v), "a whole number >= 0"))
    return arr


def binomial_ci(
    x: ArrayLike, n: ArrayLike, method: str = "clopper-pearson", level: float = 0.95
) -> BinomialCI:
    """Confidence interval for x successes out of n, vectorised over ``x`` and ``n``.

    Parameters
    ----------
    x, n : int or array_like of int
        Successes and trials (broadcast together); 0 ≤ x ≤ n, n ≥ 1.
    method : str
        One of :data:`BINOMIAL_METHODS` (module docstring); default Clopper–Pearson.
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    BinomialCI
        Unpacks as ``(estimate, lower, upper)``.

    Examples
    --------
    >>> est, lo, hi = binomial_ci(23, 33)
    >>> f"{est:.0%} ({lo:.0%}-{hi:.0%})"
    '70% (51%-84%)'
    """
    if method not in BINOMIAL_METHODS:
        raise OptionsError(
            describe_problem("method", method, "one of " + ", ".join(BINOMIAL_METHODS))
        )
    try:
        lvl = float(level)
    except (TypeError, ValueError):
        lvl = float("nan")
    if not 0.0 < lvl < 1.0:
        raise OptionsError(describe_problem("level", level, "a number in (0, 1), e.g. 0.95"))
    xs = _as_counts(x, "x")
    ns = _as_counts(n, "n")
    try:
        xs, ns = np.broadcast_arrays(xs, ns)
    except ValueError:
        raise DataError(
            describe_problem("x/n", f"shapes {xs.shape} and {ns.shape}", "broadcastable shapes")
        ) from None
    if (ns < 1).any():
        raise DataError(describe_problem("n", float(ns[ns < 1].ravel()[0]), "at least 1 trial"))
    if (xs > ns).any():
        i = np.flatnonzero((xs > ns).ravel())[0]
        raise DataError(
            describe_problem("x", f"{xs.ravel()[i]:.0f} of n={ns.ravel()[i]:.0f}", "0 <= x <= n")
        )
    alpha = 1.0 - lvl
    from scipy.special import ndtri  # lazy: scipy costs ~0.5 s to import

    z = float(ndtri(1.0 - alpha / 2.0))
    p = xs / ns
    lower, upper = _limits(method, xs, ns, p, alpha, z)
    scalar = np.ndim(x) == 0 and np.ndim(n) == 0

    def out(a: NDArray[np.float64]) -> Any:
        return float(a) if scalar else a

    return BinomialCI(out(xs), out(ns), out(p), out(lower), out(upper), method, lvl)


def _limits(
    method: str,
    x: NDArray[np.float64],
    n: NDArray[np.float64],
    p: NDArray[np.float64],
    alpha: float,
    z: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    from scipy.stats import beta  # lazy: scipy.stats costs ~0.5 s to import

    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "clopper-pearson":
            lower = np.where(x > 0, beta.ppf(alpha / 2, x, n - x + 1), 0.0)
            upper = np.where(x < n, beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
        elif method == "jeffreys":
            lower = np.where(x > 0, beta.ppf(alpha / 2, x + 0.5, n - x + 0.5), 0.0)
            upper = np.where(x < n, beta.ppf(1 - alpha / 2, x + 0.5, n - x + 0.5), 1.0)
        elif method == "wilson":
            centre = (x + z**2 / 2) / (n + z**2)
            half = z * np.sqrt(n) / (n + z**2) * np.sqrt(p * (1 - p) + z**2 / (4 * n))
            lower, upper = np.maximum(centre - half, 0.0), np.minimum(centre + half, 1.0)
            # exact at the boundaries (the formula leaves ~1e-18 of rounding noise)
            lower = np.where(x == 0, 0.0, lower)
            upper = np.where(x == n, 1.0, upper)
        elif method == "wilson-cc":
            lower, upper = _wilson_cc(x, n, p, z)
        elif method == "agresti-coull":
            n_t = n + z**2
            p_t = (x + z**2 / 2) / n_t
            half = z * np.sqrt(p_t * (1 - p_t) / n_t)
            lower, upper = np.maximum(p_t - half, 0.0), np.minimum(p_t + half, 1.0)
        else:  # wald
            half = z * np.sqrt(p * (1 - p) / n)
            lower, upper = np.maximum(p - half, 0.0), np.minimum(p + half, 1.0)
    return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


def _wilson_cc(
    x: NDArray[np.float64], n: NDArray[np.float64], p: NDArray[np.float64], z: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Continuity-corrected score interval as R ``prop.test(correct = TRUE)`` computes it.

    R applies the correction ``YATES = min(0.5, |x - n p0|)`` with p0 = 0.5 (the default null)
    and the limits are the roots of the corrected score equation (Newcombe 1998, method 4).
    """
    yates = np.minimum(0.5, np.abs(x - n * 0.5))
    z22n = z**2 / (2 * n)
    p_c = p + yates / n
    p_u = np.where(
        p_c >= 1,
        1.0,
        (p_c + z22n + z * np.sqrt(np.maximum(p_c * (1 - p_c) / n + z22n / (2 * n), 0)))
        / (1 + 2 * z22n),
    )
    p_c = p - yates / n
    p_l = np.where(
        p_c <= 0,
        0.0,
        (p_c + z22n - z * np.sqrt(np.maximum(p_c * (1 - p_c) / n + z22n / (2 * n), 0)))
        / (1 + 2 * z22n),
    )
    return np.maximum(p_l, 0.0), np.minimum(p_u, 1.0)
