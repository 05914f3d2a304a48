"""Cohort outcomes in the phase 1 outcome-string grammar.

The grammar (Brock 2019, used by the R package ``escalation``): cohorts separated by
whitespace, each cohort a dose level (1-based integer) followed by one letter per patient,
``T`` for a dose-limiting toxicity (DLT) and ``N`` for none.  ``"1NNN 2NTN"`` means dose 1:
three patients without DLT, then dose 2: N, T, N.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from earlyphase.errors import DesignError, describe_problem

__all__ = ["Cohort", "Outcomes", "check_no_skip", "parse_outcomes"]

_COHORT = re.compile(r"^([0-9]+)([NTnt]+)$")


@dataclass(frozen=True)
class Cohort:
    """One cohort: the 1-based dose level and a DLT flag per patient."""

    dose: int
    dlt: tuple[bool, ...]
    token: str = ""

    @property
    def n(self) -> int:
        """Patients in the cohort."""
        return len(self.dlt)

    @property
    def n_dlt(self) -> int:
        """DLTs in the cohort."""
        return int(sum(self.dlt))


@dataclass(frozen=True)
class Outcomes:
    """A sequence of cohorts treated so far (possibly empty)."""

    cohorts: tuple[Cohort, ...]

    def n_per_dose(self, n_doses: int) -> np.ndarray:
        """Patients treated at each dose (length ``n_doses``)."""
        out = np.zeros(n_doses, dtype=np.int64)
        for c in self.cohorts:
            out[c.dose - 1] += c.n
        return out

    def dlt_per_dose(self, n_doses: int) -> np.ndarray:
        """DLTs observed at each dose (length ``n_doses``)."""
        out = np.zeros(n_doses, dtype=np.int64)
        for c in self.cohorts:
            out[c.dose - 1] += c.n_dlt
        return out

    @property
    def n_total(self) -> int:
        """Patients treated so far."""
        return sum(c.n for c in self.cohorts)

    def __str__(self) -> str:
        return " ".join(
            f"{c.dose}{''.join('T' if t else 'N' for t in c.dlt)}" for c in self.cohorts
        )


def check_no_skip(where: str, dose: int, highest_tried: int) -> None:
    """Raise :class:`DesignError` when 1-based ``dose`` skips an untried dose level.

    ``highest_tried`` is the 0-based highest dose treated so far (or the start dose); the
    next cohort may go at most one level above it.
    """
    if dose - 1 > highest_tried + 1:
        raise DesignError(
            describe_problem(
                where,
                f"dose {dose}",
                f"a dose no higher than {highest_tried + 2} (untried doses cannot be skipped)",
            )
        )


def _parse_string(text: str, n_doses: int | None) -> Outcomes:
    cohorts = []
    position = 0
    for index, match in enumerate(re.finditer(r"\S+", text)):
        token = match.group(0)
        position = match.start()
        parsed = _COHORT.match(token)
        where = f"outcomes cohort {index + 1} (token {token!r} at character {position + 1})"
        if parsed is None:
            raise DesignError(
                describe_problem(
                    where,
                    token,
                    "a dose level followed by one letter per patient, T = DLT, N = no DLT, "
                    "e.g. '1NNN 2NTN'",
                )
            )
        dose = int(parsed.group(1))
        if dose < 1 or (n_doses is not None and dose > n_doses):
            raise DesignError(
                describe_problem(where, dose, f"a dose level between 1 and {n_doses or 'K'}")
            )
        dlt = tuple(ch in "Tt" for ch in parsed.group(2))
        cohorts.append(Cohort(dose=dose, dlt=dlt, token=token))
    return Outcomes(tuple(cohorts))


def parse_outcomes(outcomes: Any, n_doses: int | None = None) -> Outcomes:
    """Read cohort outcomes from a string, a table or a sequence of ``(dose, dlt_flags)``.

    Parameters
    ----------
    outcomes : str, Outcomes, pandas.DataFrame or sequence
        ``"1NNN 2NTN"``; or a table with one row per patient and columns ``dose`` and ``dlt``
        (0/1) plus optionally ``cohort`` (rows of a cohort share its number; otherwise each run
        of consecutive rows at the same dose is one cohort); or ``[(1, "NNN"), (2, "NTN")]``.
    n_doses : int, optional
        Number of dose levels; dose levels outside ``1..n_doses`` are rejected.

    Raises
    ------
    DesignError
        Naming the offending cohort, token and character position.
    """
    if isinstance(outcomes, Outcomes):
        for c in outcomes.cohorts:
            if n_doses is not None and not 1 <= c.dose <= n_doses:
                raise DesignError(describe_problem("outcomes dose", c.dose, f"1..{n_doses}"))
        return outcomes
    if outcomes is None:
        return Outcomes(())
    if isinstance(outcomes, str):
        return _parse_string(outcomes, n_doses)
    if hasattr(outcomes, "columns"):
        return _parse_table(outcomes, n_doses)
    if isinstance(outcomes, Iterable):
        tokens = []
        for item in outcomes:
            if not (isinstance(item, Sequence) and len(item) == 2):
                raise DesignError(
                    describe_problem(
                        "outcomes item", item, "a pair (dose, 'NNT') or (dose, [0,0,1])"
                    )
                )
            dose, flags = item
            letters = flags if isinstance(flags, str) else "".join("T" if f else "N" for f in flags)
            tokens.append(f"{dose}{letters}")
        return _parse_string(" ".join(tokens), n_doses)
    raise DesignError(describe_problem("outcomes", outcomes, "a string such as '1NNN 2NTN'"))


def _parse_table(table: Any, n_doses: int | None) -> Outcomes:
    missing = {"dose", "dlt"} - set(table.columns)
    if missing:
        raise DesignError(
            describe_problem(
                "outcomes table columns", list(table.columns), "columns 'dose' and 'dlt'"
            )
        )
    doses = [int(d) for d in table["dose"].to_numpy()]
    dlts = [int(v) for v in table["dlt"].to_numpy()]
    for row, v in enumerate(dlts):
        if v not in (0, 1):
            raise DesignError(describe_problem(f"outcomes table row {row + 1} dlt", v, "0 or 1"))
    keys = list(table["cohort"].to_numpy()) if "cohort" in table.columns else None
    tokens: list[str] = []
    prev: Any = object()
    for row, (dose, v) in enumerate(zip(doses, dlts, strict=True)):
        key = keys[row] if keys is not None else dose
        if not tokens or key != prev:
            tokens.append(str(dose))
        elif keys is not None and not tokens[-1].startswith(str(dose)):
            raise DesignError(
                describe_problem(
                    f"outcomes table row {row + 1} dose", dose, "the dose of its cohort"
                )
            )
        tokens[-1] += "T" if v else "N"
        prev = key
    return _parse_string(" ".join(tokens), n_doses)
