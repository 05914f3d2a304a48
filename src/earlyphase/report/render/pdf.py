"""PDF report through reportlab (platypus), with the DejaVu Sans font shipped by matplotlib so
that ≥, μ and ± print correctly.

Submission-style layout (SAS ODS / r2rtf conventions): a running header and footer on every
page (study, output id, population; program, run date-time, data cut-off, "Page x of y"),
PDF bookmarks for every output, horizontal rules only, decimal-aligned numbers, column widths
from their content, the title and column headers repeated with "(continued)" when a table
runs over pages, section rows kept with the row that follows, and every figure on one page
with its title and caption.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import time
from pathlib import Path
from typing import Any

from earlyphase._files import atomic_path
from earlyphase.report.content import ReportContent
from earlyphase.report.render._align import align_columns
from earlyphase.report.spec import DisplayTable

__all__ = ["write_pdf"]

_FONT = "DejaVuSans"
_BOLD = "DejaVuSans-Bold"
_SIZE = 6.5
_PAD = 8.0  # points of padding per column


def _register_fonts() -> None:
    from matplotlib import get_data_path
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _FONT in pdfmetrics.getRegisteredFontNames():
        return
    base = Path(get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(_FONT, str(base / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(_BOLD, str(base / "DejaVuSans-Bold.ttf")))


def _styles():  # type: ignore[no-untyped-def]
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    return {
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=_BOLD, fontSize=15),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=_BOLD, fontSize=12),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=_BOLD, fontSize=9.5),
        "title": ParagraphStyle("title", fontName=_BOLD, fontSize=8, leading=10),
        "body": ParagraphStyle(
            "body", parent=base["BodyText"], fontName=_FONT, fontSize=8, leading=10
        ),
        "foot": ParagraphStyle(
            "foot", parent=base["BodyText"], fontName=_FONT, fontSize=6.5, leading=8
        ),
        "cell": ParagraphStyle("cell", fontName=_FONT, fontSize=_SIZE, leading=8, alignment=1),
        "stub": ParagraphStyle("stub", fontName=_FONT, fontSize=_SIZE, leading=8),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_width(text: str, bold: bool = False) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, _BOLD if bold else _FONT, _SIZE)


def _header_width(text: str) -> float:
    """Width a header needs: its longest unbreakable piece ("(n = 24)" is kept whole)."""
    pieces = text.replace("(n = ", "(n\u00a0=\u00a0").split()
    return max((_text_width(p, bold=True) for p in pieces), default=0.0)


def _widths(table: DisplayTable, cells: list[list[str]], width: float) -> list[float]:
    """Column widths from content: the stub gets its longest label (at most 35% of the page),
    each data column its widest cell or header word; spare room is shared out evenly."""
    ncol = len(table.headers)
    stub = max(
        [_text_width("    " * i + lbl, bold=s) for lbl, i, s, _c in table.body]
        + [_header_width(table.stub_header)],
        default=0.0,
    )
    stub = min(stub + _PAD, 0.35 * width)
    need = []
    for j in range(ncol):
        cell_w = max((_text_width(r[j]) for r in cells if j < len(r)), default=0.0)
        need.append(max(cell_w, _header_width(table.headers[j])) + _PAD)
    spare = width - stub - sum(need)
    if spare >= 0:
        return [stub, *[w + spare / max(ncol, 1) for w in need]]
    scale = (width - stub) / sum(need)  # too wide: shrink data columns, text wraps
    return [stub, *[w * scale for w in need]]


def _table(table: DisplayTable, styles, width: float):  # type: ignore[no-untyped-def]
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph

    from earlyphase.report.render.pdf_page import TitledTable

    P = Paragraph
    ncol = len(table.headers)
    cells = align_columns([list(c) for *_x, c in table.body], [s for _l, _i, s, _c in table.body])
    data: list[list[Any]] = [[P(f"<b>{_esc(table.title)}</b>", styles["title"])] + [""] * ncol]
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), _FONT),
        ("FONTSIZE", (0, 0), (-1, -1), _SIZE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ("SPAN", (0, 0), (-1, 0)),
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
    ]
    header_rows = 1
    if table.span_headers:
        row: list[Any] = [""]
        col = 1
        for text, n in table.span_headers:
            row += [P(f"<b>{_esc(text)}</b>", styles["cell"])] + [""] * (n - 1)
            if n > 1:
                style.append(("SPAN", (col, 1), (col + n - 1, 1)))
            if text:
                style.append(("LINEBELOW", (col, 1), (col + n - 1, 1), 0.4, colors.black))
            col += n
        data.append(row)
        header_rows += 1
    headers = [h.replace("(n = ", "(n\u00a0=\u00a0") for h in table.headers]
    data.append(
        [P(f"<b>{_esc(table.stub_header)}</b>".replace("\n", "<br/>"), styles["stub"])]
        + [P(f"<b>{_esc(h)}</b>", styles["cell"]) for h in headers]
    )
    header_rows += 1
    style.append(("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, colors.black))
    for k, ((label, indent, section, _c), row_cells) in enumerate(
        zip(table.body, cells, strict=True)
    ):
        r = header_rows + k
        stub = ("&nbsp;" * 4 * indent) + (f"<b>{_esc(label)}</b>" if section else _esc(label))
        texts = [c if len(c) <= 24 else P(_esc(c), styles["cell"]) for c in row_cells]
        first = (
            label if (len(label) <= 40 and not indent and not section) else P(stub, styles["stub"])
        )
        data.append([first, *texts])
        if section and k + 1 < len(table.body):
            style.append(("NOSPLIT", (0, r), (-1, r + 1)))  # keep with next
    style.append(("LINEBELOW", (0, -1), (-1, -1), 1, colors.black))
    out = TitledTable(
        data,
        colWidths=_widths(table, cells, width),
        repeatRows=header_rows,
        title=table.title,
        title_style=styles["title"],
    )
    out.setStyle(style)
    return out


def _num(value: Any, decimals: int, sign: str) -> str:  # noqa: D103
    return (
        "—" if value is None or math.isnan(float(value)) else f"{float(value):{sign}.{decimals}f}"
    )


def _comparison_story(content: ReportContent, styles, width: float) -> list[Any]:  # type: ignore[no-untyped-def]
    from reportlab.platypus import PageBreak, Paragraph

    from earlyphase.report.render.pdf_page import OutputMarker

    comp = content.comparison
    if comp is None:
        return []
    story: list[Any] = [
        PageBreak(),
        OutputMarker("published_vs_reproduced", "", "Published versus reproduced"),
        Paragraph("Published versus reproduced", styles["h2"]),
        Paragraph(_esc(comp.summary()) + ".", styles["body"]),
    ]
    frame = comp.to_frame()
    for sec in comp.scores():
        part = frame[frame["section"] == sec.section]
        rows = []
        for r in ({str(k): v for k, v in rec.items()} for rec in part.to_dict("records")):
            decimals = 0 if r["is_count"] else int(r["decimals"]) + 1
            rows.append(
                (
                    str(r["label"]),
                    0,
                    False,
                    (
                        str(r["published_text"]),
                        _num(r["reproduced"], decimals, ""),
                        str(r["status"]),
                        str(r["reason"] or r["note"]),
                    ),
                )
            )
        score = sec.text()
        display = DisplayTable(
            "published",
            f"{sec.section}: {score}",
            (),
            ("Published", "Reproduced", "Status", "Reason / note"),
            "Published number (where printed)",
            tuple(rows),
            (),
        )
        story.append(OutputMarker("published_vs_reproduced", "", f"{sec.section}: {score}", 1))
        story.append(_comparison_table(display, styles, width))
    return story


def _comparison_table(display: DisplayTable, styles, width: float):  # type: ignore[no-untyped-def]
    table = _table(display, styles, width)
    widths = [0.3 * width, 0.08 * width, 0.08 * width, 0.1 * width, 0.44 * width]
    table._argW = widths
    table.setStyle([("ALIGN", (-1, 0), (-1, -1), "LEFT"), ("ALIGN", (0, 0), (0, -1), "LEFT")])
    return table


def _stamped_canvas(when: dt.datetime):  # type: ignore[no-untyped-def]
    """A reportlab canvas class whose CreationDate/ModDate are ``when`` (UTC) and whose
    document ID is derived from the content (reportlab's invariant mode), not the clock."""
    from earlyphase.report.render.pdf_page import ReportCanvas

    class _Canvas(ReportCanvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["invariant"] = 1
            super().__init__(*args, **kwargs)
            stamp = self._doc._timeStamp
            stamp.t = when.timestamp()
            stamp.lt = time.gmtime(stamp.t)
            stamp.YMDhms = tuple(stamp.lt)[:6]
            stamp.dhh = stamp.dmm = 0
            stamp.tzname = "UTC"

    return _Canvas


def write_pdf(content: ReportContent, path: Path, created: dt.datetime | None = None) -> Path:
    """Write the report as a landscape PDF; ``created`` is its CreationDate/ModDate
    (default :func:`earlyphase._stamps.file_timestamp`: ``SOURCE_DATE_EPOCH`` or now)."""
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.units import inch
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        Image,
        KeepTogether,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
    )

    from earlyphase._stamps import file_timestamp
    from earlyphase.report.render.page_info import page_info
    from earlyphase.report.render.pdf_page import OutputMarker, draw_page

    _register_fonts()
    styles = _styles()
    page = landscape(letter)
    width = page[0] - 1.4 * inch
    story: list[Any] = [
        Paragraph(_esc(content.title), styles["h1"]),
        Paragraph(_esc(content.subtitle), styles["body"]),
    ]
    if content.skipped:
        story.append(Paragraph("Outputs not produced", styles["h2"]))
        for s in content.skipped:
            story.append(
                Paragraph(_esc(f"{s.title}: missing {', '.join(s.reasons)}"), styles["body"])
            )
    for t in content.tables:
        d = t.display()
        # each output starts on a new page, so the page header names one output
        story += [
            PageBreak(),
            OutputMarker(d.table_id, d.population, d.title),
            _table(d, styles, width),
        ]
        story += [Paragraph(_esc(f), styles["foot"]) for f in d.footnotes]
        story.append(Spacer(1, 8))
    avail = page[1] - 1.6 * inch  # inside the margins, header and footer
    for f in content.figures:
        caption = Paragraph(_esc(f.caption), styles["foot"])
        room = avail - 0.5 * inch - caption.wrap(width, avail)[1]
        h = min(room, f.height_in * inch * min(1.0, width / (f.width_in * inch)))
        w = h * f.width_in / f.height_in
        story += [
            PageBreak(),
            OutputMarker(f.figure_id, "", f.title),
            KeepTogether(
                [Paragraph(_esc(f.title), styles["h2"]), Image(io.BytesIO(f.png), w, h), caption]
            ),
        ]
    story += _comparison_story(content, styles, width)
    story += [
        PageBreak(),
        OutputMarker("methods", "", "Methods"),
        Paragraph("Methods", styles["h2"]),
    ]
    for section in content.methods:
        story.append(Paragraph(_esc(section.heading), styles["h3"]))
        story += [Paragraph(_esc(p), styles["body"]) for p in section.paragraphs if p]
    info = page_info(content)
    with atomic_path(path) as tmp:
        doc = BaseDocTemplate(
            str(tmp),
            pagesize=page,
            leftMargin=0.7 * inch,
            rightMargin=0.7 * inch,
            topMargin=0.75 * inch,
            bottomMargin=0.7 * inch,
            title=content.title,
        )
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
        # drawn at the end of each page: the header names the output begun on the page
        template = PageTemplate("page", [frame], onPageEnd=lambda c, d: draw_page(c, d, info))
        doc.addPageTemplates([template])
        doc.build(story, canvasmaker=_stamped_canvas(created or file_timestamp()))
    return path
