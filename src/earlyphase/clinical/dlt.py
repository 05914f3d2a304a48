"""Dose-limiting toxicity (DLT) evaluation per patient over the DLT window.

:func:`evaluate_dlt` applies a :class:`DLTRules` definition (default: the isatuximab +
carfilzomib phase 1b) to adverse-event records and, optionally, to CTCAE-graded serial labs
(:func:`earlyphase.clinical.ctcae.grade_labs`) from which neutropenia and thrombocytopenia
episodes are built. Each patient gets ``dlt`` True/False, the qualifying events and the rule
that each met, plus the events that an exception removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from earlyphase.clinical._validate import check_frame, flag_column, numeric_column, require_columns
from earlyphase.clinical.dlt_rules import DLTRules, outcome_string, rules_from_definition
from earlyphase.clinical.dlt_terms import (
    FEBRILE_NEUTROPENIA,
    NEUTROPENIA,
    THROMBOCYTOPENIA,
    is_bleeding,
    is_fever_or_infection,
    normalise_term,
)
from earlyphase.clinical.vocabulary import RELATED_VALUES
from earlyphase.errors import DataError, describe_problem

__all__ = [
    "DLTRules",
    "evaluate_dlt",
    "lab_episodes",
    "outcome_string",
    "rules_from_definition",
]

RULE_NONHEME = "non-hematologic toxicity grade >= {g}"
RULE_HYPERSENS = "hypersensitivity grade >= {g}"
RULE_NEUT_G4 = "grade 4 neutropenia lasting >= {d:g} days"
RULE_NEUT_FEVER = "grade >= {g} neutropenia with fever or infection"
RULE_THROMBO = "grade >= {g} thrombocytopenia with bleeding"
RULE_DELAY = "treatment delay > {d:g} days"
RULE_DOSEMOD = "dose modification in the DLT window"


def _at_least(value: float, threshold: float | None) -> bool:
    """``value >= threshold``; a rule switched off (threshold None) never holds."""
    return threshold is not None and bool(np.isfinite(value)) and value >= threshold


def _study_days(frame: pd.DataFrame, start: str, first_dose: Any, name: str) -> np.ndarray:
    """Study day (day 1 = first dose) from a date column and the first-dose dates."""
    dates = pd.to_datetime(frame[start], errors="coerce")
    bad = dates.isna() & frame[start].notna()
    if bad.any():
        raise DataError(
            describe_problem(f"{name}.{start}", frame[start][bad].iloc[0], "an ISO 8601 date")
        )
    if isinstance(first_dose, str) and first_dose in frame.columns:
        ref = pd.to_datetime(frame[first_dose], errors="coerce")
    elif isinstance(first_dose, Mapping):
        ref = pd.to_datetime(frame["subject_id"].map(dict(first_dose)), errors="coerce")
    else:
        raise DataError(
            describe_problem(
                "first_dose",
                first_dose,
                "a mapping subject -> first-dose date, or the name of "
                f"a column of {name}, when {name} has dates",
            )
        )
    if ref[dates.notna()].isna().any():
        s = frame["subject_id"][dates.notna() & ref.isna()].iloc[0]
        raise DataError(describe_problem("first_dose", s, "a first-dose date for every subject"))
    delta = (dates - ref).dt.days.to_numpy(dtype=float, na_value=np.nan)
    return np.where(delta >= 0, delta + 1, delta)  # SDTM: no day 0


def _ae_days(ae: pd.DataFrame, first_dose: Any) -> tuple[np.ndarray, np.ndarray]:
    if "start_day" in ae.columns:
        start = numeric_column(ae, "start_day", "adverse_events", allow_negative=True)
        end = (
            numeric_column(ae, "end_day", "adverse_events", allow_negative=True)
            if "end_day" in ae.columns
            else np.full(len(ae), np.nan)
        )
    elif "start_date" in ae.columns:
        start = _study_days(ae, "start_date", first_dose, "adverse_events")
        end = (
            _study_days(ae, "end_date", first_dose, "adverse_events")
            if "end_date" in ae.columns
            else np.full(len(ae), np.nan)
        )
    else:
        raise DataError(
            describe_problem(
                "adverse_events columns",
                list(ae.columns),
                "'start_day' (and 'end_day') or 'start_date'",
            )
        )
    if np.isnan(start).any():
        i = int(np.isnan(start).nonzero()[0][0])
        raise DataError(
            describe_problem(
                f"adverse_events start (row {i})", "missing", "a start day or date on every AE"
            )
        )
    order = end < start
    if order.any():
        i = int(order.nonzero()[0][0])
        raise DataError(
            describe_problem(
                f"adverse_events end (row {i})",
                end[i],
                f"an end on or after the start ({start[i]:g})",
            )
        )
    return start, end


def _related(ae: pd.DataFrame) -> np.ndarray:
    if "related" not in ae.columns:
        raise DataError(
            describe_problem(
                "adverse_events columns",
                list(ae.columns),
                "a 'related' column (bool or AEREL text)",
            )
        )
    return (
        flag_column(
            ae,
            "related",
            "adverse_events",
            true_values=[v.lower() for v in RELATED_VALUES],
            false_values=["not related", "unlikely related", "unrelated"],
        )
        == 1.0
    )


def _nonheme_exception(
    term: str, grade: float, r: DLTRules, start: float, end: float, hours: float
) -> str | None:
    """Why a non-haematologic AE of DLT grade is excused by an exception, or None.

    The exceptions, in order: reversible electrolyte abnormalities (resolved: an end day or a
    resolution time is known), grade 3 terms excluded outright, and grade 3 gastrointestinal
    events that responded within ``r.gi_resolution_hours``.
    """
    resolved = np.isfinite(end) or np.isfinite(hours)
    gi_hours = hours if np.isfinite(hours) else (end - start) * 24.0
    if term in r.electrolyte_terms and r.exclude_reversible_electrolytes and resolved:
        return "reversible electrolyte"
    if grade == 3 and term in r.grade3_excluded_terms:
        return f"grade 3 {term} excluded"
    if (
        grade == 3
        and term in r.gi_terms
        and np.isfinite(gi_hours)
        and gi_hours <= r.gi_resolution_hours
    ):
        return f"responded within {r.gi_resolution_hours:g} h"
    return None


def lab_episodes(
    lab_grades: pd.DataFrame, term: str, min_grade: int, first_dose: Any = None
) -> pd.DataFrame:
    """Episodes of consecutive samples with grade >= ``min_grade`` for one CTCAE term.

    Returns one row per episode: ``subject_id, onset_day, last_low_day, recovery_day``
    (first later sample below ``min_grade``; NaN if none), ``worst_grade``, ``n_samples``.
    Samples without a grade are skipped.
    """
    cols = ["subject_id", "onset_day", "last_low_day", "recovery_day", "worst_grade", "n_samples"]
    labs = lab_grades[lab_grades["ctcae_term"] == term]
    if len(labs) == 0:
        return pd.DataFrame(columns=cols)
    if "day" in labs.columns:
        day = numeric_column(labs, "day", "lab_grades", allow_negative=True)
    elif "date" in labs.columns:
        day = _study_days(labs.rename(columns={"date": "start"}), "start", first_dose, "lab_grades")
    else:
        raise DataError(
            describe_problem("lab_grades columns", list(labs.columns), "'day' or 'date'")
        )
    grade = pd.to_numeric(labs["grade"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    df = pd.DataFrame({"subject_id": labs["subject_id"].to_numpy(), "day": day, "grade": grade})
    df = df[np.isfinite(df["grade"])].sort_values(["subject_id", "day"], kind="stable")
    if df.duplicated(["subject_id", "day"]).any():
        df = df.groupby(["subject_id", "day"], as_index=False)["grade"].max()  # worst of the day
    df = df.reset_index(drop=True)
    low = df["grade"].to_numpy() >= min_grade
    subj_change = df["subject_id"].ne(df["subject_id"].shift()).to_numpy()
    start = low & (subj_change | ~np.r_[False, low[:-1]])
    episode = np.cumsum(start)
    df["episode"] = np.where(low, episode, 0)
    nxt_day = df["day"].shift(-1).to_numpy()
    nxt_same = ~np.r_[subj_change[1:], True]
    rows = []
    for _, ep in df[low].groupby("episode", sort=True):
        last = ep.index[-1]
        rec = nxt_day[last] if nxt_same[last] else np.nan
        rows.append(
            (
                ep["subject_id"].iloc[0],
                ep["day"].iloc[0],
                ep["day"].iloc[-1],
                rec,
                int(ep["grade"].max()),
                len(ep),
            )
        )
    return pd.DataFrame(rows, columns=cols)


def evaluate_dlt(
    adverse_events: pd.DataFrame,
    lab_grades: pd.DataFrame | None = None,
    *,
    first_dose: Mapping[Any, Any] | str | None = None,
    window_days: int | None = None,
    rules: DLTRules | None = None,
    subjects: Iterable[Any] | None = None,
) -> pd.DataFrame:
    """Evaluate the DLT definition for every patient.

    Parameters
    ----------
    adverse_events : DataFrame
        ``subject_id, term, grade, related`` and ``start_day``/``end_day`` (study days, day 1 =
        first dose) or ``start_date``/``end_date``; optional ``fever_or_infection``,
        ``bleeding`` (yes/no on cytopenia records), ``resolved_within_hours``,
        ``treatment_delay_days``, ``dose_modified``. ``related`` is a bool or AEREL text.
    lab_grades : DataFrame, optional
        Output of :func:`earlyphase.clinical.ctcae.grade_labs` (``subject_id``, ``day`` or
        ``date``, ``ctcae_term``, ``grade``): serial neutrophil and platelet counts.
    first_dose : mapping or str, optional
        subject -> first-dose date, or the name of a column holding it; needed with dates.
    window_days : int, optional
        DLT window; overrides ``rules.window_days`` (28).
    rules : DLTRules, optional
        The DLT definition; default the paper's.
    subjects : iterable, optional
        Patients to report even without any event (e.g. all treated patients).

    Returns
    -------
    DataFrame
        One row per patient: ``subject_id, dlt, qualifying_events, rule, n_qualifying,
        excluded_events``.
    """
    r = rules or DLTRules()
    if window_days is not None:
        r = DLTRules.from_mapping(
            {**{k: getattr(r, k) for k in r.__dataclass_fields__}, "window_days": window_days}
        )
    ae = check_frame(adverse_events, "adverse_events").reset_index(drop=True)
    require_columns(ae, ["subject_id", "term", "grade"], "adverse_events")
    grade = numeric_column(ae, "grade", "adverse_events")
    if np.isnan(grade).any() or not np.isin(grade, [1, 2, 3, 4, 5]).all():
        bad = ~np.isin(grade, [1, 2, 3, 4, 5])
        raise DataError(
            describe_problem("adverse_events.grade", ae["grade"][bad].iloc[0], "a CTCAE grade 1-5")
        )
    start, end = _ae_days(ae, first_dose)
    related = _related(ae) if r.require_related else np.ones(len(ae), bool)
    terms = ae["term"].map(normalise_term).to_numpy(dtype=object)
    opt = {
        c: (flag_column(ae, c, "adverse_events") == 1.0)
        if c in ae.columns
        else np.zeros(len(ae), bool)
        for c in ("fever_or_infection", "bleeding", "dose_modified")
    }
    hours = (
        numeric_column(ae, "resolved_within_hours", "adverse_events")
        if "resolved_within_hours" in ae.columns
        else np.full(len(ae), np.nan)
    )
    delay = (
        numeric_column(ae, "treatment_delay_days", "adverse_events")
        if "treatment_delay_days" in ae.columns
        else np.full(len(ae), np.nan)
    )
    in_window = (start >= 1) & (start <= r.window_days)

    hits: dict[Any, list[tuple[str, str]]] = {}
    excluded: dict[Any, list[str]] = {}

    def hit(subject: Any, event: str, rule: str) -> None:
        hits.setdefault(subject, []).append((event, rule))

    def describe(i: Any) -> str:
        span = f"day {start[i]:g}" + (f"-{end[i]:g}" if np.isfinite(end[i]) else "")
        return f"{ae['term'].iloc[i]} grade {grade[i]:g} ({span})"

    for i in np.flatnonzero(in_window):
        subj, term, g = ae["subject_id"].iloc[i], terms[i], grade[i]
        max_delay = r.treatment_delay_max_days
        if max_delay is not None and np.isfinite(delay[i]) and delay[i] > max_delay:
            hit(
                subj,
                f"{describe(i)}: treatment delayed {delay[i]:g} days",
                RULE_DELAY.format(d=max_delay),
            )
        if opt["dose_modified"][i] and r.dose_modification_is_dlt:
            hit(subj, f"{describe(i)}: dose modified", RULE_DOSEMOD)
        if not related[i]:
            continue
        if term in r.hypersensitivity_terms and _at_least(g, r.hypersensitivity_min_grade):
            hit(subj, describe(i), RULE_HYPERSENS.format(g=r.hypersensitivity_min_grade))
        elif term in NEUTROPENIA | FEBRILE_NEUTROPENIA:
            if _at_least(g, r.neutropenia_fever_min_grade) and (
                opt["fever_or_infection"][i] or term in FEBRILE_NEUTROPENIA
            ):
                hit(subj, describe(i), RULE_NEUT_FEVER.format(g=r.neutropenia_fever_min_grade))
            if g >= 4 and term in NEUTROPENIA:
                dur = end[i] - start[i] if np.isfinite(end[i]) else np.nan
                if _at_least(dur, r.neutropenia_g4_min_days):
                    hit(
                        subj,
                        f"{describe(i)}: {dur:g} days",
                        RULE_NEUT_G4.format(d=r.neutropenia_g4_min_days),
                    )
        elif term in THROMBOCYTOPENIA:
            if _at_least(g, r.thrombocytopenia_bleeding_min_grade) and opt["bleeding"][i]:
                hit(
                    subj,
                    f"{describe(i)} with bleeding",
                    RULE_THROMBO.format(g=r.thrombocytopenia_bleeding_min_grade),
                )
        elif term not in r.hematologic_terms and _at_least(g, r.nonhematologic_min_grade):
            why = _nonheme_exception(term, g, r, start[i], end[i], hours[i])
            if why is None:
                hit(subj, describe(i), RULE_NONHEME.format(g=r.nonhematologic_min_grade))
            else:
                excluded.setdefault(subj, []).append(f"{describe(i)}: {why}")

    if lab_grades is not None and len(lab_grades):
        _lab_rules(
            check_frame(lab_grades, "lab_grades"), ae, terms, start, end, grade, r, first_dose, hit
        )

    everyone = list(
        dict.fromkeys(
            [
                *ae["subject_id"],
                *(subjects or []),
                *(first_dose.keys() if isinstance(first_dose, Mapping) else []),
                *([] if lab_grades is None else lab_grades["subject_id"]),
            ]
        )
    )
    rows = []
    for s in everyone:
        events = list(dict.fromkeys(hits.get(s, [])))
        rows.append(
            {
                "subject_id": s,
                "dlt": bool(events),
                "qualifying_events": "; ".join(e for e, _ in events),
                "rule": "; ".join(dict.fromkeys(rule for _, rule in events)),
                "n_qualifying": len(events),
                "excluded_events": "; ".join(excluded.get(s, [])),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "subject_id",
            "dlt",
            "qualifying_events",
            "rule",
            "n_qualifying",
            "excluded_events",
        ],
    )


class _Episode(NamedTuple):
    subject_id: Any
    onset_day: float
    last_low_day: float
    recovery_day: float
    worst_grade: int


def _episodes(frame: pd.DataFrame) -> list[_Episode]:
    cols = ("subject_id", "onset_day", "last_low_day", "recovery_day", "worst_grade")
    return [
        _Episode(s, float(o), float(lo), float(r), int(w))
        for s, o, lo, r, w in zip(*(frame[c] for c in cols), strict=True)
    ]


def _lab_rules(
    labs: pd.DataFrame,
    ae: pd.DataFrame,
    terms: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    grade: np.ndarray,
    r: DLTRules,
    first_dose: Any,
    hit: Any,
) -> None:
    """Neutropenia and thrombocytopenia rules from serial graded labs."""
    require_columns(labs, ["subject_id", "ctcae_term", "grade"], "lab_grades")
    if not r.labs_assumed_related:
        return
    tol = r.overlap_tolerance_days
    ends = np.where(np.isfinite(end), end, start)
    fever = np.array([is_fever_or_infection(t) for t in terms], dtype=bool)
    bleed = np.array([is_bleeding(t) for t in terms], dtype=bool) & (grade >= r.bleeding_min_grade)
    subj_ae = ae["subject_id"].to_numpy()

    def overlapping(mask: np.ndarray, s: Any, a: float, b: float) -> list[int]:
        sel = mask & (subj_ae == s) & (start <= b + tol) & (ends >= a - tol)
        return list(np.flatnonzero(sel))

    def in_win(day: float) -> bool:
        return 1 <= day <= r.window_days

    g4_days = r.neutropenia_g4_min_days
    g4_episodes = lab_episodes(labs, "Neutrophil count decreased", 4, first_dose)
    for ep in _episodes(g4_episodes) if g4_days is not None else []:
        if not in_win(ep.onset_day):
            continue
        if r.neutropenia_duration == "until_recovery":
            dur, known = ep.recovery_day - ep.onset_day, np.isfinite(ep.recovery_day)
            dur = dur if known else ep.last_low_day - ep.onset_day
        else:
            dur = ep.last_low_day - ep.onset_day + 1
        if _at_least(dur, r.neutropenia_g4_min_days):
            hit(
                ep.subject_id,
                f"lab ANC grade 4 from day {ep.onset_day:g} for {dur:g} days",
                RULE_NEUT_G4.format(d=r.neutropenia_g4_min_days),
            )

    def with_event(
        term: str,
        min_grade: int | None,
        mask: np.ndarray,
        event_text: Any,
        rule: str,
    ) -> None:
        """Cytopenia episodes of grade >= ``min_grade`` overlapping an AE in ``mask``."""
        if min_grade is None:
            return
        for ep in _episodes(lab_episodes(labs, term, min_grade, first_dose)):
            b = ep.recovery_day if np.isfinite(ep.recovery_day) else ep.last_low_day
            for j in overlapping(mask, ep.subject_id, ep.onset_day, b):
                if in_win(max(ep.onset_day, start[j])):
                    hit(ep.subject_id, event_text(ep, j), rule.format(g=min_grade))

    with_event(
        "Neutrophil count decreased",
        r.neutropenia_fever_min_grade,
        fever,
        lambda ep, j: (
            f"lab ANC grade {ep.worst_grade} from day {ep.onset_day:g} "
            f"with {ae['term'].iloc[j]} (day {start[j]:g})"
        ),
        RULE_NEUT_FEVER,
    )
    with_event(
        "Platelet count decreased",
        r.thrombocytopenia_bleeding_min_grade,
        bleed,
        lambda ep, j: (
            f"lab platelets grade {ep.worst_grade} from day "
            f"{ep.onset_day:g} with {ae['term'].iloc[j]} grade {grade[j]:g}"
        ),
        RULE_THROMBO,
    )
