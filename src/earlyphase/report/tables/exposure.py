"""Treatment exposure: cycles started and relative dose intensity (RDI) by dose level.

RDI = administered / planned dose (mg) x 100 per drug (``ADSL.RDIISA``, ``ADSL.RDICARF``),
summarised as mean, median (range).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from earlyphase.report._methods import describe
from earlyphase.report.spec import RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables._common import column_specs, groups, population, require

__all__ = ["REQUIRES", "exposure_table"]

REQUIRES = {"ADSL": ("USUBJID", "TRT01A", "TRT01AN", "NCYCLES")}
_VARS = (
    ("NCYCLES", "Cycles started, median (range)", "{median:1g} ({min:0}-{max:0}); mean {mean:1}"),
    (
        "RDIISA",
        "Isatuximab relative dose intensity, %, median (range)",
        "{median:1} ({min:1}-{max:1}); mean {mean:1}",
    ),
    (
        "RDICARF",
        "Carfilzomib relative dose intensity, %, median (range)",
        "{median:1} ({min:1}-{max:1}); mean {mean:1}",
    ),
)


def exposure_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Compute the exposure table on the safety population."""
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "SAFFL")
    grps = groups(adsl)
    rec: list[tuple[str, str, str, float]] = []
    rows = []
    for var, label, tpl in _VARS:
        if var not in adsl.columns:
            continue
        rows.append(RowSpec(var.lower(), label, tpl))
        for g in grps:
            values = pd.to_numeric(adsl.loc[adsl["USUBJID"].isin(g.subjects), var], errors="coerce")
            for stat, value in describe(values.to_numpy()).items():
                rec.append((var.lower(), g.key, stat, value))
    spec = TableSpec(
        table_id="exposure",
        title="Treatment Exposure",
        columns=column_specs(grps, "Isatuximab dose"),
        rows=tuple(rows),
        stub_header="Exposure",
        footnotes=(
            "Safety population. Relative dose intensity = administered / planned mg x 100.",
        ),
    )
    return TableResult(tidy(rec), spec, notes=("Exposure from ADSL.",))
