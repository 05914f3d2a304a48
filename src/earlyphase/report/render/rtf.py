"""RTF output for a clinical study report, through rtflite (pharmaverse, the Python port of
Merck's r2rtf).  One RTF per table and per figure, and ``report.rtf`` assembling them all.

Submission style: a page header (study, output id, population, "Page x of y" from the RTF
``\\chpgn`` and ``NUMPAGES`` fields) and footer (program, run date-time, data cut-off) on every
page; horizontal rules only (above and below the column headers and below the body); column
widths from the content so that "(n = 24)" stays on one line; decimal-aligned numbers; figures
sized to fit one landscape page with their title and caption.

rtflite 2.6 expects polars DataFrames (pandas 3 input fails inside narwhals), so the display
grid is built directly as a polars frame of strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from earlyphase._files import atomic_path, atomic_write
from earlyphase.report.figures._base import FigureResult
from earlyphase.report.render._align import align_columns
from earlyphase.report.render.page_info import PageInfo
from earlyphase.report.spec import DisplayTable

__all__ = ["figure_rtf", "table_rtf", "write_rtf_report"]

#: margins in inches: left, right, top, bottom, header, footer
_MARGIN = [1.0, 1.0, 1.0, 0.9, 0.45, 0.45]
_PAGE_X_OF_Y = "Page {\\chpgn} of {\\field{\\*\\fldinst NUMPAGES }}"
_NBSP = "\u00a0"


def _page_parts(output_id: str, population: str, info: PageInfo | None) -> dict[str, Any]:
    """Header and footer of every page of one output."""
    import rtflite as rtf

    if info is None:
        return {}
    left = f"{info.study}"
    header = rtf.RTFPageHeader(
        text=[left, f"Output: {output_id}", population or " ", _PAGE_X_OF_Y],
        text_justification=["l", "r", "r", "r"],
        text_font_size=[8, 8, 8, 8],
        # no conversion of the output id: rtflite would read "_x" as a LaTeX subscript
        text_convert=[True, False, True, False],
        text_space_before=[0, 0, 0, 0],
        text_space_after=[0, 0, 0, 0],
    )
    footer = rtf.RTFPageFooter(text=[info.footer()], text_font_size=[8], text_justification=["l"])
    return {"rtf_page_header": header, "rtf_page_footer": footer}


def _widths(table: DisplayTable, cells: list[list[str]]) -> list[float]:
    """Relative column widths from the longest text (headers: their longest word, with
    "(n = N)" unbreakable)."""
    stub = max(
        [len("   " * i + lbl) for lbl, i, _s, _c in table.body] + [len(table.stub_header)],
        default=10,
    )
    widths = [min(max(stub, 10), 36) + 2.0]
    for j, header in enumerate(table.headers):
        # headers on at most two lines; "(n = N)" is one unbreakable piece
        pieces = header.replace("(n = ", "(n=").split()
        need = max(
            [max(len(p) for p in pieces) if pieces else 0, (len(header) + 1) // 2]
            + [len(r[j]) for r in cells if j < len(r)]
            + [4]
        )
        widths.append(min(need, 36) + 3.0)  # long text wraps; short columns keep their words
    return widths


def table_rtf(table: DisplayTable, source: str = "", info: PageInfo | None = None) -> str:
    """RTF code of one table (landscape letter page, title, spanning headers, footnotes)."""
    import polars as pl
    import rtflite as rtf

    ncol = len(table.headers)
    names = ["stub", *[f"c{i}" for i in range(ncol)]]
    cells = align_columns([list(c) for *_x, c in table.body], [s for _l, _i, s, _c in table.body])
    rows = [
        [(_NBSP * 3 * indent) + label, *row]
        for (label, indent, _sec, _c), row in zip(table.body, cells, strict=True)
    ]
    frame = pl.DataFrame(rows, schema=[(n, pl.String) for n in names], orient="row")
    widths = _widths(table, cells)
    headers = []
    no_side = {"border_left": [""] * 1, "border_right": [""] * 1}
    if table.span_headers:
        span_text = [""] + [text for text, _ in table.span_headers]
        span_width = [widths[0]]
        col = 1
        for _text, n in table.span_headers:
            span_width.append(sum(widths[col : col + n]))
            col += n
        headers.append(
            rtf.RTFColumnHeader(
                text=span_text,
                col_rel_width=span_width,
                text_justification=["l"] + ["c"] * len(table.span_headers),
                border_top=["single"] * len(span_text),
                border_bottom=[""] + ["single" if t else "" for t, _ in table.span_headers],
                **{k: v * len(span_text) for k, v in no_side.items()},
            )
        )
    headers.append(
        rtf.RTFColumnHeader(
            text=[
                table.stub_header.replace("\n", " ") or " ",
                *(h.replace("(n = ", f"(n{_NBSP}={_NBSP}") for h in table.headers),
            ],
            col_rel_width=widths,
            text_justification=["l"] + ["c"] * ncol,
            border_top=["" if table.span_headers else "single"] * (ncol + 1),
            border_bottom=["single"] * (ncol + 1),
            **{k: v * (ncol + 1) for k, v in no_side.items()},
        )
    )
    bold = ["b" if sec else "" for _l, _i, sec, _c in table.body]
    doc = rtf.RTFDocument(
        df=frame,
        rtf_page=rtf.RTFPage(
            orientation="landscape", margin=_MARGIN, border_first="single", border_last="single"
        ),
        rtf_title=rtf.RTFTitle(text=[table.title]),
        rtf_column_header=headers,
        rtf_body=rtf.RTFBody(
            col_rel_width=widths,
            text_justification=[["l"] + ["c"] * ncol],
            text_format=[[b] + [""] * ncol for b in bold] if any(bold) else None,
            border_left=[[""] * (ncol + 1)],
            border_right=[[""] * (ncol + 1)],
            border_top=[[""] * (ncol + 1)],
            border_bottom=[[""] * (ncol + 1)],
        ),
        rtf_footnote=rtf.RTFFootnote(text=list(table.footnotes), as_table=False)
        if table.footnotes
        else None,
        rtf_source=rtf.RTFSource(text=[source], as_table=False) if source else None,
        **_page_parts(table.table_id, table.population, info),
    )
    return doc.rtf_encode()


def figure_rtf(figure: FigureResult, png_path: Path, info: PageInfo | None = None) -> str:
    """RTF code of one figure (PNG embedded) with its title and caption, sized to fit one
    landscape page (8.5 in high: margins, header, footer, title and caption leave 4.6 in)."""
    import rtflite as rtf

    height = min(4.6, figure.height_in)
    width = figure.width_in * height / figure.height_in
    if width > 8.5:
        width, height = 8.5, figure.height_in * 8.5 / figure.width_in
    doc = rtf.RTFDocument(
        rtf_page=rtf.RTFPage(orientation="landscape", margin=_MARGIN),
        rtf_title=rtf.RTFTitle(text=[figure.title]),
        rtf_figure=rtf.RTFFigure(figures=str(png_path), fig_width=width, fig_height=height),
        rtf_footnote=rtf.RTFFootnote(text=[figure.caption], as_table=False),
        **_page_parts(figure.figure_id, "", info),
    )
    return doc.rtf_encode()


def write_rtf_report(
    tables: Sequence[DisplayTable],
    figures: Sequence[tuple[FigureResult, Path]],
    out_dir: Path,
    source: str = "",
    info: PageInfo | None = None,
) -> list[Path]:
    """Write ``rtf/<id>.rtf`` for each output and ``report.rtf`` assembling them."""
    import rtflite as rtf

    rtf_dir = out_dir / "rtf"
    written = []
    for table in tables:
        path = rtf_dir / f"{table.table_id}.rtf"
        with atomic_write(path) as handle:
            handle.write(table_rtf(table, source, info))
        written.append(path)
    for figure, png in figures:
        path = rtf_dir / f"{figure.figure_id}.rtf"
        with atomic_write(path) as handle:
            handle.write(figure_rtf(figure, png, info))
        written.append(path)
    combined = out_dir / "report.rtf"
    if written:
        with atomic_path(combined) as tmp:
            rtf.assemble_rtf([str(p) for p in written], str(tmp))
    return [combined, *written]
