"""Make the tests import the ``src/`` tree of *this* checkout (also in git worktrees)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PILOT = Path(__file__).resolve().parent / "data" / "cdisc-pilot"

if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]
)

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# CI (CI=true) runs the property and fuzz tests on hypothesis's fixed example sequence, so a
# submission's result does not depend on the draw; developers' runs keep random exploration
# and report what they find as a regression test.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def pilot_data_dir() -> Path:
    """The real CDISC pilot datasets (SDTM, ADaM, schema) copied into ``tests/data/cdisc-pilot``.

    See ``tests/data/cdisc-pilot/README.md`` for their origin and MIT licence.
    """
    if not (PILOT / "sdtm" / "dm.xpt").is_file():
        raise FileNotFoundError(f"CDISC pilot test data missing at {PILOT}")
    return PILOT


@pytest.fixture(scope="session")
def shared_data_dir(pilot_data_dir: Path) -> Path:
    """Former name of :func:`pilot_data_dir` (kept so tests written against it still work)."""
    return pilot_data_dir
