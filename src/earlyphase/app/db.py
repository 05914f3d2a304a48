"""Database connection: SQLite by default, PostgreSQL (or any SQLAlchemy URL) on request.

:class:`Store` owns the engine and a session factory; :func:`open_store` creates it and runs
the Alembic migrations to ``head`` (which creates a fresh SQLite file on first start).
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from earlyphase.app.models import AppSecret
from earlyphase.errors import OptionsError, describe_problem

__all__ = ["DEFAULT_DB_URL", "Store", "migrate", "open_store"]

#: The embedded default: a SQLite file in the current folder, created on first start.
DEFAULT_DB_URL = "sqlite:///earlyphase-app.db"


@dataclass
class Store:
    """The app's database: an engine, a session factory and a lock serialising writes.

    Audit rows form a chain, so writes in one process go one at a time (the lock); writes
    from several processes are kept linear by the unique ``prev_hash`` column.
    """

    engine: Engine
    sessions: sessionmaker[Session]
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (rolled back at the end)."""
        with self.sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose changes are committed together, or not at all on any error."""
        with self.write_lock, self.sessions() as session, session.begin():
            yield session

    def secret_key(self) -> str:
        """The session-signing key: ``EARLYPHASE_SECRET_KEY`` or one generated and stored once."""
        env = os.environ.get("EARLYPHASE_SECRET_KEY")
        if env:
            return env
        with self.write() as session:
            row = session.scalar(select(AppSecret).where(AppSecret.name == "session_key"))
            if row is None:
                row = AppSecret(name="session_key", value=secrets.token_urlsafe(48))
                session.add(row)
            return row.value


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (``alembic upgrade head``)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("earlyphase.app") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str = DEFAULT_DB_URL, create: bool = True) -> Store:
    """Connect to ``url``, migrate the schema and return the :class:`Store`.

    With ``create=False`` a SQLite file that does not exist is an error instead of a new,
    empty database (``verify-audit`` must not "verify" a database that was never there).

    Raises
    ------
    OptionsError
        The URL is malformed, its driver is not installed, or the database is unreachable.
    """
    try:
        engine = create_engine(url)
    except (ArgumentError, ModuleNotFoundError, ImportError) as exc:
        raise OptionsError(
            describe_problem(
                "--db",
                url,
                "a SQLAlchemy URL such as sqlite:///trials.db or "
                f"postgresql+psycopg://user:password@host/db ({exc})",
            )
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        database = engine.url.database
        if database and database != ":memory:":
            path = Path(database).expanduser()
            if not create and not path.is_file():
                raise OptionsError(describe_problem("--db", url, "an existing SQLite file"))
            path.parent.mkdir(parents=True, exist_ok=True)
    try:
        migrate(engine)
    except OperationalError as exc:
        raise OptionsError(
            describe_problem("--db", url, f"a database that can be opened ({exc.orig})")
        ) from None
    return Store(engine, sessionmaker(engine, expire_on_commit=False))
