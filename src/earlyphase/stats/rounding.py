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

This is the one rounding module of the package: the report tables, the PK summaries of the
command line and the published-versus-reproduced comparison all round and format through it,
so the same number prints the same everywhere. :func:`format_significant` prints significant
figures (SAS rounding on the decimal value: 20,250 to 3 figures is 20,300, where Python's
``round(20250, -2)`` gives 20,200), :func:`format_decimals` a fixed number of decimals.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from earlyphase.errors import OptionsError, describe_problem

__all__ = [
    "Rounding",
    "format_decimals",
    "format_significant",
    "round_decimal",
    "round_half_away",
    "significant_decimals",
]

#: ``"sas"``: half away from zero on the shortest decimal representation (SAS ``ROUND``);
#: ``"half-even"``: IEEE ties-to-even on the binary value (Python, numpy, R).
Rounding = Literal["sas", "half-even"]


def round_decimal(value: float, decimals: int, rounding: Rounding = "sas") -> Decimal:
    """``value`` rounded to ``decimals`` decimals (negative: tens, hundreds...) as a Decimal.

    ``rounding="sas"`` rounds the shortest decimal representation half away from zero;
    ``"half-even"`` rounds the exact binary value to even. ``value`` must be finite.
    """
    quantum = Decimal(1).scaleb(-decimals)
    if rounding == "sas":
        return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounding == "half-even":
        return Decimal(float(value)).quantize(quantum, rounding=ROUND_HALF_EVEN)
    raise OptionsError(describe_problem("rounding", rounding, "'sas' or 'half-even'"))


def significant_decimals(value: float, digits: int = 3, rounding: Rounding = "sas") -> int:
    """Decimals that keep ``digits`` significant figures of ``value`` once rounded.

    3 figures of 20,250 are hundreds (-2); of 6.3, hundredths (2). Rounding may add a digit
    (999.6 to 3 figures is 1,000, printed to the tens: -1). Zero and non-finite values: 0.
    """
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 1:
        raise OptionsError(describe_problem("digits", digits, "an integer >= 1"))
    if value == 0 or not math.isfinite(value):
        return 0
    exponent = math.floor(math.log10(abs(value)))
    decimals = int(digits) - 1 - exponent
    rounded = round_decimal(value, decimals, rounding)
    if rounded != 0 and math.floor(math.log10(abs(float(rounded)))) > exponent:
        decimals -= 1
    return decimals


def format_decimals(value: float, decimals: int, rounding: Rounding = "sas") -> str:
    """``value`` with exactly ``decimals`` decimals (SAS rounding by default); no ``-0``."""
    rounded = round_decimal(value, decimals, rounding)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:.{max(decimals, 0)}f}"


def format_significant(value: float, digits: int = 3, rounding: Rounding = "sas") -> str:
    """``value`` to ``digits`` significant figures, trailing zeros kept (``6.30``).

    Whole numbers of 10,000 and more get thousands separators (``20,300``; ``5400`` stays
    unseparated), as Table 3 of the reference paper prints them. ``value`` must be finite.
    """
    if value == 0:
        return "0"
    decimals = significant_decimals(value, digits, rounding)
    rounded = round_decimal(value, decimals, rounding)
    if decimals <= 0:
        integer = int(rounded)
        return f"{integer:,}" if abs(integer) >= 10_000 else str(integer)
    return f"{rounded:f}"


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
