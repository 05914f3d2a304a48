"""The table-layout builder: columns split by a subject variable, rows built by analyses.

Example (adverse events by system organ class and preferred term)::

    from earlyphase.report.layout import TableLayout, CountSubjects, NestedCounts

    layout = (
        TableLayout("ae_soc_pt", "Adverse Events by System Organ Class and Preferred Term")
        .split_columns_by("TRT01AN", label_var="TRT01A", key_prefix="DL")
        .add(CountSubjects("any", "Any adverse event"))
        .add(NestedCounts(("AEBODSYS", "AEDECOD")))
        .footnote("Patients counted once per row.")
    )
    result = layout.build(adsl_safety, records=adae)   # a TableResult

The layout is immutable: every method returns a new layout, so one base layout can be
extended into several tables.  The idea follows rtables (``basic_table() |>
split_cols_by() |> analyze()``) and Tplyr, written from their documented behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, describe_problem
from earlyphase.report.layout.analyses import Analysis, Cell, Record, Where
from earlyphase.report.layout.columns import OVERALL_KEY, Column, ColumnSplit
from earlyphase.report.spec import ColumnSpec, RowSpec, TableResult, TableSpec, tidy

__all__ = ["SubColumn", "TableLayout"]


#: ADaM population flags and their names (ADaM IG 1.3, ADSL subject-level flags)
_POPULATIONS = {
    "SAFFL": "Safety population",
    "EFFFL": "Response-evaluable population",
    "ITTFL": "Intent-to-treat population",
    "FASFL": "Full analysis set",
    "PPROTFL": "Per-protocol population",
    "PKFL": "PK population",
}


@dataclass(frozen=True)
class SubColumn:
    """A column nested under each split column: records kept by ``where`` (e.g. grade >= 3).

    The denominator stays the split column's population N.
    """

    key: str
    header: str
    where: Where | None = None


@dataclass(frozen=True)
class TableLayout:
    """An immutable description of a table; :meth:`build` computes a :class:`TableResult`."""

    table_id: str
    title: str
    split: ColumnSplit | None = None
    columns_source: Callable[[pd.DataFrame], list[Column]] | None = None
    subcolumns: tuple[SubColumn, ...] = ()
    analyses: tuple[Analysis, ...] = ()
    footnotes: tuple[str, ...] = ()
    stub_header: str = ""
    pct_decimals: int = 0
    population_flag: str | None = None
    population_name: str = ""
    notes: tuple[str, ...] = ()

    # -- building the layout -------------------------------------------------------------
    def split_columns_by(
        self,
        var: str,
        *,
        label_var: str | None = None,
        key_prefix: str = "",
        order: Sequence[object] | None = None,
        span: str = "",
        overall: str | None = "Overall",
    ) -> TableLayout:
        """Columns by the values of a subject-level variable (plus an overall column)."""
        split = ColumnSplit(
            var, label_var, key_prefix, tuple(order) if order is not None else None, span, overall
        )
        return replace(self, split=split, columns_source=None)

    def columns_from(self, source: Callable[[pd.DataFrame], list[Column]]) -> TableLayout:
        """Columns from a function of the population (e.g. protocol-defined arms)."""
        return replace(self, columns_source=source, split=None)

    def split_columns_within(self, *subcolumns: SubColumn) -> TableLayout:
        """Nest record-filtered sub-columns under every column (``any grade``, ``grade >= 3``)."""
        return replace(self, subcolumns=tuple(subcolumns))

    def population(self, flag: str | None, name: str = "") -> TableLayout:
        """Restrict the population to ``flag == "Y"`` (e.g. ``"SAFFL"``) when building;
        ``name`` is printed in page headers (default: the flag's ADaM name)."""
        return replace(self, population_flag=flag, population_name=name)

    def add(self, *analyses: Analysis) -> TableLayout:
        """Append row analyses (in display order)."""
        return replace(self, analyses=self.analyses + tuple(analyses))

    def footnote(self, *texts: str) -> TableLayout:
        return replace(self, footnotes=self.footnotes + tuple(texts))

    def note(self, *texts: str) -> TableLayout:
        """Analysis notes (repeated in the methods section)."""
        return replace(self, notes=self.notes + tuple(texts))

    def stub(self, header: str) -> TableLayout:
        return replace(self, stub_header=header)

    def percent_decimals(self, decimals: int) -> TableLayout:
        return replace(self, pct_decimals=int(decimals))

    # -- computing ----------------------------------------------------------------------
    def _columns(self, population: pd.DataFrame) -> list[Column]:
        if self.columns_source is not None:
            return self.columns_source(population)
        if self.split is not None:
            return self.split.columns(population)
        return [Column(OVERALL_KEY, "All", frozenset(population["USUBJID"]))]

    def _cells(self, population: pd.DataFrame, records: pd.DataFrame) -> list[Cell]:
        cells = []
        for column in self._columns(population):
            pop = population[population["USUBJID"].isin(column.subjects)]
            recs = records[records["USUBJID"].isin(column.subjects)]
            if not self.subcolumns:
                cells.append(Cell(column.key, column, pop, recs))
                continue
            for sub in self.subcolumns:
                mask = (
                    np.ones(len(recs), bool) if sub.where is None else np.asarray(sub.where(recs))
                )
                cells.append(Cell(f"{column.key}:{sub.key}", column, pop, recs[mask]))
        return cells

    def _column_specs(self, cells: Sequence[Cell]) -> tuple[ColumnSpec, ...]:
        if not self.subcolumns:
            return tuple(ColumnSpec(c.key, c.column.header(), c.column.span) for c in cells)
        headers = {s.key: s.header for s in self.subcolumns}
        return tuple(
            ColumnSpec(c.key, headers[c.key.rsplit(":", 1)[1]], c.column.header()) for c in cells
        )

    def build(self, population: pd.DataFrame, records: pd.DataFrame | None = None) -> TableResult:
        """Compute the table.

        Parameters
        ----------
        population : DataFrame
            One row per subject (``USUBJID`` plus the split variable): the denominators.
        records : DataFrame, optional
            Records analysed (events, lab values), keyed by ``USUBJID``; records of subjects
            outside the population are ignored.  Default: the population itself.
        """
        if "USUBJID" not in population.columns:
            raise DataError(describe_problem("population", "no USUBJID", "a USUBJID column"))
        if self.population_flag is not None:
            if self.population_flag not in population.columns:
                raise DataError(
                    describe_problem("population flag", self.population_flag, "a column")
                )
            population = population[population[self.population_flag] == "Y"]
        if population["USUBJID"].duplicated().any():
            dup = population.loc[population["USUBJID"].duplicated(), "USUBJID"].iloc[0]
            raise DataError(describe_problem("population USUBJID", dup, "one row per subject"))
        records = population if records is None else records
        if "USUBJID" not in records.columns:
            raise DataError(describe_problem("records", "no USUBJID", "a USUBJID column"))
        cells = self._cells(population, records)
        rec: list[Record] = []
        rows: list[RowSpec] = []
        for analysis in self.analyses:
            r, s = analysis.compute(cells, self.pct_decimals)
            rec += r
            rows += s
        spec = TableSpec(
            table_id=self.table_id,
            title=self.title,
            columns=self._column_specs(cells),
            rows=tuple(rows),
            stub_header=self.stub_header,
            footnotes=self.footnotes,
            population=self.population_name or _POPULATIONS.get(self.population_flag or "", ""),
        )
        return TableResult(tidy(rec), spec, notes=self.notes)
