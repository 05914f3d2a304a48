"""Append-only audit trail with a SHA-256 hash chain.

Each row stores ``hash = SHA-256(prev_hash + canonical JSON of the row)``, where the
canonical JSON holds the row's id, time, actor, action, entity, before and after, and the
previous row's hash.  Editing, deleting, inserting or reordering rows outside the app breaks
the chain, and :func:`verify_chain` names the first row where it breaks.  This is detection,
not prevention (21 CFR Part 11 §11.10(e) asks for secure, time-stamped audit trails; the
chain makes later edits evident, as in Crosby & Wallach 2009, "Efficient data structures for
tamper-evident logging").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyphase.app.models import AuditEvent, utc_now

__all__ = [
    "AUDIT_COLUMNS",
    "GENESIS",
    "ChainReport",
    "append_event",
    "audit_frame",
    "row_hash",
    "verify_chain",
]

#: Columns of :func:`audit_frame`.
AUDIT_COLUMNS = (
    "id",
    "at_utc",
    "actor",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)

#: ``prev_hash`` of the first row.
GENESIS = "0" * 64


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(row: AuditEvent) -> str:
    """The hash the row should carry, from its content and ``prev_hash``."""
    canonical = _json(
        {
            "id": row.id,
            "at": row.at,
            "actor": row.actor,
            "action": row.action,
            "entity": row.entity,
            "entity_id": row.entity_id,
            "before": row.before_json,
            "after": row.after_json,
            "prev_hash": row.prev_hash,
        }
    )
    return hashlib.sha256((row.prev_hash + canonical).encode("utf-8")).hexdigest()


def append_event(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Add one audit row at the end of the chain, inside the caller's transaction.

    The caller's change and its audit row are committed together or not at all.
    """
    last = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    row = AuditEvent(
        at=utc_now(),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before_json=_json(before),
        after_json=_json(after),
        prev_hash=GENESIS if last is None else last.hash,
        hash="",
    )
    session.add(row)
    session.flush()  # assigns the id, which the hash covers
    row.hash = row_hash(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ChainReport:
    """Result of :func:`verify_chain`.

    Attributes
    ----------
    ok : bool
        True when every row's hash and link are intact.
    n_rows : int
        Rows checked.
    problems : tuple of str
        One line per broken row: its id and what is wrong.
    """

    ok: bool
    n_rows: int
    problems: tuple[str, ...]

    def __str__(self) -> str:
        if self.ok:
            return f"audit trail intact: {self.n_rows} rows, hash chain verified"
        return f"audit trail TAMPERED: {len(self.problems)} problem(s) in {self.n_rows} rows\n" + (
            "\n".join(f"  - {p}" for p in self.problems)
        )


def verify_chain(session: Session) -> ChainReport:
    """Recompute the hash chain over all audit rows in id order."""
    problems: list[str] = []
    expected_prev = GENESIS
    n = 0
    for row in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        n += 1
        if row.prev_hash != expected_prev:
            problems.append(
                f"row {row.id}: prev_hash does not match the hash of the row before it "
                "(a row was deleted, inserted or reordered)"
            )
        if row_hash(row) != row.hash:
            problems.append(f"row {row.id}: content does not match its hash (the row was edited)")
        expected_prev = row.hash
    return ChainReport(not problems, n, tuple(problems))


def audit_frame(
    session: Session, entity: str | None = None, entity_id: object = None
) -> pd.DataFrame:
    """Audit rows as a tidy table (``id, at_utc, actor, action, entity, entity_id, before,
    after, prev_hash, hash``), optionally only those of one entity (e.g. one trial)."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if entity is not None:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == str(entity_id))
    rows = session.scalars(query).all()
    records = [
        {
            "id": r.id,
            "at_utc": r.at,
            "actor": r.actor,
            "action": r.action,
            "entity": r.entity,
            "entity_id": r.entity_id,
            "before": r.before_json,
            "after": r.after_json,
            "prev_hash": r.prev_hash,
            "hash": r.hash,
        }
        for r in rows
    ]
    return pd.DataFrame(records, columns=list(AUDIT_COLUMNS))
