"""The virtual trial: the reconstructed isatuximab + carfilzomib phase 1b as SDTM, and
stochastic simulation of new trials from a scenario."""

from earlyphase.twin.efficacy import (
    EfficacyModel,
    efficacy_model_for,
    register_efficacy_model,
)
from earlyphase.twin.pk_effects import write_pk_calibration
from earlyphase.twin.reconstruct import DEFAULT_SEED, reconstruct, reconstruct_with_pk_calibration
from earlyphase.twin.scenario import Scenario, load_scenario
from earlyphase.twin.sdtm import write_sdtm
from earlyphase.twin.simulate import TrialSimulationResult, simulate_trials
from earlyphase.twin.simulated_sdtm import simulate_trial_sdtm
from earlyphase.twin.trial_setup import TrialSetup, trial_setup

__all__ = [
    "DEFAULT_SEED",
    "EfficacyModel",
    "Scenario",
    "TrialSetup",
    "TrialSimulationResult",
    "efficacy_model_for",
    "load_scenario",
    "reconstruct",
    "reconstruct_with_pk_calibration",
    "register_efficacy_model",
    "simulate_trial_sdtm",
    "simulate_trials",
    "trial_setup",
    "write_sdtm",
    "write_pk_calibration",
]
