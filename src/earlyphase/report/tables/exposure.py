"""Treatment exposure by arm: treatment duration, cycles started and relative dose intensity.

``TRTDURD`` (days, TRTEDT - TRTSDT + 1), ``NCYCLES`` and, per study drug of the plan,
``RDI<drug>`` = administered / planned dose x 100 (ADSL), each summarised as median
(range) and mean.  Rows whose variable is absent or entirely missing are not shown.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from earlyphase.report._methods import describe
from earlyphase.report.spec import RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables._common import (
    ARM_HEADER,
    column_specs,
    groups,
    population,
    require,
)

__all__ = ["REQUIRES", "exposure_table"]

REQUIRES = {"ADSL": ("USUBJID", "TRT01A", "TRT01AN", "TRTSDT")}
_FIXED = (
    (
        "TRTDURD",
        "Treatment duration, days, median (range)",
        "{median:1g} ({min:0}-{max:0}); mean {mean:1}",
    ),
    ("NCYCLES", "Cycles started, median (range)", "{median:1g} ({min:0}-{max:0}); mean {mean:1}"),
)
_RDI_TEMPLATE = "{median:1} ({min:1}-{max:1}); mean {mean:1}"


def _variables(adsl: pd.DataFrame) -> list[tuple[str, str, str]]:
    out = [v for v in _FIXED if v[0] in adsl.columns]
    out += [
        (c, f"Relative dose intensity of {c[3:]}, %, median (range)", _RDI_TEMPLATE)
        for c in adsl.columns
        if c.startswith("RDI") and len(c) > 3
    ]
    return [v for v in out if pd.to_numeric(adsl[v[0]], errors="coerce").notna().any()]


def exposure_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Compute the exposure table on the safety population."""
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "SAFFL")
    grps = groups(adsl)
    rec: list[tuple[str, str, str, float]] = []
    rows = []
    for var, label, tpl in _variables(adsl):
        rows.append(RowSpec(var.lower(), label, tpl))
        for g in grps:
            values = pd.to_numeric(adsl.loc[adsl["USUBJID"].isin(g.subjects), var], errors="coerce")
            for stat, value in describe(values.to_numpy()).items():
                rec.append((var.lower(), g.key, stat, value))
    spec = TableSpec(
        table_id="exposure",
        title="Treatment Exposure",
        columns=column_specs(grps, ARM_HEADER),
        rows=tuple(rows),
        stub_header="Exposure",
        footnotes=(
            "Safety population. Treatment duration = last - first dose date + 1 (ADSL TRTDURD); "
            "relative dose intensity = administered / planned dose x 100 (ADSL RDI<drug>).",
        ),
    )
    return TableResult(tidy(rec), spec, notes=("Exposure from ADSL.",))
