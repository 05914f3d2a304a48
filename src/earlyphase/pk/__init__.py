"""Pharmacokinetics: noncompartmental analysis, summaries, dose proportionality, population-PK
simulation of isatuximab and carfilzomib, and concentration-time plots."""

from earlyphase.pk.nca import (
    PARAMETERS,
    NCAOptions,
    NCAResult,
    ParameterSpec,
    accumulation_ratios,
    nca,
    parameter_spec,
    parameter_symbol,
)

__all__ = [
    "NCAOptions",
    "NCAResult",
    "PARAMETERS",
    "ParameterSpec",
    "accumulation_ratios",
    "nca",
    "parameter_spec",
    "parameter_symbol",
]
