"""Table 2: treatment-related adverse events by dose level, any grade (1-4) and grade >= 3.

Counts are patients (worst grade per patient and preferred term; tern
``count_occurrences_by_grade`` convention), as n (%) of the dose level's safety population.
Treatment-related means ``RELFL == "Y"`` (AEREL at least possibly related); only
treatment-emergent events (``TRTEMFL == "Y"``) count.  Events flagged ``ANLEXFL == "Y"``
(lymphopenia in the reference trial) are tabulated but marked as excluded from the summary
rows, as in Chari et al. 2021 (Table 2 and Results, Safety/AEs).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.report.spec import ColumnSpec, RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables._common import (
    ARM_HEADER,
    OVERALL,
    column_specs,
    count_pct,
    groups,
    population,
    require,
    yes,
)

__all__ = ["REQUIRES", "REQUIRES_IR", "adverse_events_table", "infusion_reactions_table"]

REQUIRES = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN"),
    "ADAE": ("USUBJID", "AEDECOD", "ATOXGRN", "RELFL"),
}
_HEME_SOC = "BLOOD AND LYMPHATIC SYSTEM DISORDERS"
_NP = "{n} ({pct:0})"


def _intensity(related: pd.DataFrame, graded: bool) -> pd.Series:
    """CTCAE grade (ATOXGRN) when ADAE has grades, else severity (ASEVN: 1 mild, 3 severe)."""
    if graded or "ASEVN" not in related.columns:
        return pd.to_numeric(related["ATOXGRN"], errors="coerce")
    return pd.to_numeric(related["ASEVN"], errors="coerce")


def _uncoded(related: pd.DataFrame) -> np.ndarray:
    """Records whose AEDECOD is blank but that have a reported term (AETERM)."""
    if "AETERM" not in related.columns:
        return np.zeros(len(related), bool)
    blank = related["AEDECOD"].fillna("").astype("str").str.strip() == ""
    return (blank & related["AETERM"].notna()).to_numpy(bool)


def _select_terms(related: pd.DataFrame, n_total: int) -> dict[str, str]:
    present = set(related["AEDECOD"])
    paper = set(terms.TABLE2_TERMS.values())
    if len(present & paper) >= len(paper) / 2:  # the reference trial's terms (most present)
        return dict(terms.TABLE2_TERMS)
    # any trial: preferred terms reported in at least 10% of patients, most frequent first
    counts = related.groupby("AEDECOD")["USUBJID"].nunique().sort_values(ascending=False)
    chosen = counts[counts >= 0.10 * n_total].index
    return {str(t): str(t) for t in chosen}


def _is_hematologic(decod: str, related: pd.DataFrame) -> bool:
    if decod in terms.HEMATOLOGIC_TERMS:
        return True
    if "AEBODSYS" not in related.columns:
        return False
    soc = related.loc[related["AEDECOD"] == decod, "AEBODSYS"].astype("string").str.upper()
    return bool((soc == _HEME_SOC).any())


def adverse_events_table(
    adam: Mapping[str, pd.DataFrame], term_map: Mapping[str, str] | None = None
) -> TableResult:
    """Compute Table 2.

    Parameters
    ----------
    adam : mapping of ADaM datasets (needs ADSL and ADAE).
    term_map : display label -> AEDECOD.  Default: the paper's terms
        (``terms.TABLE2_TERMS``) when present, else every related PT in >= 10% of patients.
    """
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "SAFFL")
    grps = groups(adsl)
    adae = adam["ADAE"]
    adae = adae[adae["USUBJID"].isin(adsl["USUBJID"])]
    if "TRTEMFL" in adae.columns:
        adae = adae[yes(adae["TRTEMFL"])]
    graded = bool(pd.to_numeric(adae["ATOXGRN"], errors="coerce").notna().any())
    related = adae[yes(adae["RELFL"])].copy()
    related["grade"] = _intensity(related, graded)
    uncoded = _uncoded(related)
    if uncoded.any():
        related.loc[uncoded, "AEDECOD"] = related.loc[uncoded, "AETERM"].astype("str").str.title()
    excluded = (
        yes(related["ANLEXFL"]) if "ANLEXFL" in related.columns else np.zeros(len(related), bool)
    )
    term_map = dict(term_map) if term_map is not None else _select_terms(related, len(adsl))
    worst = related.groupby(["AEDECOD", "USUBJID"])["grade"].max()
    rec: list[tuple[str, str, str, float]] = []
    analysed = related[~excluded]
    worst_any = analysed.groupby("USUBJID")["grade"].max()
    for g in grps:
        ids = g.subjects
        rec.append(("n_patients", f"{g.key}:any", "n", float(g.n)))
        w = worst_any[worst_any.index.isin(ids)]
        count_pct(rec, "any_related", f"{g.key}:any", int((w >= 1).sum()), g.n)
        count_pct(rec, "any_related", f"{g.key}:ge3", int((w >= 3).sum()), g.n)
        count_pct(rec, "any_related", f"{g.key}:ge2", int((w >= 2).sum()), g.n)
        for label, decod in term_map.items():
            per = (
                worst[decod] if decod in worst.index.get_level_values(0) else pd.Series(dtype=float)
            )
            per = per[per.index.isin(ids)]
            count_pct(rec, label, f"{g.key}:any", int(((per >= 1) & (per <= 4)).sum()), g.n)
            count_pct(rec, label, f"{g.key}:ge3", int((per >= 3).sum()), g.n)
            count_pct(rec, label, f"{g.key}:ge2", int((per >= 2).sum()), g.n)
    columns = []
    any_header, high_header = ("1-4", "≥3") if graded else ("Any", "Severe")
    for g in grps:
        span = "Overall" if g.key == OVERALL else g.label
        columns.append(ColumnSpec(f"{g.key}:any", any_header, span))
        columns.append(ColumnSpec(f"{g.key}:ge3", high_header, span))
    heme = [lbl for lbl, d in term_map.items() if _is_hematologic(d, related)]
    nonheme = [lbl for lbl in term_map if lbl not in heme]
    excluded_terms = set(related.loc[excluded, "AEDECOD"])
    rows = [
        RowSpec("n_patients", "No. of patients", "{n}"),
        RowSpec("any_related", "Any treatment-related AE, No. (%)", _NP),
        RowSpec("heme", "Hematologic AEs, No. (%)"),
    ]

    def label_of(lbl: str) -> str:
        return f"{lbl}ᵃ" if term_map[lbl] in excluded_terms else lbl

    rows += [RowSpec(lbl, label_of(lbl), _NP, 1) for lbl in heme]
    rows.append(RowSpec("nonheme", "Nonhematologic AEs, No. (%)"))
    rows += [RowSpec(lbl, label_of(lbl), _NP, 1) for lbl in nonheme]
    scale = "CTCAE v4.03 grades" if graded else "severity (AESEV; no CTCAE grades in ADAE)"
    foot = [
        "Patients counted once per term at their worst grade; related = at least possibly "
        f"related to study treatment; {scale}; treatment-emergent events only.",
        "Any treatment-related AE excludes events flagged as excluded from analyses (ANLEXFL).",
    ]
    if uncoded.any():
        foot.append(
            f"{int(uncoded.sum())} related event(s) without a coded term (blank AEDECOD) are "
            "shown by their reported term (AETERM)."
        )
    if excluded_terms:
        foot.append(
            "ᵃ Excluded from the safety analyses as an expected event: "
            + ", ".join(sorted(excluded_terms))
            + "."
        )
    spec = TableSpec(
        table_id="table2_adverse_events",
        title="Table 2. Treatment-Related AEs by Arm",
        columns=tuple(columns),
        rows=tuple(rows),
        stub_header="Toxicity grade" if graded else "Severity",
        footnotes=tuple(foot),
    )
    # the "n_patients" row has only the any-column; fill the >=3 cell as not applicable
    return TableResult(tidy(rec), spec, notes=("Table 2: safety population, related TEAEs.",))


REQUIRES_IR = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN"),
    "ADAE": ("USUBJID", "IRFL", "IRDRUG", "IRDAY", "ATOXGRN"),
}


def infusion_reactions_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Infusion reactions (adverse events of special interest): patients with any, at the first
    infusion (C1D1), by drug, grade >= 3, and after cycle 1."""
    require(adam, REQUIRES_IR)
    adsl = population(adam["ADSL"], "SAFFL")
    grps = groups(adsl)
    adae = adam["ADAE"]
    ir = adae[yes(adae["IRFL"]) & adae["USUBJID"].isin(adsl["USUBJID"])].copy()
    ir["grade"] = pd.to_numeric(ir["ATOXGRN"], errors="coerce")
    day = ir["IRDAY"].astype("string").str.upper().fillna("")
    drug = ir["IRDRUG"].astype("string").str.upper().fillna("")
    selections = {
        "ir_any": np.ones(len(ir), bool),
        "ir_first": (day == "C1D1").to_numpy(bool),
        "ir_isatuximab": (drug == "ISATUXIMAB").to_numpy(bool),
        "ir_carfilzomib": (drug == "CARFILZOMIB").to_numpy(bool),
        "ir_ge3": (ir["grade"] >= 3).fillna(False).to_numpy(bool),
        "ir_after_c1": (~day.str.startswith("C1D")).to_numpy(bool),
    }
    rec: list[tuple[str, str, str, float]] = []
    for g in grps:
        in_group = ir["USUBJID"].isin(g.subjects).to_numpy(bool)
        for key, mask in selections.items():
            count_pct(rec, key, g.key, int(ir.loc[mask & in_group, "USUBJID"].nunique()), g.n)
    labels = {
        "ir_any": "Any infusion reaction",
        "ir_first": "At the first infusion (cycle 1, day 1)",
        "ir_isatuximab": "Attributed to isatuximab",
        "ir_carfilzomib": "Attributed to carfilzomib",
        "ir_ge3": "Grade ≥3",
        "ir_after_c1": "After cycle 1",
    }
    rows = tuple(RowSpec(k, v, _NP, 0 if k == "ir_any" else 1) for k, v in labels.items())
    spec = TableSpec(
        table_id="infusion_reactions",
        title="Infusion Reactions (Adverse Events of Special Interest)",
        columns=column_specs(grps, ARM_HEADER),
        rows=rows,
        stub_header="Patients, No. (%)",
        footnotes=(
            "Patients with at least one infusion reaction (ADAE.IRFL = Y), safety population.",
        ),
    )
    return TableResult(tidy(rec), spec, notes=("Infusion reactions from ADAE.IRFL.",))
