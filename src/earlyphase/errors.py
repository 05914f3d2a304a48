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
    "FindingsError",
    "InputTypeError",
    "LimitError",
    "FileFormatError",
    "OutputError",
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


class ProtocolError(EarlyphaseError, ValueError):
    """A protocol file or object is malformed or inconsistent."""


class DataError(EarlyphaseError, ValueError):
    """Input data (patients, labs, concentrations, SDTM/ADaM) are malformed or impossible."""


class OptionsError(EarlyphaseError, ValueError):
    """An option passed to a function or design is outside its allowed values."""


class DesignError(EarlyphaseError, ValueError):
    """Outcomes or settings that break a dose-finding design's grammar or rules."""


class FindingsError(DataError):
    """Validation found errors in the input data and the run was not allowed to proceed.

    The findings were written (``validation.csv``); ``--allow-findings`` proceeds anyway.
    The command line exits 1, as ``earlyphase sdtm validate`` does when it finds errors.
    """


class InputTypeError(EarlyphaseError, TypeError):
    """An argument has the wrong type (a protocol given as a number, a seed given as text)."""


class LimitError(OptionsError):
    """A size (trials, patients, doses, cycles, grid cells, file bytes, nesting) is above its
    documented bound (:mod:`earlyphase.limits`); the message states the bound."""


class FileFormatError(DataError):
    """A file cannot be read as the format it claims: not UTF-8, not JSON/YAML/CSV/XPT, too
    deeply nested, too large, truncated. The message names the file and what was expected."""


class OutputError(EarlyphaseError, OSError):
    """An output cannot be written: the target folder is not empty and not earlier output of
    the same command, a parent is a file, the disk is full, permission is denied."""
