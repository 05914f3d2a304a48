"""Column splits of a layout: which subjects make up each column of a table.

A column is a :class:`~earlyphase.report.tables._common.Group`-like triple (key, label,
subjects).  Its size ``n`` is the denominator of every percentage in that column, taken from
the *population* (subject-level data, e.g. ADSL restricted to a flag), never from the records
analysed (Tplyr ``set_pop_data``; rtables ``alt_counts_df``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from earlyphase.errors import DataError, describe_problem

__all__ = ["Column", "ColumnSplit"]

OVERALL_KEY = "OVERALL"


@dataclass(frozen=True)
class Column:
    """One table column: key in the tidy data, label and the subjects counted in it."""

    key: str
    label: str
    subjects: frozenset[str]
    span: str = ""
    #: False for a column that is not a group of subjects (a parameter of a listing): the
    #: header is the label alone
    show_n: bool = True

    @property
    def n(self) -> int:
        return len(self.subjects)

    def header(self) -> str:
        """``"<label> (n = <N>)"`` (``label`` alone when ``show_n`` is False); renderers keep
        ``(n = N)`` on one line."""
        return f"{self.label} (n = {self.n})" if self.show_n else self.label


def _value_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class ColumnSplit:
    """Split the population's subjects into columns by the values of one variable.

    Parameters
    ----------
    var : str
        Subject-level variable whose values define the columns (``"TRT01AN"``).
    label_var : str, optional
        Variable holding each column's label (``"TRT01A"``); default ``var`` itself.
    key_prefix : str
        Column key = prefix + value (``"DL"`` + ``1`` -> ``"DL1"``).
    order : sequence, optional
        Values in display order (default: sorted values present).  Values listed but absent
        give an empty column (n = 0).
    span : str
        Spanning header above the split columns (not above "Overall").
    overall : str or None
        Label of an all-subjects column appended last; None for no such column.
    """

    var: str
    label_var: str | None = None
    key_prefix: str = ""
    order: tuple[object, ...] | None = None
    span: str = ""
    overall: str | None = "Overall"
    subject_var: str = "USUBJID"

    def columns(self, population: pd.DataFrame) -> list[Column]:
        """The columns for a subject-level population frame."""
        label_var = self.label_var or self.var
        for name in (self.var, label_var, self.subject_var):
            if name not in population.columns:
                raise DataError(
                    describe_problem("population variable", name, "a column of the population")
                )
        pairs = population[[self.var, label_var]].drop_duplicates()
        labels: dict[object, str] = {}
        for value, label in pairs.itertuples(index=False):
            if value in labels and labels[value] != str(label):
                raise DataError(
                    describe_problem(label_var, [labels[value], label], f"one label per {self.var}")
                )
            labels[value] = str(label)
        values: Sequence[object] = (
            list(self.order) if self.order is not None else sorted(labels, key=_sort_key)
        )
        out = []
        for value in values:
            ids = frozenset(population.loc[population[self.var] == value, self.subject_var])
            label = labels.get(value, _value_text(value))
            out.append(Column(f"{self.key_prefix}{_value_text(value)}", label, ids, self.span))
        if self.overall is not None:
            out.append(Column(OVERALL_KEY, self.overall, frozenset(population[self.subject_var])))
        return out


def _sort_key(value: object) -> tuple[int, float, str]:
    try:
        return (0, float(value), "")  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return (1, 0.0, str(value))
