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
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, describe_problem

__all__ = ["STANDARD_UNITS", "UNIT_FACTORS", "normalise_unit", "to_standard"]

_COUNT = MappingProxyType(
    {
        "10^9/l": 1.0,
        "10e9/l": 1.0,
        "x10^9/l": 1.0,
        "giga/l": 1.0,
        "10^3/ul": 1.0,
        "10^3/mm3": 1.0,
        "x10^3/ul": 1.0,
        "k/ul": 1.0,
        "thou/ul": 1.0,
        "/ul": 1e-3,
        "cells/ul": 1e-3,
        "/mm3": 1e-3,
        "cells/mm3": 1e-3,
        "10^6/l": 1e-3,
    }
)

#: Per test: accepted unit (normalised spelling) -> factor to the standard unit.
UNIT_FACTORS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "neutrophils": _COUNT,
        "platelets": _COUNT,
        "wbc": _COUNT,
        "lymphocytes": _COUNT,
        "hemoglobin": MappingProxyType({"g/l": 1.0, "g/dl": 10.0, "mmol/l": 16.114}),
        "creatinine": MappingProxyType({"umol/l": 1.0, "mg/dl": 88.42, "mmol/l": 1000.0}),
        "bilirubin": MappingProxyType({"umol/l": 1.0, "mg/dl": 17.104}),
        "alt": MappingProxyType({"u/l": 1.0, "iu/l": 1.0, "ukat/l": 60.0}),
        "ast": MappingProxyType({"u/l": 1.0, "iu/l": 1.0, "ukat/l": 60.0}),
    }
)

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


def normalise_unit(unit: object) -> str:
    """Lower-case a unit and unify the common spellings (µ/u, 10*9/10^9/10E9, spaces)."""
    if unit is None or (isinstance(unit, float) and np.isnan(unit)):
        return ""
    text = str(unit).strip().lower().replace(" ", "")
    text = text.replace("µ", "u").replace("μ", "u").replace("**", "^").replace("*", "^")
    text = text.replace("10e9", "10^9").replace("10e3", "10^3").replace("10e6", "10^6")
    if text.startswith("x10"):
        text = text[1:]
    text = text.replace("mm^3", "mm3").replace("cumm", "mm3")
    return text


def to_standard(test: str, units: pd.Series) -> np.ndarray:
    """Return the factor converting each row of ``units`` to the standard unit of ``test``.

    Raises
    ------
    DataError
        If a unit is not one of the accepted units of that test.
    """
    accepted = UNIT_FACTORS[test]
    normalised = units.map(normalise_unit)
    factors = normalised.map(accepted)
    bad = factors.isna()
    if bad.any():
        first = units[bad].iloc[0]
        raise DataError(
            describe_problem(
                f"unit (test {test!r})",
                first,
                f"one of {sorted(set(accepted))} (case-insensitive)",
            )
        )
    return factors.to_numpy(dtype=float)
