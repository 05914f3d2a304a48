"""Fixtures of the web-app tests: a fresh SQLite database per test and one user per role."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the app extra is part of the test extra")

from fastapi.testclient import TestClient  # noqa: E402

from earlyphase.app import AppSettings, create_app  # noqa: E402
from earlyphase.app.db import open_store  # noqa: E402
from earlyphase.app.users import create_user  # noqa: E402

from ._client import PASSWORD  # noqa: E402

ROLES = ("viewer", "investigator", "statistician", "admin")


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with one user per role, built once (argon2 hashing is slow)."""
    path = tmp_path_factory.mktemp("template") / "app.db"
    store = open_store(f"sqlite:///{path}")
    with store.write() as session:
        for role in ROLES:
            create_user(session, role[:4] + "_user", PASSWORD, role, "test")
    store.engine.dispose()
    return path


@pytest.fixture
def db_url(tmp_path: Path, template_db: Path) -> str:
    shutil.copy(template_db, tmp_path / "app.db")
    return f"sqlite:///{tmp_path / 'app.db'}"


@pytest.fixture
def store(db_url: str):
    store = open_store(db_url)
    yield store
    store.engine.dispose()


@pytest.fixture
def reports_dir(tmp_path: Path) -> Path:
    run = tmp_path / "reports" / "run1"
    (run / "figures").mkdir(parents=True)
    (run / "report.html").write_text("<html><body>the report</body></html>", encoding="utf-8")
    (run / "figures" / "km.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (tmp_path / "reports" / "unfinished").mkdir()
    (tmp_path / "reports" / "unfinished" / "figure.png").write_bytes(b"x")
    (tmp_path / "secret.txt").write_text("do not serve", encoding="utf-8")
    return tmp_path / "reports"


@pytest.fixture
def app(store, reports_dir):
    settings = AppSettings(
        db_url="unused", reports_dir=reports_dir, secure_cookies=False, max_upload_bytes=200_000
    )
    return create_app(settings, store)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c
