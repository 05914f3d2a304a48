"""The DLT definition as an options object, and the designs' outcome-string helper."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

import pandas as pd

from earlyphase.errors import DataError, OptionsError, ProtocolError, describe_problem

__all__ = ["DLTRules", "outcome_string"]


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
    nonhematologic_min_grade : int
        Grade from which a non-haematologic toxicity is a DLT (3).
    exclude_reversible_electrolytes : bool
        Electrolyte abnormalities that resolved (an end day/date or ``resolved_within_hours``
        is recorded) are not DLTs; unresolved ones are.
    grade3_excluded_terms : frozenset of str
        Terms whose grade 3 is not a DLT (fatigue, hypertension); grade 4 still is.
    gi_terms, gi_resolution_hours : frozenset of str, float
        Grade 3 nausea/vomiting/diarrhoea is not a DLT if it responded within 72 hours
        (``resolved_within_hours`` <= 72, else end minus start <= 3 days).
    hypersensitivity_min_grade : int
        Grade from which hypersensitivity/infusion reactions are DLTs (3).
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
    treatment_delay_max_days : float
        A treatment delay longer than this (> 14 days) is a DLT.
    dose_modification_is_dlt : bool
        A dose modification required in the window (``dose_modified``) is a DLT.
    """

    window_days: int = 28
    require_related: bool = True
    labs_assumed_related: bool = True
    nonhematologic_min_grade: int = 3
    exclude_reversible_electrolytes: bool = True
    grade3_excluded_terms: frozenset[str] = frozenset({"fatigue", "hypertension"})
    gi_terms: frozenset[str] = frozenset({"nausea", "vomiting", "diarrhea"})
    gi_resolution_hours: float = 72.0
    hypersensitivity_min_grade: int = 3
    neutropenia_g4_min_days: float = 7.0
    neutropenia_duration: Literal["until_recovery", "between_low_samples"] = "until_recovery"
    neutropenia_fever_min_grade: int = 3
    thrombocytopenia_bleeding_min_grade: int = 3
    bleeding_min_grade: int = 4
    overlap_tolerance_days: int = 1
    treatment_delay_max_days: float = 14.0
    dose_modification_is_dlt: bool = True

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
            if not getattr(self, name) >= 0:
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
        for name in ("grade3_excluded_terms", "gi_terms"):
            if name in values:
                values[name] = frozenset(str(t).lower() for t in values[name])
        return cls(**values)

    @classmethod
    def from_protocol(cls, protocol: Any) -> DLTRules:
        """Rules from a protocol object or mapping with a DLT section.

        Reads ``protocol.dlt`` (or ``protocol["dlt"]``); a pydantic model is dumped first. The
        window is taken from ``window_days`` there or ``protocol.dlt_window_days``. Keys not
        named like the fields of this class raise ProtocolError.
        """
        section: Any = getattr(protocol, "dlt", None)
        if section is None and isinstance(protocol, Mapping):
            section = protocol.get("dlt")
        if section is None:
            raise ProtocolError(describe_problem("protocol.dlt", None, "a DLT section"))
        if hasattr(section, "model_dump"):
            section = section.model_dump(exclude_none=True)
        if not isinstance(section, Mapping):
            raise ProtocolError(
                describe_problem(
                    "protocol.dlt", type(section).__name__, "a mapping of DLT rule options"
                )
            )
        spec = {k: v for k, v in section.items() if k in {f.name for f in fields(cls)}}
        window = getattr(protocol, "dlt_window_days", None)
        if window is not None and "window_days" not in spec:
            spec["window_days"] = int(window)
        return cls.from_mapping(spec)


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
