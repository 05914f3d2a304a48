"""Units of NCA parameters derived from the input units.

Concentration units are ``mass/volume`` (``ng/mL``, ``ug/mL``, ``mg/L`` ...), amounts are masses
(``mg``). Clearance is converted to ``L/<time>`` and volumes to ``L`` when both units are known,
so ``CL = dose / AUC`` with dose in mg and AUC in ``h*ug/mL`` comes out in L/h (the factor is
applied to the value). Unknown units fall back to a composed string with factor 1. The factors
come from the one unit table, :mod:`earlyphase.units` (aliases such as ``mcg`` and ``µg``
included).
"""

from __future__ import annotations

from earlyphase.errors import DataError
from earlyphase.units import conversion_factor

__all__ = ["parameter_units", "volume_factor", "concentration_factor_to_mg_l"]


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
