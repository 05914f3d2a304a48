"""Page furniture of the PDF report: running header and footer on every page (study, output
id, population; program, run date-time, data cut-off, "Page x of y"), PDF outline bookmarks,
and the table flowable with repeated headers, "(continued)" titles and keep-with-next rows.

"Page x of y": every footer draws the total through a PDF form XObject defined when the
document is saved (one pass, no second layout).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table

from earlyphase.report.render.page_info import PageInfo

__all__ = ["OutputMarker", "PageInfo", "ReportCanvas", "TitledTable", "draw_page"]

FONT = "DejaVuSans"
_TOTAL_FORM = "earlyphase_page_total"


class OutputMarker(Flowable):
    """Zero-size flowable starting an output: sets the page-header text from here on and adds
    a PDF bookmark (outline entry) at ``level`` pointing at this place."""

    def __init__(self, output_id: str, population: str, title: str = "", level: int = 0) -> None:
        super().__init__()
        self.output_id = output_id
        self.population = population
        self.title = title
        self.level = level
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        if self.level == 0:
            canvas._earlyphase_output = (self.output_id, self.population)  # type: ignore[attr-defined]
        if self.title:
            count = getattr(canvas, "_earlyphase_bookmarks", 0) + 1
            canvas._earlyphase_bookmarks = count  # type: ignore[attr-defined]
            key = f"bm{count}"
            canvas.bookmarkHorizontal(key, 0, 0)
            canvas.addOutlineEntry(self.title[:120], key, level=self.level, closed=True)


class ReportCanvas(Canvas):
    """A canvas whose ``save`` defines the page-total form used by every footer."""

    def save(self) -> None:
        total = self.getPageNumber() - 1
        self.beginForm(_TOTAL_FORM)
        self.setFont(FONT, 7)
        self.drawString(0, 0, str(max(total, 1)))
        self.endForm()
        super().save()


def draw_page(canvas: Any, doc: Any, info: PageInfo) -> None:
    """Header (study, output, population) and footer (program, run, cut-off, page x of y)."""
    width, height = doc.pagesize
    left, right = doc.leftMargin, width - doc.rightMargin
    output, population = getattr(canvas, "_earlyphase_output", ("", ""))
    canvas.saveState()
    canvas.setFont(FONT, 7)
    top = height - 0.35 * inch
    canvas.drawString(left, top, info.study[:150])
    canvas.drawRightString(right, top, f"Output: {output}" if output else "")
    canvas.drawString(left, top - 9, info.source[:150])
    canvas.drawRightString(right, top - 9, population)
    canvas.setLineWidth(0.5)
    canvas.line(left, top - 13, right, top - 13)
    bottom = 0.3 * inch
    canvas.line(left, bottom + 10, right, bottom + 10)
    canvas.drawString(left, bottom, f"Program: {info.program} (earlyphase.report)")
    middle = f"Run: {info.run_datetime}" + (
        f"   Data cut-off: {info.cutoff}" if info.cutoff else ""
    )
    canvas.drawCentredString(width / 2, bottom, middle)
    text = f"Page {canvas.getPageNumber()} of "
    x = right - 0.9 * inch
    canvas.drawString(x, bottom, text)
    canvas.saveState()
    canvas.translate(x + canvas.stringWidth(text, FONT, 7), bottom)
    canvas.doForm(_TOTAL_FORM)
    canvas.restoreState()
    canvas.restoreState()


class TitledTable(Table):
    """A table whose first (repeated) row is its title; on continuation pages the title row
    says "(continued)"."""

    def __init__(self, *args: Any, title_style: Any = None, title: str = "", **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._title = title
        self._title_style = title_style

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803
        parts = super().split(availWidth, availHeight)
        for part in parts[1:]:
            if self._title and part._cellvalues:
                text = f"<b>{_esc(self._title)} (continued)</b>"
                # a new row list: the repeated rows are shared with the first part
                part._cellvalues[0] = [Paragraph(text, self._title_style)] + list(
                    part._cellvalues[0][1:]
                )
                part._title, part._title_style = self._title, self._title_style
        return parts


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
