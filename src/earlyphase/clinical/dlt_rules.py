"""The DLT definition as an options object, and the designs' outcome-string helper."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

import pandas as pd

from earlyphase.clinical.dlt_terms import (
    ELECTROLYTES,
    HEMATOLOGIC,
    HYPERSENSITIVITY,
    INFUSION_REACTION,
    NEUTROPENIA,
    THROMBOCYTOPENIA,
    normalise_term,
)
from earlyphase.errors import DataError, OptionsError, ProtocolError, describe_problem

__all__ = ["DLTRules", "outcome_string", "rules_from_definition"]


@dataclass(frozen=True)
class DLTRules:
    """A dose-limiting-toxicity definition. The defaults are the isatuximab + carfilzomib
    phase 1b (Cancer 2021, Methods, "Study Design"):

    "DLT was defined as 1 or more of the following (which were at least possibly related to
    study therapy and occurred in the first 28 days): any grade 3 or higher nonhematologic
    toxicity except for reversible electrolyte abnormalities; grade 3 fatigue and
    hypertension; grade 3 nausea, vomiting, and diarrhea that responded to medical management
    within 72 hours; grade 3/4 or higher hypersensitivity to Isa or K; any severe hematologic
    toxicity (defined as grade 4 neutropenia lasting >=7 days, grade 3/4 neutropenia with fever
    or infection, or grade 3/4 thrombocytopenia with life-threatening bleeding); and any
    treatment delay for >2 weeks or dose modification required between day 1 and day 28 of
    cycle 1."

    Attributes
    ----------
    window_days : int
        DLT window: events starting on study days 1..window_days (day 1 = first dose).
    require_related : bool
        Only events at least possibly related to study therapy count (AE ``related``).
    labs_assumed_related : bool
        Lab-derived cytopenia episodes carry no attribution; count them as related.
    hematologic_terms : frozenset of str
        Terms counted as haematologic (normalised, see ``dlt_terms.normalise_term``); every
        other term is non-haematologic.
    nonhematologic_min_grade : int
        Grade from which a non-haematologic toxicity is a DLT (3).
    exclude_reversible_electrolytes : bool
        Electrolyte abnormalities that resolved (an end day/date or ``resolved_within_hours``
        is recorded) are not DLTs; unresolved ones are. ``electrolyte_terms`` lists them.
    grade3_excluded_terms : frozenset of str
        Terms whose grade 3 is not a DLT (fatigue, hypertension); grade 4 still is.
    gi_terms, gi_resolution_hours : frozenset of str, float
        Grade 3 nausea/vomiting/diarrhoea is not a DLT if it responded within 72 hours
        (``resolved_within_hours`` <= 72, else end minus start <= 3 days).
    hypersensitivity_terms, hypersensitivity_min_grade : frozenset of str, int or None
        Hypersensitivity / infusion reactions from grade 3 are DLTs (labelled as such).
    neutropenia_g4_min_days : float
        Grade 4 neutropenia lasting at least this many days (>= 7) is a DLT.
    neutropenia_duration : {"until_recovery", "between_low_samples"}
        Duration of a lab episode: from its first grade 4 sample to the first later sample
        that is not grade 4 (default), or inclusive days between the first and last grade 4
        samples (shorter; ignores the time to the recovery sample).
    neutropenia_fever_min_grade : int
        Neutropenia of at least this grade with fever or infection is a DLT (3).
    thrombocytopenia_bleeding_min_grade : int
        Thrombocytopenia of at least this grade with bleeding is a DLT (3).
    bleeding_min_grade : int
        Grade of a separately recorded bleeding AE that makes it "life-threatening" (4, the
        CTCAE grade 4 definition); a ``bleeding`` flag on the thrombocytopenia record is taken
        as the investigator's judgement.
    overlap_tolerance_days : int
        Days of slack when matching cytopenia episodes with fever, infection or bleeding.
    treatment_delay_max_days : float or None
        A treatment delay longer than this (> 14 days) is a DLT.
    excluded_terms : frozenset of str
        Terms that are never DLTs whatever their grade, scored separately (default: infusion
        reactions, as in the paper: "Infusion reactions were considered AEs of special
        interest and were scored separately" -- 1 grade 3 reaction, no DLT).
    excluded_flag : str or None
        Name of a yes/no AE column marking events excluded in the same way
        (``infusion_reaction``; the report maps ADAE.IRFL onto it).
    exclusion_reason : str
        Words printed beside each excluded event.
    source : str
        Where the definition comes from.

    A rule whose threshold is ``None`` is switched off.
    dose_modification_is_dlt : bool
        A dose modification required in the window (``dose_modified``) is a DLT.
    """

    window_days: int = 28
    require_related: bool = True
    labs_assumed_related: bool = True
    hematologic_terms: frozenset[str] = HEMATOLOGIC
    nonhematologic_min_grade: int | None = 3
    exclude_reversible_electrolytes: bool = True
    electrolyte_terms: frozenset[str] = ELECTROLYTES
    grade3_excluded_terms: frozenset[str] = frozenset({"fatigue", "hypertension"})
    gi_terms: frozenset[str] = frozenset({"nausea", "vomiting", "diarrhea"})
    gi_resolution_hours: float = 72.0
    hypersensitivity_terms: frozenset[str] = HYPERSENSITIVITY
    hypersensitivity_min_grade: int | None = 3
    neutropenia_g4_min_days: float | None = 7.0
    neutropenia_duration: Literal["until_recovery", "between_low_samples"] = "until_recovery"
    neutropenia_fever_min_grade: int | None = 3
    thrombocytopenia_bleeding_min_grade: int | None = 3
    bleeding_min_grade: int = 4
    overlap_tolerance_days: int = 1
    treatment_delay_max_days: float | None = 14.0
    dose_modification_is_dlt: bool = True
    excluded_terms: frozenset[str] = INFUSION_REACTION
    excluded_flag: str | None = "infusion_reaction"
    exclusion_reason: str = "infusion reaction, scored separately (not a DLT)"
    source: str = "Chari et al., Cancer 2021, Methods (Study Design): the paper's DLT definition"

    def __post_init__(self) -> None:
        if not isinstance(self.window_days, int) or self.window_days < 1:
            raise OptionsError(
                describe_problem("window_days", self.window_days, "a positive whole number of days")
            )
        for name in (
            "nonhematologic_min_grade",
            "hypersensitivity_min_grade",
            "neutropenia_fever_min_grade",
            "thrombocytopenia_bleeding_min_grade",
            "bleeding_min_grade",
        ):
            if getattr(self, name) not in (1, 2, 3, 4, 5):
                raise OptionsError(describe_problem(name, getattr(self, name), "a grade 1-5"))
        if self.neutropenia_duration not in ("until_recovery", "between_low_samples"):
            raise OptionsError(
                describe_problem(
                    "neutropenia_duration",
                    self.neutropenia_duration,
                    "'until_recovery' or 'between_low_samples'",
                )
            )
        for name in (
            "gi_resolution_hours",
            "neutropenia_g4_min_days",
            "treatment_delay_max_days",
            "overlap_tolerance_days",
        ):
            value = getattr(self, name)
            if value is not None and not value >= 0:
                raise OptionsError(describe_problem(name, getattr(self, name), "a value >= 0"))

    @classmethod
    def from_mapping(cls, spec: Mapping[str, Any]) -> DLTRules:
        """Build rules from a mapping of field names (e.g. a protocol's DLT section)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(spec) - known)
        if unknown:
            raise ProtocolError(
                describe_problem("dlt rules", unknown, f"keys among {sorted(known)}")
            )
        values = dict(spec)
        for name in (
            "grade3_excluded_terms",
            "gi_terms",
            "hematologic_terms",
            "electrolyte_terms",
            "hypersensitivity_terms",
            "excluded_terms",
        ):
            if name in values:
                values[name] = frozenset(normalise_term(t) for t in values[name])
        return cls(**values)

    @classmethod
    def from_protocol(cls, protocol: Any) -> DLTRules:
        """Rules from a protocol's DLT section.

        ``protocol`` is an :class:`earlyphase.protocol.Protocol` (or its ``dlt``
        :class:`~earlyphase.protocol.DltDefinition`), or a mapping with a ``dlt`` mapping of
        field names of this class. Each declarative rule of a ``DltDefinition`` is mapped to
        the matching option (see :func:`rules_from_definition`); a rule that this evaluator
        cannot express raises ProtocolError rather than being ignored.
        """
        section: Any = getattr(protocol, "dlt", None)
        if section is None and isinstance(protocol, Mapping):
            section = protocol.get("dlt")
        if section is None and hasattr(protocol, "rules") and hasattr(protocol, "window_days"):
            section = protocol
        if section is None:
            raise ProtocolError(describe_problem("protocol.dlt", None, "a DLT section"))
        if hasattr(section, "rules") and hasattr(section, "window_days"):
            return rules_from_definition(section)
        if not isinstance(section, Mapping):
            raise ProtocolError(
                describe_problem(
                    "protocol.dlt",
                    type(section).__name__,
                    "a DLT definition or a mapping of options",
                )
            )
        return cls.from_mapping(section)


def _norm_set(terms: Any) -> frozenset[str]:
    return frozenset(normalise_term(t) for t in terms)


def rules_from_definition(definition: Any) -> DLTRules:
    """Translate an :class:`earlyphase.protocol.DltDefinition` into :class:`DLTRules`.

    Recognised rule shapes: ``adverse_event`` with ``category: non_hematologic`` (exceptions
    with ``reversible_only`` -> electrolytes, with ``resolved_within_hours`` -> the GI
    exception, with ``grades`` only -> grade-specific exclusions); ``adverse_event`` on
    non-haematologic ``terms`` (hypersensitivity); neutropenia terms with
    ``min_duration_days`` or with a ``concurrent`` event; thrombocytopenia terms with a
    ``concurrent`` event (its ``min_grade`` is the bleeding grade); ``treatment_delay``;
    ``dose_modification``. Rules absent from the protocol are switched off.
    """
    heme = _norm_set(definition.hematologic_terms) if definition.hematologic_terms else HEMATOLOGIC
    spec: dict[str, Any] = {
        "window_days": int(definition.window_days),
        "require_related": definition.attribution != "any",
        "hematologic_terms": heme,
        "nonhematologic_min_grade": None,
        "exclude_reversible_electrolytes": False,
        "grade3_excluded_terms": frozenset(),
        "gi_terms": frozenset(),
        "hypersensitivity_min_grade": None,
        "neutropenia_g4_min_days": None,
        "neutropenia_fever_min_grade": None,
        "thrombocytopenia_bleeding_min_grade": None,
        "treatment_delay_max_days": None,
        "dose_modification_is_dlt": False,
        "excluded_terms": frozenset(),
        "excluded_flag": None,
        "source": str(getattr(definition, "source", "") or "protocol DLT definition"),
    }
    _exclusions(definition, spec)
    for rule in definition.rules:
        where = f"dlt.rules[{rule.id}]"
        terms = _norm_set(rule.terms)
        if rule.kind == "treatment_delay":
            spec["treatment_delay_max_days"] = float(rule.delay_days_gt)
        elif rule.kind == "dose_modification":
            spec["dose_modification_is_dlt"] = True
        elif rule.category == "non_hematologic" and not terms:
            spec["nonhematologic_min_grade"] = int(rule.min_grade)
            for exc in rule.exceptions:
                ex_terms = _norm_set(exc.terms)
                if exc.reversible_only:
                    spec["exclude_reversible_electrolytes"] = True
                    spec["electrolyte_terms"] = ex_terms
                elif exc.resolved_within_hours is not None:
                    spec["gi_terms"] = ex_terms
                    spec["gi_resolution_hours"] = float(exc.resolved_within_hours)
                elif tuple(exc.grades) == (3,):
                    spec["grade3_excluded_terms"] = ex_terms
                else:
                    raise ProtocolError(
                        describe_problem(
                            f"{where}.exceptions",
                            exc.description,
                            "a reversible, resolved-within-hours or grade-3-only exception",
                        )
                    )
        elif terms and terms <= NEUTROPENIA and rule.min_duration_days is not None:
            spec["neutropenia_g4_min_days"] = float(rule.min_duration_days)
        elif terms and terms <= NEUTROPENIA and rule.concurrent is not None:
            spec["neutropenia_fever_min_grade"] = int(rule.min_grade)
        elif terms and terms <= THROMBOCYTOPENIA and rule.concurrent is not None:
            spec["thrombocytopenia_bleeding_min_grade"] = int(rule.min_grade)
            spec["bleeding_min_grade"] = int(rule.concurrent.min_grade)
        elif terms and not terms & heme and rule.category != "hematologic":
            spec["hypersensitivity_terms"] = terms
            spec["hypersensitivity_min_grade"] = int(rule.min_grade)
        else:
            raise ProtocolError(
                describe_problem(
                    where,
                    rule.description,
                    "a DLT rule shape that earlyphase.clinical evaluates (see DLTRules)",
                )
            )
    # an event scored separately cannot also be a hypersensitivity DLT
    hypersensitivity = spec.get("hypersensitivity_terms", HYPERSENSITIVITY)
    spec["hypersensitivity_terms"] = hypersensitivity - spec["excluded_terms"]
    return DLTRules(**spec)


def _exclusions(definition: Any, spec: dict[str, Any]) -> None:
    """Map the protocol's ``exclusions`` (events scored separately) onto ``spec``."""
    flags = {e.flag for e in getattr(definition, "exclusions", ()) if e.flag}
    if len(flags) > 1:
        raise ProtocolError(
            describe_problem("dlt.exclusions flag", sorted(flags), "at most one flag column")
        )
    terms: set[str] = set()
    reasons = []
    for exc in getattr(definition, "exclusions", ()):
        terms |= _norm_set(exc.terms)
        reasons.append(exc.description)
    spec["excluded_terms"] = frozenset(terms)
    spec["excluded_flag"] = next(iter(flags), None)
    if reasons:
        spec["exclusion_reason"] = "; ".join(reasons)


def _dose_number(value: object) -> int:
    match = re.fullmatch(r"\s*(?:dl)?\s*(\d+)\s*", str(value).lower())
    if not match:
        raise DataError(
            describe_problem("dose_level", value, "a dose level number such as 2 or 'DL2'")
        )
    return int(match.group(1))


def outcome_string(
    dlt: pd.DataFrame,
    dose_levels: Mapping[Any, Any] | None = None,
    *,
    cohorts: Mapping[Any, Any] | None = None,
) -> str:
    """Turn per-patient DLT flags into the designs' outcome grammar, e.g. ``"1NNN 2NTN"``.

    Parameters
    ----------
    dlt : DataFrame
        Output of :func:`earlyphase.clinical.dlt.evaluate_dlt` (``subject_id``, ``dlt``), rows
        in enrolment order; may carry ``dose_level`` and ``cohort`` columns.
    dose_levels : mapping, optional
        subject -> dose level (2 or "DL2"); else the ``dose_level`` column.
    cohorts : mapping, optional
        subject -> cohort id; else the ``cohort`` column; else consecutive patients at the same
        dose level form one cohort.
    """
    if not {"subject_id", "dlt"} <= set(dlt.columns):
        raise DataError(
            describe_problem("dlt columns", list(dlt.columns), "'subject_id' and 'dlt'")
        )
    subj = dlt["subject_id"]
    if dose_levels is not None:
        levels = subj.map(dict(dose_levels))
    elif "dose_level" in dlt.columns:
        levels = dlt["dose_level"]
    else:
        raise DataError(describe_problem("dose_levels", None, "a mapping or a 'dose_level' column"))
    if levels.isna().any():
        raise DataError(
            describe_problem(
                "dose_levels", subj[levels.isna()].iloc[0], "a dose level for every patient"
            )
        )
    nums = [_dose_number(v) for v in levels]
    if cohorts is not None:
        keys = list(subj.map(dict(cohorts)))
    elif "cohort" in dlt.columns:
        keys = list(dlt["cohort"])
    else:
        keys, k = [], 0
        for i, d in enumerate(nums):
            k += int(i > 0 and d != nums[i - 1])
            keys.append(k)
    groups: dict[Any, tuple[int, list[str]]] = {}
    for key, d, flag in zip(keys, nums, dlt["dlt"], strict=True):
        if key in groups and groups[key][0] != d:
            raise DataError(
                describe_problem(
                    f"cohort {key!r}", [groups[key][0], d], "one dose level per cohort"
                )
            )
        groups.setdefault(key, (d, []))[1].append("T" if bool(flag) else "N")
    return " ".join(f"{d}{''.join(letters)}" for d, letters in groups.values())
