"""Laboratory unit conversion to the standard units of ``earlyphase.cdisc.terms.LB_TESTS``.

CTCAE grades haematology counts in 10^9/L (or /mm^3), haemoglobin in g/L (or g/dL, mmol/L),
and the chemistry terms relative to the upper limit of normal (ULN) or baseline, so every
value, normal limit and baseline is first converted to one standard unit per test.

Conversion factors
------------------
- counts: 1 /uL = 1 /mm^3 = 10^-3 x 10^9/L; 1 10^3/uL = 1 K/uL = 1 10^9/L; 1 10^6/L = 10^-3 x 10^9/L.
- haemoglobin: 1 g/dL = 10 g/L; 1 mmol/L (Hb monomer, 16,114 g/mol) = 16.114 g/L
  (CTCAE v4.03 gives 10.0 g/dL ~ 6.2 mmol/L ~ 100 g/L, consistent to rounding).
- creatinine: 1 mg/dL = 88.42 umol/L (molar mass 113.12 g/mol; the factor used by
  pharmaverse/admiral ``compute_egfr``).
- bilirubin: 1 mg/dL = 17.104 umol/L (molar mass 584.66 g/mol).
- ALT/AST: 1 U/L = 1 IU/L; 1 ukat/L = 60 U/L (1 katal = 6 x 10^7 U).

The spellings, dimensions and factors within a dimension come from the one unit table,
:mod:`earlyphase.units`; this module keeps only the clinical knowledge: the standard unit of
each test, the units each test accepts and the substances' molar masses.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, describe_problem
from earlyphase.units import UNITS, conversion_factor, normalize_unit

__all__ = ["ACCEPTED_UNITS", "STANDARD_UNITS", "SUBSTANCES", "UNIT_FACTORS", "to_standard"]

#: Standard unit per test (the LB_TESTS unit).
STANDARD_UNITS: Mapping[str, str] = MappingProxyType(
    {
        "neutrophils": "10^9/L",
        "platelets": "10^9/L",
        "wbc": "10^9/L",
        "lymphocytes": "10^9/L",
        "hemoglobin": "g/L",
        "creatinine": "umol/L",
        "bilirubin": "umol/L",
        "alt": "U/L",
        "ast": "U/L",
    }
)

_COUNTS = ("10^9/L", "10^3/uL", "/uL", "10^6/L")
_CATALYTIC = ("U/L", "ukat/L")

#: Per test: the units it accepts, as :data:`earlyphase.units.UNITS` symbols (every alias of
#: them is accepted too: K/uL, cells/mm3, x10^9/L, IU/L ...).
ACCEPTED_UNITS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "neutrophils": _COUNTS,
        "platelets": _COUNTS,
        "wbc": _COUNTS,
        "lymphocytes": _COUNTS,
        "hemoglobin": ("g/L", "g/dL", "mmol/L"),
        "creatinine": ("umol/L", "mg/dL", "mmol/L"),
        "bilirubin": ("umol/L", "mg/dL"),
        "alt": _CATALYTIC,
        "ast": _CATALYTIC,
    }
)

#: Per substance measured in both molar and mass units: ``(a, k, b)`` meaning 1 ``a`` = k ``b``.
SUBSTANCES: Mapping[str, tuple[str, float, str]] = MappingProxyType(
    {
        "hemoglobin": ("mmol/L", 16.114, "g/L"),  # Hb monomer, 16,114 g/mol
        "creatinine": ("mg/dL", 88.42, "umol/L"),  # 113.12 g/mol; admiral compute_egfr
        "bilirubin": ("mg/dL", 17.104, "umol/L"),  # 584.66 g/mol
    }
)


def _factor(test: str, unit: str) -> float:
    """Factor from ``unit`` to the standard unit of ``test``, through the substance's molar
    mass when the two are of different dimensions."""
    standard = STANDARD_UNITS[test]
    if UNITS[unit].dimension == UNITS[standard].dimension:
        return conversion_factor(unit, standard)
    a, k, b = SUBSTANCES[test]
    if UNITS[unit].dimension == UNITS[a].dimension:
        return conversion_factor(unit, a) * k * conversion_factor(b, standard)
    return conversion_factor(unit, b) / k * conversion_factor(a, standard)


#: Per test: accepted unit (registry symbol) -> factor to the standard unit.
UNIT_FACTORS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        test: MappingProxyType({u: _factor(test, u) for u in accepted})
        for test, accepted in ACCEPTED_UNITS.items()
    }
)


@lru_cache(maxsize=1024)
def _symbol_of(text: str) -> str | None:
    try:
        return normalize_unit(text)
    except DataError:
        return None


def _symbol(unit: object) -> str | None:
    """The registry symbol of a unit cell, or None (missing or unknown unit)."""
    if unit is None or (isinstance(unit, float) and np.isnan(unit)):
        return None
    return _symbol_of(str(unit))


def to_standard(test: str, units: pd.Series) -> np.ndarray:
    """Return the factor converting each row of ``units`` to the standard unit of ``test``.

    Raises
    ------
    DataError
        If a unit is not one of the accepted units of that test.
    """
    accepted = UNIT_FACTORS[test]
    factors = units.map(lambda u: accepted.get(_symbol(u) or "", np.nan)).astype(float)
    bad = factors.isna()
    if bad.any():
        first = units[bad].iloc[0]
        raise DataError(
            describe_problem(
                f"unit (test {test!r})",
                first,
                f"one of {list(ACCEPTED_UNITS[test])} (case-insensitive) or another "
                "spelling of one of them (K/uL, cells/mm3, x10^9/L, IU/L: earlyphase.units)",
            )
        )
    return factors.to_numpy(dtype=float)
