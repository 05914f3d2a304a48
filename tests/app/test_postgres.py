"""The same app on PostgreSQL: a throwaway cluster in a temporary folder, stopped at the end.

Runs where PostgreSQL's server binaries (``initdb``, ``pg_ctl``; Debian package
``postgresql``) and the ``psycopg`` driver are installed, and is skipped elsewhere (the
default CI installs neither; SQLite is the default database).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile

import pytest

pytest.importorskip("psycopg", reason="PostgreSQL driver (extra 'postgres') not installed")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402

from earlyphase.app import AppSettings, create_app  # noqa: E402
from earlyphase.app.audit import verify_chain  # noqa: E402
from earlyphase.app.db import open_store  # noqa: E402
from earlyphase.app.users import create_user  # noqa: E402

from ._client import PASSWORD, api_token  # noqa: E402


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


@pytest.fixture
def postgres_url():
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries not installed")
    folder = tempfile.mkdtemp(prefix="earlyphase-pg-")
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = os.path.join(folder, "data")
    run = dict(check=True, capture_output=True)
    subprocess.run([*as_user, initdb, "-D", data, "-A", "trust", "-U", "postgres"], **run)
    options = f"-k {folder} -p {port} -c listen_addresses=''"
    log = os.path.join(folder, "server.log")
    # the server must not inherit a pipe of ours (run would wait for it): log to a file
    subprocess.run(
        [*as_user, pg_ctl, "-D", data, "-o", options, "-l", log, "-w", "start"],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", data, "-m", "immediate", "stop"], **run)
        shutil.rmtree(folder, ignore_errors=True)


def test_conduct_and_audit_on_postgres(postgres_url):
    store = open_store(postgres_url)
    with store.write() as session:
        for role in ("investigator", "statistician"):
            create_user(session, role[:4] + "_user", PASSWORD, role, "test")
    app = create_app(AppSettings(db_url=postgres_url, secure_cookies=False), store)
    with TestClient(app) as client:
        inv, stat = api_token(client, "investigator"), api_token(client, "statistician")
        r = client.post(
            "/api/trials", json={"name": "pg trial", "protocol": "isak-phase1b"}, headers=inv
        )
        assert r.status_code == 201, r.text
        tid = r.json()["id"]
        for outcomes in ("1NNN", "2NTN", "2NNN"):
            r = client.post(f"/api/trials/{tid}/cohorts", json={"outcomes": outcomes}, headers=inv)
            assert r.status_code == 201, r.text
        assert r.json()["recommendation"]["next_dose"] == 3
        body = {"decision": "3", "attendees": "A, B"}
        assert (
            client.post(f"/api/trials/{tid}/decisions", json=body, headers=stat).status_code == 201
        )
        bad = client.post(f"/api/trials/{tid}/cohorts", json={"outcomes": "1NNX"}, headers=inv)
        assert bad.status_code == 422
    with store.read() as session:
        assert verify_chain(session).ok
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 3"))
    with store.read() as session:
        report = verify_chain(session)
    assert not report.ok and "row 3: content" in report.problems[0]
    store.engine.dispose()
