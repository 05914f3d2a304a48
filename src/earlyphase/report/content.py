"""The content of a report, independent of its output format."""

from __future__ import annotations

from dataclasses import dataclass, field

from earlyphase.report.figures._base import FigureResult
from earlyphase.report.published import Comparison
from earlyphase.report.spec import TableResult

__all__ = ["MethodsSection", "ReportContent", "SkippedOutput"]


@dataclass(frozen=True)
class MethodsSection:
    """One heading of the methods section and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class SkippedOutput:
    """A table or figure that could not be produced, and why (e.g. missing variables)."""

    output_id: str
    title: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ReportContent:
    """Everything a renderer needs: tables, figures, methods, comparison, skipped outputs."""

    title: str
    subtitle: str
    tables: tuple[TableResult, ...]
    figures: tuple[FigureResult, ...]
    methods: tuple[MethodsSection, ...]
    comparison: Comparison | None = None
    skipped: tuple[SkippedOutput, ...] = field(default=())
    data_notes: tuple[str, ...] = field(default=())
    #: data cut-off date (ISO), run date-time and program, printed on every page
    cutoff: str = ""
    run_datetime: str = ""
    program: str = ""
