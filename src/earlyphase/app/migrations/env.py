"""Alembic environment: migrate the connection handed over by :func:`earlyphase.app.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from earlyphase.app.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # pragma: no cover - the alembic command line with sqlalchemy.url set
    engine = create_engine(str(config.get_main_option("sqlalchemy.url")))
    with engine.begin() as conn:
        _run(conn)
