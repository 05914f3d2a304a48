"""Units known to protocols: symbols, dimensions, conversion factors and column-name suffixes.

A protocol names a unit for every dose and every eligibility threshold; a unit outside this
registry is a :class:`~earlyphase.errors.ProtocolError`. Patient tables carry the unit in the
column name (``platelets_per_ul``, ``platelets_10e9_l``), following ``docs/data_conventions.md``
("units are explicit in column names and converted at the boundary"); :func:`column_suffix`
gives that suffix and :func:`convert` converts between units of the same dimension.

Molar units (``umol/L``) depend on the substance and are converted by the caller (for
creatinine 1 mg/dL = 88.42 umol/L, the factor used by admiral ``compute_egfr``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

__all__ = [
    "DOSE_UNITS",
    "UNITS",
    "Unit",
    "column_suffix",
    "convert",
    "convert_array",
    "normalize_unit",
]

#: Units in which a protocol may express a drug's dose.
DOSE_UNITS = ("mg/kg", "mg/m2", "mg")


@dataclass(frozen=True)
class Unit:
    """One unit: its symbol, its dimension and its size in the dimension's base unit."""

    symbol: str
    dimension: str
    factor: float
    suffix: str


def _units(*rows: tuple[str, str, float, str]) -> MappingProxyType[str, Unit]:
    return MappingProxyType({s: Unit(s, d, f, x) for s, d, f, x in rows})


#: symbol -> Unit. Base units: /uL, g/dL, mg/24h, mL/min, days, ms, years.
UNITS = _units(
    ("", "dimensionless", 1.0, ""),
    ("count", "count", 1.0, ""),
    ("grade", "grade", 1.0, ""),
    ("score", "score", 1.0, ""),
    ("%", "percent", 1.0, "pct"),
    ("years", "age", 1.0, "years"),
    ("days", "duration", 1.0, "days"),
    ("weeks", "duration", 7.0, "weeks"),
    ("hours", "duration", 1.0 / 24.0, "hours"),
    ("ms", "interval", 1.0, "ms"),
    ("/uL", "cell count", 1.0, "per_ul"),
    ("10^3/uL", "cell count", 1000.0, "10e3_ul"),
    ("10^9/L", "cell count", 1000.0, "10e9_l"),
    ("g/dL", "mass concentration", 1.0, "g_dl"),
    ("g/L", "mass concentration", 0.1, "g_l"),
    ("mg/dL", "mass concentration", 1e-3, "mg_dl"),
    ("mg/L", "mass concentration", 1e-4, "mg_l"),
    ("umol/L", "molar concentration", 1.0, "umol_l"),
    ("mg/24h", "urine excretion", 1.0, "mg_24h"),
    ("g/24h", "urine excretion", 1000.0, "g_24h"),
    ("mL/min", "clearance", 1.0, "ml_min"),
    ("xULN", "ratio to ULN", 1.0, "xuln"),
    ("mg/day", "dose rate", 1.0, "mg_day"),
    ("kg", "mass", 1.0, "kg"),
    ("cm", "length", 1.0, "cm"),
    ("m2", "area", 1.0, "m2"),
)

_ALIASES = {
    "µ": "u",
    "μ": "u",
    "²": "2",
    "×": "x",
    "x10^9/L": "10^9/L",
    "10e9/L": "10^9/L",
    "cells/uL": "/uL",
    "mm3": "uL",
    "mg/24 h": "mg/24h",
    "x ULN": "xULN",
    "year": "years",
    "day": "days",
    "week": "weeks",
}


def normalize_unit(symbol: str) -> str:
    """Return the registry spelling of ``symbol`` (``µL`` -> ``uL``, ``m²`` -> ``m2``).

    Unknown symbols are returned unchanged (the caller decides whether that is an error).
    """
    text = symbol.strip()
    if text not in UNITS:
        folded = {u.lower(): u for u in UNITS}
        text = folded.get(text.lower(), text)
    for old, new in _ALIASES.items():
        if old in text and old not in ("year", "day", "week"):
            text = text.replace(old, new)
    return _ALIASES.get(text, text)


def column_suffix(symbol: str) -> str:
    """Column-name suffix of a unit, e.g. ``"10^9/L"`` -> ``"10e9_l"``."""
    return UNITS[normalize_unit(symbol)].suffix


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` between two units of the same dimension.

    The result is rounded to 12 significant digits so that a value exactly at a threshold in
    one unit stays exactly at it in another (80 g/L is 8 g/dL, not 8.000000000000002).
    """
    a, b = UNITS[normalize_unit(from_unit)], UNITS[normalize_unit(to_unit)]
    if a.dimension != b.dimension:
        raise ValueError(
            f"cannot convert {a.symbol!r} ({a.dimension}) to {b.symbol!r} ({b.dimension})"
        )
    if a.factor == b.factor:
        return value
    out = value * a.factor / b.factor
    if not math.isfinite(out) or abs(out) < 1e-250:
        return out
    return round(out, 11 - int(math.floor(math.log10(abs(out)))))


def convert_array(values: npt.ArrayLike, from_unit: str, to_unit: str) -> npt.NDArray[np.float64]:
    """Vectorised :func:`convert` (same 12-significant-digit rounding; NaN stays NaN)."""
    a, b = UNITS[normalize_unit(from_unit)], UNITS[normalize_unit(to_unit)]
    if a.dimension != b.dimension:
        raise ValueError(
            f"cannot convert {a.symbol!r} ({a.dimension}) to {b.symbol!r} ({b.dimension})"
        )
    x = np.asarray(values, dtype=float)
    if a.factor == b.factor:
        return x.copy()
    out = x * a.factor / b.factor
    ok = np.isfinite(out) & (np.abs(out) > 1e-250)
    mags = np.zeros_like(out)
    mags[ok] = np.floor(np.log10(np.abs(out[ok])))
    scale = 10.0 ** (11 - mags)
    return np.where(ok, np.round(out * scale) / scale, out)
