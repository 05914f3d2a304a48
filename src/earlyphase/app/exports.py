"""Audit trail exports for the trial master file: CSV and PDF (reportlab)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import pandas as pd

__all__ = ["audit_csv", "audit_pdf"]


def audit_csv(frame: pd.DataFrame) -> bytes:
    """The audit table as UTF-8 CSV, every column (hashes included)."""
    return frame.to_csv(index=False).encode("utf-8")


def audit_pdf(frame: pd.DataFrame, title: str, verification: str) -> bytes:
    """The audit table as a landscape PDF with the chain verification result on top."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=6.5, leading=8)
    header = ["id", "when (UTC)", "who", "what", "entity", "before", "after", "hash"]
    rows: list[list[object]] = [[Paragraph(f"<b>{h}</b>", small) for h in header]]
    for r in frame.itertuples(index=False):
        cells = [
            r.id,
            r.at_utc,
            r.actor,
            r.action,
            f"{r.entity} {r.entity_id}",
            r.before,
            r.after,
            str(r.hash)[:16] + "...",
        ]
        rows.append([Paragraph(escape(str(c)), small) for c in cells])
    widths = [10, 32, 22, 24, 18, 60, 90, 28]
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ecf0f1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm, title=title
    )
    doc.build(
        [
            Paragraph(escape(title), styles["Title"]),
            Paragraph(escape(verification), styles["BodyText"]),
            Spacer(1, 4 * mm),
            table,
        ]
    )
    return buffer.getvalue()
