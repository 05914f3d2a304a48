"""Renderers: HTML (self-contained), RTF (rtflite), PDF (reportlab), CSV/Parquet exports."""

from __future__ import annotations

from earlyphase.report.render.export import write_frame
from earlyphase.report.render.html import render_html, table_html
from earlyphase.report.render.pdf import write_pdf
from earlyphase.report.render.rtf import figure_rtf, table_rtf, write_rtf_report

__all__ = [
    "figure_rtf",
    "render_html",
    "table_html",
    "table_rtf",
    "write_frame",
    "write_pdf",
    "write_rtf_report",
]
