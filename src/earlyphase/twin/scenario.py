"""The scenario file of the simulation mode: the truth a virtual trial is simulated under.

Example (YAML)::

    name: isak-like truth
    true_dlt: {DL1: 0.05, DL2: 0.10, DL3: 0.25}
    response:            # probabilities of the best response per dose level (sum to 1)
      DL1: {sCR: 0.05, CR: 0.03, VGPR: 0.20, PR: 0.35, MR: 0.15, SD: 0.17, PD: 0.05}
      DL2: {sCR: 0.09, CR: 0.03, VGPR: 0.24, PR: 0.33, MR: 0.15, SD: 0.12, PD: 0.04}
      DL3: {sCR: 0.09, CR: 0.03, VGPR: 0.24, PR: 0.33, MR: 0.15, SD: 0.12, PD: 0.04}
    pfs_median_months: {DL1: 9.0, DL2: 10.1, DL3: 10.1}
    os_median_months: 40.0          # one number = every dose level
    enrollment_per_month: 1.0
    dropout_probability: 0.03       # leaves before the first response assessment (NE)
    followup_months: 24             # after the last patient's first dose
    orr_threshold: 0.40             # report P(lower 95% CI bound of ORR > threshold)
    expansion_dose: selected        # or a dose-level id, e.g. DL2
    covariates: {age_mean: 62, age_sd: 9, p_male: 0.7, weight_mean_kg: 80, weight_sd_kg: 15}
    adverse_events:                 # non-DLT AEs: P(patient has the event) per dose level
      - {term: Nausea, soc: Gastrointestinal disorders, rate: {DL1: 0.2, DL2: 0.3, DL3: 0.4}}
      - {term: Fatigue, soc: General disorders and administration site conditions,
         rate: 0.35, grade3_fraction: 0.1, serious_fraction: 0.02}
    dlt_terms:                      # what a DLT is recorded as in AE (drawn uniformly)
      - {term: Febrile neutropenia, soc: Blood and lymphatic system disorders}

The response categories are those of the protocol's response criteria
(:func:`earlyphase.twin.efficacy.efficacy_model_for`; IMWG: sCR, CR, VGPR, PR, MR, SD, PD);
they are checked with the dose levels, once the protocol is known
(:meth:`Scenario.check_dose_levels`). Every number must be finite.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from earlyphase._files import read_text_file
from earlyphase._yaml import load_yaml
from earlyphase.errors import DataError, ProtocolError, describe_problem
from earlyphase.limits import MAX_YAML_BYTES

__all__ = ["AdverseEventRate", "AdverseEventTerm", "Covariates", "Scenario", "load_scenario"]

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Covariates(BaseModel):
    """Distributions of baseline covariates of the simulated patients."""

    model_config = _STRICT
    age_mean: float = Field(default=62.0, gt=18, lt=100)
    age_sd: float = Field(default=9.0, ge=0)
    p_male: float = Field(default=0.7, ge=0, le=1)
    weight_mean_kg: float = Field(default=80.0, gt=0)
    weight_sd_kg: float = Field(default=15.0, ge=0)


class AdverseEventTerm(BaseModel):
    """A MedDRA preferred term and its system organ class."""

    model_config = _STRICT
    term: str = Field(min_length=1)
    soc: str = ""


class AdverseEventRate(AdverseEventTerm):
    """A non-DLT adverse event: probability that a patient has it (any grade, while on
    treatment) per dose level, and the fractions of grade >= 3 and serious events."""

    rate: dict[str, float] | float
    grade3_fraction: float = Field(default=0.0, ge=0, le=1)
    serious_fraction: float = Field(default=0.0, ge=0, le=1)
    related: bool = True

    @field_validator("rate")
    @classmethod
    def _rate(cls, v: dict[str, float] | float) -> dict[str, float] | float:
        for dose, p in v.items() if isinstance(v, dict) else [("all", v)]:
            if not 0.0 <= p <= 1.0:
                raise ValueError(describe_problem(f"rate[{dose}]", p, "a probability in [0, 1]"))
        return v


class Scenario(BaseModel):
    """Assumed truth per dose level; see the module docstring for the file format."""

    model_config = _STRICT
    name: str = "scenario"
    true_dlt: dict[str, float]
    response: dict[str, dict[str, float]]
    pfs_median_months: dict[str, float] | float
    os_median_months: dict[str, float] | float = 40.0
    enrollment_per_month: float = Field(default=1.0, gt=0, le=1000)
    dropout_probability: float = Field(default=0.0, ge=0, le=1)
    followup_months: float = Field(default=24.0, ge=0, le=1200)
    orr_threshold: float = Field(default=0.4, ge=0, le=1)
    expansion_dose: str = "selected"
    covariates: Covariates = Covariates()
    adverse_events: tuple[AdverseEventRate, ...] = ()
    dlt_terms: tuple[AdverseEventTerm, ...] = Field(
        default=(
            AdverseEventTerm(
                term="Febrile neutropenia", soc="Blood and lymphatic system disorders"
            ),
        ),
        min_length=1,
    )

    @field_validator("true_dlt")
    @classmethod
    def _probabilities(cls, v: dict[str, float]) -> dict[str, float]:
        for dose, p in v.items():
            if not 0.0 <= p <= 1.0:
                raise ValueError(
                    describe_problem(f"true_dlt[{dose}]", p, "a probability in [0, 1]")
                )
        return v

    @field_validator("response")
    @classmethod
    def _response(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for dose, probs in v.items():
            for cat, p in probs.items():
                if not 0.0 <= p <= 1.0:
                    raise ValueError(
                        describe_problem(f"response[{dose}].{cat}", p, "a probability in [0, 1]")
                    )
            total = sum(probs.values())
            if abs(total - 1.0) > 1e-6:
                raise ValueError(
                    describe_problem(
                        f"response[{dose}]", round(total, 6), "probabilities summing to 1"
                    )
                )
        return v

    @field_validator("pfs_median_months", "os_median_months")
    @classmethod
    def _medians(cls, v: dict[str, float] | float, info: Any) -> dict[str, float] | float:
        values = v.items() if isinstance(v, dict) else [("all", v)]
        for dose, m in values:
            if not 0 < m <= 1200:
                raise ValueError(
                    describe_problem(
                        f"{info.field_name}[{dose}]",
                        m,
                        "a finite positive median in months (at most 1200)",
                    )
                )
        return v

    def check_dose_levels(
        self, dose_ids: list[str], categories: tuple[str, ...] | None = None
    ) -> None:
        """Raise ProtocolError unless every dose level of the protocol is described, and only
        those, and (when given) the response categories are the criteria's."""
        known = set(dose_ids)
        fields: list[tuple[str, set[str]]] = [
            ("true_dlt", set(self.true_dlt)),
            ("response", set(self.response)),
        ]
        for name in ("pfs_median_months", "os_median_months"):
            value = getattr(self, name)
            if isinstance(value, dict):
                fields.append((name, set(value)))
        for i, ae in enumerate(self.adverse_events):
            if isinstance(ae.rate, dict):
                fields.append((f"adverse_events[{i}].rate", set(ae.rate)))
        if categories is not None:
            for dose, probs in self.response.items():
                for cat in probs:
                    if cat not in categories:
                        raise ProtocolError(
                            describe_problem(
                                f"response[{dose}].{cat}",
                                cat,
                                f"a category of the protocol's criteria: {', '.join(categories)}",
                            )
                        )
        for name, given in fields:
            unknown = sorted(given - known)
            if unknown:
                raise ProtocolError(
                    describe_problem(
                        f"{name}: dose level", unknown[0], f"one of the protocol's {sorted(known)}"
                    )
                )
            missing = sorted(known - given)
            if missing:
                raise ProtocolError(
                    describe_problem(
                        f"{name}: dose level {missing[0]}",
                        "missing",
                        "a value for every dose level",
                    )
                )
        if self.expansion_dose != "selected" and self.expansion_dose not in known:
            raise ProtocolError(
                describe_problem(
                    "expansion_dose", self.expansion_dose, f"'selected' or one of {sorted(known)}"
                )
            )

    def per_dose(self, name: str, dose_ids: list[str]) -> list[float]:
        """A per-dose-level field as a list in protocol order."""
        value = getattr(self, name)
        return [float(value[d]) if isinstance(value, dict) else float(value) for d in dose_ids]

    def response_matrix(
        self, dose_ids: list[str], categories: tuple[str, ...]
    ) -> list[list[float]]:
        """Rows = dose levels, columns = ``categories`` (missing categories are 0)."""
        return [[float(self.response[d].get(c, 0.0)) for c in categories] for d in dose_ids]

    def ae_rates(self, dose_ids: list[str]) -> list[list[float]]:
        """Rows = adverse events, columns = dose levels: P(patient has the event)."""
        return [
            [float(ae.rate[d]) if isinstance(ae.rate, dict) else float(ae.rate) for d in dose_ids]
            for ae in self.adverse_events
        ]


def load_scenario(source: str | os.PathLike[str] | dict[str, Any]) -> Scenario:
    """Read and validate a scenario (YAML file path or a mapping).

    Raises
    ------
    DataError
        The file is missing, not YAML, or a value is invalid (message names the field).
    """
    if isinstance(source, dict):
        raw = source
    else:
        path = Path(source)
        if not path.is_file():
            raise DataError(describe_problem("scenario", str(path), "an existing YAML file"))
        raw = load_yaml(read_text_file(path, "scenario YAML", MAX_YAML_BYTES), str(path))
        if not isinstance(raw, dict):
            raise DataError(describe_problem("scenario", type(raw).__name__, "a YAML mapping"))
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(
                f"{where}: {msg}" if where and not msg.startswith(where.split(".")[0]) else msg
            )
        raise DataError("invalid scenario: " + "; ".join(problems)) from None
