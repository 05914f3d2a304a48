"""Terminal elimination rate constant λz by the "best fit" rule, vectorised over profiles.

For each profile, unweighted least squares of ln C on t is fitted to the last k eligible
points for k = min_points, min_points + 1, ... (eligible: C > 0, after Cmax — Cmax itself only
for an IV bolus by default — and after the end of an infusion). Adjusted
R² = 1 - (1 - R²)(k - 1)/(k - 2). Among regressions with λz > 0 the one with the largest
adjusted R² is chosen, except that one with more points is preferred when its adjusted R² is
within ``tolerance`` (1e-4) of the largest (Phoenix WinNonlin "Best Fit"; PKNCA
``pk.calc.half.life`` differs only in taking the maximum over all regressions first —
``selection="pknca"``). Manual selection (``include`` mask) fits exactly the chosen points.

All regressions of all profiles come from reverse cumulative sums, so the cost is
O(profiles x samples).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LambdaZFit", "fit_lambda_z"]


@dataclass(frozen=True)
class LambdaZFit:
    """Per-profile λz regression (NaN where none was accepted)."""

    lambda_z: np.ndarray
    intercept: np.ndarray  # ln C predicted at t = 0
    n_points: np.ndarray
    t_first: np.ndarray
    t_last: np.ndarray
    r_squared: np.ndarray
    adj_r_squared: np.ndarray
    corr_xy: np.ndarray
    reason: np.ndarray


def _regressions(x, y, mask):
    """Sums of the regressions on the eligible points from each column to the end."""
    w = mask.astype(float)
    xs = np.where(mask, x, 0.0)
    ys = np.where(mask, y, 0.0)

    def rcum(a):
        return np.cumsum(a[:, ::-1], axis=1)[:, ::-1]

    k = rcum(w)
    sx, sy = rcum(xs), rcum(ys)
    sxx, sxy, syy = rcum(xs * xs), rcum(xs * ys), rcum(ys * ys)
    with np.errstate(divide="ignore", invalid="ignore"):
        mx, my = sx / k, sy / k
        vxx = sxx - sx * mx
        vxy = sxy - sx * my
        vyy = syy - sy * my
        slope = vxy / vxx
        ssres = np.maximum(vyy - slope * vxy, 0.0)
        r2 = np.where(vyy > 0, 1.0 - ssres / vyy, np.nan)
        adj = 1.0 - (1.0 - r2) * (k - 1.0) / (k - 2.0)
        corr = vxy / np.sqrt(vxx * vyy)
    return k, slope, my - slope * mx, r2, adj, corr


def fit_lambda_z(
    T: np.ndarray,
    C: np.ndarray,
    eligible: np.ndarray,
    manual: np.ndarray,
    has_manual: np.ndarray,
    min_points: int = 3,
    max_points: int | None = None,
    tolerance: float = 1e-4,
    selection: str = "winnonlin",
) -> LambdaZFit:
    """Best-fit λz for every row of ``T``/``C`` (see module docstring).

    ``eligible`` marks candidate points (already restricted to C > 0, after Cmax and after
    the end of infusion); ``manual`` marks user-chosen points of rows where ``has_manual``.
    """
    n, m = T.shape
    rows = np.arange(n)
    cand = np.where(has_manual[:, None], manual & (C > 0), eligible)
    # centre time and log-concentration on the last candidate for numerical stability
    last = np.where(cand, np.arange(m), -1).max(axis=1)
    t0 = np.where(last >= 0, T[rows, np.maximum(last, 0)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        logc = np.log(C)
    y0 = np.where(last >= 0, logc[rows, np.maximum(last, 0)], 0.0)
    x = T - t0[:, None]
    y = logc - y0[:, None]
    k, slope, icpt, r2, adj, corr = _regressions(x, y, cand)
    lam = -slope

    start_ok = cand.copy()
    if max_points is not None:
        start_ok &= (k <= max_points) | has_manual[:, None]
    # manual: exactly one regression = all chosen points (the first chosen column)
    first_manual = np.argmax(cand, axis=1)
    manual_col = np.zeros((n, m), bool)
    manual_col[rows, first_manual] = True
    start_ok &= np.where(has_manual[:, None], manual_col, k >= min_points)
    enough = start_ok & (k >= 2)
    # a manual 2-point fit has no adjusted R^2 but is accepted (PKNCA warns, WinNonlin allows)
    adj = np.where(has_manual[:, None] & (k == 2), 0.0, adj)
    with np.errstate(invalid="ignore"):
        positive = enough & (lam > 0) & np.isfinite(adj)
    if selection == "winnonlin":
        pool = positive
    else:
        pool = enough & np.isfinite(adj)
    adj_pool = np.where(pool, adj, -np.inf)
    best = adj_pool.max(axis=1)
    near = pool & (adj_pool >= best[:, None] - tolerance)
    if selection == "pknca":
        near &= positive
    # prefer more points = earlier starting column
    chosen = np.argmax(near, axis=1)
    ok = near.any(axis=1)

    reason = np.full(n, None, dtype=object)
    n_cand = cand.sum(axis=1)
    reason[~ok & (n_cand < min_points)] = (
        f"fewer than {min_points} positive concentrations eligible for lambda-z "
        "(after Cmax and after the end of infusion)"
    )
    reason[~ok & (n_cand >= min_points)] = "no terminal-phase regression with lambda-z > 0"
    reason[~ok & has_manual & (n_cand < 2)] = "fewer than 2 positive points chosen for lambda-z"

    def pick(a):
        return np.where(ok, a[rows, chosen], np.nan)

    return LambdaZFit(
        lambda_z=pick(lam),
        intercept=pick(icpt) + y0 + pick(lam) * t0,
        n_points=pick(k),
        t_first=pick(T),
        t_last=np.where(ok, t0, np.nan),
        r_squared=pick(r2),
        adj_r_squared=np.where(pick(k) > 2, pick(adj), np.nan),
        corr_xy=pick(corr),
        reason=reason,
    )
