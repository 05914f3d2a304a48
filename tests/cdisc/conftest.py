"""Fixtures of the cdisc tests: the synthetic SDTM study of ``sdtm_fixture.py``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sdtm_fixture import make_study  # noqa: E402


@pytest.fixture
def study():
    """A fresh copy of the 4-subject SDTM study (tests may modify it)."""
    return make_study()
