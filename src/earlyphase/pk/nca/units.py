"""Units of NCA parameters derived from the input units.

Concentration units are ``mass/volume`` (``ng/mL``, ``ug/mL``, ``mg/L`` ...), amounts are masses
(``mg``). Clearance is converted to ``L/<time>`` and volumes to ``L`` when both units are known,
so ``CL = dose / AUC`` with dose in mg and AUC in ``h*ug/mL`` comes out in L/h (the factor is
applied to the value). Unknown units fall back to a composed string with factor 1.

Units are stored in ASCII (``ug/mL``, ``h*ug/mL``, as in ADaM ``AVALU``);
:func:`display_unit` writes one the way a PK table prints it (``μg/mL``, ``μg·h/mL``).
"""

from __future__ import annotations

__all__ = [
    "concentration_factor_to_mg_l",
    "dimensionless",
    "display_unit",
    "parameter_units",
    "volume_factor",
]

_MASS_IN_MG = {"ng": 1e-6, "ug": 1e-3, "µg": 1e-3, "μg": 1e-3, "mcg": 1e-3, "mg": 1.0, "g": 1e3}
_VOLUME_IN_L = {"ml": 1e-3, "dl": 0.1, "l": 1.0}
#: Units of a dimensionless value (accumulation ratios are stored with the unit "ratio").
_DIMENSIONLESS = frozenset({"", "1", "ratio"})
_DISPLAY_MASS = {"ug": "μg", "µg": "μg", "mcg": "μg"}
_SUPERSCRIPT = {"^2": "²", "^3": "³"}


def _split_conc(conc_unit: str) -> tuple[str, str] | None:
    parts = conc_unit.replace(" ", "").split("/")
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


def volume_factor(amount_unit: str, conc_unit: str) -> float | None:
    """Factor turning ``amount / conc`` (in the input units) into litres, or None if unknown."""
    split = _split_conc(conc_unit)
    if split is None:
        return None
    mass_c, vol_c = split
    amount = _MASS_IN_MG.get(amount_unit.strip())
    mass = _MASS_IN_MG.get(mass_c)
    vol = _VOLUME_IN_L.get(vol_c.lower())
    if amount is None or mass is None or vol is None:
        return None
    return amount / mass * vol


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
    """Factor turning a concentration in ``conc_unit`` (e.g. ``ng/mL``) into mg/L."""
    split = _split_conc(conc_unit)
    if split is None:
        return None
    mass = _MASS_IN_MG.get(split[0])
    vol = _VOLUME_IN_L.get(split[1].lower())
    if mass is None or vol is None:
        return None
    return mass / vol


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
    factors.sort(key=lambda f: f.split("^")[0] not in _MASS_IN_MG)  # stable: masses first
    shown = []
    for factor in factors:
        base, caret, power = factor.partition("^")
        base = _DISPLAY_MASS.get(base, base)
        shown.append(base + (_SUPERSCRIPT.get(caret + power, caret + power) if caret else ""))
    return "·".join(shown) + slash + bottom
