"""Shared fixtures: one reconstruction per test session (it is deterministic)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def twin():
    from earlyphase.twin import reconstruct

    return reconstruct()


@pytest.fixture(scope="session")
def published():
    from earlyphase.reference.published import load_published

    return load_published()


@pytest.fixture(scope="session")
def imwg_best(twin):
    """Best responses derived by earlyphase.clinical.imwg from the twin's LB (not the plan)."""
    from _twin_pipeline import imwg_visits

    from earlyphase.clinical.imwg import assess

    visits = imwg_visits(twin["LB"], twin["DM"])
    best = assess(visits).best.set_index("subject_id")
    last = visits[visits["day"] > 0].groupby("subject_id")["day"].max()
    best["last_assessment_day"] = last
    return best
