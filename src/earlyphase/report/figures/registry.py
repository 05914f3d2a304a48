"""The report's figures in order, with the ADaM inputs each needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from earlyphase.report.figures import concentration, infusion, km, response, swimmer, tumor
from earlyphase.report.figures._base import FigureResult
from earlyphase.report.options import ReportOptions

__all__ = ["FIGURES", "FigureBuilder"]


@dataclass(frozen=True)
class FigureBuilder:
    """A figure of the report: id, title, required inputs and the function drawing it."""

    figure_id: str
    title: str
    requires: Mapping[str, Sequence[str]]
    build: Callable[..., FigureResult]
    uses_options: bool = False
    #: ADaM dataset without which the output does not apply to the trial (omitted, not listed
    #: as "not produced"), e.g. "ADTR" for the RECIST 1.1 outputs; "" = always applies.
    only_with: str = ""
    #: ADaM dataset whose presence means the figure does not apply (as for tables); "" = always.
    not_with: str = ""

    @property
    def output_id(self) -> str:
        """The id of the output (``figure_id``)."""
        return self.figure_id

    def run(self, adam: Mapping[str, pd.DataFrame], options: ReportOptions) -> FigureResult:
        """Draw the figure (passing the options to builders that take them)."""
        return self.build(adam, options) if self.uses_options else self.build(adam)


FIGURES: tuple[FigureBuilder, ...] = (
    FigureBuilder(
        "figure1_infusion_reactions",
        "Figure 1 (infusion reactions)",
        infusion.REQUIRES,
        infusion.infusion_reactions_figure,
    ),
    FigureBuilder(
        "figure2_response_rates",
        "Figure 2 (response rates)",
        response.REQUIRES,
        response.response_rates_figure,
    ),
    FigureBuilder(
        "figure3_km_pfs",
        "Figure 3 (KM PFS)",
        km.REQUIRES,
        lambda a, o: km.km_figure(a, "PFS", o),
        True,
    ),
    FigureBuilder(
        "figure4_km_os",
        "Figure 4 (KM OS)",
        km.REQUIRES,
        lambda a, o: km.km_figure(a, "OS", o),
        True,
    ),
    FigureBuilder(
        "figure_pk_mean",
        "Mean concentration–time profiles (linear, semi-log)",
        concentration.REQUIRES,
        concentration.concentration_figure,
    ),
    FigureBuilder(
        "figure_pk_individual",
        "Individual concentration–time profiles (semi-log)",
        concentration.REQUIRES,
        concentration.spaghetti_figure,
    ),
    FigureBuilder("figure_swimmer", "Swimmer plot", swimmer.REQUIRES, swimmer.swimmer_figure),
    FigureBuilder(
        "figure_waterfall",
        "Waterfall plot",
        tumor.WATERFALL_REQUIRES,
        tumor.waterfall_figure,
        only_with="ADTR",
    ),
    FigureBuilder(
        "figure_spider",
        "Spider plot",
        tumor.SPIDER_REQUIRES,
        tumor.spider_figure,
        only_with="ADTR",
    ),
    FigureBuilder(
        "figure_swimmer_recist",
        "Swimmer plot with RECIST responses",
        tumor.SWIMMER_REQUIRES,
        tumor.recist_swimmer_figure,
        only_with="ADTR",
    ),
)
