"""Decimal alignment of table columns, shared by the HTML, RTF and PDF renderers.

Each cell's first number is padded on the left with figure spaces (U+2007, the width of a
digit in fonts with tabular figures: DejaVu Sans, Times, Courier) so that its decimal point
(or its last digit when it has none) falls at the same position in every cell of the column,
and every cell is padded on the right to the column's longest text; centred, the column then
lines up on the decimal point as in SAS/r2rtf outputs. A whole number in a column of decimals
(``151`` among ``28.2`` and ``3.88``) is padded on the right with a punctuation space (U+2008,
the width of the decimal point) and then figure spaces, so that proportional fonts align it too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["FIGURE_SPACE", "PUNCTUATION_SPACE", "align_columns"]

FIGURE_SPACE = "\u2007"
PUNCTUATION_SPACE = "\u2008"
_NUMBER = re.compile(r"[-+−]?\d[\d,]*(\.\d+)?")


def _split(cell: str) -> tuple[int, int] | None:
    """Characters before the decimal point of the first number, and after it (to the end)."""
    match = _NUMBER.search(cell)
    if match is None or match.start() != 0:
        return None
    point = match.start(1) if match.group(1) else match.end()
    return point, len(cell) - point


def align_columns(rows: Sequence[Sequence[str]], skip: Sequence[bool] = ()) -> list[list[str]]:
    """Pad the cells of each column for decimal alignment (rows flagged in ``skip`` -- e.g.
    section headings -- are left alone; cells not starting with a number are left alone)."""
    out = [list(r) for r in rows]
    if not out:
        return out
    ncol = max(len(r) for r in out)
    for j in range(ncol):
        parts = {
            i: _split(r[j])
            for i, r in enumerate(out)
            if j < len(r) and not (i < len(skip) and skip[i])
        }
        numeric = {i: p for i, p in parts.items() if p is not None}
        if len(numeric) < 2:
            continue
        left = max(p[0] for p in numeric.values())
        right = max(p[1] for p in numeric.values())
        point = any(out[i][j][before : before + 1] == "." for i, (before, _) in numeric.items())
        for i, (before, after) in numeric.items():
            pad = FIGURE_SPACE * (right - after)
            if point and after == 0 and right > 0:  # a whole number among decimals
                pad = PUNCTUATION_SPACE + pad[1:]
            out[i][j] = FIGURE_SPACE * (left - before) + out[i][j] + pad
    return out
