"""MTD selection of the interval designs (R ``BOIN`` 2.7.2 ``select.mtd``).

Isotonic (PAVA) estimates of the DLT rate over the admissible doses, the dose closest to the
target selected; :func:`select_mtd` does it for many simulated trials at once and
:func:`select_mtd_scalar` for one trial with a plain PAVA (the independent check, and the
estimates shown in a decision's reasons).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from earlyphase.designs._rows import distinct_rows
from earlyphase.designs.isotonic import isotonic_minmax, pava

if TYPE_CHECKING:
    from earlyphase.designs.interval import IntervalRules

__all__ = ["select_mtd", "select_mtd_scalar"]


def select_mtd(rules: IntervalRules, n: np.ndarray, y: np.ndarray) -> np.ndarray:
    """MTD selection of BOIN ``select.mtd`` for rows of (n, y); 0 = no MTD, else 1-based dose.

    Doses are eliminated from the first dose with ``y >= eliminate_ge[n]`` upwards (and all of
    them under ``extrasafe`` when dose 1 crosses the stricter boundary).  Among treated,
    non-eliminated doses, the Beta(0.05, 0.05) posterior means ``(y+0.05)/(n+0.1)`` are made
    non-decreasing by PAVA with weights 1/variance; ``j * 1e-10`` is added to the j-th
    admissible estimate, so that among pooled doses the higher one wins below the target and
    the lower one above it; the estimate closest to the target is selected (lowest dose on
    exact ties).  With ``bound_mtd`` only doses with estimate <= lambda_d qualify.

    Simulated trials share few final states (about 2,000 of 20,000 BOIN trials with 5 doses),
    so beyond 64 rows the selection is made once per distinct state.
    """
    n = np.atleast_2d(n).astype(np.int64)
    y = np.atleast_2d(y).astype(np.int64)
    if n.shape[0] > 64:
        first, inverse = distinct_rows(n, y)
        return _select(rules, n[first], y[first])[inverse]
    return _select(rules, n, y)


def _select(rules: IntervalRules, n: np.ndarray, y: np.ndarray) -> np.ndarray:
    rows, k = n.shape
    over = (n >= 3) & (y >= rules.eliminate_ge[n])
    first = np.where(over.any(axis=1), np.argmax(over, axis=1), k)
    elim = np.arange(k)[None, :] >= first[:, None]
    if rules.extrasafe:
        elim |= ((n[:, 0] >= 3) & (y[:, 0] >= rules.extrasafe_ge[n[:, 0]]))[:, None]
    adm = (n > 0) & ~elim
    none = elim[:, 0] | ~adm.any(axis=1)
    yf = y.astype(float)
    nf = n.astype(float)
    phat = (yf + 0.05) / (nf + 0.1)
    var = (yf + 0.05) * (nf - yf + 0.05) / ((nf + 0.1) ** 2 * (nf + 1.1))
    w = np.where(adm, 1.0 / var, 0.0)
    iso = isotonic_minmax(phat, w) + np.cumsum(adm, axis=1) * 1e-10
    cand = adm.copy()
    if rules.bound_mtd and rules.lambda_d is not None:
        cand &= iso <= rules.lambda_d
    dist = np.where(cand, np.abs(iso - rules.target), np.inf)
    chosen = np.argmin(dist, axis=1) + 1
    return np.where(none | ~cand.any(axis=1), 0, chosen)


def select_mtd_scalar(rules: IntervalRules, n: np.ndarray, y: np.ndarray) -> tuple[int, np.ndarray]:
    """One trial's MTD by a plain PAVA (the independent check of :func:`select_mtd`)."""
    k = n.size
    elim = np.zeros(k, dtype=bool)
    for j in range(k):
        if n[j] >= 3 and y[j] >= rules.eliminate_ge[n[j]]:
            elim[j:] = True
            break
    if rules.extrasafe and n[0] >= 3 and y[0] >= rules.extrasafe_ge[n[0]]:
        elim[:] = True
    iso_all = np.full(k, np.nan)
    if elim[0] or n[~elim].sum() == 0:
        return 0, iso_all
    idx = np.nonzero((n > 0) & ~elim)[0]
    ya, na = y[idx].astype(float), n[idx].astype(float)
    phat = (ya + 0.05) / (na + 0.1)
    var = (ya + 0.05) * (na - ya + 0.05) / ((na + 0.1) ** 2 * (na + 1.1))
    iso = pava(phat, 1.0 / var)
    iso_all[idx] = iso
    iso = iso + np.arange(1, idx.size + 1) * 1e-10
    if rules.bound_mtd and rules.lambda_d is not None:
        keep = iso <= rules.lambda_d
        if not keep.any():
            return 0, iso_all
        idx, iso = idx[keep], iso[keep]
    return int(idx[np.argmin(np.abs(iso - rules.target))]) + 1, iso_all
