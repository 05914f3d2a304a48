"""Checks shared by every survival routine: times, event indicators and groups.

Every problem raises :class:`earlyphase.errors.DataError` naming the field, the offending
value and what was expected, instead of letting a wrong number through.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from earlyphase.errors import DataError, OptionsError, describe_problem

__all__ = ["as_time_event", "check_level", "check_choice"]


def _first_bad(values: NDArray[Any], mask: NDArray[np.bool_]) -> tuple[int, Any]:
    index = int(np.flatnonzero(mask)[0])
    return index, values[index]


def as_time_event(
    time: ArrayLike,
    event: ArrayLike,
    *,
    time_name: str = "time",
    event_name: str = "event",
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Validate and convert survival times and event indicators.

    Parameters
    ----------
    time : array_like
        Non-negative, finite follow-up times.
    event : array_like
        1/``True`` = event observed, 0/``False`` = censored.  Any other value (2, NaN,
        ``"Y"``) is an error rather than a silent guess.
    time_name, event_name : str
        Names used in error messages (e.g. ``"AVAL"`` and ``"CNSR"`` from the CLI).

    Returns
    -------
    (time, event) : tuple of numpy arrays
        ``float64`` times and ``bool`` events of the same length.

    Raises
    ------
    DataError
        Empty input, length mismatch, non-numeric, NaN, infinite or negative times,
        event values other than 0/1/bool.
    """
    t_raw = np.asarray(time)
    e_raw = np.asarray(event)
    if t_raw.ndim != 1:
        t_raw = t_raw.reshape(-1) if t_raw.ndim == 0 else t_raw
    if t_raw.ndim != 1 or e_raw.ndim > 1:
        raise DataError(describe_problem(time_name, f"array of shape {t_raw.shape}", "a 1-D array"))
    e_raw = e_raw.reshape(-1)
    if t_raw.size == 0:
        raise DataError(describe_problem(time_name, "empty input", "at least one subject"))
    if t_raw.size != e_raw.size:
        raise DataError(
            describe_problem(
                f"{time_name}/{event_name}",
                f"lengths {t_raw.size} and {e_raw.size}",
                "one event indicator per time (equal lengths)",
            )
        )
    try:
        t = t_raw.astype(np.float64)
    except (TypeError, ValueError):
        bad = next((v for v in t_raw.tolist() if not _is_number(v)), t_raw[0])
        raise DataError(describe_problem(time_name, bad, "numeric times")) from None
    finite = np.isfinite(t)
    if not finite.all():
        i, v = _first_bad(t, ~finite)
        raise DataError(
            describe_problem(f"{time_name}[{i}]", float(v), "a finite, non-missing time")
        )
    if (t < 0).any():
        i, v = _first_bad(t, t < 0)
        raise DataError(describe_problem(f"{time_name}[{i}]", float(v), "a time >= 0"))
    return t, _as_event(e_raw, event_name)


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _as_event(e_raw: NDArray[Any], event_name: str) -> NDArray[np.bool_]:
    if e_raw.dtype == np.bool_:
        return e_raw.astype(bool)
    if e_raw.dtype.kind in "iuf":
        e = e_raw.astype(np.float64)
        ok = (e == 0) | (e == 1)
    else:  # object / strings: accept only genuine 0/1/bool values
        values = e_raw.tolist()
        ok = np.array(
            [
                isinstance(v, (bool, np.bool_, int, float, np.integer, np.floating)) and v in (0, 1)
                for v in values
            ],
            dtype=bool,
        )
        e = np.array([float(v) if ok_i else np.nan for v, ok_i in zip(values, ok, strict=True)])
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise DataError(
            describe_problem(
                f"{event_name}[{i}]",
                e_raw[i].item() if hasattr(e_raw[i], "item") else e_raw[i],
                "0 (censored) or 1 (event), or a bool",
            )
        )
    return e == 1


def check_level(level: float, name: str = "level") -> float:
    """Return ``level`` if it is a confidence level strictly between 0 and 1."""
    try:
        value = float(level)
    except (TypeError, ValueError):
        raise OptionsError(describe_problem(name, level, "a number in (0, 1), e.g. 0.95")) from None
    if not 0.0 < value < 1.0:
        raise OptionsError(describe_problem(name, level, "a number in (0, 1), e.g. 0.95"))
    return value


def check_choice(value: Any, choices: tuple[str, ...], name: str) -> str:
    """Return ``value`` if it is one of ``choices`` (an :class:`OptionsError` otherwise)."""
    if value not in choices:
        raise OptionsError(describe_problem(name, value, "one of " + ", ".join(map(repr, choices))))
    return str(value)
