"""A small public table-layout API: split columns, nest rows, analyse, build.

Users add their own tables without editing the package::

    from earlyphase.report.layout import TableLayout, CountLevels, Summarize

    table = (
        TableLayout("demo", "Demographics")
        .split_columns_by("TRT01AN", label_var="TRT01A", key_prefix="DL")
        .add(Summarize("AGE", "Age, years"), CountLevels("SEX", "Sex, n (%)"))
        .build(adsl)
    )

See ``docs/report.md`` (section "Table-layout API").
"""

from __future__ import annotations

from earlyphase.report.layout.analyses import (
    Analysis,
    Analyze,
    Cell,
    CountLevels,
    CountSubjects,
    Heading,
    NestedCounts,
    Summarize,
    count_percent_template,
)
from earlyphase.report.layout.columns import Column, ColumnSplit
from earlyphase.report.layout.table import SubColumn, TableLayout

__all__ = [
    "Analysis",
    "Analyze",
    "Cell",
    "Column",
    "ColumnSplit",
    "CountLevels",
    "CountSubjects",
    "Heading",
    "NestedCounts",
    "SubColumn",
    "Summarize",
    "TableLayout",
    "count_percent_template",
]
