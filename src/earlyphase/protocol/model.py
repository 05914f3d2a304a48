"""The protocol model: disease, drugs, dose levels, regimen, design, DLT, eligibility, PK, response.

A :class:`Protocol` is an immutable pydantic v2 model, usually built by
:func:`earlyphase.protocol.load_protocol` from YAML (``builtin/isak-phase1b.yaml`` is the
reference). Everything other areas need is an attribute or a small method::

    p = load_protocol("isak-phase1b")
    p.cycle_length_days                      # 28
    [d.id for d in p.dose_levels]            # ['DL1', 'DL2', 'DL3']
    p.planned_doses("DL2", "isatuximab", 1)  # (PlannedDose(day=1, dose=10.0, unit='mg/kg'), ...)
    p.design.name, p.design.expansion_size   # ('3+3', 18)
    p.dlt.window_days, p.pk_sampling[0].occasions
"""

from __future__ import annotations

from typing import Annotated, Literal, NamedTuple

from pydantic import Field, PositiveFloat, field_validator, model_validator

from earlyphase.errors import ProtocolError, describe_problem
from earlyphase.limits import (
    MAX_COHORT_SIZE,
    MAX_CYCLE_LENGTH_DAYS,
    MAX_CYCLES,
    MAX_DOSES,
    MAX_PATIENTS,
)
from earlyphase.protocol._base import FrozenModel
from earlyphase.protocol.analysis import PopulationRule
from earlyphase.protocol.criteria import EligibilityCriterion
from earlyphase.protocol.disease import Disease
from earlyphase.protocol.dlt import DltDefinition
from earlyphase.protocol.sampling import PkSchedule, ResponseAssessment

__all__ = [
    "Design",
    "DoseLevel",
    "DoseOnDays",
    "Drug",
    "PlannedDose",
    "Protocol",
    "RegimenSegment",
    "ScheduleOption",
]


class Drug(FrozenModel):
    """A study drug and how its dose is calculated and given.

    Attributes
    ----------
    id : str
        Key used everywhere else (``"isatuximab"``).
    name, abbreviation, cdisc_name : str
        Display name, short form (``"Isa"``), SDTM ``EXTRT`` value (``"ISATUXIMAB"``).
    dose_unit : {"mg/kg", "mg/m2", "mg"}
        Unit of every dose of this drug in the dose levels.
    route : str
        CDISC route, e.g. ``"INTRAVENOUS"``.
    infusion_minutes : tuple of float
        Infusion duration of the 1st, 2nd, ... administration; the last entry applies to every
        later one (isatuximab label: 200, 112.5, 75 min).
    bsa_cap_m2 : float, optional
        BSA above which the dose is computed on the cap (carfilzomib label: 2.2 m2).
    dose_reduction_steps : tuple of float
        Doses (in ``dose_unit``) in decreasing order used by "reduce one level".
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str
    abbreviation: str = ""
    cdisc_name: str = ""
    dose_unit: Literal["mg/kg", "mg/m2", "mg"]
    route: str = "INTRAVENOUS"
    infusion_minutes: tuple[PositiveFloat, ...] = Field(
        default=(), description="per administration"
    )
    bsa_cap_m2: float | None = Field(default=None, gt=0)
    dose_reduction_steps: tuple[PositiveFloat, ...] = ()
    note: str = ""

    def infusion_minutes_for(self, administration_number: int) -> float | None:
        """Infusion duration (min) of the n-th administration (1-based); None if not infused."""
        if not self.infusion_minutes:
            return None
        index = min(max(administration_number, 1), len(self.infusion_minutes)) - 1
        return self.infusion_minutes[index]


class DoseOnDays(FrozenModel):
    """One dose given on each of several days of a cycle."""

    days: tuple[int, ...] = Field(min_length=1)
    dose: float = Field(gt=0)


class RegimenSegment(FrozenModel):
    """Doses of one drug for a range of cycles (``to_cycle`` None = every later cycle)."""

    from_cycle: int = Field(ge=1, le=MAX_CYCLES)
    to_cycle: int | None = Field(default=None, ge=1, le=MAX_CYCLES)
    doses: tuple[DoseOnDays, ...] = Field(min_length=1)

    def covers(self, cycle: int) -> bool:
        """True when ``cycle`` falls inside this segment."""
        return self.from_cycle <= cycle and (self.to_cycle is None or cycle <= self.to_cycle)


class DoseLevel(FrozenModel):
    """A dose level: id (``"DL1"``), label (the arm) and per-drug regimen segments."""

    id: str
    label: str
    regimens: dict[str, tuple[RegimenSegment, ...]]


class ScheduleOption(FrozenModel):
    """An optional schedule change (e.g. fewer carfilzomib days after cycle 8).

    When the option is active, from ``from_cycle`` on, the drug is given only on those of its
    planned days that are listed in ``days``.
    """

    id: str
    description: str
    drug: str
    from_cycle: int = Field(ge=1, le=MAX_CYCLES)
    days: tuple[int, ...] = Field(min_length=1)


#: Dose-finding designs a protocol may name (case-insensitive); ``earlyphase.designs`` has each.
DESIGN_NAMES = ("3+3", "BOIN", "mTPI-2", "CRM")


class Design(FrozenModel):
    """The dose-escalation design the protocol refers to.

    Attributes
    ----------
    name : str
        ``"3+3"``, ``"BOIN"``, ``"mTPI-2"``, ``"CRM"``.
    variant : str
        For 3+3: ``"escalation-only"``, ``"de-escalate"`` (Korn 1994) or
        ``"de-escalate-6-at-top"``.
    n_doses : int
        Number of dose levels (filled from ``dose_levels`` when omitted; must agree).
    cohort_size, start_dose_level, expansion_size : int, str, int
    target_dlt_rate : float
        Target DLT probability used when the protocol is compared with model-based designs.
    mtd_dlt_threshold : float
        MTD = one level below the lowest level with a DLT rate above this (paper: 33%).
    """

    name: str
    variant: str = "de-escalate"
    n_doses: int = Field(ge=1, le=MAX_DOSES)
    cohort_size: int = Field(default=3, ge=1, le=MAX_COHORT_SIZE)
    start_dose_level: str = "DL1"
    expansion_size: int = Field(default=0, ge=0, le=MAX_PATIENTS)
    target_dlt_rate: float = Field(gt=0, lt=1)
    mtd_dlt_threshold: float | None = Field(default=None, gt=0, lt=1)
    note: str = ""

    @field_validator("name")
    @classmethod
    def _known_design(cls, value: str) -> str:
        if value.lower() not in {n.lower() for n in DESIGN_NAMES}:
            raise ValueError("one of " + ", ".join(repr(n) for n in DESIGN_NAMES))
        return value


class PlannedDose(NamedTuple):
    """One planned administration of one drug: day of the cycle, dose and its unit."""

    day: int
    dose: float
    unit: str


class Protocol(FrozenModel):
    """A phase 1 trial protocol (see the module docstring and ``docs/foundation.md``)."""

    id: str
    title: str
    registry_id: str = ""
    reference: str = ""
    disease: Disease
    cycle_length_days: int = Field(gt=0, le=MAX_CYCLE_LENGTH_DAYS)
    cycles: Annotated[int, Field(ge=1, le=MAX_CYCLES)] | Literal["until progression"] = (
        "until progression"
    )
    drugs: tuple[Drug, ...] = Field(min_length=1)
    dose_levels: tuple[DoseLevel, ...] = Field(min_length=1, max_length=MAX_DOSES)
    schedule_options: tuple[ScheduleOption, ...] = ()
    design: Design
    dlt: DltDefinition
    eligibility: tuple[EligibilityCriterion, ...] = ()
    pk_sampling: tuple[PkSchedule, ...] = ()
    response_assessment: ResponseAssessment
    #: analysis populations as rules (default: safety, response-evaluable, PK)
    populations: tuple[PopulationRule, ...] = ()
    notes: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _fill_n_doses(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("design"), dict):
            design = data["design"]
            if "n_doses" not in design and isinstance(data.get("dose_levels"), list | tuple):
                data = {**data, "design": {**design, "n_doses": len(data["dose_levels"])}}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Protocol:
        from earlyphase.protocol.consistency import find_inconsistencies

        problems = find_inconsistencies(self.model_dump(mode="python"))
        if problems:
            raise ValueError(
                "; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems)
            )
        return self

    # ---- look-ups -------------------------------------------------------------------------
    @property
    def response_assessment_interval_days(self) -> int:
        """Days between response assessments."""
        return self.response_assessment.interval_days

    @property
    def until_progression(self) -> bool:
        """True when treatment continues until progression (no fixed number of cycles)."""
        return self.cycles == "until progression"

    @property
    def drug_ids(self) -> tuple[str, ...]:
        """Drug ids in protocol order."""
        return tuple(d.id for d in self.drugs)

    def drug(self, drug_id: str) -> Drug:
        """The drug with this id (case-insensitive; abbreviation accepted)."""
        key = drug_id.strip().lower()
        for d in self.drugs:
            if key in (d.id, d.abbreviation.lower(), d.name.lower()):
                return d
        raise ProtocolError(describe_problem("drug", drug_id, f"one of {list(self.drug_ids)}"))

    def dose_level(self, level: str | int) -> DoseLevel:
        """The dose level with this id (``"DL2"``) or 1-based position (``2``)."""
        if isinstance(level, int) or (isinstance(level, str) and level.strip().isdigit()):
            pos = int(level)
            if 1 <= pos <= len(self.dose_levels):
                return self.dose_levels[pos - 1]
        else:
            for dl in self.dose_levels:
                if dl.id.lower() == str(level).strip().lower():
                    return dl
        ids = [d.id for d in self.dose_levels]
        raise ProtocolError(describe_problem("dose_level", level, f"one of {ids} or 1..{len(ids)}"))

    @property
    def dose_level_ids(self) -> tuple[str, ...]:
        """Dose level ids in escalation order (``("DL1", "DL2", "DL3")``)."""
        return tuple(d.id for d in self.dose_levels)

    def pk_schedule(self, drug: str) -> PkSchedule:
        """The PK sampling schedule of one drug (id or abbreviation)."""
        the_drug = self.drug(drug)
        for schedule in self.pk_sampling:
            if schedule.drug == the_drug.id:
                return schedule
        known = [s.drug for s in self.pk_sampling]
        raise ProtocolError(describe_problem("pk schedule drug", drug, f"one of {known}"))

    def schedule_option(self, option_id: str) -> ScheduleOption:
        """The optional schedule change with this id."""
        for opt in self.schedule_options:
            if opt.id == option_id:
                return opt
        known = [o.id for o in self.schedule_options]
        raise ProtocolError(describe_problem("schedule option", option_id, f"one of {known}"))

    def planned_doses(
        self,
        dose_level: str | int,
        drug: str,
        cycle: int,
        options: tuple[str, ...] | list[str] = (),
    ) -> tuple[PlannedDose, ...]:
        """Planned administrations of ``drug`` in ``cycle`` at ``dose_level``, sorted by day.

        Parameters
        ----------
        dose_level : str or int
            ``"DL2"`` or 2.
        drug : str
            Drug id (``"carfilzomib"``) or abbreviation (``"K"``).
        cycle : int
            1-based cycle number.
        options : sequence of str
            Ids of active :class:`ScheduleOption` s (e.g. ``"carfilzomib-reduced-frequency"``).

        Returns
        -------
        tuple of PlannedDose
            ``(day, dose, unit)`` with the dose in the drug's ``dose_unit``; empty when the
            drug is not given in that cycle or the protocol's fixed number of cycles is over.
        """
        if cycle < 1:
            raise ProtocolError(describe_problem("cycle", cycle, "an integer >= 1"))
        level = self.dose_level(dose_level)
        the_drug = self.drug(drug)
        if isinstance(self.cycles, int) and cycle > self.cycles:
            return ()
        doses: dict[int, float] = {}
        for segment in level.regimens.get(the_drug.id, ()):
            if segment.covers(cycle):
                for block in segment.doses:
                    doses.update(dict.fromkeys(block.days, block.dose))
        for option_id in options:
            opt = self.schedule_option(option_id)
            if opt.drug == the_drug.id and cycle >= opt.from_cycle:
                doses = {d: v for d, v in doses.items() if d in opt.days}
        return tuple(PlannedDose(d, doses[d], the_drug.dose_unit) for d in sorted(doses))

    def summary(self) -> str:
        """A readable multi-line summary (what ``earlyphase protocol show`` prints)."""
        from earlyphase.protocol.summary import protocol_summary

        return protocol_summary(self)
