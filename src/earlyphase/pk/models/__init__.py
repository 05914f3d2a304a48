"""Population PK models: isatuximab (Fau et al. 2020) and carfilzomib."""

from earlyphase.pk.models.carfilzomib import CarfilzomibModel, two_compartment_infusion
from earlyphase.pk.models.isatuximab import (
    IsatuximabModel,
    IsatuximabParameters,
    individual_parameters,
    terminal_half_life_days,
)

__all__ = [
    "CarfilzomibModel",
    "IsatuximabModel",
    "IsatuximabParameters",
    "individual_parameters",
    "terminal_half_life_days",
    "two_compartment_infusion",
]
