"""PDF report through reportlab (platypus), with the DejaVu Sans font shipped by matplotlib so
that ≥, μ and ± print correctly."""

from __future__ import annotations

import datetime as dt
import io
import math
import time
from pathlib import Path
from typing import Any

from earlyphase._files import atomic_path
from earlyphase.report.content import ReportContent
from earlyphase.report.spec import DisplayTable

__all__ = ["write_pdf"]

_FONT = "DejaVuSans"
_BOLD = "DejaVuSans-Bold"


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
        "body": ParagraphStyle(
            "body", parent=base["BodyText"], fontName=_FONT, fontSize=8, leading=10
        ),
        "foot": ParagraphStyle(
            "foot", parent=base["BodyText"], fontName=_FONT, fontSize=6.5, leading=8
        ),
        "cell": ParagraphStyle("cell", fontName=_FONT, fontSize=6.5, leading=8, alignment=1),
        "stub": ParagraphStyle("stub", fontName=_FONT, fontSize=6.5, leading=8),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(table: DisplayTable, styles, width: float):  # type: ignore[no-untyped-def]
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    P = Paragraph
    ncol = len(table.headers)
    data = []
    style = [
        ("FONTNAME", (0, 0), (-1, -1), _FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 6.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("LINEABOVE", (0, 0), (-1, 0), 1, colors.black),
    ]
    header_rows = 0
    if table.span_headers:
        row, col = [""], 1
        for text, n in table.span_headers:
            row += [P(f"<b>{_esc(text)}</b>", styles["cell"])] + [""] * (n - 1)
            if n > 1:
                style.append(("SPAN", (col, 0), (col + n - 1, 0)))
            col += n
        data.append(row)
        header_rows += 1
    data.append(
        [P(f"<b>{_esc(table.stub_header)}</b>", styles["stub"])]
        + [P(f"<b>{_esc(h)}</b>", styles["cell"]) for h in table.headers]
    )
    header_rows += 1
    style.append(("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, colors.black))
    for label, indent, section, cells in table.body:
        stub = ("&nbsp;" * 4 * indent) + (f"<b>{_esc(label)}</b>" if section else _esc(label))
        # short cells as plain strings (fast); Paragraphs only where text must wrap
        row_cells = [c if len(c) <= 24 else P(_esc(c), styles["cell"]) for c in cells]
        first = (
            label if (len(label) <= 40 and not indent and not section) else P(stub, styles["stub"])
        )
        data.append([first, *row_cells])
    style.append(("LINEBELOW", (0, -1), (-1, -1), 1, colors.black))
    stub_w = width * (0.3 if ncol > 4 else 0.4)
    widths = [stub_w] + [(width - stub_w) / max(ncol, 1)] * ncol
    out = Table(data, colWidths=widths, repeatRows=header_rows)
    out.setStyle(TableStyle(style))
    return out


def _num(value: Any, decimals: int, sign: str) -> str:  # noqa: D103
    return (
        "—" if value is None or math.isnan(float(value)) else f"{float(value):{sign}.{decimals}f}"
    )


def _stamped_canvas(when: dt.datetime):  # type: ignore[no-untyped-def]
    """A reportlab canvas class whose CreationDate/ModDate are ``when`` (UTC) and whose
    document ID is derived from the content (reportlab's invariant mode), not the clock."""
    from reportlab.pdfgen.canvas import Canvas

    class _Canvas(Canvas):
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
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer

    from earlyphase._stamps import file_timestamp

    _register_fonts()
    styles = _styles()
    page = landscape(letter)
    width = page[0] - 1.4 * inch
    story = [
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
        story += [Paragraph(_esc(d.title), styles["h2"]), _table(d, styles, width)]
        story += [Paragraph(_esc(f), styles["foot"]) for f in d.footnotes]
        story.append(Spacer(1, 8))
    for f in content.figures:
        story.append(PageBreak())
        story.append(Paragraph(_esc(f.title), styles["h2"]))
        h = min(5.6 * inch, f.height_in * inch * min(1.0, 8.5 / f.width_in))
        w = h * f.width_in / f.height_in
        story.append(Image(io.BytesIO(f.png), width=w, height=h))
        story.append(Paragraph(_esc(f.caption), styles["foot"]))
    if content.comparison is not None:
        story += [PageBreak(), Paragraph("Published versus reproduced", styles["h2"])]
        frame = content.comparison.to_frame()
        frame = frame[frame["status"] != "not reproduced"]  # the HTML lists the others
        rows = tuple(
            (
                str(r["key"]),
                0,
                False,
                (
                    str(r["location"]),
                    str(r["published_text"]),
                    _num(r["reproduced"], int(r["decimals"]) + 1, ""),
                    _num(r["difference"], int(r["decimals"]) + 1, "+"),
                    str(r["status"]),
                    str(r["consistency"]),
                ),
            )
            for r in ({str(k): v for k, v in rec.items()} for rec in frame.to_dict("records"))
        )
        display = DisplayTable(
            "published",
            "",
            (),
            ("Location", "Published", "Reproduced", "Difference", "Status", "Consistency"),
            "Published number",
            rows,
            (),
        )
        story.append(_table(display, styles, width))
    story += [PageBreak(), Paragraph("Methods", styles["h2"])]
    for section in content.methods:
        story.append(Paragraph(_esc(section.heading), styles["h3"]))
        story += [Paragraph(_esc(p), styles["body"]) for p in section.paragraphs if p]
    with atomic_path(path) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=page,
            leftMargin=0.7 * inch,
            rightMargin=0.7 * inch,
            topMargin=0.6 * inch,
            bottomMargin=0.6 * inch,
            title=content.title,
        )
        doc.build(story, canvasmaker=_stamped_canvas(created or file_timestamp()))
    return path
