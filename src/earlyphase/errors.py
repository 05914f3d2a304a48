"""One exception hierarchy for the whole toolkit.

Every error message names the offending field, the value seen and what was expected,
so that a user can fix the input without reading a traceback.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "EarlyphaseError",
    "ProtocolError",
    "DataError",
    "OptionsError",
    "DesignError",
    "describe_problem",
]


def describe_problem(field: str, value: Any, expected: str) -> str:
    """Format the standard 'field / value / expected' message used by every error.

    Parameters
    ----------
    field : str
        Name (or path) of the offending field, e.g. ``"dose_levels[1].drugs[0].dose"``.
    value : Any
        The value that was seen.
    expected : str
        What was expected instead, in words.
    """
    return f"{field}: got {value!r}; expected {expected}"


class EarlyphaseError(Exception):
    """Base class of every error raised on purpose by earlyphase."""


class ProtocolError(EarlyphaseError):
    """A protocol file or object is malformed or inconsistent."""


class DataError(EarlyphaseError, ValueError):
    """Input data (patients, labs, concentrations, SDTM/ADaM) are malformed or impossible."""


class OptionsError(EarlyphaseError, ValueError):
    """An option passed to a function or design is outside its allowed values."""


class DesignError(EarlyphaseError, ValueError):
    """Outcomes or settings that break a dose-finding design's grammar or rules."""
