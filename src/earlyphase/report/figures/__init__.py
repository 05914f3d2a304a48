"""Figures of the report: one module per figure, each returning a :class:`FigureResult`."""

from __future__ import annotations

from earlyphase.report.figures._base import FigureResult
from earlyphase.report.figures.concentration import (
    concentration_data,
    concentration_figure,
    individual_profiles_data,
    spaghetti_figure,
)
from earlyphase.report.figures.infusion import infusion_reactions_data, infusion_reactions_figure
from earlyphase.report.figures.km import km_figure, km_frame
from earlyphase.report.figures.response import response_rates_data, response_rates_figure
from earlyphase.report.figures.swimmer import swimmer_data, swimmer_figure

__all__ = [
    "FigureResult",
    "concentration_data",
    "concentration_figure",
    "individual_profiles_data",
    "infusion_reactions_data",
    "infusion_reactions_figure",
    "km_figure",
    "km_frame",
    "response_rates_data",
    "response_rates_figure",
    "spaghetti_figure",
    "swimmer_data",
    "swimmer_figure",
]
