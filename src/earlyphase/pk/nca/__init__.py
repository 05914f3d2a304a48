"""Noncompartmental analysis: options, parameter registry, vectorised engine, results."""

from earlyphase.pk.nca.options import NCAOptions
from earlyphase.pk.nca.parameters import (
    DERIVED_PARAMETERS,
    PARAMETERS,
    ParameterSpec,
    parameter_spec,
    parameter_symbol,
)
from earlyphase.pk.nca.result import NCAResult, accumulation_ratios, nca

__all__ = [
    "DERIVED_PARAMETERS",
    "NCAOptions",
    "NCAResult",
    "PARAMETERS",
    "ParameterSpec",
    "accumulation_ratios",
    "nca",
    "parameter_spec",
    "parameter_symbol",
]
