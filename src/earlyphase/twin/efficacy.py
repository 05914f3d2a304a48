"""The disease step of the whole-trial simulation: one plug-in per set of response criteria.

A simulated patient's best overall response is drawn from the scenario's per-dose-level
probabilities over the *criteria's* categories; which criteria apply is the protocol's
``response_assessment.criteria``. An :class:`EfficacyModel` states the categories (best to
worst), which of them count as responders (ORR), how soon progression can be documented after
each best response, and how to write the disease-assessment SDTM of a simulated trial. Myeloma
(IMWG, with minimal response) and RECIST 1.1 (categories only, no SDTM writer yet) are built in;
other criteria, or a RECIST model with a writer, are added with :func:`register_efficacy_model`
(same name = replaced), without touching the simulation::

    register_efficacy_model(EfficacyModel(
        name="RECIST 1.1", keywords=("recist",), categories=("CR", "PR", "SD", "PD"),
        responders=("CR", "PR"), min_pd_cycle={"CR": 3, "PR": 3, "SD": 2, "PD": 2},
        write_domains=my_recist_writer))

``write_domains(plan, rng) -> {domain: DataFrame}`` receives the simulated trial's patient plan
(:mod:`earlyphase.twin.simulated_sdtm`: one row per patient with ``best``, ``resp_wk``,
``best_wk``, ``pd_cycle``, ``first_dose``, ``cutoff`` ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.errors import ProtocolError, describe_problem

__all__ = [
    "EfficacyModel",
    "draw_best_response",
    "efficacy_model_for",
    "efficacy_models",
    "register_efficacy_model",
]

DomainWriter = Callable[[pd.DataFrame, np.random.Generator], dict[str, pd.DataFrame]]


@dataclass(frozen=True)
class EfficacyModel:
    """Response criteria as the simulation needs them.

    Attributes
    ----------
    name : str
        Display name (``"IMWG"``).
    keywords : tuple of str
        Lower-case words; the model applies to a protocol whose ``response_assessment.criteria``
        contains one of them.
    categories : tuple of str
        Best-response categories, best first (not NE: dropouts are NE).
    responders : tuple of str
        Categories counted in the objective response rate.
    min_pd_cycle : mapping
        Earliest cycle at which progression is documented after each best response (a
        responder must first be confirmed).
    write_domains : callable, optional
        ``write_domains(plan, rng)`` -> disease-assessment SDTM domains of one simulated trial.
    """

    name: str
    keywords: tuple[str, ...]
    categories: tuple[str, ...]
    responders: tuple[str, ...]
    min_pd_cycle: Mapping[str, int] = field(default_factory=dict)
    write_domains: DomainWriter | None = None

    def responder_mask(self) -> np.ndarray:
        """Boolean per category index (plus a final False for NE)."""
        return np.array([c in self.responders for c in self.categories] + [False])


def _imwg_writer(plan: pd.DataFrame, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    from earlyphase.twin.disease_course import disease_domains

    return disease_domains(plan, rng)


IMWG = EfficacyModel(
    name="IMWG",
    keywords=("imwg", "myeloma"),
    categories=("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD"),
    responders=("sCR", "CR", "VGPR", "PR"),
    min_pd_cycle={"sCR": 4, "CR": 4, "VGPR": 4, "PR": 4, "MR": 4, "SD": 3, "PD": 2},
    write_domains=_imwg_writer,
)

#: RECIST 1.1 (Eisenhauer et al., Eur J Cancer 2009;45:228-247): best overall response CR, PR,
#: SD or PD; CR and PR need confirmation >= 4 weeks later, so progression after a response is
#: documented from cycle 3 on. No SDTM writer yet (tumour measurements, TU/TR): a RECIST
#: protocol's simulated trial has no disease-assessment domains until one is registered.
RECIST = EfficacyModel(
    name="RECIST 1.1",
    keywords=("recist",),
    categories=("CR", "PR", "SD", "PD"),
    responders=("CR", "PR"),
    min_pd_cycle={"CR": 3, "PR": 3, "SD": 2, "PD": 2},
)

_REGISTRY: list[EfficacyModel] = [IMWG, RECIST]


def register_efficacy_model(model: EfficacyModel) -> None:
    """Add (or replace, by name) the model of a set of response criteria."""
    for i, m in enumerate(_REGISTRY):
        if m.name == model.name:
            _REGISTRY[i] = model
            return
    _REGISTRY.append(model)


def efficacy_models() -> tuple[EfficacyModel, ...]:
    """The registered models, in registration order."""
    return tuple(_REGISTRY)


def efficacy_model_for(protocol: Any) -> EfficacyModel:
    """The model of the protocol's response criteria: ``protocol.disease.response_criteria``
    (``"IMWG"``, ``"RECIST 1.1"``) matched to a model's name, else a model whose keywords
    appear in ``protocol.response_assessment.criteria``."""
    disease = getattr(protocol, "disease", None)
    declared = str(getattr(disease, "response_criteria", "") or "")
    for model in _REGISTRY:
        if declared and model.name.lower() == declared.lower():
            return model
    ra = getattr(protocol, "response_assessment", None)
    criteria = declared or str(getattr(ra, "criteria", "") or "")
    text = " ".join((declared, str(getattr(ra, "criteria", "") or ""))).lower()
    for model in _REGISTRY:
        if any(k in text for k in model.keywords):
            return model
    raise ProtocolError(
        describe_problem(
            "disease.response_criteria",
            criteria,
            "criteria the simulation knows: " + ", ".join(m.name for m in _REGISTRY),
        )
    )


def draw_best_response(
    probabilities: np.ndarray, dose: np.ndarray, u: np.ndarray, dropout: np.ndarray
) -> np.ndarray:
    """Best-response category index of every patient (``len(categories)`` = NE for dropouts).

    Parameters
    ----------
    probabilities : array (K, C)
        Per dose level, the probability of each category (rows sum to 1).
    dose : int array
        0-based dose level of each patient (any shape; negative = not treated, read as 0).
    u : array like ``dose``
        Uniforms; inverse-CDF sampling, so the draw is monotone in ``u``.
    dropout : bool array like ``dose``
    """
    cum = np.cumsum(probabilities, axis=1)
    c = probabilities.shape[1]
    cat = (u[..., None] > cum[np.maximum(dose, 0)][..., :-1]).sum(axis=-1)
    return np.where(dropout, c, cat)
