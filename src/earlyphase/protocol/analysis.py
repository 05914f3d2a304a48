"""The analysis plan: the trial facts the ADaM derivations and the report need.

An :class:`AnalysisPlan` says which arms (dose levels) a trial has, in which order and with
which numeric codes (ADaM ``TRT01PN``/``TRT01AN``), which study drugs were given and in which
units, which disease (and so which response criteria, which baseline disease block in
Table 1), and how the analysis populations are defined.  It comes from a protocol
(:func:`plan_from_protocol`) or, for a trial without one, is inferred from its SDTM
(:func:`earlyphase.cdisc.plan.infer_plan`); ``source`` and ``inferred`` say which.

Population rules follow the usual phase 1 definitions (e.g. Le Tourneau et al., J Natl
Cancer Inst 2009;101:708-20): safety = received at least one dose; response-evaluable =
treated, with baseline and post-baseline disease assessment; PK = treated with at least one
concentration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from earlyphase.errors import ProtocolError, describe_problem
from earlyphase.protocol._base import FrozenModel

if TYPE_CHECKING:
    import pandas as pd

    from earlyphase.protocol.model import Protocol

__all__ = [
    "DEFAULT_POPULATIONS",
    "DISEASES",
    "AnalysisPlan",
    "PlanArm",
    "PlanDrug",
    "PopulationRule",
    "adam_drug_code",
    "disease_module",
    "plan_from_protocol",
]

#: Diseases with a disease module (response criteria, Table 1 block); "" = none.
DISEASES = ("", "multiple-myeloma", "solid-tumour")
PopulationKind = Literal["enrolled", "treated", "response-evaluable", "pk-sampled"]


class PopulationRule(FrozenModel):
    """One analysis population: its ADSL flag, label and the rule deciding it.

    ``rule``: ``"enrolled"`` (every DM subject), ``"treated"`` (at least one dose),
    ``"response-evaluable"`` (treated, started ``min_cycles`` cycles, baseline disease data
    and a post-baseline assessment or progression), ``"pk-sampled"`` (treated with at least
    one PC concentration).
    """

    flag: str = Field(pattern=r"^[A-Z][A-Z0-9]{0,5}FL$")
    label: str
    rule: PopulationKind
    min_cycles: int = Field(default=1, ge=0)


DEFAULT_POPULATIONS = (
    PopulationRule(flag="SAFFL", label="Safety population", rule="treated"),
    PopulationRule(flag="EFFFL", label="Response-evaluable", rule="response-evaluable"),
    PopulationRule(flag="PKFL", label="PK population", rule="pk-sampled"),
)


@dataclass(frozen=True)
class PlanArm:
    """An arm (dose level): SDTM ``ARMCD``, label (``ARM``) and numeric code (``TRT01PN``)."""

    code: str
    label: str
    number: float


@dataclass(frozen=True)
class PlanDrug:
    """A study drug: ``EXTRT`` value, display name, dose unit and ADaM variable suffix."""

    name: str
    label: str
    unit: str = ""
    code: str = ""


def adam_drug_code(label: str, abbreviation: str = "") -> str:
    """Suffix of a drug's ADaM variables (``RDI<code>``, at most 8 characters in all).

    The upper-cased abbreviation when it has 3 or more characters (``Isa`` -> ``ISA``), else
    the first 4 letters of the name (``Carfilzomib`` -> ``CARF``).
    """
    abbr = "".join(ch for ch in abbreviation.upper() if ch.isalnum())
    if len(abbr) >= 3:
        return abbr[:5]
    return "".join(ch for ch in label.upper() if ch.isalnum())[:4]


@dataclass(frozen=True)
class AnalysisPlan:
    """What the analysis of one trial needs to know (see the module docstring).

    Attributes
    ----------
    arms : tuple of PlanArm
        In display order; ``number`` is ``TRT01PN``/``TRT01AN``.
    drugs : tuple of PlanDrug
        Study drugs (empty when neither the protocol nor EX names any).
    disease : str
        One of :data:`DISEASES` ("" = no disease module).
    cycle_days : int
        Cycle length used to count cycles when EX has no ``CYCLE c`` visits.
    populations : tuple of PopulationRule
    source : {"protocol", "inferred"}
    inferred : tuple of str
        What was inferred from the data (and how), for the report's Methods.
    """

    arms: tuple[PlanArm, ...]
    drugs: tuple[PlanDrug, ...] = ()
    disease: str = ""
    cycle_days: int = 28
    populations: tuple[PopulationRule, ...] = DEFAULT_POPULATIONS
    source: Literal["protocol", "inferred"] = "inferred"
    name: str = ""
    inferred: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.disease not in DISEASES:
            raise ProtocolError(describe_problem("disease", self.disease, f"one of {DISEASES}"))
        codes = [a.code for a in self.arms]
        if len(set(codes)) != len(codes):
            raise ProtocolError(describe_problem("arms", codes, "distinct arm codes"))

    @property
    def arm_numbers(self) -> dict[str, float]:
        """ARMCD -> numeric code (``TRT01PN``)."""
        return {a.code: a.number for a in self.arms}

    def population(self, kind: PopulationKind) -> PopulationRule | None:
        """The population decided by ``kind``, if the plan has one."""
        return next((p for p in self.populations if p.rule == kind), None)

    def describe(self) -> str:
        """One sentence for the report's Methods."""
        arms = "; ".join(f"{a.label} ({a.code}, TRT01PN = {a.number:g})" for a in self.arms)
        drugs = ", ".join(f"{d.label} ({d.unit})" if d.unit else d.label for d in self.drugs)
        where = f"protocol {self.name}" if self.source == "protocol" else "inferred from the SDTM"
        return (
            f"Analysis plan ({where}): arms {arms or 'none'}; study drugs {drugs or 'none'}; "
            f"disease module {self.disease or 'none'}; populations "
            + ", ".join(f"{p.flag} = {p.rule}" for p in self.populations)
            + "."
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per arm: code, label, number."""
        import pandas as pd

        return pd.DataFrame(
            [(a.code, a.label, a.number) for a in self.arms], columns=["code", "label", "number"]
        )


def disease_module(protocol: Protocol) -> str:
    """The disease module of a protocol: IMWG response criteria -> ``"multiple-myeloma"``.

    RECIST 1.1 -> ``"solid-tumour"`` (response from TU/TR; no baseline disease block yet).
    """
    criteria = protocol.disease.response_criteria
    return {"IMWG": "multiple-myeloma", "RECIST 1.1": "solid-tumour"}.get(criteria, "")


def plan_from_protocol(protocol: Protocol) -> AnalysisPlan:
    """The analysis plan of a protocol: its dose levels numbered 1..n in protocol order."""
    arms = tuple(
        PlanArm(level.id, level.label, float(i + 1)) for i, level in enumerate(protocol.dose_levels)
    )
    drugs = tuple(
        PlanDrug(
            (d.cdisc_name or d.name).upper(),
            d.name,
            d.dose_unit,
            adam_drug_code(d.name, d.abbreviation),
        )
        for d in protocol.drugs
    )
    return AnalysisPlan(
        arms=arms,
        drugs=drugs,
        disease=disease_module(protocol),
        cycle_days=protocol.cycle_length_days,
        populations=protocol.populations or DEFAULT_POPULATIONS,
        source="protocol",
        name=protocol.id,
    )
