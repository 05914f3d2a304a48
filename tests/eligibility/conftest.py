"""Fixture: the made-up baseline table of ``patients_table.py``."""

import pandas as pd
import pytest
from patients_table import patients_frame


@pytest.fixture
def patients() -> pd.DataFrame:
    return patients_frame()
