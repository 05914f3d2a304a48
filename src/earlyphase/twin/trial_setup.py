"""What a whole-trial simulation needs, resolved once: protocol, design, scenario, criteria.

The escalation design is the protocol's (``design`` section, through
:func:`earlyphase.designs.from_protocol`) unless another is given — a design object, a mapping
such as ``{name: boin, target: 0.3, n_cohorts: 10}`` or the short form
``"boin:target=0.3,n_cohorts=10"`` (:func:`earlyphase.designs.spec.design_from_spec`). The
efficacy step is the plug-in of the protocol's response criteria
(:func:`earlyphase.twin.efficacy.efficacy_model_for`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from earlyphase.designs.batch import BatchSpec, batch_spec
from earlyphase.designs.factory import from_protocol
from earlyphase.designs.spec import design_from_spec
from earlyphase.twin.efficacy import EfficacyModel, efficacy_model_for
from earlyphase.twin.scenario import Scenario, load_scenario

__all__ = ["TrialSetup", "trial_setup"]


@dataclass(frozen=True)
class TrialSetup:
    """Everything fixed across the simulated trials of one protocol under one scenario.

    Attributes
    ----------
    protocol : Protocol
    scenario : Scenario
    design : object
        The escalation design (any design of :mod:`earlyphase.designs`).
    spec : BatchSpec
        Its vectorised simulator, sample size and cohort size.
    dose_ids : tuple of str
    expansion_size : int
        Patients of the expansion cohort at the selected dose (protocol ``design``).
    efficacy : EfficacyModel
    dlt_window_days : int
    """

    protocol: Any
    scenario: Scenario
    design: Any
    spec: BatchSpec
    dose_ids: tuple[str, ...]
    expansion_size: int
    efficacy: EfficacyModel
    dlt_window_days: int

    @property
    def n_slots(self) -> int:
        """Patient slots per trial: the design's largest sample size plus the expansion."""
        return self.spec.max_n + self.expansion_size

    def p_dlt(self) -> np.ndarray:
        """True DLT probability per dose level (protocol order)."""
        return np.array(self.scenario.per_dose("true_dlt", list(self.dose_ids)))

    def response_probabilities(self) -> np.ndarray:
        """(K, C) best-response probabilities over the criteria's categories."""
        return np.array(
            self.scenario.response_matrix(list(self.dose_ids), self.efficacy.categories)
        )


def trial_setup(
    protocol: Any,
    scenario: Scenario | str | Mapping[str, Any],
    design: Any = None,
) -> TrialSetup:
    """Resolve and cross-check a protocol, a scenario and (optionally) another design.

    Parameters
    ----------
    protocol : Protocol or str
        A protocol object, or a built-in name / YAML path.
    scenario : Scenario, str or mapping
    design : None, design object, mapping or str
        ``None`` runs the protocol's own design.

    Raises
    ------
    ProtocolError, DataError, DesignError
        Unknown design or criteria, scenario dose levels or categories that are not the
        protocol's.
    """
    from earlyphase.protocol import load_protocol

    proto = protocol if hasattr(protocol, "design") else load_protocol(protocol)
    scen = (
        scenario
        if isinstance(scenario, Scenario)
        else load_scenario(dict(scenario) if isinstance(scenario, Mapping) else scenario)
    )
    dose_ids = tuple(d.id for d in proto.dose_levels)
    if design is None:
        the_design = from_protocol(proto)
    elif isinstance(design, str | Mapping):
        the_design = design_from_spec(design, len(dose_ids))
    else:
        the_design = design
    efficacy = efficacy_model_for(proto)
    scen.check_dose_levels(list(dose_ids), efficacy.categories)
    return TrialSetup(
        protocol=proto,
        scenario=scen,
        design=the_design,
        spec=batch_spec(the_design),
        dose_ids=dose_ids,
        expansion_size=int(proto.design.expansion_size),
        efficacy=efficacy,
        dlt_window_days=int(proto.dlt.window_days),
    )
