"""The one unit table: symbols, dimensions, conversion factors, aliases and column suffixes.

Every unit the toolkit knows is a :class:`Unit` of :data:`UNITS`: its canonical symbol, its
dimension, its size in the base unit of that dimension and the suffix it takes in a column
name (``platelets_per_ul``, ``platelets_10e9_l``, following ``docs/data_conventions.md``:
"units are explicit in column names and converted at the boundary"). Protocols
(:mod:`earlyphase.protocol`), eligibility, laboratory grading (:mod:`earlyphase.clinical.units`)
and NCA (:mod:`earlyphase.pk.nca.units`) all convert through this table.

- :func:`normalize_unit` turns a spelling into the canonical symbol (``µg/mL`` -> ``ug/mL``,
  ``x10^9/L`` -> ``10^9/L``, ``K/uL`` -> ``10^3/uL``, ``cells/mm3`` -> ``/uL``,
  ``IU/L`` -> ``U/L``, case-insensitive, white space ignored) and raises
  :class:`~earlyphase.errors.DataError` for a unit it does not know;
- :func:`conversion_factor` gives the factor between two units of one dimension, rounded to
  15 significant digits so that decimal factors are exact (g/dL -> g/L is exactly 10.0);
- :func:`convert` / :func:`convert_array` convert values, rounded to 12 significant digits
  so that a value exactly at a threshold in one unit stays exactly at it in another
  (80 g/L is 8 g/dL, not 8.000000000000002).

Units of different dimensions never convert into each other here: molar and mass
concentrations depend on the substance (creatinine 1 mg/dL = 88.42 umol/L), which is
clinical knowledge kept in :mod:`earlyphase.clinical.units`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from earlyphase.errors import DataError, describe_problem

__all__ = [
    "DOSE_UNITS",
    "UNITS",
    "Unit",
    "column_suffix",
    "conversion_factor",
    "convert",
    "convert_array",
    "normalize_unit",
]


@dataclass(frozen=True)
class Unit:
    """One unit: its symbol, its dimension, its size in the dimension's base unit and the
    suffix it takes in a column name ("" where a column never carries it)."""

    symbol: str
    dimension: str
    factor: float
    suffix: str


def _significant(x: float, digits: int) -> float:
    """``x`` rounded to ``digits`` significant digits (0, inf and NaN unchanged)."""
    if not math.isfinite(x) or x == 0:
        return x
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


#: Masses in mg (the PK amount unit) and volumes in L, from which the mass concentrations
#: are generated (``ng/mL`` = 1e-6 mg / 1e-3 L = 1e-3 mg/L).
_MASSES = {"ng": 1e-6, "ug": 1e-3, "mg": 1.0, "g": 1e3}
_VOLUMES = {"mL": 1e-3, "dL": 0.1, "L": 1.0}


def _suffix(symbol: str) -> str:
    return symbol.lower().replace("/", "_")


def _mass_concentrations() -> list[tuple[str, str, float, str]]:
    """Every ``mass/volume`` of :data:`_MASSES` x :data:`_VOLUMES`, in mg/L."""
    return [
        (f"{m}/{v}", "mass concentration", _significant(mf / vf, 15), _suffix(f"{m}/{v}"))
        for m, mf in _MASSES.items()
        for v, vf in _VOLUMES.items()
    ]


def _table(rows: list[tuple[str, str, float, str]]) -> MappingProxyType[str, Unit]:
    units: dict[str, Unit] = {}
    for symbol, dimension, factor, suffix in rows:
        units.setdefault(symbol, Unit(symbol, dimension, factor, suffix))
    return MappingProxyType(units)


#: symbol -> Unit. Base units: 10^9/L (cell counts), mg/L (mass concentrations), umol/L,
#: U/L, mg, L, days, ms, years (age), mg/24h, mL/min, mg/day, cm, m2. The first rows keep
#: the order in which eligibility looks for ``<variable>_<suffix>`` columns.
UNITS = _table(
    [
        ("", "dimensionless", 1.0, ""),
        ("count", "count", 1.0, ""),
        ("grade", "grade", 1.0, ""),
        ("score", "score", 1.0, ""),
        ("%", "percent", 1.0, "pct"),
        ("years", "age", 1.0, "years"),
        ("days", "duration", 1.0, "days"),
        ("weeks", "duration", 7.0, "weeks"),
        ("hours", "duration", 1.0 / 24.0, "hours"),
        ("min", "duration", 1.0 / 1440.0, "min"),
        ("ms", "interval", 1.0, "ms"),
        ("/uL", "cell count", 1e-3, "per_ul"),
        ("10^3/uL", "cell count", 1.0, "10e3_ul"),
        ("10^9/L", "cell count", 1.0, "10e9_l"),
        ("10^6/L", "cell count", 1e-3, "10e6_l"),
        ("g/dL", "mass concentration", 1e4, "g_dl"),
        ("g/L", "mass concentration", 1e3, "g_l"),
        ("mg/dL", "mass concentration", 10.0, "mg_dl"),
        ("mg/L", "mass concentration", 1.0, "mg_l"),
        ("umol/L", "molar concentration", 1.0, "umol_l"),
        ("mmol/L", "molar concentration", 1e3, "mmol_l"),
        ("nmol/L", "molar concentration", 1e-3, "nmol_l"),
        ("U/L", "catalytic concentration", 1.0, "u_l"),
        ("ukat/L", "catalytic concentration", 60.0, "ukat_l"),
        ("mg/24h", "urine excretion", 1.0, "mg_24h"),
        ("g/24h", "urine excretion", 1000.0, "g_24h"),
        ("mL/min", "clearance", 1.0, "ml_min"),
        ("xULN", "ratio to ULN", 1.0, "xuln"),
        ("mg/day", "dose rate", 1.0, "mg_day"),
        ("kg", "mass", 1e6, "kg"),
        ("cm", "length", 1.0, "cm"),
        ("m2", "area", 1.0, "m2"),
        *[(m, "mass", f, m) for m, f in _MASSES.items()],
        *[(v, "volume", f, v.lower()) for v, f in _VOLUMES.items()],
        ("uL", "volume", 1e-6, "ul"),
        *_mass_concentrations(),
        ("mg/kg", "dose per body weight", 1.0, "mg_kg"),
        ("mg/m2", "dose per body surface area", 1.0, "mg_m2"),
    ]
)

#: Units in which a protocol may express a drug's dose.
DOSE_UNITS = ("mg/kg", "mg/m2", "mg")

#: Character spellings folded before lookup (the order matters: ``**`` before ``*``).
_CHARACTERS = (("µ", "u"), ("μ", "u"), ("²", "2"), ("³", "3"), ("×", "x"), ("**", "^"), ("*", "^"))

#: Lower-case fragments rewritten after the case-insensitive lookup failed.
_FRAGMENTS = (
    ("10e9", "10^9"),
    ("10e6", "10^6"),
    ("10e3", "10^3"),
    ("mm^3", "mm3"),
    ("cumm", "mm3"),
    ("mm3", "ul"),  # 1 mm^3 = 1 uL
    ("mcg", "ug"),
)

#: Lower-case whole spellings -> canonical symbol.
_ALIASES = MappingProxyType(
    {
        "cells/ul": "/uL",
        "k/ul": "10^3/uL",
        "thou/ul": "10^3/uL",
        "giga/l": "10^9/L",
        "iu/l": "U/L",
        "year": "years",
        "yr": "years",
        "yrs": "years",
        "day": "days",
        "d": "days",
        "week": "weeks",
        "wk": "weeks",
        "wks": "weeks",
        "hour": "hours",
        "h": "hours",
        "hr": "hours",
        "hrs": "hours",
        "minute": "min",
        "minutes": "min",
        "msec": "ms",
    }
)

_FOLDED = MappingProxyType({u.lower(): u for u in UNITS})
if len(_FOLDED) != len(UNITS):  # pragma: no cover - a table edit that breaks lookup
    raise AssertionError("two units of earlyphase.units.UNITS differ only in case")


def _canonical(text: str) -> str | None:
    if text in UNITS:
        return text
    folded = text.lower()
    if folded in _FOLDED:
        return _FOLDED[folded]
    if folded.startswith("x10"):  # x10^9/L
        folded = folded[1:]
    for old, new in _FRAGMENTS:
        folded = folded.replace(old, new)
    return _FOLDED.get(folded) or _ALIASES.get(folded)


def normalize_unit(unit: str) -> str:
    """The canonical symbol of ``unit`` (``µL`` -> ``uL``, ``g/dl`` -> ``g/dL``, ``m²`` -> ``m2``).

    Case-insensitive; white space is ignored; µ, μ and mcg are u; ``10*9``, ``10E9`` and
    ``x10^9`` are ``10^9``; mm3 is uL; ``K/uL`` is ``10^3/uL``; ``IU/L`` is ``U/L``.

    Raises
    ------
    DataError
        ``unit`` is not a unit of :data:`UNITS` nor an alias of one.
    """
    text = "".join(str(unit).split())
    for old, new in _CHARACTERS:
        text = text.replace(old, new)
    symbol = _canonical(text)
    if symbol is None:
        known = ", ".join(repr(u) for u in UNITS)
        raise DataError(describe_problem("unit", unit, f"a known unit (one of {known})"))
    return symbol


def _pair(from_unit: str, to_unit: str) -> tuple[Unit, Unit]:
    a, b = UNITS[normalize_unit(from_unit)], UNITS[normalize_unit(to_unit)]
    if a.dimension != b.dimension:
        raise DataError(
            f"cannot convert {a.symbol!r} ({a.dimension}) to {b.symbol!r} ({b.dimension}): "
            "the units measure different quantities"
        )
    return a, b


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Factor ``f`` with ``value in to_unit = f x value in from_unit``.

    Rounded to 15 significant digits, so that decimal factors are exact (``g/dL`` -> ``g/L``
    is 10.0, ``/uL`` -> ``10^9/L`` is 0.001).

    Raises
    ------
    DataError
        An unknown unit, or units of different dimensions ("cannot convert ...").
    """
    a, b = _pair(from_unit, to_unit)
    return 1.0 if a.factor == b.factor else _significant(a.factor / b.factor, 15)


def column_suffix(symbol: str) -> str:
    """Column-name suffix of a unit, e.g. ``"10^9/L"`` -> ``"10e9_l"``."""
    return UNITS[normalize_unit(symbol)].suffix


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` between two units of the same dimension.

    The result is rounded to 12 significant digits so that a value exactly at a threshold in
    one unit stays exactly at it in another (80 g/L is 8 g/dL, not 8.000000000000002).
    """
    factor = conversion_factor(from_unit, to_unit)
    if factor == 1.0:
        return value
    out = value * factor
    if not math.isfinite(out) or abs(out) < 1e-250:
        return out
    return round(out, 11 - int(math.floor(math.log10(abs(out)))))


def convert_array(values: npt.ArrayLike, from_unit: str, to_unit: str) -> npt.NDArray[np.float64]:
    """Vectorised :func:`convert` (same 12-significant-digit rounding; NaN stays NaN)."""
    factor = conversion_factor(from_unit, to_unit)
    x = np.asarray(values, dtype=float)
    if factor == 1.0:
        return x.copy()
    out = x * factor
    ok = np.isfinite(out) & (np.abs(out) > 1e-250)
    mags = np.zeros_like(out)
    mags[ok] = np.floor(np.log10(np.abs(out[ok])))
    scale = 10.0 ** (11 - mags)
    return np.where(ok, np.round(out * scale) / scale, out)
