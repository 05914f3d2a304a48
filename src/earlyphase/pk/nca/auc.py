"""Trapezoid rules for AUC and AUMC, vectorised over profiles (rows) and segments (columns).

Per segment (t1, C1) -> (t2, C2), dt = t2 - t1 (Gabrielsson & Weiner, *Pharmacokinetic and
Pharmacodynamic Data Analysis*, 5th ed., sec. 2.8; Phoenix WinNonlin "Partial area
calculation"; PKNCA ``R/auc_integrate.R`` uses the same formulas):

* linear: AUC = dt (C1 + C2) / 2, AUMC = dt (t1 C1 + t2 C2) / 2
* log:    AUC = dt (C2 - C1) / ln(C2 / C1),
          AUMC = dt (t2 C2 - t1 C1) / ln(C2 / C1) - dt^2 (C2 - C1) / ln(C2 / C1)^2

The log rule is used under ``"lin-up/log-down"`` when C2 < C1 and C2 > 0; otherwise linear.
Interpolation inside a segment follows the same rule, so a clipped segment integrates to
exactly the part of the full segment's area.
"""

from __future__ import annotations

import numpy as np

__all__ = ["log_segments", "segment_auc", "segment_aumc", "interpolate", "window_auc"]


def log_segments(c1: np.ndarray, c2: np.ndarray, method: str) -> np.ndarray:
    """Boolean mask of segments integrated with the log rule."""
    if method == "linear":
        return np.zeros(np.shape(c1), bool)
    return (c2 < c1) & (c2 > 0)


def segment_auc(t1, c1, t2, c2, use_log) -> np.ndarray:
    """Area of each segment (NaN where an end is missing)."""
    dt = t2 - t1
    lin = dt * (c1 + c2) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        log = dt * (c2 - c1) / np.log(c2 / c1)
    return np.where(use_log, log, lin)


def segment_aumc(t1, c1, t2, c2, use_log) -> np.ndarray:
    """First-moment area of each segment."""
    dt = t2 - t1
    lin = dt * (t1 * c1 + t2 * c2) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.log(c2 / c1)
        log = dt * (t2 * c2 - t1 * c1) / k - dt * dt * (c2 - c1) / (k * k)
    return np.where(use_log, log, lin)


def interpolate(t, t1, c1, t2, c2, use_log) -> np.ndarray:
    """Concentration at ``t`` inside the segment, linear or log-linear."""
    frac = np.where(t2 > t1, (t - t1) / np.where(t2 > t1, t2 - t1, 1.0), 0.0)
    lin = c1 + frac * (c2 - c1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log = np.exp(np.log(c1) + frac * (np.log(c2) - np.log(c1)))
    return np.where(use_log, log, lin)


def window_auc(
    T: np.ndarray,
    C: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    method: str,
    lambda_z: np.ndarray,
    tlast: np.ndarray,
    clast_obs: np.ndarray,
    clast_pred: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AUC from ``start`` to ``end`` (per profile) with WinNonlin partial-area rules.

    Inside the data the end points are interpolated with the segment's rule; past the last
    sample the curve is ``Clast_pred * exp(-lambda_z (t - tlast))`` (Phoenix: "after the last
    numeric observation ... Y = exp(intercept - lambda_z t)"), joined to the observed Clast
    and integrated with the method's rule; it is 0 past a trailing zero.

    Returns
    -------
    auc, conc_at_end, needs_lambda_z : arrays
        ``needs_lambda_z`` is True where the end lies after tlast and λz was missing (the AUC
        is NaN there).
    """
    n, m = T.shape
    total = np.zeros(n)
    if m >= 2:
        t1, t2 = T[:, :-1], T[:, 1:]
        c1, c2 = C[:, :-1], C[:, 1:]
        use_log = log_segments(c1, c2, method)
        lo = np.maximum(t1, start[:, None])
        hi = np.minimum(t2, end[:, None])
        ok = ~np.isnan(c1) & ~np.isnan(c2) & (hi > lo)
        clo = interpolate(lo, t1, c1, t2, c2, use_log)
        chi = interpolate(hi, t1, c1, t2, c2, use_log)
        area = segment_auc(lo, clo, hi, chi, use_log & (clo > chi) & (chi > 0))
        total = np.where(ok, area, 0.0).sum(axis=1)
    valid = ~np.isnan(C)
    last_j = np.where(valid, np.arange(m), -1).max(axis=1)
    rows = np.arange(n)
    t_end_data = T[rows, np.maximum(last_j, 0)]
    c_end_data = C[rows, np.maximum(last_j, 0)]
    beyond = end > t_end_data
    tail_positive = beyond & (c_end_data > 0)
    s = np.maximum(start, tlast)
    with np.errstate(invalid="ignore", over="ignore"):
        c_s = np.where(s > tlast, clast_pred * np.exp(-lambda_z * (s - tlast)), clast_obs)
        c_e = clast_pred * np.exp(-lambda_z * (end - tlast))
    tail_log = log_segments(c_s, c_e, method)
    tail = segment_auc(s, c_s, end, c_e, tail_log)
    needs = tail_positive & ~(lambda_z > 0)
    total = np.where(tail_positive, total + tail, total)
    total = np.where(needs, np.nan, total)
    # concentration at `end`
    c_at_end = np.full(n, np.nan)
    if m >= 2:
        inside = (T[:, :-1] <= end[:, None]) & (end[:, None] <= T[:, 1:]) & ok_segment(C)
        j = np.argmax(inside, axis=1)
        has = inside.any(axis=1)
        t1j, t2j = T[rows, j], T[rows, j + 1]
        c1j, c2j = C[rows, j], C[rows, j + 1]
        c_int = interpolate(end, t1j, c1j, t2j, c2j, log_segments(c1j, c2j, method))
        c_at_end = np.where(has, c_int, c_at_end)
    exact = valid & (T == end[:, None])
    c_at_end = np.where(exact.any(axis=1), C[rows, np.argmax(exact, axis=1)], c_at_end)
    c_at_end = np.where(beyond, np.where(c_end_data > 0, c_e, 0.0), c_at_end)
    c_at_end = np.where(needs, np.nan, c_at_end)
    return total, c_at_end, needs


def ok_segment(C: np.ndarray) -> np.ndarray:
    """Segments whose two ends are present."""
    return ~np.isnan(C[:, :-1]) & ~np.isnan(C[:, 1:])
