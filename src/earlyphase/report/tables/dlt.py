"""The primary endpoint of a 3+3 phase 1: dose-limiting toxicities by dose level, the
escalation history cohort by cohort, and the MTD / recommended-dose statement.

DLT-evaluable population: patients of the escalation phase (``ADSL.COHORT`` = ESCALATION when
the variable exists, else every patient) who received at least one dose (``SAFFL == "Y"``) --
the definition of the reference trial ("Patients who received at least 1 dose of the study
therapy were included in the DLT evaluation for dose escalation", Chari et al., Cancer 2021,
Methods).  DLTs are evaluated by :func:`earlyphase.clinical.dlt.evaluate_dlt` with the
protocol's rules (``ReportOptions.dlt_rules``), including its exclusions: events scored
separately, such as infusion reactions, are never DLTs and are counted on their own row.

Cohorts are consecutive escalation patients (by first dose date) at the same dose level, cut
every 3 patients (the 3+3 cohort size); the
3+3 decision after each cohort comes from :class:`earlyphase.designs.ThreePlusThree`
(Storer 1989; Korn et al. 1994), and the MTD is the dose below the lowest dose with DLTs in
more than ``ReportOptions.mtd_dlt_threshold`` of its patients.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.clinical.dlt import DLTRules, evaluate_dlt
from earlyphase.errors import DataError, EarlyphaseError
from earlyphase.report.layout import Analysis, Analyze, Cell, CountSubjects, Heading, NestedCounts
from earlyphase.report.options import ReportOptions
from earlyphase.report.spec import ColumnSpec, RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables._common import require, yes
from earlyphase.report.tables.safety import safety_layout

__all__ = ["REQUIRES", "dlt_escalation_table", "dlt_evaluation", "dlt_table"]

REQUIRES = {
    # COHORT (escalation / expansion) marks a dose-escalation trial; without it no DLT table
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN", "SAFFL", "COHORT"),
    "ADAE": ("USUBJID", "AEDECOD", "ATOXGRN", "ASTDY"),
}
_EVALUABLE = (
    "DLT-evaluable population: patients of the dose-escalation phase who received at least "
    "one dose of study treatment; expansion patients are not used for dose escalation."
)


@dataclass(frozen=True)
class DLTEvaluation:
    """Per-patient DLT evaluation of the DLT-evaluable population.

    ``patients``: USUBJID, TRT01AN, TRT01A, cohort (1, 2, ...), dlt (bool), events, excluded;
    ``events``: one row per qualifying event (USUBJID, event, rule); ``scored_apart``: one row
    per grade >= 3 event kept out by the protocol's exclusions; ``dropped``: AE records that
    could not be evaluated (no start day or grade), with the reason.
    """

    patients: pd.DataFrame
    events: pd.DataFrame
    scored_apart: pd.DataFrame
    dropped: int
    rules: DLTRules


def _ae_input(adae: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    related = next((c for c in ("AEREL", "AREL") if c in adae.columns), None)
    frame = pd.DataFrame(
        {
            "subject_id": adae["USUBJID"].to_numpy(),
            "term": adae["AEDECOD"].astype(str).to_numpy(),
            "grade": pd.to_numeric(adae["ATOXGRN"], errors="coerce").to_numpy(),
            "start_day": pd.to_numeric(adae["ASTDY"], errors="coerce").to_numpy(),
            "end_day": pd.to_numeric(adae["AENDY"], errors="coerce").to_numpy()
            if "AENDY" in adae.columns
            else np.nan,
        }
    )
    if related is not None:
        frame["related"] = adae[related].astype("string").fillna("NOT RELATED").to_numpy()
    elif "RELFL" in adae.columns:
        frame["related"] = yes(adae["RELFL"])
    else:
        raise DataError("ADAE needs AEREL, AREL or RELFL to evaluate DLTs (attribution)")
    if "IRFL" in adae.columns:
        frame["infusion_reaction"] = yes(adae["IRFL"])
    usable = frame["grade"].isin([1, 2, 3, 4, 5]) & frame["start_day"].notna()
    usable &= ~(frame["end_day"] < frame["start_day"]).fillna(False)
    return frame[usable].reset_index(drop=True), int((~usable).sum())


def _cohorts(dose: np.ndarray, size: int) -> np.ndarray:
    """Cohort number per patient: runs of consecutive patients at one dose, cut every
    ``size`` patients (two 3-patient cohorts in a row at one dose are two cohorts)."""
    out = np.zeros(len(dose), dtype=int)
    k, run = 0, 0
    for i in range(len(dose)):
        if i == 0 or dose[i] != dose[i - 1] or run == size:
            k, run = k + 1, 0
        run += 1
        out[i] = k
    return out


def dlt_evaluation(
    adam: Mapping[str, pd.DataFrame], rules: DLTRules | None = None, cohort_size: int = 3
) -> DLTEvaluation:
    """Evaluate the DLT rules for every DLT-evaluable patient (see the module docstring)."""
    require(adam, REQUIRES)
    rules = rules or DLTRules()
    adsl = adam["ADSL"]
    pop = adsl[yes(adsl["SAFFL"])]
    if "COHORT" in pop.columns:
        escalation = pop["COHORT"].astype("string").str.upper().str.startswith("ESC")
        pop = pop[escalation.fillna(False).to_numpy(bool)]
    if pop.empty:
        raise DataError(
            "no DLT-evaluable patient: no treated patient (SAFFL = Y) in an ADSL.COHORT "
            "starting with ESC (dose escalation)"
        )
    order = "TRTSDT" if "TRTSDT" in pop.columns else "USUBJID"
    pop = pop.sort_values([order, "USUBJID"], kind="stable").reset_index(drop=True)
    pop = pop.assign(cohort=_cohorts(pop["TRT01AN"].to_numpy(), cohort_size))
    adae = adam["ADAE"]
    ae, dropped = _ae_input(adae[adae["USUBJID"].isin(pop["USUBJID"])])
    result = evaluate_dlt(ae, rules=rules, subjects=list(pop["USUBJID"]))
    result = result.set_index("subject_id")
    patients = pop[["USUBJID", "TRT01AN", "TRT01A", "cohort"]].copy()
    patients["dlt"] = patients["USUBJID"].map(result["dlt"]).fillna(False).astype(bool)
    patients["events"] = patients["USUBJID"].map(result["qualifying_events"]).fillna("")
    patients["excluded"] = patients["USUBJID"].map(result["excluded_events"]).fillna("")
    events, apart = [], []
    for s, text, rule in zip(
        result.index, result["qualifying_events"], result["rule"], strict=True
    ):
        for event in filter(None, str(text).split("; ")):
            events.append((s, event.split(" (day")[0], rule))
    for s, text in zip(result.index, result["excluded_events"], strict=True):
        for event in filter(None, str(text).split("; ")):
            if rules.exclusion_reason in event:
                apart.append((s, event.split(" (day")[0]))
    return DLTEvaluation(
        patients,
        pd.DataFrame(events, columns=["USUBJID", "event", "rule"]),
        pd.DataFrame(apart, columns=["USUBJID", "event"]),
        dropped,
        rules,
    )


def _mtd_statement(patients: pd.DataFrame, adsl: pd.DataFrame, threshold: float) -> str:
    per = patients.groupby(["TRT01AN", "TRT01A"], sort=True)["dlt"].agg(["sum", "count"])
    levels: list[tuple[float, str]] = [(float(d), str(lab)) for d, lab in per.index.to_list()]
    rates = (per["sum"] / per["count"]).to_numpy()
    too_toxic = [lv for lv, rate in zip(levels, rates, strict=True) if rate > threshold]
    if too_toxic:
        first = too_toxic[0][0]
        below = [lab for d, lab in levels if d < first]
        mtd = f"MTD: {below[-1]}" if below else "MTD: none (the lowest dose level was too toxic)"
        text = (
            f"{mtd} (the dose level below {too_toxic[0][1]}, where DLTs exceeded {threshold:.0%})."
        )
    else:
        top = per.index[-1]
        r = per.loc[top]
        text = (
            f"MTD not reached: no dose level had DLTs in more than {threshold:.0%} of its "
            f"patients (highest dose level {top[1]}: {int(r['sum'])} of {int(r['count'])})."
        )
    if "COHORT" in adsl.columns:
        exp = adsl[adsl["COHORT"].astype("string").str.upper().str.startswith("EXP").fillna(False)]
        doses = exp["TRT01A"].dropna().unique()
        if len(doses) == 1:
            text += f" Dose selected for the expansion cohort (recommended dose): {doses[0]} ({len(exp)} patients)."
    return text


def _term_rows(any_dlt: bool) -> tuple[Analysis, ...]:
    if not any_dlt:
        none = Analyze("dlt_terms", "DLT terms and grades", lambda c: {"events": 0.0}, "none")
        return (none,)
    return (
        Heading("DLTs by term and grade"),
        NestedCounts(("event",), where=lambda d: (d["kind"] == "dlt").to_numpy(), indent=1),
    )


def dlt_table(adam: Mapping[str, pd.DataFrame], options: ReportOptions) -> TableResult:
    """DLTs by dose level: evaluable patients, patients with >= 1 DLT, DLT terms and grades,
    events scored separately, and the MTD / recommended-dose statement."""
    ev = dlt_evaluation(adam, options.dlt_rules)
    pop = adam["ADSL"][adam["ADSL"]["USUBJID"].isin(ev.patients["USUBJID"])]
    records = ev.events.assign(kind="dlt")
    if len(ev.scored_apart):
        records = pd.concat([records, ev.scored_apart.assign(kind="apart")], ignore_index=True)

    def evaluable(cell: Cell) -> dict[str, float]:
        return {"n": float(cell.n)}

    foot = [
        _EVALUABLE,
        f"DLT definition: {ev.rules.source}; window: days 1-{ev.rules.window_days} "
        "(day 1 = first dose); events at least possibly related to study treatment.",
        f"Not DLTs, scored separately: {ev.rules.exclusion_reason}."
        if ev.rules.excluded_terms or ev.rules.excluded_flag
        else "No event class is excluded from the DLT evaluation.",
        _mtd_statement(ev.patients, adam["ADSL"], options.mtd_dlt_threshold),
    ]
    if not len(ev.events):
        foot.insert(2, "No DLT was observed at any dose level.")
    if ev.dropped:
        foot.append(f"{ev.dropped} AE record(s) without a study day or CTCAE grade not evaluated.")
    layout = (
        safety_layout("dlt", "Dose-Limiting Toxicities by Dose Level (DLT-Evaluable Population)")
        .population("SAFFL", "DLT-evaluable population")
        .add(Analyze("evaluable", "DLT-evaluable patients, No.", evaluable, "{n}"))
        .add(
            CountSubjects("dlt", "Patients with ≥1 DLT", lambda d: (d["kind"] == "dlt").to_numpy())
        )
        .add(*_term_rows(len(ev.events) > 0))
        .add(
            CountSubjects(
                "scored_apart",
                "Grade ≥3 events scored separately (not DLTs)",
                lambda d: (d["kind"] == "apart").to_numpy(),
            )
        )
        .stub("Patients, No. (%)")
        .footnote(*foot)
        .note("DLT table: DLT-evaluable population (escalation phase, >= 1 dose).")
    )
    return layout.build(pop, records)


def _after_escalation(adsl: pd.DataFrame, rank: Mapping[float, int]) -> str:
    if "COHORT" not in adsl.columns:
        return "end of escalation"
    exp = adsl[adsl["COHORT"].astype("string").str.upper().str.startswith("EXP").fillna(False)]
    doses = exp["TRT01AN"].dropna().unique()
    if len(doses) != 1:
        return "end of escalation"
    return f"expansion at DL{rank[doses[0]]} ({len(exp)} patients)"


def _decision_text(design: Any, outcome: str) -> tuple[str, float]:
    """The design's decision after ``outcome`` in words, and a code (1 escalate, 0 stay,
    -1 de-escalate, 9 stop, NaN outside the rules)."""
    try:
        decision = design.decide(outcome)
    except EarlyphaseError:
        return "outside the 3+3 path (the rules had already stopped)", float("nan")
    codes = {"escalate": 1.0, "stay": 0.0, "de-escalate": -1.0, "stop": 9.0}
    if decision.stop:
        mtd = f"MTD = dose level {decision.mtd}" if decision.mtd else "no MTD"
        return f"stop escalation; {mtd}", codes["stop"]
    return f"{decision.action} to dose level {decision.next_dose}", codes[decision.action]


def dlt_escalation_table(adam: Mapping[str, pd.DataFrame], options: ReportOptions) -> TableResult:
    """Escalation history: each cohort's dose, patients and DLTs, the cumulative count at its
    dose, the 3+3 decision after it, and what the trial actually did next."""
    # lazy: earlyphase.designs pulls in scipy.stats, which the pipeline import must not
    from earlyphase.designs.three_plus_three import ThreePlusThree

    ev = dlt_evaluation(adam, options.dlt_rules)
    p = ev.patients
    rank = {d: i + 1 for i, d in enumerate(sorted(adam["ADSL"]["TRT01AN"].dropna().unique()))}
    design = ThreePlusThree(len(rank), options.escalation_variant)  # type: ignore[arg-type]
    rec: list[tuple[str, str, str, float]] = []
    rows: list[RowSpec] = []
    tokens: list[str] = []
    cohorts = list(p.groupby("cohort", sort=True))
    for i, (k, c) in enumerate(cohorts):
        d = c["TRT01AN"].iloc[0]
        tokens.append(f"{rank[d]}" + "".join("T" if x else "N" for x in c["dlt"]))
        at_dose = p[(p["TRT01AN"] == d) & (p["cohort"] <= k)]
        decision, code = _decision_text(design, " ".join(tokens))
        key = f"cohort{k}"
        rec += [
            (key, "dose", "dose", float(rank[d])),
            (key, "n", "n", float(len(c))),
            (key, "dlt", "n", float(c["dlt"].sum())),
            (key, "cumulative", "dlt", float(at_dose["dlt"].sum())),
            (key, "cumulative", "n", float(len(at_dose))),
            (key, "decision", "code", code),
            (
                key,
                "actual",
                "code",
                float(rank[cohorts[i + 1][1]["TRT01AN"].iloc[0]])
                if i + 1 < len(cohorts)
                else np.nan,
            ),
        ]
        if i + 1 < len(cohorts):
            actual = f"next cohort at DL{rank[cohorts[i + 1][1]['TRT01AN'].iloc[0]]}"
        else:
            actual = _after_escalation(adam["ADSL"], rank)
        label = f"Cohort {k}: {c['TRT01A'].iloc[0]}"
        rows.append(
            RowSpec(
                key,
                label,
                "{n}",
                column_templates=(
                    ("dose", "DL{dose}"),
                    ("cumulative", "{dlt}/{n}"),
                    ("decision", decision),
                    ("actual", actual),
                ),
            )
        )
    columns = (
        ColumnSpec("dose", "Dose level"),
        ColumnSpec("n", "Patients"),
        ColumnSpec("dlt", "With DLT"),
        ColumnSpec("cumulative", "DLT/patients at this dose"),
        ColumnSpec("decision", f"3+3 decision ({options.escalation_variant})"),
        ColumnSpec("actual", "Next step taken"),
    )
    spec = TableSpec(
        table_id="dlt_escalation",
        title="Dose Escalation History: Cohorts, DLTs and 3+3 Decisions",
        columns=columns,
        rows=tuple(rows),
        stub_header="Cohort",
        footnotes=(
            _EVALUABLE,
            "Cohorts: consecutive escalation patients (by first dose date) at the same dose "
            "level, 3 per cohort. 3+3 rules: 0/3 escalate; 1/3 treat 3 more; <=1/6 escalate; >=2 DLTs: the "
            "dose exceeds the MTD (Storer 1989; Korn et al. 1994).",
            "Outcome string (designs grammar): " + " ".join(tokens) + ".",
            _mtd_statement(p, adam["ADSL"], options.mtd_dlt_threshold),
        ),
        empty_text="—",
        population="DLT-evaluable population",
    )
    return TableResult(tidy(rec), spec, notes=("Escalation history from the DLT evaluation.",))
