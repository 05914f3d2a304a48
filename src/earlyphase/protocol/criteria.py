"""Eligibility criteria as declarative comparisons on named baseline variables.

A criterion is a *requirement* a patient must meet to be eligible. Exclusion criteria are
written as the requirement that excludes nobody who meets it: "QTc > 450 ms excluded" is
``qtc <= 450 ms`` with ``kind: exclusion``. Leaves compare one variable with a threshold in a
named unit; ``any_of`` / ``all_of`` combine leaves (measurable disease is "serum M-protein
>= 0.5 g/dL OR urine M-protein >= 200 mg/24h OR ...").

Evaluation (three-valued: pass / fail / unevaluable) lives in :mod:`earlyphase.eligibility`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from earlyphase.errors import DataError
from earlyphase.protocol._base import FrozenModel
from earlyphase.units import UNITS, normalize_unit

__all__ = ["Comparison", "Condition", "EligibilityCriterion", "Operator"]

Operator = Literal[">", ">=", "<", "<=", "==", "!="]


class Condition(FrozenModel):
    """Either one comparison (``variable op value unit``) or a combination (``any_of``/``all_of``).

    Attributes
    ----------
    variable : str, optional
        Baseline variable name (snake_case, no unit), e.g. ``"platelets"``. Patient tables give
        it as ``<variable>_<unit suffix>`` (``platelets_per_ul``) or bare ``<variable>``.
    op : {">", ">=", "<", "<=", "==", "!="}
    value : float, bool or str
        Threshold (numbers) or required value (booleans, categories).
    unit : str
        Unit of ``value``; must be in :data:`earlyphase.units.UNITS` ("" for
        booleans, scores and categories).
    if_missing : {"unevaluable", "pass"}
        What a missing value means. ``"pass"`` is for "days since X" variables where a missing
        value means the patient never had X (e.g. no prior transplant).
    any_of, all_of : tuple of Condition
        Sub-conditions; three-valued (Kleene) logic.
    """

    variable: str | None = None
    op: Operator | None = None
    value: bool | float | str | None = None
    unit: str = ""
    if_missing: Literal["unevaluable", "pass"] = "unevaluable"
    any_of: tuple[Condition, ...] = ()
    all_of: tuple[Condition, ...] = ()

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        try:
            return normalize_unit(unit)
        except DataError:
            known = ", ".join(repr(u) for u in UNITS)
            raise ValueError(f"a known unit (one of {known})") from None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        leaf = self.variable is not None
        combos = sum(bool(x) for x in (self.any_of, self.all_of))
        if leaf and combos:
            raise ValueError("either a comparison (variable/op/value) or any_of/all_of, not both")
        if not leaf and combos != 1:
            raise ValueError(
                "a comparison (variable, op, value, unit) or exactly one of any_of/all_of"
            )
        if leaf and (self.op is None or self.value is None):
            raise ValueError("a comparison needs 'op' and 'value' as well as 'variable'")
        if leaf and isinstance(self.value, bool) and self.op not in ("==", "!="):
            raise ValueError("booleans can only be compared with '==' or '!='")
        return self

    @property
    def is_comparison(self) -> bool:
        """True for a leaf comparison, False for an ``any_of``/``all_of`` combination."""
        return self.variable is not None

    def variables(self) -> tuple[str, ...]:
        """Every variable this condition reads, depth first, without duplicates."""
        if self.is_comparison:
            return (str(self.variable),)
        seen: dict[str, None] = {}
        for sub in self.any_of or self.all_of:
            seen.update(dict.fromkeys(sub.variables()))
        return tuple(seen)

    def describe(self) -> str:
        """Human-readable form, e.g. ``platelets > 50000 /uL``."""
        if self.is_comparison:
            value = (
                str(self.value).lower()
                if isinstance(self.value, bool)
                else f"{self.value:g}"
                if isinstance(self.value, float)
                else self.value
            )
            return f"{self.variable} {self.op} {value}{' ' + self.unit if self.unit else ''}"
        joiner = " or " if self.any_of else " and "
        return "(" + joiner.join(c.describe() for c in self.any_of or self.all_of) + ")"


Comparison = Condition


class EligibilityCriterion(Condition):
    """One numbered eligibility criterion: an id, its kind, the paper's words and a condition."""

    id: str = Field(min_length=1)
    kind: Literal["inclusion", "exclusion"]
    description: str = Field(min_length=1)
