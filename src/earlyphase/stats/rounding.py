"""Rounding for display the way SAS does it: half away from zero, on the decimal value.

Python's built-in :func:`round` and :func:`numpy.round` round halves to even ("banker's
rounding"): ``round(0.5) == 0``, ``round(2.5) == 2``, ``np.round(0.125, 2) == 0.12``.
SAS ``ROUND(x, 0.01)``, Excel and most clinical-report conventions round halves away from
zero: 0.5 → 1, 2.5 → 3, −2.5 → −3, 0.125 → 0.13.

A second trap is binary floating point: ``2.675`` is stored as 2.67499999999999982236431605997495353221893310546875,
so ``floor(x * 100 + 0.5) / 100`` gives 2.67.  SAS's ROUND documentation promises the
result "closest to the decimal" value that a user typed; :func:`round_half_away` therefore
rounds the shortest decimal representation of the float (Python ``repr``), giving 2.68.
R's ``round(2.675, 2)`` gives 2.67 (R ≥ 4.0 rounds the binary value): report tables built
with R and SAS can differ in the last digit; this module follows SAS.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from earlyphase.errors import OptionsError, describe_problem

__all__ = ["round_half_away"]


def _round_one(value: float, quantum: Decimal) -> float:
    if not np.isfinite(value):
        return float(value)
    # ROUND_HALF_UP in decimal rounds halves away from zero (for either sign).
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def round_half_away(x: float | ArrayLike, digits: int = 0) -> Any:
    """Round to ``digits`` decimals, halves away from zero, as SAS ``ROUND`` does.

    Parameters
    ----------
    x : float or array_like
        Values; NaN and infinities pass through unchanged.
    digits : int
        Number of decimals (may be negative: ``digits=-1`` rounds to tens).

    Returns
    -------
    float or ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> round_half_away(2.5), round(2.5)
    (3.0, 2)
    >>> round_half_away(2.675, 2), round_half_away(-0.125, 2)
    (2.68, -0.13)
    """
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)):
        raise OptionsError(describe_problem("digits", digits, "an integer number of decimals"))
    quantum = Decimal(1).scaleb(-int(digits))
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        return _round_one(float(arr), quantum)
    flat = np.array([_round_one(v, quantum) for v in arr.ravel().tolist()], dtype=np.float64)
    return flat.reshape(arr.shape)
