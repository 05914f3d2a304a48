"""Helpers shared by the table modules: treatment columns, populations, requirement checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, describe_problem
from earlyphase.report._methods import binomial_ci
from earlyphase.report.spec import ColumnSpec

OVERALL = "OVERALL"
#: Spanning header over the arm columns (arms come from ADSL TRT01A/TRT01AN, any trial).
ARM_HEADER = "Treatment arm"


@dataclass(frozen=True)
class Group:
    """One column of a by-dose-level table: key, header and the subjects in it."""

    key: str
    label: str
    subjects: frozenset[str]

    @property
    def n(self) -> int:
        return len(self.subjects)

    def header(self) -> str:
        return f"{self.label} (n = {self.n})"


def require(adam: Mapping[str, pd.DataFrame], needs: Mapping[str, Sequence[str]]) -> None:
    """Raise :class:`DataError` listing every missing dataset or variable."""
    missing = missing_inputs(adam, needs)
    if missing:
        raise DataError(describe_problem("ADaM input", ", ".join(missing), "these to be present"))


def missing_inputs(
    adam: Mapping[str, pd.DataFrame], needs: Mapping[str, Sequence[str]]
) -> list[str]:
    """Names of missing datasets (``ADPP``) and variables (``ADSL.AGE``)."""
    out: list[str] = []
    for name, variables in needs.items():
        frame = adam.get(name)
        if frame is None:
            out.append(name)
            continue
        out.extend(f"{name}.{v}" for v in variables if v not in frame.columns)
    return out


def population(adsl: pd.DataFrame, flag: str | None) -> pd.DataFrame:
    """ADSL rows with ``flag == "Y"`` (all rows when the flag is None or absent)."""
    if flag is None or flag not in adsl.columns:
        return adsl
    return adsl[adsl[flag] == "Y"]


def groups(adsl: pd.DataFrame, *, overall: bool = True) -> list[Group]:
    """Arm columns ordered by ``TRT01AN`` (key ``DL<TRT01AN>``), then Overall.

    Subjects without an arm (missing ``TRT01AN``: screen failures, not assigned) are in no
    arm column but are counted in Overall.
    """
    out = []
    arms = adsl[["TRT01AN", "TRT01A"]].dropna(subset=["TRT01AN"]).drop_duplicates()
    arms = arms.sort_values("TRT01AN")
    if arms["TRT01AN"].duplicated().any():
        raise DataError(
            describe_problem("ADSL.TRT01A", sorted(arms["TRT01A"]), "one label per TRT01AN")
        )
    for number, label in arms.itertuples(index=False):
        ids = frozenset(adsl.loc[adsl["TRT01AN"] == number, "USUBJID"])
        out.append(Group(f"DL{float(number):g}", str(label), ids))
    if overall:
        out.append(Group(OVERALL, "Overall", frozenset(adsl["USUBJID"])))
    return out


def column_specs(grps: Sequence[Group], span: str = "") -> tuple[ColumnSpec, ...]:
    return tuple(ColumnSpec(g.key, g.header(), "" if g.key == OVERALL else span) for g in grps)


def yes(series: pd.Series) -> np.ndarray:
    """Boolean array: value is ``"Y"``."""
    return (series.astype("string").str.upper() == "Y").fillna(False).to_numpy(dtype=bool)


def count_pct(records: list, row: str, column: str, x: int, n: int) -> None:
    """Append n, pct (0-100) and denominator records."""
    records.append((row, column, "n", float(x)))
    records.append((row, column, "denom", float(n)))
    records.append((row, column, "pct", 100.0 * x / n if n else np.nan))


def count_pct_ci(records: list, row: str, column: str, x: int, n: int) -> None:
    """Append n, pct and denominator records (:func:`count_pct`) and the exact 95% CI of the
    rate (``lcl``/``ucl``, 0-100; Clopper-Pearson)."""
    count_pct(records, row, column, x, n)
    lo, hi = binomial_ci(x, n)
    records.append((row, column, "lcl", 100.0 * lo))
    records.append((row, column, "ucl", 100.0 * hi))
