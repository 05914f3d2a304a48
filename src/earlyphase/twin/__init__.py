"""The virtual trial: the reconstructed isatuximab + carfilzomib phase 1b as SDTM, and
stochastic simulation of new trials from a scenario."""

from earlyphase.twin.reconstruct import DEFAULT_SEED, reconstruct
from earlyphase.twin.scenario import Scenario, load_scenario
from earlyphase.twin.sdtm import write_sdtm
from earlyphase.twin.simulate import TrialSimulationResult, simulate_trials
from earlyphase.twin.simulated_sdtm import simulate_trial_sdtm

__all__ = [
    "DEFAULT_SEED",
    "Scenario",
    "TrialSimulationResult",
    "load_scenario",
    "reconstruct",
    "simulate_trial_sdtm",
    "simulate_trials",
    "write_sdtm",
]
