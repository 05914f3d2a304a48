"""Body-surface area (BSA) and plausibility checks on height and weight.

Formulas (height H in cm, weight W in kg, BSA in m2):

* Mosteller (1987): ``sqrt(H * W / 3600)``. Mosteller RD. Simplified calculation of
  body-surface area. N Engl J Med 1987;317:1098.
* DuBois & DuBois (1916): ``0.007184 * H**0.725 * W**0.425`` (71.84 cm2 constant). DuBois D,
  DuBois EF. A formula to estimate the approximate surface area if height and weight be known.
  Arch Intern Med 1916;17:863-871. (admiral writes it ``0.20247 * (H/100)**0.725 * W**0.425``;
  the two constants differ by 2e-5 relative.)
* Haycock (1978): ``0.024265 * H**0.3964 * W**0.5378``. Haycock GB, Schwartz GJ, Wisotsky DH.
  Geometric method for measuring body surface area. J Pediatr 1978;93:62-66.

Mosteller is the default (it is the formula most oncology pharmacies use; the isak-phase1b
paper does not name one).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from earlyphase.errors import DataError, OptionsError, describe_problem

__all__ = ["BSA_METHODS", "BsaMethod", "bsa", "check_body_size"]

BsaMethod = Literal["mosteller", "dubois", "haycock"]
BSA_METHODS: tuple[str, ...] = ("mosteller", "dubois", "haycock")

#: Plausible adult and paediatric ranges; outside them the value is almost surely a unit slip.
HEIGHT_RANGE_CM = (40.0, 272.0)
WEIGHT_RANGE_KG = (1.0, 650.0)


def _as_array(name: str, value: npt.ArrayLike) -> npt.NDArray[np.float64]:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise DataError(describe_problem(name, value, "a number or an array of numbers")) from None


def check_body_size(height_cm: npt.ArrayLike, weight_kg: npt.ArrayLike) -> None:
    """Raise :class:`DataError` for impossible heights or weights (missing values are allowed).

    A height below 3 is reported as "looks like metres"; a weight <= 0 as impossible.
    """
    h = _as_array("height_cm", height_cm)
    w = _as_array("weight_kg", weight_kg)
    for name, arr, (lo, hi), unit in (
        ("height_cm", h, HEIGHT_RANGE_CM, "centimetres"),
        ("weight_kg", w, WEIGHT_RANGE_KG, "kilograms"),
    ):
        flat = np.atleast_1d(arr).ravel()
        if np.any(np.isinf(flat)):
            raise DataError(
                describe_problem(name, float(flat[np.isinf(flat)][0]), f"a finite number of {unit}")
            )
        finite = flat[np.isfinite(flat)]
        bad = finite[(finite < lo) | (finite > hi)]
        if bad.size:
            value = float(bad[0])
            hint = ""
            if name == "height_cm" and 0 < value < 3:
                hint = " (the value looks like metres; multiply by 100)"
            elif value <= 0:
                hint = f" ({name.split('_')[0]} must be positive)"
            raise DataError(
                describe_problem(name, value, f"{unit} between {lo:g} and {hi:g}{hint}")
            )


def bsa(
    height_cm: npt.ArrayLike,
    weight_kg: npt.ArrayLike,
    method: BsaMethod | str = "mosteller",
) -> npt.NDArray[np.float64] | float:
    """Body-surface area in m2, vectorised over (broadcastable) arrays.

    Parameters
    ----------
    height_cm, weight_kg : float or array-like
        Height in centimetres and weight in kilograms. NaN gives NaN (admiral returns NA).
    method : {"mosteller", "dubois", "haycock"}
        Formula; see the module docstring for the references.

    Returns
    -------
    float or ndarray
        A float for scalar inputs, otherwise an array of the broadcast shape.

    Raises
    ------
    OptionsError
        Unknown method.
    DataError
        Impossible height or weight (negative, zero, or height in metres).

    Examples
    --------
    >>> round(bsa(180, 80), 6)
    2.0
    """
    key = str(method).lower().replace("-", "").replace("_", "").replace("&", "")
    if key == "duboisdubois":
        key = "dubois"
    if key not in BSA_METHODS:
        raise OptionsError(describe_problem("method", method, f"one of {list(BSA_METHODS)}"))
    h = _as_array("height_cm", height_cm)
    w = _as_array("weight_kg", weight_kg)
    check_body_size(h, w)
    if key == "mosteller":
        out = np.sqrt(h * w / 3600.0)
    elif key == "dubois":
        out = 0.007184 * h**0.725 * w**0.425
    else:
        out = 0.024265 * h**0.3964 * w**0.5378
    return float(out) if out.ndim == 0 else out
