"""What every page header and footer of the RTF and PDF outputs says."""

from __future__ import annotations

from dataclasses import dataclass

from earlyphase.report.content import ReportContent

__all__ = ["PageInfo", "page_info"]


@dataclass(frozen=True)
class PageInfo:
    """Study (report title), source line, program, run date-time and data cut-off."""

    study: str
    source: str
    program: str
    run_datetime: str
    cutoff: str

    def footer(self) -> str:
        """``Program: ...   Run: ...   Data cut-off: ...``"""
        text = f"Program: {self.program} (earlyphase.report)   Run: {self.run_datetime}"
        return text + (f"   Data cut-off: {self.cutoff}" if self.cutoff else "")


def page_info(content: ReportContent) -> PageInfo:
    """The page furniture of a report's content."""
    return PageInfo(
        study=content.title,
        source=content.subtitle,
        program=content.program or "earlyphase",
        run_datetime=content.run_datetime,
        cutoff=content.cutoff,
    )
