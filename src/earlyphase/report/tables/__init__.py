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
    dlt,
    efficacy,
    exposure,
    pk_listing,
    pk_parameters,
    pk_proportionality,
    response_deepening,
    safety,
    time_to_event,
    tumor_response,
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
from earlyphase.report.tables.pk_listing import pk_listing_table
from earlyphase.report.tables.pk_parameters import pk_parameters_table
from earlyphase.report.tables.pk_proportionality import pk_proportionality_table
from earlyphase.report.tables.time_to_event import time_to_event_table
from earlyphase.report.tables.tumor_response import recist_response_table

__all__ = [
    "TABLES",
    "TableBuilder",
    "adverse_events_table",
    "best_response_table",
    "infusion_reactions_table",
    "demographics_table",
    "disposition_table",
    "exposure_table",
    "pk_listing_table",
    "pk_parameters_table",
    "pk_proportionality_table",
    "recist_response_table",
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
    #: ADaM dataset without which the output does not apply to the trial (omitted, not listed
    #: as "not produced"), e.g. "ADTR" for the RECIST 1.1 outputs; "" = always applies.
    only_with: str = ""
    #: ADaM dataset whose presence means the output does not apply (omitted), e.g. "ADTR" for
    #: the IMWG (myeloma) response outputs of a RECIST 1.1 trial; "" = always applies.
    not_with: str = ""

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
    TableBuilder("dlt", "DLTs by dose level", dlt.REQUIRES, dlt.dlt_table, uses_options=True),
    TableBuilder(
        "dlt_escalation",
        "Escalation history",
        dlt.REQUIRES,
        dlt.dlt_escalation_table,
        uses_options=True,
    ),
    TableBuilder(
        "safety_overview", "Overview of AEs", safety.REQUIRES_AE, safety.safety_overview_table
    ),
    TableBuilder(
        "ae_soc_pt", "AEs by SOC and PT", safety.REQUIRES_AE, safety.adverse_events_soc_pt_table
    ),
    TableBuilder(
        "serious_adverse_events",
        "Serious AEs",
        {**safety.REQUIRES_AE, "ADAE": (*safety.REQUIRES_AE["ADAE"], "AESER")},
        safety.serious_adverse_events_table,
    ),
    TableBuilder("deaths", "Deaths", safety.REQUIRES_DEATHS, safety.deaths_table),
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
        "infusion_reactions_by_infusion",
        "Infusion reactions by infusion",
        safety.REQUIRES_IR,
        safety.infusion_reactions_by_infusion_table,
    ),
    TableBuilder("lab_shifts", "Lab shifts (CTCAE)", safety.REQUIRES_LABS, safety.lab_shift_table),
    TableBuilder(
        "table3_pk_parameters",
        "Table 3 (isatuximab PK)",
        pk_parameters.REQUIRES,
        pk_parameters_table,
    ),
    TableBuilder(
        "pk_proportionality",
        "Dose proportionality (power model, GMRs)",
        pk_proportionality.REQUIRES,
        pk_proportionality_table,
    ),
    TableBuilder(
        "pk_listing", "PK parameters by patient (listing)", pk_listing.REQUIRES, pk_listing_table
    ),
    TableBuilder(
        "efficacy_best_response",
        "Best response, ORR, CBR",
        efficacy.REQUIRES,
        best_response_table,
        not_with="ADTR",
    ),
    TableBuilder(
        "response_deepening",
        "Response deepening",
        response_deepening.REQUIRES,
        response_deepening.response_deepening_table,
        not_with="ADTR",
    ),
    TableBuilder(
        "efficacy_recist_response",
        "RECIST 1.1 best response, ORR, DCR",
        tumor_response.REQUIRES,
        recist_response_table,
        only_with="ADTR",
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
