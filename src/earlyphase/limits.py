"""Documented upper bounds on sizes, and the checks that enforce them.

Every size a user can ask for (trials, patients, dose levels, cycles, grid cells, file bytes,
nesting depth) has one bound here, so that a typo such as ``-n 1e12`` is refused at once with the
bound in the message instead of hanging or running out of memory. The bounds are far above any
phase 1 need; they are listed in ``docs/errors.md``.

The check functions also refuse non-finite numbers (``nan``, ``inf``) and numbers outside a
documented range; they raise :class:`~earlyphase.errors.LimitError` (sizes above a bound) or
:class:`~earlyphase.errors.OptionsError` (everything else), both subclasses of ``ValueError``,
and :class:`~earlyphase.errors.InputTypeError` (a ``TypeError``) for a value of the wrong type.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from earlyphase.errors import InputTypeError, LimitError, OptionsError, describe_problem

__all__ = [
    "MAX_COHORT_SIZE",
    "MAX_CYCLES",
    "MAX_CYCLE_LENGTH_DAYS",
    "MAX_DOSES",
    "MAX_GRID_CELLS",
    "MAX_JSON_BYTES",
    "MAX_NESTING_DEPTH",
    "MAX_PATIENTS",
    "MAX_PK_SUBJECTS",
    "MAX_SEED",
    "MAX_TRIALS",
    "MAX_WORKERS",
    "MAX_YAML_BYTES",
    "MAX_YAML_NODES",
    "check_count",
    "check_number",
    "check_seed",
]

#: Virtual trials in one simulation (``design simulate -n``, ``twin simulate -n``, sweeps).
MAX_TRIALS = 1_000_000
#: Patients in one trial (maximum sample size, ``--max-n``, patients in a data set to simulate).
MAX_PATIENTS = 1_000
#: Patients in one cohort.
MAX_COHORT_SIZE = 100
#: Dose levels of one design or protocol.
MAX_DOSES = 50
#: Treatment cycles of a calendar or protocol.
MAX_CYCLES = 500
#: Days in one treatment cycle.
MAX_CYCLE_LENGTH_DAYS = 366
#: Cells (scenario x design x setting) of one sweep grid.
MAX_GRID_CELLS = 10_000
#: Virtual subjects of one PK simulation.
MAX_PK_SUBJECTS = 100_000
#: Local worker processes.
MAX_WORKERS = 256
#: Largest seed (seeds are 0 <= seed <= 2**63 - 1, what numpy and every RNG here accept).
MAX_SEED = 2**63 - 1
#: Bytes of a YAML file (protocol, scenario, grid).
MAX_YAML_BYTES = 10 * 2**20
#: YAML nodes after expanding every alias (a "billion laughs" file is refused).
MAX_YAML_NODES = 1_000_000
#: Bytes of a JSON file (Dataset-JSON, metadata sidecars).
MAX_JSON_BYTES = 2 * 2**30
#: Nesting depth of YAML and JSON documents.
MAX_NESTING_DEPTH = 64


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_count(field: str, value: Any, maximum: int, minimum: int = 1, what: str = "") -> int:
    """Check that ``value`` is a whole number in ``[minimum, maximum]``; return it as ``int``.

    Parameters
    ----------
    field : str
        Name shown in the message (``"n_trials"``, ``"--cycles"``).
    value : Any
        The value to check; floats with an integral value (``1e3``) are accepted.
    maximum, minimum : int
        Inclusive bounds; a value above ``maximum`` raises :class:`LimitError`.
    what : str
        Optional noun for the message (``"trials"``).

    Raises
    ------
    InputTypeError
        ``value`` is not a number (or is a bool).
    OptionsError
        ``value`` is not finite, not whole, or below ``minimum``.
    LimitError
        ``value`` is above ``maximum``.
    """
    noun = f" {what}" if what else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputTypeError(describe_problem(field, value, f"a whole number{noun}"))
    if not _is_int(value):
        fval = float(value)
        if not math.isfinite(fval) or not fval.is_integer():
            raise OptionsError(describe_problem(field, value, f"a whole number{noun}"))
        if fval > maximum:
            raise LimitError(
                describe_problem(field, value, f"at most {maximum:,}{noun} (the documented limit)")
            )
        value = int(fval)
    value = int(value)
    if value < minimum:
        raise OptionsError(describe_problem(field, value, f"at least {minimum}{noun}"))
    if value > maximum:
        raise LimitError(
            describe_problem(field, value, f"at most {maximum:,}{noun} (the documented limit)")
        )
    return value


def check_number(
    field: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Check that ``value`` is a finite real number within the given bounds; return it.

    Parameters
    ----------
    field : str
        Name shown in the message.
    value : Any
        The value to check.
    low, high : float, optional
        Bounds; ``low_open`` / ``high_open`` make them exclusive.

    Raises
    ------
    InputTypeError
        ``value`` is not a real number.
    OptionsError
        ``value`` is ``nan``/``inf`` or outside the bounds.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputTypeError(describe_problem(field, value, "a number"))
    fval = float(value)
    lo = "" if low is None else (f"> {low:g}" if low_open else f">= {low:g}")
    hi = "" if high is None else (f"< {high:g}" if high_open else f"<= {high:g}")
    rng = " and ".join(p for p in (lo, hi) if p)
    expected = f"a finite number {rng}".strip()
    if not math.isfinite(fval):
        raise OptionsError(describe_problem(field, value, expected))
    too_low = low is not None and (fval <= low if low_open else fval < low)
    too_high = high is not None and (fval >= high if high_open else fval > high)
    if too_low or too_high:
        raise OptionsError(describe_problem(field, value, expected))
    return fval


def check_seed(field: str, value: Any) -> int:
    """Check a random seed: a whole number ``0 <= seed <= 2**63 - 1`` (see :data:`MAX_SEED`)."""
    if isinstance(value, bool) or not _is_int(value):
        raise InputTypeError(describe_problem(field, value, "a whole number 0 <= seed < 2**63"))
    if not 0 <= int(value) <= MAX_SEED:
        raise OptionsError(describe_problem(field, value, "a whole number 0 <= seed < 2**63"))
    return int(value)
