"""Standard oncology safety tables built on the table-layout API (:mod:`earlyphase.report.layout`).

* overview of adverse events (any, grade >= 3, serious, leading to discontinuation / dose
  reduction / interruption, fatal, deaths);
* adverse events by system organ class and preferred term, sorted by frequency;
* serious adverse events (patients and events);
* deaths with their cause;
* laboratory shifts, baseline versus worst post-baseline CTCAE grade;
* infusion reactions by infusion (cycle/day and drug) and grade.

Counting follows the usual TLF conventions (e.g. PhUSE/FDA "Standard Safety Tables and
Figures" white paper, 2017): patients counted once per row at their worst grade,
treatment-emergent events only (``TRTEMFL == "Y"`` when present), denominators = the safety
population of each column (``ADSL.SAFFL == "Y"``).  Terms are MedDRA (``AEBODSYS``/``AEDECOD``),
grades CTCAE (``ATOXGRN``).  Rows that need a variable absent from the data (e.g. ``AEACN``
for dose reductions) are left out and named in a footnote, never shown as zero.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from earlyphase.errors import DataError
from earlyphase.report.layout import (
    Analysis,
    Analyze,
    Cell,
    Column,
    CountSubjects,
    Heading,
    NestedCounts,
    SubColumn,
    TableLayout,
)
from earlyphase.report.spec import TableResult
from earlyphase.report.tables._common import require, yes

__all__ = [
    "REQUIRES_AE",
    "REQUIRES_DEATHS",
    "REQUIRES_IR",
    "REQUIRES_LABS",
    "adverse_events_soc_pt_table",
    "deaths_table",
    "infusion_reactions_by_infusion_table",
    "lab_shift_table",
    "safety_overview_table",
    "safety_layout",
    "serious_adverse_events_table",
]

REQUIRES_AE = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN", "SAFFL"),
    "ADAE": ("USUBJID", "AEDECOD", "AEBODSYS", "ATOXGRN"),
}
REQUIRES_DEATHS = {"ADSL": ("USUBJID", "TRT01A", "TRT01AN", "SAFFL", "DTHFL")}
REQUIRES_IR = {
    "ADSL": ("USUBJID", "SAFFL"),
    "ADAE": ("USUBJID", "IRFL", "IRDRUG", "IRDAY", "ATOXGRN"),
}
REQUIRES_LABS = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN", "SAFFL"),
    "ADLB": ("USUBJID", "PARAMCD", "PARAM", "ATOXGRN", "BTOXGRN"),
}
_POPULATION_NOTE = "Safety population (ADSL.SAFFL = Y): patients who received any study treatment."
_COUNT_NOTE = (
    "Patients are counted once per row, at their worst grade; percentages use the number of "
    "patients in the column (n)."
)


def safety_layout(table_id: str, title: str) -> TableLayout:
    """The common frame of the safety tables: safety population, one column per dose level
    (``TRT01AN``, keys ``DL<n>``) and Overall."""
    return (
        TableLayout(table_id, title)
        .population("SAFFL")
        .split_columns_by("TRT01AN", label_var="TRT01A", key_prefix="DL", span="Dose level")
        .stub("Patients, No. (%)")
    )


def _emergent(adae: pd.DataFrame) -> pd.DataFrame:
    """Treatment-emergent records with a numeric worst grade column ``grade``."""
    out = adae[yes(adae["TRTEMFL"])] if "TRTEMFL" in adae.columns else adae
    out = out.copy()
    out["grade"] = pd.to_numeric(out["ATOXGRN"], errors="coerce")
    return out


def _related(d: pd.DataFrame) -> np.ndarray:
    return yes(d["RELFL"]) if "RELFL" in d.columns else np.zeros(len(d), bool)


def _upper(d: pd.DataFrame, column: str) -> pd.Series:
    return d[column].astype("string").str.upper().fillna("")


def _action_is(action: str) -> Callable[[pd.DataFrame], np.ndarray]:
    def select(d: pd.DataFrame) -> np.ndarray:
        return (_upper(d, "AEACN") == action).to_numpy(dtype=bool)

    return select


def _grade_is(grade: int, var: str = "grade") -> Callable[[pd.DataFrame], np.ndarray]:
    def select(d: pd.DataFrame) -> np.ndarray:
        return (d[var] == grade).to_numpy(dtype=bool)

    return select


def _action_rows(adae: pd.DataFrame, adsl: pd.DataFrame) -> tuple[list[Analysis], list[str]]:
    """Rows for AEs leading to discontinuation / reduction / interruption, and the footnotes
    saying where each came from or why it is left out."""
    rows: list[Analysis] = []
    notes: list[str] = []
    if "AEACN" in adae.columns:
        for key, label, action in (
            ("acn_withdrawn", "AE leading to treatment discontinuation", "DRUG WITHDRAWN"),
            ("acn_reduced", "AE leading to dose reduction", "DOSE REDUCED"),
            ("acn_interrupted", "AE leading to dose interruption", "DRUG INTERRUPTED"),
        ):
            rows.append(CountSubjects(key, label, _action_is(action)))
        notes.append("Action taken with study treatment from ADAE.AEACN.")
        return rows, notes
    if "DCTREAS" in adsl.columns:
        rows.append(
            CountSubjects(
                "disc_ae",
                "Treatment discontinued because of an AE",
                lambda d: _upper(d, "DCTREAS").str.contains("ADVERSE EVENT").to_numpy(),
                data="population",
            )
        )
        notes.append(
            "Discontinuation because of an AE from ADSL.DCTREAS (ADAE has no AEACN); dose "
            "reductions and interruptions caused by AEs are not shown: ADAE.AEACN is absent."
        )
    return rows, notes


def safety_overview_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Overview of adverse events: the first safety table of a CSR."""
    require(adam, REQUIRES_AE)
    adae = _emergent(adam["ADAE"])
    adsl = adam["ADSL"]
    excluded = yes(adae["ANLEXFL"]) if "ANLEXFL" in adae.columns else np.zeros(len(adae), bool)
    adae["_analysed"] = ~excluded
    rows: list[Analysis] = [
        CountSubjects("any", "Any adverse event"),
        CountSubjects(
            "any_rel", "Any treatment-related AE", lambda d: _related(d) & d["_analysed"]
        ),
        CountSubjects(
            "ge3", "Grade ≥3 AE", lambda d: (d["grade"] >= 3).to_numpy() & d["_analysed"]
        ),
        CountSubjects(
            "ge3_rel",
            "Treatment-related grade ≥3 AE",
            lambda d: (d["grade"] >= 3).to_numpy() & _related(d) & d["_analysed"],
        ),
    ]
    notes = []
    if "AESER" in adae.columns:
        rows += [
            CountSubjects("sae", "Serious AE", lambda d: yes(d["AESER"])),
            CountSubjects(
                "sae_rel", "Treatment-related serious AE", lambda d: yes(d["AESER"]) & _related(d)
            ),
        ]
    action_rows, action_notes = _action_rows(adae, adsl)
    rows += action_rows
    notes += action_notes
    rows.append(
        CountSubjects("fatal", "AE with fatal outcome (grade 5)", lambda d: d["grade"] == 5)
    )
    if "IRFL" in adae.columns:
        rows.append(CountSubjects("ir", "Infusion reaction", lambda d: yes(d["IRFL"])))
    if "DTHFL" in adsl.columns:
        rows.append(Heading("Deaths"))
        rows.append(
            CountSubjects("death", "Died (any cause)", lambda d: yes(d["DTHFL"]), "population", 1)
        )
    if excluded.any():
        terms = ", ".join(sorted(set(adae.loc[excluded, "AEDECOD"].astype(str))))
        notes.append(
            f"Summary rows of any grade ≥3 or related AE leave out events excluded from the "
            f"analyses as expected (ADAE.ANLEXFL = Y: {terms})."
        )
    layout = (
        safety_layout("safety_overview", "Overview of Adverse Events")
        .add(*rows)
        .footnote(_POPULATION_NOTE, _COUNT_NOTE, "Treatment-emergent AEs; CTCAE grades.", *notes)
        .note("Safety overview: safety population, treatment-emergent AEs.")
    )
    return layout.build(adsl, adae)


def _grade_columns(layout: TableLayout) -> TableLayout:
    return layout.split_columns_within(
        SubColumn("any", "Any grade"),
        SubColumn("ge3", "Grade ≥3", lambda d: (d["grade"] >= 3).to_numpy()),
    )


def adverse_events_soc_pt_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """All treatment-emergent AEs by system organ class and preferred term (any grade and
    grade >= 3), SOCs and PTs sorted by decreasing overall frequency of any grade."""
    require(adam, REQUIRES_AE)
    adae = _emergent(adam["ADAE"])
    layout = (
        _grade_columns(
            safety_layout("ae_soc_pt", "Adverse Events by System Organ Class and Preferred Term")
        )
        .add(CountSubjects("any", "Any adverse event"))
        .add(NestedCounts(("AEBODSYS", "AEDECOD"), sort_column="OVERALL:any", label_case=_title))
        .stub("System organ class\n  Preferred term")
        .footnote(
            _POPULATION_NOTE,
            _COUNT_NOTE,
            "MedDRA system organ class (AEBODSYS) and preferred term (AEDECOD); sorted by "
            "decreasing frequency in the Overall column (any grade), ties alphabetically.",
        )
        .note("AEs by SOC/PT: safety population, all treatment-emergent AEs.")
    )
    return layout.build(adam["ADSL"], adae)


def _title(text: str) -> str:
    """Sentence case for upper-case MedDRA SOC names; PTs kept as recorded."""
    return text.capitalize() if text.isupper() else text


def serious_adverse_events_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Serious AEs (``AESER == "Y"``): patients by SOC and PT, plus the number of events."""
    require(adam, {**REQUIRES_AE, "ADAE": (*REQUIRES_AE["ADAE"], "AESER")})
    adae = _emergent(adam["ADAE"])
    serious = adae[yes(adae["AESER"])]

    def events(cell: Cell) -> dict[str, float]:
        return {"events": float(len(cell.records))}

    layout = (
        safety_layout("serious_adverse_events", "Serious Adverse Events")
        .add(CountSubjects("any", "Any serious adverse event"))
        .add(Analyze("events", "Number of serious AEs (events)", events, "{events}"))
        .add(NestedCounts(("AEBODSYS", "AEDECOD"), label_case=_title))
        .stub("System organ class\n  Preferred term")
        .footnote(
            _POPULATION_NOTE,
            "Serious: ADAE.AESER = Y. Patients counted once per row; the events row counts "
            "every serious AE record.",
        )
        .note("SAEs: safety population, AESER = Y.")
    )
    return layout.build(adam["ADSL"], serious)


def _blank_to(values: pd.Series, text: str) -> pd.Series:
    """Missing or empty strings replaced by ``text``."""
    return values.mask(values.fillna("") == "", text)


def deaths_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Deaths by primary cause (``ADSL.DTHCAUS`` when present) and relation to treatment."""
    require(adam, REQUIRES_DEATHS)
    adsl = adam["ADSL"].copy()
    dead = yes(adsl["DTHFL"])
    cause_var = "DTHCAUS" if "DTHCAUS" in adsl.columns else None
    adsl["_cause"] = (
        _blank_to(adsl[cause_var].astype("string").str.strip(), "Not recorded")
        if cause_var
        else "Not recorded"
    )
    adsl.loc[~dead, "_cause"] = pd.NA
    rows: list[Analysis] = [
        CountSubjects("death", "Died (any cause)", lambda d: yes(d["DTHFL"]), "population"),
        Heading("Primary cause of death"),
        NestedCounts(("_cause",), indent=1),
    ]
    foot = [_POPULATION_NOTE, "Deaths from ADSL.DTHFL up to the data cut-off."]
    if "ADAE" in adam and "ATOXGRN" in adam["ADAE"].columns:
        fatal = _emergent(adam["ADAE"])
        fatal = fatal[fatal["grade"] == 5]
        adsl["_fatal_rel"] = adsl["USUBJID"].isin(fatal.loc[_related(fatal), "USUBJID"])
        rows.insert(
            1,
            CountSubjects(
                "death_rel",
                "Death related to study treatment (grade 5 related AE)",
                lambda d: d["_fatal_rel"].to_numpy(bool),
                "population",
            ),
        )
    foot.append(
        "Cause from ADSL.DTHCAUS." if cause_var else "ADSL.DTHCAUS is absent: causes not recorded."
    )
    layout = (
        safety_layout("deaths", "Deaths")
        .add(*rows)
        .footnote(*foot)
        .note("Deaths: safety population, ADSL.DTHFL/DTHCAUS.")
    )
    return layout.build(adsl)


def lab_shift_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Shift from baseline CTCAE grade to the worst post-baseline grade, per laboratory
    parameter (patients with a baseline and at least one post-baseline graded value).

    Columns are the worst post-baseline grade (0-4) overall; rows are parameter x baseline
    grade.  Only parameters with CTCAE grades (``ATOXGRN`` not missing) are shown.
    """
    require(adam, REQUIRES_LABS)
    adlb = adam["ADLB"].copy()
    adlb["grade"] = pd.to_numeric(adlb["ATOXGRN"], errors="coerce")
    adlb["base"] = pd.to_numeric(adlb["BTOXGRN"], errors="coerce")
    post = adlb["ABLFL"].astype("string").ne("Y").fillna(True) if "ABLFL" in adlb else True
    graded = adlb[adlb["grade"].notna() & adlb["base"].notna() & post]
    if graded.empty:
        raise DataError(
            "ADLB has no CTCAE-graded parameter with a baseline grade (ATOXGRN/BTOXGRN)"
        )
    worst = graded.groupby(["USUBJID", "PARAM"], as_index=False).agg(
        worst=("grade", "max"), base=("base", "first")
    )
    worst["base"] = worst["base"].astype(int).map(lambda g: f"Baseline grade {g}")
    grades = [SubColumn(f"g{g}", f"Grade {g}", _grade_is(g, "worst")) for g in range(5)]
    layout = (
        TableLayout(
            "lab_shifts", "Laboratory Shifts: Baseline versus Worst Post-baseline CTCAE Grade"
        )
        .population("SAFFL")
        .split_columns_by("TRT01AN", label_var="TRT01A", key_prefix="DL", span="Dose level")
        .split_columns_within(*grades)
        .add(NestedCounts(("PARAM", "base"), sort="alphabetical"))
        .stub("Parameter\n  Baseline grade")
        .footnote(
            _POPULATION_NOTE,
            "Worst post-baseline CTCAE grade (ADLB.ATOXGRN) by baseline grade (BTOXGRN); "
            "patients with a graded baseline and post-baseline value; percentages of the "
            "column n.",
        )
        .note("Lab shifts: ADLB CTCAE grades.")
    )
    return layout.build(adam["ADSL"], worst)


def infusion_reactions_by_infusion_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Infusion reactions by infusion (cycle/day), drug and grade: the content of the paper's
    Figure 1 as a table (patients with a reaction at that infusion, by worst grade)."""
    require(adam, REQUIRES_IR)
    adae = adam["ADAE"]
    ir = adae[yes(adae["IRFL"])].copy()
    ir["grade"] = pd.to_numeric(ir["ATOXGRN"], errors="coerce")
    ir["IRDRUG"] = ir["IRDRUG"].astype("string").str.capitalize()
    grades = [SubColumn(f"g{g}", f"Grade {g}", _grade_is(g)) for g in (1, 2, 3, 4)]
    layout = (
        TableLayout("infusion_reactions_by_infusion", "Infusion Reactions by Infusion and Grade")
        .population("SAFFL")
        .columns_from(lambda pop: [Column("OVERALL", "All patients", frozenset(pop["USUBJID"]))])
        .split_columns_within(SubColumn("any", "Any grade"), *grades)
        .add(CountSubjects("any", "Any infusion reaction"))
        .add(NestedCounts(("IRDAY", "IRDRUG"), sort="alphabetical"))
        .stub("Infusion (cycle, day)\n  Drug")
        .footnote(
            _POPULATION_NOTE,
            "Infusion reactions (ADAE.IRFL = Y) are adverse events of special interest, scored "
            "separately from DLTs; infusion = cycle and day of the reaction (IRDAY), drug = "
            "the drug whose infusion it followed (IRDRUG).",
        )
        .note("Infusion reactions by infusion: ADAE.IRFL/IRDAY/IRDRUG.")
    )
    return layout.build(adam["ADSL"], ir)
