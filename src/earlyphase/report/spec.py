"""Table results and their layout specifications.

A table is two things kept apart (the rtables/Tplyr idea): a :class:`TableResult` holding the
unrounded numbers in tidy form (one row per table row x column x statistic) and a
:class:`TableSpec` saying how to lay them out (title, column headers, row labels, cell
templates, footnotes, rounding rule).  Numbers are rounded only when a cell is rendered.

Cell templates use placeholders ``{stat}`` or ``{stat:fmt}`` where ``fmt`` is

* ``N``   -- ``N`` decimals (``{pct:0}`` -> ``33``), rounding per :attr:`TableSpec.rounding`;
* ``Ng``  -- at most ``N`` decimals, trailing zeros dropped (``{median:1g}`` -> ``2.5``, ``3``);
* ``Ns``  -- ``N`` significant figures, thousands separated from 10,000 (``{mean:3s}``);
* empty   -- integers as integers, other values with 2 decimals.

A statistic present but missing (NaN) renders as :attr:`TableSpec.missing_text` ("NE", not
estimable); a cell with no statistics at all renders as :attr:`TableSpec.empty_text` ("—").
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from earlyphase.errors import OptionsError, describe_problem
from earlyphase.stats.rounding import (
    Rounding,
    format_decimals,
    format_significant,
    round_decimal,
)

__all__ = [
    "ColumnSpec",
    "DisplayTable",
    "RowSpec",
    "TableResult",
    "TableSpec",
    "format_number",
    "render_template",
    "sas_round",
]

_PLACEHOLDER = re.compile(r"\{(\w+)(?::([^}]*))?\}")
TIDY_COLUMNS = ("row", "column", "stat", "value")


def sas_round(value: float, decimals: int = 0) -> float:
    """Round half away from zero on the shortest decimal representation (SAS ``ROUND``).

    SAS ``ROUND(x, 0.1)`` rounds a value that *prints* as ``2.25`` to ``2.3`` although the
    binary double is slightly below 2.25; Python's :func:`round` gives ``2.2`` (IEEE binary
    value, ties to even). Delegates to :func:`earlyphase.stats.rounding.round_decimal`.
    Reference: SAS 9.4 Functions and CALL Routines, ROUND function.
    """
    if not math.isfinite(value):
        return value
    return float(round_decimal(value, decimals, "sas"))


def format_number(value: float, fmt: str = "", rounding: Rounding = "sas") -> str:
    """Format one number by a template code (see module docstring).

    The rounding itself is :mod:`earlyphase.stats.rounding` (the package's one rounding module).
    """
    if fmt.endswith("s"):
        return format_significant(value, int(fmt[:-1] or 3), rounding)
    if fmt.endswith("g") and fmt[:-1].isdigit():
        text = format_number(value, fmt[:-1], rounding)
        return text.rstrip("0").rstrip(".") if "." in text else text
    if fmt == "":
        if float(value).is_integer():
            return str(int(value))
        fmt = "2"
    if not fmt.isdigit():
        raise OptionsError(describe_problem("format", fmt, "'', 'N' decimals or 'Ns' figures"))
    return format_decimals(value, int(fmt), rounding)


def render_template(
    template: str,
    stats: Mapping[str, float],
    *,
    rounding: Rounding = "sas",
    missing_text: str = "NE",
    empty_text: str = "—",
) -> str:
    """Fill a cell template with the statistics of one cell."""
    if not stats:
        return empty_text

    def replace(match: re.Match[str]) -> str:
        name, fmt = match.group(1), match.group(2) or ""
        if name not in stats:
            return missing_text
        value = stats[name]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return missing_text
        return format_number(float(value), fmt, rounding)

    return _PLACEHOLDER.sub(replace, template)


@dataclass(frozen=True)
class ColumnSpec:
    """One data column: its key in the tidy data, header text and optional spanning header."""

    key: str
    header: str
    span: str = ""


@dataclass(frozen=True)
class RowSpec:
    """One row: key in the tidy data, label, cell template (empty = section heading).

    ``column_templates`` overrides the template for named columns: ``(("ORR", "{n} ({pct:0})"),)``.
    """

    key: str
    label: str
    template: str = ""
    indent: int = 0
    column_templates: tuple[tuple[str, str], ...] = ()

    def template_for(self, column: str) -> str:
        return dict(self.column_templates).get(column, self.template)


@dataclass(frozen=True)
class TableSpec:
    """Layout of a table, independent of its numbers."""

    table_id: str
    title: str
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...]
    stub_header: str = ""
    span_header: str = ""
    footnotes: tuple[str, ...] = ()
    rounding: Rounding = "sas"
    missing_text: str = "NE"
    empty_text: str = "—"
    #: text of an "n (%)" cell whose count is zero (the paper prints "0"); None keeps "0 (0)"
    zero_count_text: str | None = "0"


@dataclass(frozen=True)
class DisplayTable:
    """A table laid out as text, ready for any renderer."""

    table_id: str
    title: str
    span_headers: tuple[tuple[str, int], ...]
    headers: tuple[str, ...]
    stub_header: str
    body: tuple[tuple[str, int, bool, tuple[str, ...]], ...]
    footnotes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """The displayed text as a DataFrame (first column: row labels with indentation)."""
        records = [
            [("    " * indent) + label, *cells] for label, indent, _section, cells in self.body
        ]
        return pd.DataFrame(records, columns=[self.stub_header or " ", *self.headers])


@dataclass(frozen=True)
class TableResult:
    """Unrounded numbers of one table plus its layout.

    Attributes
    ----------
    data : pandas.DataFrame
        Tidy: ``row``, ``column``, ``stat``, ``value`` (float, unrounded).
    spec : TableSpec
        How to lay the numbers out.
    notes : tuple of str
        Analysis notes (populations, exclusions) repeated in the methods section.
    """

    data: pd.DataFrame
    spec: TableSpec
    notes: tuple[str, ...] = field(default=())

    @property
    def table_id(self) -> str:
        return self.spec.table_id

    def to_frame(self) -> pd.DataFrame:
        """Tidy unrounded numbers with the table id (snake_case columns)."""
        frame = self.data.loc[:, list(TIDY_COLUMNS)].copy()
        frame.insert(0, "table_id", self.spec.table_id)
        return frame.reset_index(drop=True)

    @cached_property
    def _index(self) -> dict[tuple[str, str, str], float]:
        cols = self.data.loc[:, list(TIDY_COLUMNS)]
        return {(r, c, s): float(v) for r, c, s, v in cols.itertuples(index=False)}

    def value(self, row: str, column: str, stat: str) -> float:
        """One unrounded number; ``KeyError`` if absent."""
        try:
            return self._index[(row, column, stat)]
        except KeyError:
            raise KeyError((self.spec.table_id, row, column, stat)) from None

    def cell_stats(self) -> dict[tuple[str, str], dict[str, float]]:
        """Statistics grouped by (row, column)."""
        cells: dict[tuple[str, str], dict[str, float]] = {}
        for row, column, stat, value in self.data.loc[:, list(TIDY_COLUMNS)].itertuples(
            index=False
        ):
            cells.setdefault((row, column), {})[stat] = float(value)
        return cells

    @staticmethod
    def _cell(spec: TableSpec, template: str, stats: dict[str, float]) -> str:
        if spec.zero_count_text is not None and "{pct" in template and stats.get("n") == 0:
            return spec.zero_count_text
        return render_template(
            template,
            stats,
            rounding=spec.rounding,
            missing_text=spec.missing_text,
            empty_text=spec.empty_text,
        )

    def display(self, spec: TableSpec | None = None) -> DisplayTable:
        """Lay the numbers out by ``spec`` (default: the table's own spec)."""
        spec = spec or self.spec
        cells = self.cell_stats()
        body = []
        for row in spec.rows:
            if not row.template:
                body.append((row.label, row.indent, True, tuple("" for _ in spec.columns)))
                continue
            texts = tuple(
                self._cell(spec, row.template_for(col.key), cells.get((row.key, col.key), {}))
                for col in spec.columns
            )
            body.append((row.label, row.indent, False, texts))
        spans: list[tuple[str, int]] = []
        for col in spec.columns:
            if spans and spans[-1][0] == col.span:
                spans[-1] = (col.span, spans[-1][1] + 1)
            else:
                spans.append((col.span, 1))
        return DisplayTable(
            table_id=spec.table_id,
            title=spec.title,
            span_headers=tuple(spans) if any(c.span for c in spec.columns) else (),
            headers=tuple(c.header for c in spec.columns),
            stub_header=spec.stub_header,
            body=tuple(body),
            footnotes=spec.footnotes,
        )


def tidy(records: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """Build the tidy frame from ``(row, column, stat, value)`` tuples."""
    frame = pd.DataFrame(records, columns=list(TIDY_COLUMNS))
    frame["value"] = frame["value"].astype("float64")
    return frame
