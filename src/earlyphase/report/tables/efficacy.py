"""Efficacy tables: best overall response, ORR and CBR with exact CIs, subgroup ORRs,
time to first and best response, and duration of response.

Conventions (Chari et al. 2021, Methods): responses by IMWG with EBMT minimal response;
ORR = sCR + CR + VGPR + PR; clinical benefit rate (CBR) = ORR + MR; denominator = the
response-evaluable patients (``EFFFL == "Y"``); 95% CIs are Clopper–Pearson exact.
Time to first / best response are described among responders (median and range, weeks = days
/ 7); DOR is estimated by Kaplan–Meier (months).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.report._methods import describe, kaplan_meier
from earlyphase.report.options import ReportOptions
from earlyphase.report.spec import ColumnSpec, RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables._common import (
    ARM_HEADER,
    column_specs,
    count_pct,
    count_pct_ci,
    groups,
    population,
    require,
    yes,
)

__all__ = [
    "REQUIRES",
    "REQUIRES_TIMING",
    "SUBGROUPS",
    "best_response_table",
    "response_timing_table",
    "subgroup_orr_table",
]

REQUIRES = {"ADSL": ("USUBJID", "TRT01A", "TRT01AN"), "ADRS": ("USUBJID", "PARAMCD", "AVALC")}
REQUIRES_TIMING = {"ADSL": ("USUBJID",), "ADTTE": ("USUBJID", "PARAMCD", "AVAL", "CNSR")}
_CI = "{n} ({pct:0}) [{lcl:0}-{ucl:0}]"


def best_response(adam: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """ADSL efficacy population joined to its best overall response (missing -> NE)."""
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "EFFFL")
    adrs = adam["ADRS"]
    bor = adrs.loc[adrs["PARAMCD"] == "BOR", ["USUBJID", "AVALC"]].drop_duplicates("USUBJID")
    out = adsl.merge(bor, on="USUBJID", how="left")
    out["BOR"] = out["AVALC"].fillna("NE").astype(str)
    return out


def best_response_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Best response categories, ORR and CBR with exact 95% CIs, by dose level and overall."""
    data = best_response(adam)
    grps = groups(data)
    rec: list[tuple[str, str, str, float]] = []
    for g in grps:
        sub = data[data["USUBJID"].isin(g.subjects)]
        n = len(sub)
        for cat in terms.RESPONSE_ORDER:
            count_pct(rec, cat, g.key, int((sub["BOR"] == cat).sum()), n)
        count_pct(rec, "sCR/CR", g.key, int(sub["BOR"].isin(["sCR", "CR"]).sum()), n)
        count_pct_ci(rec, "ORR", g.key, int(sub["BOR"].isin(terms.RESPONDER_CATEGORIES).sum()), n)
        count_pct_ci(
            rec, "CBR", g.key, int(sub["BOR"].isin(terms.CLINICAL_BENEFIT_CATEGORIES).sum()), n
        )
    rows = [RowSpec("bor", "Best overall response, No. (%)")]
    rows += [RowSpec(c, c, "{n} ({pct:0})", 1) for c in terms.RESPONSE_ORDER]
    rows.append(RowSpec("ORR", "ORR (≥PR), No. (%) [95% CI]", _CI))
    rows.append(RowSpec("CBR", "CBR (≥MR), No. (%) [95% CI]", _CI))
    spec = TableSpec(
        table_id="efficacy_best_response",
        title="Best Overall Response, ORR and Clinical Benefit Rate by Dose Level",
        columns=column_specs(grps, ARM_HEADER),
        rows=tuple(rows),
        stub_header="Response (IMWG)",
        footnotes=(
            "Response-evaluable population (EFFFL = Y). ORR = sCR + CR + VGPR + PR; "
            "CBR = ORR + MR. 95% CI: Clopper–Pearson exact.",
        ),
        zero_count_text=None,
    )
    return TableResult(tidy(rec), spec, notes=("ORR/CBR: Clopper-Pearson exact 95% CI.",))


Subgroup = tuple[str, str, str, Callable[[pd.DataFrame], np.ndarray]]


def _flag(var: str) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda d: yes(d[var]) if var in d.columns else np.zeros(len(d), bool)


def _equals(var: str, value: str) -> Callable[[pd.DataFrame], np.ndarray]:
    def select(d: pd.DataFrame) -> np.ndarray:
        if var not in d.columns:
            return np.zeros(len(d), bool)
        return (d[var].astype("string").str.upper() == value.upper()).fillna(False).to_numpy(bool)

    return select


def _age(lo: bool) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda d: (pd.to_numeric(d["AGE"]) < 65).to_numpy() == lo


def _hr_or_gain(d: pd.DataFrame) -> np.ndarray:
    return _equals("CYTORISK", "HIGH")(d) | _flag("GAIN1Q")(d)


#: (row key, label, selector) of the subgroups reported in the paper's Efficacy section.
SUBGROUPS: tuple[Subgroup, ...] = (
    ("overall", "All evaluable patients", "", lambda d: np.ones(len(d), bool)),
    ("lenref", "Refractory to lenalidomide", "LENREF", _flag("LENREF")),
    ("imidref", "Refractory to any IMiD", "IMIDREF", _flag("IMIDREF")),
    ("piref", "Refractory to PIs", "PIREF", _flag("PIREF")),
    ("dualref", "Dual refractory (IMiD + PI)", "DUALREF", _flag("DUALREF")),
    ("carfexp", "Prior carfilzomib", "CARFEXP", _flag("CARFEXP")),
    ("carfref", "Carfilzomib refractory", "CARFREF", _flag("CARFREF")),
    ("cyto_high", "High-risk cytogenetics", "CYTORISK", _equals("CYTORISK", "HIGH")),
    ("gain1q", "1q gain (without high-risk abnormality)", "GAIN1Q", _flag("GAIN1Q")),
    ("hr_or_gain1q", "High risk or 1q gain", "CYTORISK", _hr_or_gain),
    ("age_lt65", "Age < 65 years", "AGE", _age(True)),
    ("age_ge65", "Age ≥ 65 years", "AGE", _age(False)),
)


def subgroup_orr_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """ORR (exact 95% CI) in the paper's subgroups, all dose levels pooled.

    Subgroups whose ADSL variable is absent are left out (listed in the table's notes).
    """
    data = best_response(adam)
    responder = data["BOR"].isin(terms.RESPONDER_CATEGORIES).to_numpy()
    rec: list[tuple[str, str, str, float]] = []
    rows = []
    skipped = []
    for key, label, variable, select in SUBGROUPS:
        if variable and variable not in data.columns:
            skipped.append(f"{label} (ADSL.{variable} missing)")
            continue
        mask = select(data)
        n = int(mask.sum())
        rec.append((key, "N", "n", float(n)))
        count_pct_ci(rec, key, "ORR", int((responder & mask).sum()), n)
        rows.append(RowSpec(key, label, "{n}", column_templates=(("ORR", _CI),)))
    spec = TableSpec(
        table_id="efficacy_subgroups",
        title="Overall Response Rate by Subgroup",
        columns=(ColumnSpec("N", "N"), ColumnSpec("ORR", "Responders, No. (%) [95% CI]")),
        rows=tuple(rows),
        stub_header="Subgroup",
        footnotes=(
            "ORR = sCR + CR + VGPR + PR among response-evaluable patients in the subgroup; "
            "95% CI: Clopper–Pearson exact. Dose levels pooled.",
        ),
        zero_count_text=None,
    )
    notes = ("Subgroup ORRs pooled over dose levels.",) + tuple(
        f"Not available: {s}" for s in skipped
    )
    return TableResult(tidy(rec), spec, notes=notes)


def response_timing_table(
    adam: Mapping[str, pd.DataFrame], options: ReportOptions | None = None
) -> TableResult:
    """Time to first response, time to best response (responders) and duration of response."""
    require(adam, REQUIRES_TIMING)
    adsl = population(adam["ADSL"], "EFFFL")
    adtte = adam["ADTTE"]
    adtte = adtte[adtte["USUBJID"].isin(adsl["USUBJID"])]
    rec: list[tuple[str, str, str, float]] = []
    rows = []
    for code, label in (
        ("TTR", "Time to first response (≥PR), weeks"),
        ("TTBR", "Time to best response, weeks"),
    ):
        sub = adtte[(adtte["PARAMCD"] == code) & (adtte["CNSR"] == 0)]
        if sub.empty:
            continue
        days = (
            pd.to_numeric(sub["AVALDY"])
            if "AVALDY" in sub.columns
            else pd.to_numeric(sub["AVAL"]) * terms.DAYS_PER_MONTH
        )
        for stat, value in describe((days.astype(float) / 7.0).to_numpy()).items():
            rec.append((code, "value", stat, value))
        rows.append(
            RowSpec(code, f"{label}, median (range)", "{median:1g} ({min:1g}-{max:1g}) [n = {n}]")
        )
    dor = adtte[adtte["PARAMCD"] == "DOR"]
    if not dor.empty:
        t = pd.to_numeric(dor["AVAL"]).to_numpy()
        e = (1 - pd.to_numeric(dor["CNSR"])).to_numpy()
        km = kaplan_meier(t, e, (options or ReportOptions()).km_conf_type)
        rec += [
            ("DOR", "value", "median", km.median),
            ("DOR", "value", "lcl", km.median_lower),
            ("DOR", "value", "ucl", km.median_upper),
            ("DOR", "value", "n", float(km.n)),
            ("DOR", "value", "events", float(km.events)),
            ("DOR", "value", "min", float(t.min())),
            ("DOR", "value", "max", float(t.max())),
        ]
        over18 = float((t > 18).sum())
        rec.append(("DOR_gt18", "value", "n", over18))
        rec.append(("DOR_gt18", "value", "pct", 100.0 * over18 / len(t)))
        rows.append(
            RowSpec(
                "DOR",
                "Duration of response (KM), median (95% CI), months",
                "{median:1} ({lcl:1}-{ucl:1}); range {min:1}-{max:1}; {events} events/{n}",
            )
        )
        rows.append(
            RowSpec("DOR_gt18", "Responders with remission > 18 months, No. (%)", "{n} ({pct:0})")
        )
    spec = TableSpec(
        table_id="efficacy_response_timing",
        title="Time to Response and Duration of Response",
        columns=(ColumnSpec("value", "All responders"),),
        rows=tuple(rows),
        stub_header="Parameter",
        footnotes=(
            "Times to response are described among responders (weeks = days / 7). DOR from "
            "first response to progression or death, Kaplan–Meier median with "
            "Brookmeyer–Crowley 95% CI (months = days / 30.4375).",
        ),
        zero_count_text=None,
    )
    return TableResult(tidy(rec), spec, notes=("DOR: Kaplan-Meier median, Brookmeyer-Crowley CI.",))
