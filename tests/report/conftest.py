"""Fixtures of the report tests: the synthetic ADaM study and one report built from it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from synthetic_adam import make_adam  # noqa: E402

HERE = Path(__file__).parent
REFERENCE = HERE.parent / "reference" / "report"


@pytest.fixture(scope="session")
def adam():
    return make_adam()


@pytest.fixture(scope="session")
def published_items():
    import yaml

    from earlyphase.report.published import published_numbers

    return published_numbers(yaml.safe_load((HERE / "published_fixture.yaml").read_text()))


@pytest.fixture(scope="session")
def report(adam, published_items, tmp_path_factory):
    from earlyphase.report import build_report

    out = tmp_path_factory.mktemp("report")
    return build_report(adam, out, published=published_items)
