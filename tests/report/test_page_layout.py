"""Submission-style page layout of the RTF and PDF outputs: header and footer on every page,
"Page x of y", bookmarks, horizontal rules only, "(continued)" titles."""

from __future__ import annotations

import re

from earlyphase.report.render.page_info import PageInfo
from earlyphase.report.spec import DisplayTable

INFO = PageInfo("Study X", "Source Y", "earlyphase 9.9", "2020-04-01 10:00 UTC", "2020-03-20")


def _display(n_rows: int = 3) -> DisplayTable:
    body = [("Section", 0, True, ("", ""))]
    body += [(f"Row {i}", 1, False, (f"{i} ({i})", f"{i}.5")) for i in range(n_rows)]
    return DisplayTable(
        "t_demo",
        "Table 9. Demo",
        (("Dose", 2),),
        ("Low (n = 24)", "High (n = 6)"),
        "Stub",
        tuple(body),
        ("Safety population (SAFFL = Y).",),
    )


class _Canvas:
    """Records what draw_page writes."""

    def __init__(self, page: int, output=("t_demo", "Safety population")):
        self.texts: list[str] = []
        self.forms: list[str] = []
        self.page = page
        self._earlyphase_output = output

    def __getattr__(self, name):
        if name.startswith("draw"):
            return lambda *a: self.texts.append(a[-1])
        return lambda *a, **k: 0.0 if name == "stringWidth" else None

    def getPageNumber(self):  # noqa: N802
        return self.page

    def doForm(self, name):  # noqa: N802
        self.forms.append(name)


def test_every_pdf_page_has_header_footer_and_page_x_of_total():
    from reportlab.lib.pagesizes import landscape, letter

    from earlyphase.report.render.pdf_page import draw_page

    class Doc:
        pagesize = landscape(letter)
        leftMargin = rightMargin = 50

    canvas = _Canvas(3)
    draw_page(canvas, Doc(), INFO)
    text = " | ".join(canvas.texts)
    for expected in (
        "Study X",
        "Output: t_demo",
        "Safety population",
        "earlyphase 9.9",
        "Run: 2020-04-01 10:00 UTC",
        "Data cut-off: 2020-03-20",
        "Page 3 of ",
    ):
        assert expected in text, expected
    assert canvas.forms == ["earlyphase_page_total"]  # the total, defined when saved


def test_pdf_has_bookmarks_and_the_page_total(report):
    data = (report.out_dir / "report.pdf").read_bytes()
    assert b"/Outlines" in data
    assert b"earlyphase_page_total" in data
    n_titles = len(re.findall(rb"/Title \(", data))
    assert n_titles >= len(report.tables) + len(report.figures)


def _plain(cell) -> str:
    """Text of a table cell (a Paragraph, or the tuple reportlab expands it into)."""
    items = cell if isinstance(cell, list | tuple) else [cell]
    return " ".join(i.getPlainText() for i in items)


def test_long_pdf_table_repeats_its_title_with_continued():
    from earlyphase.report.render.pdf import _register_fonts, _styles, _table

    _register_fonts()
    table = _table(_display(120), _styles(), 650)
    parts = table.split(650, 300)
    assert len(parts) >= 2
    first, second = (_plain(p._cellvalues[0][0]) for p in parts[:2])
    assert first == "Table 9. Demo"
    assert second == "Table 9. Demo (continued)"
    assert parts[1].repeatRows == table.repeatRows  # column headers repeated too


def test_rtf_header_footer_and_horizontal_rules_only():
    from earlyphase.report.render.rtf import table_rtf

    text = table_rtf(_display(), info=INFO)
    assert "\\chpgn" in text and "NUMPAGES" in text
    assert "Output: t_demo" in text and "Safety population" in text
    assert "Data cut-off: 2020-03-20" in text and "earlyphase 9.9" in text
    # no vertical rules: left/right cell borders carry no line style
    assert not re.search(r"\\clbrdr[lr]\\brdrs", text)
    assert re.search(r"\\clbrdrb\\brdrs", text)
    # "(n = 24)" kept on one line with no-break spaces
    assert "(n\\u160?=\\u160?24)" in text or "(n\u00a0=\u00a024)" in text
