"""Patient disposition: enrolment by cohort, analysis populations, status at data cut-off,
progression and death, by dose level and overall."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from earlyphase.report.spec import RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables._common import (
    ARM_HEADER,
    column_specs,
    count_pct,
    groups,
    require,
    yes,
)

__all__ = ["REQUIRES", "disposition_table"]

REQUIRES = {"ADSL": ("USUBJID", "TRT01A", "TRT01AN")}
_NP = "{n} ({pct:0})"


def disposition_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Compute the disposition table on all enrolled subjects (ADSL)."""
    require(adam, REQUIRES)
    adsl = adam["ADSL"]
    grps = groups(adsl)
    pfs = None
    if "ADTTE" in adam and {"PARAMCD", "CNSR"} <= set(adam["ADTTE"].columns):
        adtte = adam["ADTTE"]
        pfs = adtte[adtte["PARAMCD"] == "PFS"]
    rec: list[tuple[str, str, str, float]] = []
    rows = [RowSpec("enrolled", "Enrolled, No.", "{n}")]
    cohorts = (
        [c for c in dict.fromkeys(adsl["COHORT"].dropna().astype(str)) if c.strip()]
        if "COHORT" in adsl.columns
        else []
    )
    # treatment disposition (EOTSTT/DCTREAS) when ADSL has it, else end of study
    treatment = {"EOTSTT", "DCTREAS"} <= set(adsl.columns)
    status_col, reason_col = ("EOTSTT", "DCTREAS") if treatment else ("EOSSTT", "DCSREAS")
    what = "Treatment" if treatment else "Study"
    statuses = (
        sorted(adsl[status_col].dropna().astype(str).unique()) if status_col in adsl.columns else []
    )
    reasons = (
        sorted(r for r in adsl[reason_col].dropna().astype(str).unique() if r.strip())
        if reason_col in adsl.columns
        else []
    )
    for g in grps:
        sub = adsl[adsl["USUBJID"].isin(g.subjects)]
        n = len(sub)
        rec.append(("enrolled", g.key, "n", float(n)))
        for c in cohorts:
            count_pct(rec, f"cohort:{c}", g.key, int((sub["COHORT"] == c).sum()), n)
        for flag in ("SAFFL", "EFFFL", "PKFL"):
            if flag in sub.columns:
                count_pct(rec, flag, g.key, int(yes(sub[flag]).sum()), n)
        for s in statuses:
            count_pct(rec, f"eos:{s}", g.key, int((sub[status_col].astype(str) == s).sum()), n)
        for r in reasons:
            count_pct(rec, f"reason:{r}", g.key, int((sub[reason_col].astype(str) == r).sum()), n)
        if pfs is not None:
            p = pfs[pfs["USUBJID"].isin(g.subjects)]
            count_pct(rec, "pfs_event", g.key, int((p["CNSR"] == 0).sum()), n)
        if "DTHFL" in sub.columns:
            count_pct(rec, "death", g.key, int(yes(sub["DTHFL"]).sum()), n)
    rows += [RowSpec(f"cohort:{c}", f"{c.title()} cohort", _NP, 1) for c in cohorts]
    labels = {"SAFFL": "Safety population", "EFFFL": "Response-evaluable", "PKFL": "PK population"}
    rows += [RowSpec(f, lbl, _NP) for f, lbl in labels.items() if f in adsl.columns]
    if statuses:
        rows.append(RowSpec("eos", f"{what} status at data cut-off, No. (%)"))
        rows += [RowSpec(f"eos:{s}", s.title() or "Not treated", _NP, 1) for s in statuses]
    if reasons:
        rows.append(RowSpec("reason", f"Reason for ending {what.lower()}, No. (%)"))
        rows += [RowSpec(f"reason:{r}", r.capitalize(), _NP, 1) for r in reasons]
    if pfs is not None:
        rows.append(RowSpec("pfs_event", "Progression or death (PFS event), No. (%)", _NP))
    if "DTHFL" in adsl.columns:
        rows.append(RowSpec("death", "Died, No. (%)", _NP))
    spec = TableSpec(
        table_id="disposition",
        title="Patient Disposition",
        columns=column_specs(grps, ARM_HEADER),
        rows=tuple(rows),
        stub_header="",
        footnotes=(
            f"All enrolled patients; status at the data cut-off date (ADSL.DCUTDT), from "
            f"ADSL.{status_col} and ADSL.{reason_col}.",
        ),
        zero_count_text=None,
    )
    return TableResult(tidy(rec), spec, notes=("Disposition from ADSL and ADTTE.",))
