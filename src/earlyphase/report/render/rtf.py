"""RTF output for a clinical study report, through rtflite (pharmaverse, the Python port of
Merck's r2rtf).  One RTF per table and per figure, and ``report.rtf`` assembling them all.

rtflite 2.6 expects polars DataFrames (pandas 3 input fails inside narwhals), so the display
grid is built directly as a polars frame of strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from earlyphase._files import atomic_path, atomic_write
from earlyphase.report.figures._base import FigureResult
from earlyphase.report.spec import DisplayTable

__all__ = ["figure_rtf", "table_rtf", "write_rtf_report"]

_STUB_WIDTH = 3.0


def _escape(text: str) -> str:
    return text


def table_rtf(table: DisplayTable, source: str = "") -> str:
    """RTF code of one table (landscape letter page, title, spanning headers, footnotes)."""
    import polars as pl
    import rtflite as rtf

    ncol = len(table.headers)
    names = ["stub", *[f"c{i}" for i in range(ncol)]]
    rows = [[("   " * indent) + label, *cells] for label, indent, _sec, cells in table.body]
    frame = pl.DataFrame(rows, schema=[(n, pl.String) for n in names], orient="row")
    widths = [_STUB_WIDTH, *[1.0] * ncol]
    headers = []
    if table.span_headers:
        span_text = [""] + [text for text, _ in table.span_headers]
        span_width = [_STUB_WIDTH] + [float(n) for _, n in table.span_headers]
        headers.append(
            rtf.RTFColumnHeader(
                text=span_text,
                col_rel_width=span_width,
                text_justification=["l"] + ["c"] * len(table.span_headers),
            )
        )
    headers.append(
        rtf.RTFColumnHeader(
            text=[table.stub_header or " ", *table.headers],
            col_rel_width=widths,
            text_justification=["l"] + ["c"] * ncol,
        )
    )
    bold = ["b" if sec else "" for _l, _i, sec, _c in table.body]
    doc = rtf.RTFDocument(
        df=frame,
        rtf_page=rtf.RTFPage(orientation="landscape"),
        rtf_title=rtf.RTFTitle(text=[table.title]),
        rtf_column_header=headers,
        rtf_body=rtf.RTFBody(
            col_rel_width=widths,
            text_justification=[["l"] + ["c"] * ncol],
            text_format=[[b] + [""] * ncol for b in bold] if any(bold) else None,
        ),
        rtf_footnote=rtf.RTFFootnote(text=list(table.footnotes)) if table.footnotes else None,
        rtf_source=rtf.RTFSource(text=[source]) if source else None,
    )
    return doc.rtf_encode()


def figure_rtf(figure: FigureResult, png_path: Path) -> str:
    """RTF code of one figure (PNG embedded) with its title and caption."""
    import rtflite as rtf

    width = min(figure.width_in, 9.0)
    height = figure.height_in * width / figure.width_in
    doc = rtf.RTFDocument(
        rtf_page=rtf.RTFPage(orientation="landscape"),
        rtf_title=rtf.RTFTitle(text=[figure.title]),
        rtf_figure=rtf.RTFFigure(
            figures=str(png_path), fig_width=width, fig_height=min(height, 6.0)
        ),
        rtf_footnote=rtf.RTFFootnote(text=[figure.caption], as_table=False),
    )
    return doc.rtf_encode()


def write_rtf_report(
    tables: Sequence[DisplayTable],
    figures: Sequence[tuple[FigureResult, Path]],
    out_dir: Path,
    source: str = "",
) -> list[Path]:
    """Write ``rtf/<id>.rtf`` for each output and ``report.rtf`` assembling them."""
    import rtflite as rtf

    rtf_dir = out_dir / "rtf"
    written = []
    for table in tables:
        path = rtf_dir / f"{table.table_id}.rtf"
        with atomic_write(path) as handle:
            handle.write(table_rtf(table, source))
        written.append(path)
    for figure, png in figures:
        path = rtf_dir / f"{figure.figure_id}.rtf"
        with atomic_write(path) as handle:
            handle.write(figure_rtf(figure, png))
        written.append(path)
    combined = out_dir / "report.rtf"
    if written:
        with atomic_path(combined) as tmp:
            rtf.assemble_rtf([str(p) for p in written], str(tmp))
    return [combined, *written]
