"""One module per table; :data:`TABLES` lists them in report order with their inputs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from earlyphase.report.options import ReportOptions
from earlyphase.report.spec import TableResult
from earlyphase.report.tables import (
    adverse_events,
    demographics,
    disposition,
    efficacy,
    exposure,
    pk_parameters,
    time_to_event,
)
from earlyphase.report.tables.adverse_events import adverse_events_table, infusion_reactions_table
from earlyphase.report.tables.demographics import demographics_table
from earlyphase.report.tables.disposition import disposition_table
from earlyphase.report.tables.efficacy import (
    best_response_table,
    response_timing_table,
    subgroup_orr_table,
)
from earlyphase.report.tables.exposure import exposure_table
from earlyphase.report.tables.pk_parameters import pk_parameters_table
from earlyphase.report.tables.time_to_event import time_to_event_table

__all__ = [
    "TABLES",
    "TableBuilder",
    "adverse_events_table",
    "best_response_table",
    "infusion_reactions_table",
    "demographics_table",
    "disposition_table",
    "exposure_table",
    "pk_parameters_table",
    "response_timing_table",
    "subgroup_orr_table",
    "time_to_event_table",
]


@dataclass(frozen=True)
class TableBuilder:
    """A table of the report: id, title, the ADaM inputs it needs and the function computing it."""

    table_id: str
    title: str
    requires: Mapping[str, Sequence[str]]
    build: Callable[..., TableResult]
    uses_options: bool = False

    @property
    def output_id(self) -> str:
        """The id of the output (``table_id``)."""
        return self.table_id

    def run(self, adam: Mapping[str, pd.DataFrame], options: ReportOptions) -> TableResult:
        """Compute the table (passing the options to builders that take them)."""
        return self.build(adam, options) if self.uses_options else self.build(adam)


TABLES: tuple[TableBuilder, ...] = (
    TableBuilder("disposition", "Patient disposition", disposition.REQUIRES, disposition_table),
    TableBuilder(
        "table1_demographics", "Table 1 (demographics)", demographics.REQUIRES, demographics_table
    ),
    TableBuilder("exposure", "Treatment exposure", exposure.REQUIRES, exposure_table),
    TableBuilder(
        "table2_adverse_events",
        "Table 2 (related AEs)",
        adverse_events.REQUIRES,
        adverse_events_table,
    ),
    TableBuilder(
        "infusion_reactions",
        "Infusion reactions",
        adverse_events.REQUIRES_IR,
        infusion_reactions_table,
    ),
    TableBuilder(
        "table3_pk_parameters",
        "Table 3 (isatuximab PK)",
        pk_parameters.REQUIRES,
        pk_parameters_table,
    ),
    TableBuilder(
        "efficacy_best_response", "Best response, ORR, CBR", efficacy.REQUIRES, best_response_table
    ),
    TableBuilder("efficacy_subgroups", "Subgroup ORRs", efficacy.REQUIRES, subgroup_orr_table),
    TableBuilder(
        "efficacy_response_timing",
        "Time to response, DOR",
        efficacy.REQUIRES_TIMING,
        response_timing_table,
        uses_options=True,
    ),
    TableBuilder(
        "time_to_event",
        "PFS, OS, follow-up",
        time_to_event.REQUIRES,
        time_to_event_table,
        uses_options=True,
    ),
)
