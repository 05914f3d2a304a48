"""RECIST 1.1 response table: best overall response, ORR (unconfirmed and confirmed) and
disease control rate by dose level.

Conventions: best overall response from ADRS ``BOR`` (confirmation not required) and ``CBOR``
(confirmed) derived from the tumour measurements (:mod:`earlyphase.cdisc.adam.adrs_recist`);
ORR = CR + PR; disease control rate (DCR) = CR + PR + SD + NON-CR/NON-PD (SD counted only
>= 42 days after the first dose; Eisenhauer et al. 2009, §4.4.3); denominator = all treated
patients (``SAFFL == "Y"``), those never assessed counting as NE; 95% CIs Clopper–Pearson.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from earlyphase.report.spec import RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables._common import (
    ARM_HEADER,
    column_specs,
    count_pct,
    count_pct_ci,
    groups,
    population,
    require,
)

__all__ = ["REQUIRES", "recist_response_table"]

REQUIRES = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN"),
    "ADRS": ("USUBJID", "PARAMCD", "AVALC", "PARCAT1"),
    "ADTR": ("USUBJID",),
}
_CATEGORIES = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE")
_CI = "{n} ({pct:0}) [{lcl:0}-{ucl:0}]"


def _responses(adam: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "SAFFL")
    adrs = adam["ADRS"]
    recist = adrs[adrs["PARCAT1"].astype(str).str.startswith("RECIST")]
    out = adsl
    for param in ("BOR", "CBOR"):
        best = recist.loc[recist["PARAMCD"] == param, ["USUBJID", "AVALC"]]
        best = best.drop_duplicates("USUBJID").rename(columns={"AVALC": param})
        out = out.merge(best, on="USUBJID", how="left")
        out[param] = out[param].fillna("NE").astype(str)
    return out


def recist_response_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Best overall response (RECIST 1.1), ORR, confirmed ORR and DCR by dose level."""
    data = _responses(adam)
    grps = groups(data)
    rec: list[tuple[str, str, str, float]] = []
    for g in grps:
        sub = data[data["USUBJID"].isin(g.subjects)]
        n = len(sub)
        for cat in _CATEGORIES:
            count_pct(rec, cat, g.key, int((sub["BOR"] == cat).sum()), n)
        count_pct_ci(rec, "ORR", g.key, int(sub["BOR"].isin(["CR", "PR"]).sum()), n)
        count_pct_ci(rec, "CORR", g.key, int(sub["CBOR"].isin(["CR", "PR"]).sum()), n)
        dcr = sub["BOR"].isin(["CR", "PR", "SD", "NON-CR/NON-PD"]).sum()
        count_pct_ci(rec, "DCR", g.key, int(dcr), n)
    rows = [RowSpec("bor", "Best overall response, No. (%)")]
    rows += [RowSpec(c, c, "{n} ({pct:0})", 1) for c in _CATEGORIES]
    rows += [
        RowSpec("ORR", "ORR (CR + PR), No. (%) [95% CI]", _CI),
        RowSpec("CORR", "Confirmed ORR, No. (%) [95% CI]", _CI),
        RowSpec("DCR", "Disease control (CR + PR + SD), No. (%) [95% CI]", _CI),
    ]
    spec = TableSpec(
        table_id="efficacy_recist_response",
        title="Best Overall Response by RECIST 1.1, ORR and Disease Control Rate by Dose Level",
        columns=column_specs(grps, ARM_HEADER),
        rows=tuple(rows),
        stub_header="Response (RECIST 1.1)",
        footnotes=(
            "Treated patients (SAFFL = Y); never assessed = NE. Responses derived from the "
            "tumour measurements (TU/TR). SD counts only >= 42 days after the first dose; "
            "confirmed ORR needs CR/PR again >= 28 days later. 95% CI: Clopper–Pearson exact.",
        ),
        zero_count_text=None,
    )
    return TableResult(
        tidy(rec), spec, notes=("RECIST 1.1 ORR/DCR: Clopper-Pearson exact 95% CI.",)
    )
