"""Dose-limiting toxicity (DLT) definition as declarative rules.

Each :class:`DltRule` names CTCAE (v4.03) terms or a term class, a grade range, optional
minimum duration, optional concurrent event, and exceptions. The clinical area
(``earlyphase.clinical.dlt``) evaluates them against AE and lab data; this module only states
them. Kinds:

``adverse_event``
    An AE whose term matches ``terms`` (or, when ``category`` is set, any term of that class:
    ``non_hematologic`` = not in :attr:`DltDefinition.hematologic_terms`) with grade in
    ``[min_grade, max_grade]``, lasting at least ``min_duration_days`` if set, with a
    ``concurrent`` event if set, and not matching any of ``exceptions``.
``treatment_delay``
    A treatment delay longer than ``delay_days_gt`` days inside the window.
``dose_modification``
    Any dose modification (reduction, skip) required inside the window.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from earlyphase.protocol._base import FrozenModel

__all__ = ["ConcurrentEvent", "DltDefinition", "DltException", "DltRule"]


class DltException(FrozenModel):
    """Events that match a rule but are *not* DLTs.

    Attributes
    ----------
    terms : tuple of str
        CTCAE terms the exception covers.
    grades : tuple of int
        Grades the exception covers (empty = every grade the rule covers).
    reversible_only : bool
        The exception applies only when the event reversed (the clinical area decides how:
        by default back to grade <= 1 or baseline).
    resolved_within_hours : float, optional
        The exception applies only when the event improved below ``min_grade`` with medical
        management within this many hours (the paper's "responded ... within 72 hours").
    """

    description: str
    terms: tuple[str, ...] = Field(min_length=1)
    grades: tuple[int, ...] = ()
    reversible_only: bool = False
    resolved_within_hours: float | None = Field(default=None, gt=0)


class ConcurrentEvent(FrozenModel):
    """An event that must occur together with the rule's event (fever, infection, bleeding)."""

    description: str
    terms: tuple[str, ...] = ()
    socs: tuple[str, ...] = ()
    term_contains: tuple[str, ...] = ()
    min_grade: int = Field(default=1, ge=1, le=5)


class DltRule(FrozenModel):
    """One clause of the DLT definition (see the module docstring for the kinds)."""

    id: str = Field(min_length=1)
    description: str
    kind: Literal["adverse_event", "treatment_delay", "dose_modification"] = "adverse_event"
    category: Literal["non_hematologic", "hematologic"] | None = None
    terms: tuple[str, ...] = ()
    min_grade: int | None = Field(default=None, ge=1, le=5)
    max_grade: int | None = Field(default=None, ge=1, le=5)
    min_duration_days: float | None = Field(default=None, gt=0)
    concurrent: ConcurrentEvent | None = None
    attributed_to: tuple[str, ...] = ()
    exceptions: tuple[DltException, ...] = ()
    delay_days_gt: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> DltRule:
        if self.kind == "adverse_event":
            if not self.terms and self.category is None:
                raise ValueError("an adverse_event rule needs 'terms' or a 'category'")
            if self.min_grade is None:
                raise ValueError("an adverse_event rule needs 'min_grade'")
            if self.max_grade is not None and self.max_grade < self.min_grade:
                raise ValueError("'max_grade' must be >= 'min_grade'")
        if self.kind == "treatment_delay" and self.delay_days_gt is None:
            raise ValueError("a treatment_delay rule needs 'delay_days_gt'")
        return self


class DltDefinition(FrozenModel):
    """DLT window, attribution requirement, the rules, and the terms counted as haematologic.

    Attributes
    ----------
    window_days : int
        Length of the DLT observation window from the first dose (cycle 1 day 1 = day 1).
    attribution : {"at_least_possibly_related", "any"}
        Relatedness required; "at least possibly related" means AEREL in
        :data:`earlyphase.clinical.vocabulary.RELATED_VALUES`.
    rules : tuple of DltRule
        A patient has a DLT when any rule matches.
    hematologic_terms : tuple of str
        CTCAE terms treated as haematologic (everything else is non-haematologic).
    """

    window_days: int = Field(gt=0)
    attribution: Literal["at_least_possibly_related", "any"] = "at_least_possibly_related"
    ctcae_version: str = "4.03"
    rules: tuple[DltRule, ...] = Field(min_length=1)
    hematologic_terms: tuple[str, ...] = ()
    source: str = ""
