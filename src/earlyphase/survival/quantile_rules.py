"""Where a step curve crosses a probability: the median and quartile conventions.

A Kaplan–Meier curve is a step function, so "the time where Ŝ(t) = 0.5" needs a rule when
the curve jumps over 0.5 (easy: the jump time) or is flat at exactly 0.5 over [t_a, t_b)
(hard).  Four rules are in use (see ``docs/statistics.md``):

``"midpoint"`` (default; R ``survival`` ``quantile.survfit`` / ``print.survfit``)
    The horizontal line at 1 − p touches the curve over an interval → its midpoint.  When
    the flat part runs to the end of follow-up, t_b is the last observed time (even if
    censored).  Implemented exactly like ``survival:::findq`` (tolerance
    ``sqrt(.Machine$double.eps)``).
``"sas"`` (SAS PROC LIFETEST)
    ½·(inf{t: Ŝ(t) < 1 − p} + inf{t: Ŝ(t) ≤ 1 − p}); not estimable (NaN) when Ŝ never goes
    strictly below 1 − p, so a curve flat at 0.5 until the last observation has no median.
``"first"`` (lifelines)
    inf{t: Ŝ(t) ≤ 1 − p}: the start of a flat segment.
``"strict"`` (statsmodels ``SurvfuncRight.quantile``)
    inf{t: Ŝ(t) < 1 − p}: the end of a flat segment.

Confidence limits of a quantile (Brookmeyer & Crowley 1982, generalised to the transform
``g`` of the pointwise limits as in SAS and R) are the same rule applied to the lower and
upper pointwise bands: ``{t : lower(t) ≤ 1 − p ≤ upper(t)}``.

References
----------
Brookmeyer R, Crowley J. A confidence interval for the median survival time.
Biometrics 1982;38:29-41.
Klein JP, Moeschberger ML. Survival Analysis, 2nd ed. Springer 2003, section 4.5.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["QUANTILE_RULES", "TOLERANCE", "crossing_time"]

QUANTILE_RULES: tuple[str, ...] = ("midpoint", "sas", "first", "strict")
#: R's ``sqrt(.Machine$double.eps)``: values closer than this count as equal to 1 − p.
TOLERANCE = float(np.sqrt(np.finfo(np.float64).eps))


def crossing_time(
    times: NDArray[np.float64],
    curve: NDArray[np.float64],
    p: float,
    *,
    rule: str = "midpoint",
    last_time: float,
    start_time: float = 0.0,
    tol: float = TOLERANCE,
) -> float:
    """Time at which the step curve ``curve`` (a survival probability) falls to ``1 - p``.

    Parameters
    ----------
    times : ndarray
        Increasing times at which the curve takes the values ``curve`` (right-continuous).
    curve : ndarray
        Survival values; NaN entries (undefined confidence limits) are ignored, as R does.
    p : float
        Probability of the event-time distribution, F = 1 − S (0.5 = median,
        0.25 = first quartile = time when Ŝ falls to 0.75).
    rule : {"midpoint", "sas", "first", "strict"}
        See the module docstring.
    last_time : float
        Largest observed time (event or censored); the end of a final flat segment.
    start_time : float
        Origin of the curve (Ŝ = 1 there).

    Returns
    -------
    float
        The crossing time, NaN when not reached / not estimable.
    """
    x = np.concatenate(([start_time], np.asarray(times, dtype=np.float64)))
    y = np.concatenate(([0.0], 1.0 - np.asarray(curve, dtype=np.float64)))
    if rule == "midpoint":
        return _findq_r(x, y, p, tol, last_time)
    valid = ~np.isnan(y)
    x, y = x[valid], y[valid]
    if p == 0:
        return float(x[0])
    reached = np.flatnonzero(y >= p - tol)  # Ŝ ≤ 1 − p
    below = np.flatnonzero(y > p + tol)  # Ŝ < 1 − p
    if rule == "first":
        return float(x[reached[0]]) if reached.size else float("nan")
    if rule == "strict":
        return float(x[below[0]]) if below.size else float("nan")
    if rule == "sas":
        if not below.size:
            return float("nan")
        return 0.5 * float(x[reached[0]] + x[below[0]])
    raise ValueError(rule)  # pragma: no cover - validated by callers


def _findq_r(
    x: NDArray[np.float64], y: NDArray[np.float64], p: float, tol: float, xmax: float
) -> float:
    """Port of the behaviour of R ``survival:::findq`` (survival 3.x) for one probability.

    ``y`` is F = 1 − S with a leading 0 at ``x[0]``.  Duplicated values keep their first
    occurrence; NaN values are then ignored; the lookup is R's
    ``approx(y ± tol, seq_along(y), p, method = "constant", f = 1)``, which sorts by value,
    so it also works for non-monotone confidence bands.
    """
    if np.all(np.isnan(y)) or np.nanmax(y) < p:
        return float("nan")
    _, first = np.unique(y, return_index=True)  # NaNs: np.unique keeps one (equal_nan)
    keep = np.sort(first)
    x, y = x[keep], y[keep]
    last_y = y[-1]
    finite = ~np.isnan(y)
    positions = np.flatnonzero(finite)
    values = y[finite]
    order = np.argsort(values, kind="stable")
    sorted_values, sorted_pos = values[order], positions[order]

    def lookup(shift: float) -> int | None:
        v = sorted_values + shift
        if p < v[0] or p > v[-1]:
            return None
        k = int(np.searchsorted(v, p, side="left"))
        return int(sorted_pos[k])

    i1 = lookup(tol)
    i2 = lookup(-tol)
    if p == 0:
        return float(x[0])
    if not np.isnan(last_y) and abs(p - last_y) < tol:
        return float("nan") if i1 is None else 0.5 * float(x[i1] + xmax)
    if i1 is None or i2 is None:
        return float("nan")
    return 0.5 * float(x[i1] + x[i2])
