"""Load the R-generated reference outputs in tests/reference/designs (see its README)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

REF = Path(__file__).resolve().parents[1] / "reference" / "designs"


def load_json(name: str) -> list[dict]:
    return json.loads((REF / name).read_text())


def mc_tolerance(
    p_a: np.ndarray, n_a: int, p_b: np.ndarray, n_b: int, k: float = 3.0
) -> np.ndarray:
    """k standard errors of the difference of two independent Monte Carlo proportions.

    A floor of one trial's worth (1 / n) keeps the tolerance positive when both are 0 or 1.
    """
    p = (np.asarray(p_a) * n_a + np.asarray(p_b) * n_b) / (n_a + n_b)
    se = np.sqrt(p * (1 - p) * (1 / n_a + 1 / n_b))
    return k * np.maximum(se, 1.0 / min(n_a, n_b))
