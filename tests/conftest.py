"""Make the tests import the ``src/`` tree of *this* checkout (also in git worktrees)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
SHARED = Path(__file__).resolve().parents[2] / "shared"

if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]
)

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The real CDISC pilot datasets in ``../shared/data`` (present beside every checkout and in CI)."""
    path = SHARED / "data" / "cdisc-dataset-json"
    if not path.is_dir():
        raise FileNotFoundError(f"shared data folder not found at {path}")
    return path
