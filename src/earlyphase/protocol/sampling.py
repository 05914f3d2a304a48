"""PK sampling schedules and the response-assessment schedule.

Nominal PK times are stated the way protocols state them: relative to the *start* of the
dose ("pre-dose", "mid-infusion" = half the infusion after the start) or to the *end* of the
infusion ("3 h after the end of infusion"). :meth:`PkSample.hours_from_dose_start` converts to
hours from the start of that infusion, the time base of SDTM ``PCTPTNUM`` in this project
(``docs/data_conventions.md``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from earlyphase.protocol._base import FrozenModel

__all__ = ["PkOccasion", "PkSample", "PkSchedule", "ResponseAssessment"]


class PkSample(FrozenModel):
    """One nominal sampling time.

    Attributes
    ----------
    label : str
        Nominal time point as written on the CRF (``PCTPT``), e.g. ``"3 h post end of infusion"``.
    reference : {"dose start", "infusion end"}
        What ``offset_hours`` counts from.
    offset_hours : float
        Hours after the reference (0 for pre-dose and end-of-infusion samples).
    infusion_fraction : float
        Additional offset as a fraction of the infusion duration (0.5 for mid-infusion).
    predose : bool
        True for samples taken before the dose (nominal time 0).
    """

    label: str
    reference: Literal["dose start", "infusion end"] = "dose start"
    offset_hours: float = 0.0
    infusion_fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    predose: bool = False

    def hours_from_dose_start(self, infusion_hours: float) -> float:
        """Nominal hours from the start of the infusion, given its duration in hours."""
        base = infusion_hours if self.reference == "infusion end" else 0.0
        return base + self.offset_hours + self.infusion_fraction * infusion_hours


class PkOccasion(FrozenModel):
    """Samples taken around one administration (cycle, day)."""

    cycle: int = Field(ge=1)
    day: int = Field(ge=1)
    samples: tuple[PkSample, ...] = Field(min_length=1)

    @property
    def intensive(self) -> bool:
        """True when more than a pre-dose sample is taken."""
        return any(not s.predose for s in self.samples)


class PkSchedule(FrozenModel):
    """The PK sampling schedule of one drug (analyte)."""

    drug: str
    analyte: str
    matrix: str = "PLASMA"
    lloq: float | None = Field(default=None, gt=0)
    lloq_unit: str = ""
    occasions: tuple[PkOccasion, ...] = Field(min_length=1)


class ResponseAssessment(FrozenModel):
    """How and how often disease response is assessed."""

    criteria: str
    interval_days: int = Field(gt=0)
    first_assessment_cycle: int = Field(default=2, ge=1)
    note: str = ""
