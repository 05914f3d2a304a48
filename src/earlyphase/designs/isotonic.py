"""Weighted isotonic regression (pool-adjacent-violators), vectorised across trials.

Used for MTD selection in BOIN / Keyboard / mTPI-2 (Liu & Yuan 2015; the R package ``BOIN``
``select.mtd`` fits a non-decreasing curve to the per-dose DLT-rate estimates).
"""

from __future__ import annotations

import numpy as np

__all__ = ["pava", "isotonic_minmax"]


def pava(values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Non-decreasing weighted least-squares fit of a 1-D sequence (Ayer et al. 1955).

    Parameters
    ----------
    values : array of shape (k,)
    weights : array of shape (k,), positive; ones when omitted.

    Returns
    -------
    numpy.ndarray
        The fitted values: pooled blocks take the weighted mean of their members.
    """
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    block_mean: list[float] = []
    block_weight: list[float] = []
    block_size: list[int] = []
    for xi, wi in zip(x, w, strict=True):
        block_mean.append(float(xi))
        block_weight.append(float(wi))
        block_size.append(1)
        while len(block_mean) > 1 and block_mean[-2] > block_mean[-1]:
            wsum = block_weight[-2] + block_weight[-1]
            mean = (block_mean[-2] * block_weight[-2] + block_mean[-1] * block_weight[-1]) / wsum
            size = block_size[-2] + block_size[-1]
            del block_mean[-1], block_weight[-1], block_size[-1]
            block_mean[-1], block_weight[-1], block_size[-1] = mean, wsum, size
    return np.repeat(block_mean, block_size)


def isotonic_minmax(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted isotonic regression of many short sequences at once (rows are trials).

    Uses the max-min formula ``f_j = max_{i<=j} min_{k>=j} Av(i..k)`` (Barlow et al. 1972,
    Thm 1.4), where ``Av`` is the weighted average over positions ``i..k``.  Positions with
    zero weight are ignored (they do not change any average); their output is not meaningful.
    Equal to :func:`pava` row by row; cost O(rows * k^3), fast for dose counts.

    Parameters
    ----------
    values, weights : arrays of shape (rows, k)
    """
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    rows, k = x.shape
    cw = np.concatenate([np.zeros((rows, 1)), np.cumsum(w, axis=1)], axis=1)
    cwx = np.concatenate([np.zeros((rows, 1)), np.cumsum(w * x, axis=1)], axis=1)
    # avg[:, i, j] = weighted mean over positions i..j (i <= j)
    num = cwx[:, None, 1:] - cwx[:, :-1, None]
    den = cw[:, None, 1:] - cw[:, :-1, None]
    upper = np.triu(np.ones((k, k), dtype=bool))
    with np.errstate(invalid="ignore", divide="ignore"):
        avg = np.where(upper & (den > 0), num / np.where(den > 0, den, 1.0), np.nan)
    # min over k >= j for each (i, j): reverse cumulative nan-min along the last axis
    big = np.where(np.isnan(avg), np.inf, avg)
    min_right = np.minimum.accumulate(big[:, :, ::-1], axis=2)[:, :, ::-1]
    # keep i <= j only, then max over i
    min_right = np.where(upper, min_right, -np.inf)
    out = min_right.max(axis=1)
    return np.where(np.isfinite(out), out, np.nan)
