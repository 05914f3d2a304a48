"""Eligibility: evaluate a protocol's criteria on baseline records, with unit conversion.

>>> import pandas as pd
>>> from earlyphase.protocol import load_protocol
>>> from earlyphase.eligibility import check_eligibility, eligibility_summary
"""

from earlyphase.eligibility.check import (
    ID_COLUMNS,
    RESULT_COLUMNS,
    check_eligibility,
    eligibility_summary,
)
from earlyphase.eligibility.variables import PLAUSIBLE, cockcroft_gault, resolve_variable

__all__ = [
    "ID_COLUMNS",
    "PLAUSIBLE",
    "RESULT_COLUMNS",
    "check_eligibility",
    "cockcroft_gault",
    "eligibility_summary",
    "resolve_variable",
]
