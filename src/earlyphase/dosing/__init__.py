"""Dosing: body-surface area, dose calculation, dosing calendars, modifications, dose intensity.

>>> from earlyphase.protocol import load_protocol
>>> from earlyphase.dosing import dosing_calendar
>>> cal = dosing_calendar(load_protocol("isak-phase1b"), "DL2", 80, 175, "2025-01-06", cycles=1)
>>> len(cal)
10
"""

from earlyphase.dosing.bsa import BSA_METHODS, bsa, check_body_size
from earlyphase.dosing.calendar import CALENDAR_COLUMNS, dosing_calendar
from earlyphase.dosing.dose import (
    DoseCalculation,
    DosingOptions,
    calculate_dose,
    dose_mg,
    round_dose,
)
from earlyphase.dosing.icalendar import calendar_to_ics, write_ics
from earlyphase.dosing.intensity import DoseIntensity, DoseIntensityResult, relative_dose_intensity
from earlyphase.dosing.modifications import DoseModification, reduced_dose

__all__ = [
    "BSA_METHODS",
    "CALENDAR_COLUMNS",
    "DoseCalculation",
    "DoseIntensity",
    "DoseIntensityResult",
    "DoseModification",
    "DosingOptions",
    "bsa",
    "calculate_dose",
    "calendar_to_ics",
    "check_body_size",
    "dose_mg",
    "dosing_calendar",
    "reduced_dose",
    "relative_dose_intensity",
    "round_dose",
    "write_ics",
]
