"""The sweep grid: designs x scenarios, validated whole before any work starts.

A grid (YAML)::

    designs:
      - {name: 3+3, variant: de-escalate}
      - {name: boin, target: 0.3, cohort_size: 3, n_cohorts: 10}
      - {name: crm, target: 0.3, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55], max_n: 30, cohort_size: 3}
    scenarios:
      - {name: S1, true_dlt: [0.05, 0.10, 0.20, 0.30, 0.45]}
      - {name: S2, true_dlt: [0.02, 0.05, 0.10, 0.15, 0.30]}
    n_trials: 2000
    seed: 2026

Each design is a mapping for :func:`earlyphase.designs.spec.design_from_spec`; each scenario a
name and per-dose true DLT probabilities. Every (design, scenario) cell is built here, so an
unknown design, a skeleton of the wrong length, a probability outside [0, 1], a non-finite
number, ``n_trials`` above :data:`earlyphase.limits.MAX_TRIALS` or more than
:data:`earlyphase.limits.MAX_GRID_CELLS` cells is an error before anything runs or is written.

Seeds: cell ``c`` draws from ``SeedSequence(seed, spawn_key=(key_c,))`` where ``key_c`` is a
64-bit hash of the cell's canonical JSON (design mapping + scenario), so a cell's numbers do not
depend on its position in the grid, on the other cells, on the backend or on the partitioning.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from earlyphase._files import read_text_file
from earlyphase._yaml import load_yaml
from earlyphase.designs.base import check_true_dlt
from earlyphase.designs.batch import batch_spec
from earlyphase.designs.spec import design_from_spec
from earlyphase.errors import DataError, DesignError, OptionsError, describe_problem
from earlyphase.limits import MAX_GRID_CELLS, MAX_TRIALS, MAX_YAML_BYTES, check_count, check_seed

__all__ = ["Cell", "Grid", "load_grid"]

_TOP_KEYS = {"designs", "scenarios", "n_trials", "seed", "trials_per_task"}


@dataclass(frozen=True)
class Cell:
    """One design under one scenario.

    Attributes
    ----------
    design_name : str
        The design's ``name`` as written in the grid (``"3+3"``, ``"boin"``).
    design_label : str
        The name plus its options, unique within the grid (``"boin(target=0.3,n_cohorts=10)"``).
    design : dict
        The design mapping from the grid.
    scenario : str
    true_dlt : tuple of float
    key : int
        64-bit hash of the cell's canonical JSON (its random-number identity).
    """

    design_name: str
    design_label: str
    design: dict[str, Any]
    scenario: str
    true_dlt: tuple[float, ...]
    key: int

    def seed_sequence(self, seed: int) -> np.random.SeedSequence:
        """The cell's random-number root: ``SeedSequence(seed, spawn_key=(key,))``."""
        return np.random.SeedSequence(seed, spawn_key=(self.key,))


@dataclass(frozen=True)
class Grid:
    """A validated grid: its cells, trials per cell, seed and partitioning."""

    cells: tuple[Cell, ...]
    n_trials: int
    seed: int
    trials_per_task: int
    source: dict[str, Any]

    def fingerprint(self) -> str:
        """SHA-256 of the canonical grid (what a resumed sweep must match)."""
        return hashlib.sha256(_canonical(self.source).encode()).hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _label(spec: Mapping[str, Any]) -> str:
    opts = ", ".join(f"{k}={_canonical(v)}" for k, v in spec.items() if k != "name")
    return f"{spec['name']}({opts})" if opts else str(spec["name"])


def _finite(where: str, value: Any) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise OptionsError(describe_problem(where, value, "a finite number"))
    if isinstance(value, list | tuple):
        for v in value:
            _finite(where, v)
    if isinstance(value, dict):
        for k, v in value.items():
            _finite(f"{where}.{k}", v)


def _scenario(i: int, raw: Any) -> tuple[str, tuple[float, ...]]:
    where = f"scenarios[{i}]"
    if not isinstance(raw, Mapping) or "true_dlt" not in raw:
        raise OptionsError(describe_problem(where, raw, "a mapping with name and true_dlt"))
    unknown = sorted(set(raw) - {"name", "true_dlt"})
    if unknown:
        raise OptionsError(describe_problem(f"{where} key", unknown[0], "name or true_dlt"))
    p = raw["true_dlt"]
    if not isinstance(p, list | tuple) or not p:
        raise OptionsError(describe_problem(f"{where}.true_dlt", p, "a list of probabilities"))
    for j, v in enumerate(p):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise OptionsError(
                describe_problem(f"{where}.true_dlt[{j}]", v, "a finite probability")
            )
        if not 0.0 <= v <= 1.0:
            raise OptionsError(
                describe_problem(f"{where}.true_dlt[{j}]", v, "a probability in [0, 1]")
            )
    return str(raw.get("name", f"S{i + 1}")), tuple(float(v) for v in p)


def _cell(design: dict[str, Any], scenario: str, p: tuple[float, ...], where: str) -> Cell:
    try:
        built = design_from_spec(design, len(p))
        check_true_dlt(p, built.n_doses)
        batch_spec(built)
    except DesignError as exc:
        raise DesignError(f"{where}: {exc}") from None
    key_src = _canonical({"design": design, "true_dlt": p, "scenario": scenario})
    key = int.from_bytes(hashlib.sha256(key_src.encode()).digest()[:8], "little")
    return Cell(str(design["name"]), _label(design), design, scenario, p, key)


def grid_from_mapping(raw: Any) -> Grid:
    """Validate a grid mapping and build its cells (see the module docstring)."""
    if not isinstance(raw, Mapping):
        raise OptionsError(describe_problem("grid", type(raw).__name__, "a mapping"))
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise OptionsError(describe_problem("grid key", unknown[0], ", ".join(sorted(_TOP_KEYS))))
    for key in ("designs", "scenarios"):
        if not isinstance(raw.get(key), list) or not raw[key]:
            raise OptionsError(describe_problem(key, raw.get(key), "a non-empty list"))
    _finite("grid", dict(raw))
    n_trials = check_count("n_trials", raw.get("n_trials", 1000), MAX_TRIALS, what="trials")
    seed = check_seed("seed", raw.get("seed", 0))
    per_task = check_count(
        "trials_per_task", raw.get("trials_per_task", 10_000), MAX_TRIALS, 1000, "trials"
    )
    n_cells = len(raw["designs"]) * len(raw["scenarios"])
    check_count("cells (designs x scenarios)", n_cells, MAX_GRID_CELLS, what="cells")
    scenarios = [_scenario(i, s) for i, s in enumerate(raw["scenarios"])]
    names = [s[0] for s in scenarios]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise OptionsError(describe_problem("scenarios name", dup, "unique scenario names"))
    cells = []
    for i, d in enumerate(raw["designs"]):
        if not isinstance(d, Mapping) or "name" not in d:
            raise DesignError(describe_problem(f"designs[{i}]", d, "a mapping with a name"))
        for name, p in scenarios:
            cells.append(_cell(dict(d), name, p, f"designs[{i}] ({d['name']}) x {name}"))
    labels = [c.design_label for c in cells[:: len(scenarios)]]
    if len(set(labels)) != len(labels):
        dup = next(x for x in labels if labels.count(x) > 1)
        raise OptionsError(describe_problem("designs", dup, "each design listed once"))
    source = {
        "designs": raw["designs"],
        "scenarios": raw["scenarios"],
        "n_trials": n_trials,
        "seed": seed,
        "trials_per_task": per_task,
    }
    return Grid(tuple(cells), n_trials, seed, per_task, source)


def load_grid(source: str | Path | Mapping[str, Any]) -> Grid:
    """Read a grid YAML file (or take a mapping) and validate it.

    Raises
    ------
    DataError
        Missing, oversized or invalid YAML file.
    OptionsError, DesignError, LimitError
        A value of the grid (the message names it).
    """
    if isinstance(source, Mapping):
        return grid_from_mapping(source)
    path = Path(source)
    if not path.is_file():
        raise DataError(describe_problem("grid", str(path), "an existing YAML file"))
    raw = load_yaml(read_text_file(path, "grid YAML", MAX_YAML_BYTES), str(path))
    return grid_from_mapping(raw)
