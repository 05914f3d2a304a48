"""Row analyses of a layout: what each block of rows computes in every column.

Each analysis turns the data of one *cell* (the records and subjects of one column) into
statistics and says which rows show them.  Counts are subjects (``USUBJID``), each counted
once per row however many records they have; percentages use the column's population N
(rtables ``count_occurrences``/``summarize_vars``; Tplyr ``group_count``/``group_desc``).

All analyses are frozen dataclasses; ``where`` arguments are callables ``frame -> bool mask``
applied to the records (or, with ``data="population"``, to the population).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, OptionsError, describe_problem
from earlyphase.report._methods import describe
from earlyphase.report.layout.columns import Column
from earlyphase.report.spec import RowSpec

__all__ = [
    "Analysis",
    "Analyze",
    "Cell",
    "CountLevels",
    "CountSubjects",
    "Heading",
    "NestedCounts",
    "Record",
    "Summarize",
    "count_percent_template",
]

Record = tuple[str, str, str, float]
Where = Callable[[pd.DataFrame], "pd.Series | np.ndarray"]
Source = Literal["records", "population"]


def count_percent_template(pct_decimals: int = 0) -> str:
    """The ``n (%)`` cell template; see :mod:`earlyphase.report.display`."""
    return "{n} ({pct:" + str(int(pct_decimals)) + "})"


@dataclass(frozen=True)
class Cell:
    """The data of one table cell column: its column, population rows and records."""

    key: str
    column: Column
    population: pd.DataFrame
    records: pd.DataFrame

    @property
    def n(self) -> int:
        return self.column.n

    def frame(self, source: Source) -> pd.DataFrame:
        return self.population if source == "population" else self.records


def _mask(frame: pd.DataFrame, where: Where | None) -> np.ndarray:
    if where is None:
        return np.ones(len(frame), dtype=bool)
    mask = np.array(where(frame))  # a copy: callers combine masks in place
    if mask.dtype != bool or mask.shape != (len(frame),):
        raise OptionsError(
            describe_problem("where", f"{mask.dtype}{mask.shape}", "a boolean mask per row")
        )
    return mask


def _count(records: list[Record], row: str, cell: Cell, x: int) -> None:
    records.append((row, cell.key, "n", float(x)))
    records.append((row, cell.key, "denom", float(cell.n)))
    records.append((row, cell.key, "pct", 100.0 * x / cell.n if cell.n else np.nan))


def natural_key(value: object) -> tuple[object, ...]:
    """Sort key putting "C1D2" before "C1D15" (numbers compared as numbers)."""
    parts = re.split(r"(\d+)", str(value))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts if p)


def _equals(frame: pd.DataFrame, var: str, value: object) -> np.ndarray:
    """``frame[var] == value`` as a plain bool array (missing values compare False)."""
    return (frame[var] == value).fillna(False).to_numpy(dtype=bool)


def _subjects(frame: pd.DataFrame, mask: np.ndarray) -> int:
    return int(frame.loc[mask, "USUBJID"].nunique())


class Analysis:
    """Base of the row analyses: ``compute(cells, pct_decimals)`` -> (records, rows)."""

    def compute(
        self, cells: Sequence[Cell], pct_decimals: int
    ) -> tuple[list[Record], list[RowSpec]]:
        raise NotImplementedError


@dataclass(frozen=True)
class Heading(Analysis):
    """A section row (no numbers; bold in renderers, kept with the next row)."""

    label: str
    key: str = ""
    indent: int = 0

    def compute(self, cells, pct_decimals):  # type: ignore[no-untyped-def]
        return [], [RowSpec(self.key or f"heading:{self.label}", self.label, "", self.indent)]


@dataclass(frozen=True)
class CountSubjects(Analysis):
    """Subjects with at least one row meeting ``where``: n (%) of the column N."""

    key: str
    label: str
    where: Where | None = None
    data: Source = "records"
    indent: int = 0

    def compute(self, cells, pct_decimals):  # type: ignore[no-untyped-def]
        rec: list[Record] = []
        for cell in cells:
            frame = cell.frame(self.data)
            _count(rec, self.key, cell, _subjects(frame, _mask(frame, self.where)))
        tpl = count_percent_template(pct_decimals)
        return rec, [RowSpec(self.key, self.label, tpl, self.indent)]


@dataclass(frozen=True)
class CountLevels(Analysis):
    """A heading and one row per level of ``var``: subjects with that value, n (%).

    ``levels`` gives ``(value, label)`` pairs in display order (zero rows kept); default the
    sorted observed values.  ``missing_label`` adds a row for subjects with no value.
    """

    var: str
    label: str
    levels: tuple[tuple[object, str], ...] | None = None
    data: Source = "population"
    missing_label: str | None = None
    indent: int = 0

    def compute(self, cells, pct_decimals):  # type: ignore[no-untyped-def]
        frames = [c.frame(self.data) for c in cells]
        for frame in frames:
            if self.var not in frame.columns:
                raise DataError(describe_problem("variable", self.var, f"a column ({self.data})"))
        levels = self.levels
        if levels is None:
            seen = pd.concat([f[self.var] for f in frames]).dropna().unique()
            levels = tuple((v, str(v)) for v in sorted(seen, key=str))
        rec: list[Record] = []
        rows = [RowSpec(f"{self.var}", self.label, "", self.indent)]
        tpl = count_percent_template(pct_decimals)
        for value, text in levels:
            key = f"{self.var}={value}"
            for cell, frame in zip(cells, frames, strict=True):
                _count(rec, key, cell, _subjects(frame, _equals(frame, self.var, value)))
            rows.append(RowSpec(key, text, tpl, self.indent + 1))
        if self.missing_label is not None:
            key = f"{self.var}=<missing>"
            for cell, frame in zip(cells, frames, strict=True):
                _count(rec, key, cell, _subjects(frame, frame[self.var].isna().to_numpy()))
            rows.append(RowSpec(key, self.missing_label, tpl, self.indent + 1))
        return rec, rows


#: statistic rows of :class:`Summarize`: key -> (label, template with {d} = decimals)
_SUMMARY_ROWS = {
    "n": ("n", "{n}"),
    "mean_sd": ("Mean (SD)", "{mean:%(d1)s} ({sd:%(d2)s})"),
    "median": ("Median", "{median:%(d1)s}"),
    "q1_q3": ("Q1, Q3", "{q1:%(d1)s}, {q3:%(d1)s}"),
    "min_max": ("Min, max", "{min:%(d0)s}, {max:%(d0)s}"),
    "geomean_cv": ("Geometric mean (CV%)", "{geomean:%(d1)s} ({cv:1})"),
}


@dataclass(frozen=True)
class Summarize(Analysis):
    """A heading and one row per summary statistic of a numeric variable.

    ``decimals`` is the precision of the data: mean and median get one more, SD two more,
    min and max the same (the common TLF convention, e.g. PhUSE "Analysis and display of
    continuous data").  ``stats`` picks rows among n, mean_sd, median, q1_q3, min_max,
    geomean_cv.  One subject contributes one value (the first row per subject) when
    ``data="records"``.
    """

    var: str
    label: str
    decimals: int = 0
    stats: tuple[str, ...] = ("n", "mean_sd", "median", "min_max")
    data: Source = "population"
    where: Where | None = None
    indent: int = 0

    def compute(self, cells, pct_decimals):  # type: ignore[no-untyped-def]
        unknown = [s for s in self.stats if s not in _SUMMARY_ROWS]
        if unknown:
            raise OptionsError(
                describe_problem("stats", unknown[0], f"one of {list(_SUMMARY_ROWS)}")
            )
        rec: list[Record] = []
        for cell in cells:
            frame = cell.frame(self.data)
            if self.var not in frame.columns:
                raise DataError(describe_problem("variable", self.var, f"a column ({self.data})"))
            frame = frame[_mask(frame, self.where)].drop_duplicates("USUBJID")
            values = pd.to_numeric(frame[self.var], errors="coerce").to_numpy(dtype=float)
            stats = describe(values)
            finite = values[np.isfinite(values)]
            if finite.size:
                q1, q3 = np.quantile(finite, [0.25, 0.75], method="averaged_inverted_cdf")
                stats.update(q1=float(q1), q3=float(q3))
            for stat, value in stats.items():
                rec.append((self.var, cell.key, stat, float(value)))
        d = {"d0": self.decimals, "d1": self.decimals + 1, "d2": self.decimals + 2}
        rows = [RowSpec(f"{self.var}:heading", self.label, "", self.indent)]
        for stat in self.stats:
            label, tpl = _SUMMARY_ROWS[stat]
            rows.append(RowSpec(self.var, label, tpl % d, self.indent + 1))
        return rec, rows


@dataclass(frozen=True)
class NestedCounts(Analysis):
    """Subjects by nested levels of record variables (e.g. system organ class, then
    preferred term), each level sorted by decreasing count in ``sort_column`` (default the
    last column, usually "Overall"), ties alphabetically.

    Row keys are ``"VAR1=value"`` and ``"VAR1=value|VAR2=value"``.
    """

    vars: tuple[str, ...]
    where: Where | None = None
    sort: Literal["frequency", "alphabetical"] = "frequency"
    sort_column: str | None = None
    indent: int = 0
    label_case: Callable[[str], str] = field(default=lambda s: s)

    def _counts(self, cells: Sequence[Cell], path: tuple[tuple[str, object], ...]) -> dict:
        out = {}
        for cell in cells:
            frame = cell.records
            mask = _mask(frame, self.where)
            for var, value in path:
                mask = mask & _equals(frame, var, value)
            out[cell.key] = _subjects(frame, mask)
        return out

    def _levels(self, cells, path, depth):  # type: ignore[no-untyped-def]
        var = self.vars[depth]
        values: set[object] = set()
        for cell in cells:
            frame = cell.records
            mask = _mask(frame, self.where)
            for pvar, pvalue in path:
                mask = mask & _equals(frame, pvar, pvalue)
            values |= set(frame.loc[mask, var].dropna())
        sort_key = self.sort_column or cells[-1].key
        counted = [(v, self._counts(cells, (*path, (var, v)))) for v in values]
        if self.sort == "frequency":
            counted.sort(key=lambda vc: (-vc[1].get(sort_key, 0), str(vc[0])))
        else:
            counted.sort(key=lambda vc: natural_key(vc[0]))
        return var, counted

    def _walk(self, cells, path, depth, rec, rows, tpl):  # type: ignore[no-untyped-def]
        var, counted = self._levels(cells, path, depth)
        for value, counts in counted:
            new_path = (*path, (var, value))
            key = "|".join(f"{v}={x}" for v, x in new_path)
            for cell in cells:
                _count(rec, key, cell, counts[cell.key])
            rows.append(RowSpec(key, self.label_case(str(value)), tpl, self.indent + depth))
            if depth + 1 < len(self.vars):
                self._walk(cells, new_path, depth + 1, rec, rows, tpl)

    def compute(self, cells, pct_decimals):  # type: ignore[no-untyped-def]
        for var in self.vars:
            for cell in cells:
                if var not in cell.records.columns:
                    raise DataError(describe_problem("records variable", var, "a column"))
        rec: list[Record] = []
        rows: list[RowSpec] = []
        self._walk(cells, (), 0, rec, rows, count_percent_template(pct_decimals))
        return rec, rows


@dataclass(frozen=True)
class Analyze(Analysis):
    """Any statistic: ``fn(cell) -> {stat: value}`` shown by ``template`` (one row).

    The escape hatch for rows the other analyses do not cover (e.g. a median from a
    Kaplan–Meier fit); ``fn`` receives the :class:`Cell` (records, population, column).
    """

    key: str
    label: str
    fn: Callable[[Cell], Mapping[str, float]]
    template: str
    indent: int = 0

    def compute(self, cells, pct_decimals):  # type: ignore[no-untyped-def]
        rec: list[Record] = []
        for cell in cells:
            for stat, value in self.fn(cell).items():
                rec.append((self.key, cell.key, stat, float(value)))
        return rec, [RowSpec(self.key, self.label, self.template, self.indent)]
