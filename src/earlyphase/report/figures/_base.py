"""Figure results and the matplotlib plumbing shared by the figure modules.

Figures are drawn on a bare :class:`matplotlib.figure.Figure` with the Agg canvas (no pyplot,
no global state), rendered once to PNG bytes and reused by every renderer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 150
#: resolution of the PNG files written next to the report (the embedded images use DPI)
FILE_DPI = 300
#: Colours: response categories (dark = deeper response) and dose levels.
RESPONSE_COLOURS = {"sCR/CR": "#08306b", "VGPR": "#2171b5", "PR": "#6baed6", "MR": "#c6dbef"}
DOSE_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e")


@dataclass(frozen=True)
class FigureResult:
    """One figure: id, title, caption, the tidy data plotted and the PNG bytes."""

    figure_id: str
    title: str
    caption: str
    data: pd.DataFrame
    png: bytes
    width_in: float
    height_in: float
    #: the matplotlib figure, kept to write the PNG (300 dpi), SVG and PDF files
    figure: Any = field(default=None, repr=False, compare=False)

    def render(self, fmt: str) -> bytes:
        """The figure as ``"png"`` (FILE_DPI), ``"svg"`` or ``"pdf"`` bytes (vector formats with
        fonts as paths/embedded: reproducible across machines)."""
        if self.figure is None:
            if fmt == "png":
                return self.png
            raise ValueError(f"figure {self.figure_id}: no matplotlib figure kept for {fmt}")
        buffer = io.BytesIO()
        options: dict[str, Any] = {"dpi": FILE_DPI} if fmt == "png" else {}
        if fmt in ("svg", "pdf"):
            options["metadata"] = {"Date": None} if fmt == "svg" else {"CreationDate": None}
        self.figure.savefig(buffer, format=fmt, bbox_inches="tight", facecolor="white", **options)
        return buffer.getvalue()

    def to_frame(self) -> pd.DataFrame:
        """The plotted numbers, tidy and unrounded."""
        return self.data.copy()


def new_figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def to_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def finish(
    figure_id: str, title: str, caption: str, data: pd.DataFrame, fig: Figure
) -> FigureResult:
    width, height = fig.get_size_inches()
    return FigureResult(
        figure_id,
        title,
        caption,
        data.reset_index(drop=True),
        to_png(fig),
        float(width),
        float(height),
        fig,
    )


def style_axes(ax) -> None:  # type: ignore[no-untyped-def]
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(which="both", labelsize=8)
