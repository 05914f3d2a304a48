"""Settings of one app instance (a frozen, validated object; no global configuration)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from earlyphase.app.db import DEFAULT_DB_URL

__all__ = ["AppSettings"]


@dataclass(frozen=True)
class AppSettings:
    """How the app runs.

    Attributes
    ----------
    db_url : str
        SQLAlchemy URL; the default is a SQLite file ``earlyphase-app.db`` in the current
        folder, created on first start.  PostgreSQL: ``postgresql+psycopg://user:pw@host/db``.
    reports_dir : Path or None
        Folder whose finished ``earlyphase run`` outputs (folders holding ``report.html``) the
        report viewer may show; None disables the viewer.
    secure_cookies : bool
        Send the session cookie only over HTTPS (set it False only for plain-HTTP local use).
    max_upload_bytes : int
        Largest accepted request body (protocol YAML or DLT file uploads).
    session_max_age_s : int
        Session lifetime; API tokens live as long.
    """

    db_url: str = DEFAULT_DB_URL
    reports_dir: Path | None = None
    secure_cookies: bool = True
    max_upload_bytes: int = 1_000_000
    session_max_age_s: int = 8 * 3600
