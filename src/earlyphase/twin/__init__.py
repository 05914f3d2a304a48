"""The virtual trial: the reconstructed isatuximab + carfilzomib phase 1b as SDTM, and
stochastic simulation of new trials from a scenario."""

from earlyphase.twin.reconstruct import DEFAULT_SEED, reconstruct
from earlyphase.twin.sdtm import write_sdtm

__all__ = ["DEFAULT_SEED", "reconstruct", "write_sdtm"]
