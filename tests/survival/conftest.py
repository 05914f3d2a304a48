"""Fixtures: R survival reference tables (see tests/reference/survival/README.md)."""

from __future__ import annotations

import pandas as pd
import pytest
from survival_refs import REF


@pytest.fixture(scope="session")
def ref_steps() -> pd.DataFrame:
    return pd.read_csv(REF / "km_steps.csv")


@pytest.fixture(scope="session")
def ref_quantiles() -> pd.DataFrame:
    return pd.read_csv(REF / "km_quantiles.csv")


@pytest.fixture(scope="session")
def ref_landmarks() -> pd.DataFrame:
    return pd.read_csv(REF / "km_landmarks.csv")
