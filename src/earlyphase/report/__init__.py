"""Tables, figures and renderers of the clinical study report (``earlyphase.report``)."""

from __future__ import annotations

from earlyphase.report.figures import FigureResult
from earlyphase.report.options import ReportOptions
from earlyphase.report.pipeline import ReportResult, analyze, build_report, run_reference
from earlyphase.report.published import Comparison, PublishedNumber, compare_published
from earlyphase.report.spec import (
    ColumnSpec,
    DisplayTable,
    RowSpec,
    TableResult,
    TableSpec,
    format_number,
    sas_round,
)

__all__ = [
    "ColumnSpec",
    "Comparison",
    "DisplayTable",
    "FigureResult",
    "PublishedNumber",
    "ReportOptions",
    "ReportResult",
    "RowSpec",
    "TableResult",
    "TableSpec",
    "analyze",
    "build_report",
    "compare_published",
    "format_number",
    "run_reference",
    "sas_round",
]
