"""Database tables of the web app (SQLAlchemy 2 declarative models).

Timestamps are ISO 8601 strings in UTC (``2026-12-06T03:00:00.123456Z``) so that the audit
hash chain sees the same text on SQLite and PostgreSQL.  The Alembic migration in
``earlyphase/app/migrations`` creates exactly these tables; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "AppSecret",
    "AuditEvent",
    "Base",
    "CohortRow",
    "DecisionRow",
    "ROLES",
    "TrialRow",
    "User",
    "utc_now",
]

#: Roles, lowest to highest privilege; what each may do is in :mod:`earlyphase.app.users`.
ROLES = ("viewer", "investigator", "statistician", "admin")


def utc_now() -> str:
    """Current time as an ISO 8601 UTC string with microseconds and a ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Base(DeclarativeBase):
    """Declarative base of the app's tables."""


class User(Base):
    """A person who logs in; the password is stored only as an argon2 hash."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(32))


class AppSecret(Base):
    """Named secrets generated on first start (the session-signing key)."""

    __tablename__ = "app_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class TrialRow(Base):
    """A trial being conducted: its protocol text and the design built from it."""

    __tablename__ = "trials"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    protocol_source: Mapped[str] = mapped_column(String(255))
    protocol_yaml: Mapped[str] = mapped_column(Text)
    design_json: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class CohortRow(Base):
    """One cohort's dose level (1-based) and outcomes (``T``/``N`` per patient)."""

    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("trial_id", "seq", name="uq_cohorts_trial_seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id"))
    seq: Mapped[int] = mapped_column(Integer)
    dose: Mapped[int] = mapped_column(Integer)
    outcomes: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(32))
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[str] = mapped_column(String(32))


class DecisionRow(Base):
    """The dose-escalation meeting's decision after a cohort, beside the design's advice."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("trial_id", "after_cohort", name="uq_decisions_trial_cohort"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id"))
    after_cohort: Mapped[int] = mapped_column(Integer)
    recommended_json: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(16))
    next_dose: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mtd: Mapped[int | None] = mapped_column(Integer, nullable=True)
    differs: Mapped[bool] = mapped_column(Boolean)
    justification: Mapped[str] = mapped_column(Text)
    attendees: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[str] = mapped_column(String(32))


class AuditEvent(Base):
    """One append-only audit row, chained to the previous row by SHA-256.

    ``hash = sha256(prev_hash + canonical JSON of this row)``; ``prev_hash`` is unique, so the
    chain cannot fork even when two processes write at once (one of them fails and retries).
    """

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before_json: Mapped[str] = mapped_column(Text)
    after_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))
