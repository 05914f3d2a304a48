"""Units of NCA parameters derived from the input units.

Concentration units are ``mass/volume`` (``ng/mL``, ``ug/mL``, ``mg/L`` ...), amounts are masses
(``mg``). Clearance is converted to ``L/<time>`` and volumes to ``L`` when both units are known,
so ``CL = dose / AUC`` with dose in mg and AUC in ``h*ug/mL`` comes out in L/h (the factor is
applied to the value). Unknown units fall back to a composed string with factor 1. The factors
come from the one unit table, :mod:`earlyphase.units` (aliases such as ``mcg`` and ``µg``
included).

Units are stored in ASCII (``ug/mL``, ``h*ug/mL``, as in ADaM ``AVALU``);
:func:`display_unit` writes one the way a PK table prints it (``μg/mL``, ``μg·h/mL``).
"""

from __future__ import annotations

from earlyphase.errors import DataError
from earlyphase.units import UNITS, conversion_factor, normalize_unit

__all__ = [
    "concentration_factor_to_mg_l",
    "dimensionless",
    "display_unit",
    "parameter_units",
    "volume_factor",
]

#: Units of a dimensionless value (accumulation ratios are stored with the unit "ratio").
_DIMENSIONLESS = frozenset({"", "1", "ratio"})
_DISPLAY_MASS = {"ug": "μg", "µg": "μg", "mcg": "μg"}
_SUPERSCRIPT = {"^2": "²", "^3": "³"}


def _factor(from_unit: str, to_unit: str) -> float | None:
    """:func:`earlyphase.units.conversion_factor`, or None for an unknown or mismatched unit."""
    try:
        return conversion_factor(from_unit, to_unit)
    except DataError:
        return None


def volume_factor(amount_unit: str, conc_unit: str) -> float | None:
    """Factor turning ``amount / conc`` (in the input units) into litres, or None if unknown.

    ``amount / conc`` is in L once ``conc`` is expressed in ``<amount unit>/L``, so the factor
    is the registry factor from ``<amount unit>/L`` to ``conc_unit`` (mg and ng/mL: 1000).
    """
    if not amount_unit.strip():
        return None
    return _factor(f"{amount_unit.strip()}/L", conc_unit)


def parameter_units(time_unit: str, conc_unit: str, amount_unit: str) -> dict[str, str]:
    """Unit string of every unit kind of :mod:`earlyphase.pk.nca.parameters`."""
    known = volume_factor(amount_unit, conc_unit) is not None
    volume = "L" if known else (f"{amount_unit}/({conc_unit})" if amount_unit else "")
    t = time_unit
    return {
        "conc": conc_unit,
        "time": t,
        "auc": f"{t}*{conc_unit}" if conc_unit else "",
        "aumc": f"{t}^2*{conc_unit}" if conc_unit else "",
        "rate": f"1/{t}",
        "count": "",
        "ratio": "",
        "percent": "%",
        "clearance": f"{volume}/{t}" if volume else "",
        "volume": volume,
    }


def concentration_factor_to_mg_l(conc_unit: str) -> float | None:
    """Factor turning a concentration in ``conc_unit`` (e.g. ``ng/mL``) into mg/L, or None if
    ``conc_unit`` is not a mass concentration of :data:`earlyphase.units.UNITS`."""
    return _factor(conc_unit, "mg/L")


def _is_mass(factor: str) -> bool:
    """Whether one factor of a unit product (``ug``, ``h``) is a mass of the unit table."""
    try:
        return UNITS[normalize_unit(factor)].dimension == "mass"
    except (DataError, KeyError):
        return False


def dimensionless(unit: object) -> bool:
    """Whether ``unit`` (a stored unit such as ADaM ``AVALU``; None/NaN as "") is that of a
    dimensionless value: "", "1" or "ratio"."""
    text = unit.strip().lower() if isinstance(unit, str) else ""
    return text in _DIMENSIONLESS


def display_unit(unit: object) -> str:
    """``unit`` as a table prints it: "" when :func:`dimensionless`; ``ug``/``mcg`` as
    ``μg``; in a product the mass first and ``·`` between factors, powers as superscripts:
    ``ug/mL`` -> ``μg/mL``, ``h*ug/mL`` -> ``μg·h/mL``, ``h^2*ng/mL`` -> ``ng·h²/mL``;
    anything else (``h``, ``L/h``, ``%``) as it is."""
    if dimensionless(unit):
        return ""
    text = str(unit).strip()
    top, slash, bottom = text.partition("/")
    factors = top.split("*")
    factors.sort(key=lambda f: not _is_mass(f.split("^")[0]))  # stable: masses first
    shown = []
    for factor in factors:
        base, caret, power = factor.partition("^")
        base = _DISPLAY_MASS.get(base, base)
        shown.append(base + (_SUPERSCRIPT.get(caret + power, caret + power) if caret else ""))
    return "·".join(shown) + slash + bottom
