"""Data conventions of the reference trial, read from ``isak_phase1b_study.yaml``.

The study identifier, arm labels, study drugs, PK test codes and the adverse-event terms of the
paper's Table 2 (Chari A, et al. *Cancer* 2021;127:1816-1826) are facts of one trial, not of the
generic code: they live in the data file beside this module. :mod:`earlyphase.cdisc.terms`
re-exports them under their historical names (``STUDYID``, ``DOSE_LEVEL_ARMS``, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from earlyphase.errors import DataError, describe_problem

__all__ = ["ReferenceStudy", "reference_study"]

_FILE = "isak_phase1b_study.yaml"


@dataclass(frozen=True)
class ReferenceStudy:
    """The reference trial's data conventions (see ``isak_phase1b_study.yaml``)."""

    studyid: str
    dose_level_arms: Mapping[str, str]
    drugs: Mapping[str, str]
    pc_testcd: Mapping[str, str]
    table2_terms: Mapping[str, str]
    hematologic_terms: frozenset[str]
    excluded_from_analysis: frozenset[str]


def _mapping(raw: dict[str, Any], key: str) -> Mapping[str, str]:
    value = raw.get(key)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise DataError(describe_problem(f"{_FILE}: {key}", value, "a mapping of text to text"))
    return MappingProxyType(dict(value))


def _terms(raw: dict[str, Any], key: str) -> frozenset[str]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataError(describe_problem(f"{_FILE}: {key}", value, "a list of text"))
    return frozenset(value)


@cache
def reference_study() -> ReferenceStudy:
    """The reference trial's conventions (parsed once)."""
    text = resources.files("earlyphase.reference").joinpath(_FILE).read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict) or not isinstance(raw.get("studyid"), str):
        raise DataError(describe_problem(f"{_FILE}: studyid", None, "a study identifier"))
    return ReferenceStudy(
        studyid=raw["studyid"],
        dose_level_arms=_mapping(raw, "dose_level_arms"),
        drugs=_mapping(raw, "drugs"),
        pc_testcd=_mapping(raw, "pc_testcd"),
        table2_terms=_mapping(raw, "table2_terms"),
        hematologic_terms=_terms(raw, "hematologic_terms"),
        excluded_from_analysis=_terms(raw, "excluded_from_analysis"),
    )
