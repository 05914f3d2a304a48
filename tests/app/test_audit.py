"""The audit trail: hash chain, tamper detection (library and CLI), schema = migration."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from earlyphase.app.audit import GENESIS, append_event, row_hash, verify_chain
from earlyphase.app.models import AuditEvent, Base
from earlyphase.cli import app as cli


def _three_events(store):
    with store.write() as s:
        for i in range(3):
            append_event(s, "ann", "cohort.add", "trial", 1, {"n": i}, {"n": i + 1})


def test_hash_is_sha256_of_previous_hash_and_canonical_row(store):
    _three_events(store)
    with store.read() as s:
        rows = s.query(AuditEvent).order_by(AuditEvent.id).all()
    assert rows[0].prev_hash == GENESIS
    for before, row in zip(rows, rows[1:], strict=False):
        assert row.prev_hash == before.hash
    last = rows[-1]
    canonical = json.dumps(
        {
            "action": last.action,
            "actor": last.actor,
            "after": last.after_json,
            "at": last.at,
            "before": last.before_json,
            "entity": last.entity,
            "entity_id": last.entity_id,
            "id": last.id,
            "prev_hash": last.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    assert last.hash == hashlib.sha256((last.prev_hash + canonical).encode()).hexdigest()
    assert row_hash(last) == last.hash
    assert last.at.endswith("Z") and "T" in last.at


@pytest.mark.parametrize(
    "tamper, words",
    [
        ("UPDATE audit_log SET after_json = 'edited' WHERE id = 7", "row 7: content"),
        ("UPDATE audit_log SET actor = 'mallory' WHERE id = 5", "row 5: content"),
        ("DELETE FROM audit_log WHERE id = 6", "row 7: prev_hash"),
    ],
)
def test_tampering_outside_the_app_is_detected(store, db_url, tamper, words):
    _three_events(store)  # rows 5-7 after the template's 4 user rows
    with store.read() as s:
        assert verify_chain(s).ok
    runner = CliRunner()
    ok = runner.invoke(cli, ["app", "verify-audit", "--db", db_url])
    assert ok.exit_code == 0 and "hash chain verified" in ok.output
    with store.engine.begin() as conn:
        conn.execute(text(tamper))
    with store.read() as s:
        report = verify_chain(s)
    assert not report.ok and any(words in p for p in report.problems), report.problems
    bad = runner.invoke(cli, ["app", "verify-audit", "--db", db_url])
    assert bad.exit_code == 1 and "TAMPERED" in bad.output and words in bad.output


def test_recomputed_hash_after_edit_still_breaks_the_next_link(store):
    """Re-hashing an edited row (a careful forger) breaks the following row's link."""
    _three_events(store)
    with store.write() as s:
        row = s.get(AuditEvent, 5)
        row.after_json = '{"n":42}'
        row.hash = row_hash(row)
    with store.read() as s:
        report = verify_chain(s)
    assert not report.ok and report.problems == (
        "row 6: prev_hash does not match the hash of the row before it "
        "(a row was deleted, inserted or reordered)",
    )


def test_the_chain_cannot_fork(store):
    """Two rows may not claim the same predecessor (unique prev_hash)."""
    with store.write() as s:
        first = append_event(s, "ann", "x", "trial", 1)
        prev = first.prev_hash
    with pytest.raises(IntegrityError), store.write() as s:
        s.add(
            AuditEvent(
                at="t",
                actor="eve",
                action="x",
                entity="trial",
                entity_id="1",
                before_json="null",
                after_json="null",
                prev_hash=prev,
                hash="0",
            )
        )


def test_a_fork_of_the_chain_is_refused_cleanly(client, store, monkeypatch):
    """A second writer on the same predecessor (another app process on PostgreSQL) breaks
    the unique prev_hash: the request answers 409 and saves nothing.  (SQLite serialises
    writers with its file lock, so there the second writer waits instead.)"""
    from ._client import api_token

    headers = api_token(client, "investigator")

    def forking(session, actor, action, entity, entity_id, before=None, after=None):
        last = session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
        for who in ("this process", "another process"):
            session.add(
                AuditEvent(
                    at="t",
                    actor=who,
                    action=action,
                    entity=entity,
                    entity_id=str(entity_id),
                    before_json="null",
                    after_json="null",
                    prev_hash=last.hash,
                    hash="h",
                )
            )
        session.flush()

    monkeypatch.setattr("earlyphase.app.conduct.append_event", forking)
    r = client.post(
        "/api/trials", json={"name": "race", "protocol": "isak-phase1b"}, headers=headers
    )
    assert r.status_code == 409 and "nothing was saved" in r.json()["detail"]
    assert client.get("/api/trials", headers=headers).json() == []
    with store.read() as s:
        assert verify_chain(s).ok


def test_no_route_edits_or_deletes_audit_rows(app):
    for route in app.routes:
        methods = getattr(route, "methods", set()) or set()
        assert not methods & {"PUT", "PATCH", "DELETE"}, route.path
        if "audit" in getattr(route, "path", ""):
            assert methods <= {"GET", "HEAD"}, route.path


def test_migration_creates_exactly_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
