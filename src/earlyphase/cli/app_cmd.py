"""``earlyphase app``: serve the web app; ``app create-user`` and ``app verify-audit``.

The web stack (FastAPI, uvicorn, SQLAlchemy, Alembic, argon2) is the optional ``app``
extra; without it these commands say how to install it instead of failing on an import.
"""

from __future__ import annotations

import importlib.util
import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from earlyphase.errors import OptionsError

_DEFAULT_DB = "sqlite:///earlyphase-app.db"
_DB = typer.Option(
    "--db",
    help="SQLAlchemy URL (default: SQLite file earlyphase-app.db here; or postgresql+psycopg://...).",
)
_NEEDED = ("fastapi", "uvicorn", "sqlalchemy", "alembic", "argon2", "multipart", "jinja2")

app_app = typer.Typer(
    help="The web app: design comparison, dose-escalation meetings, audit trail.",
    invoke_without_command=True,
)


def _require_extra() -> None:
    missing = [m for m in _NEEDED if importlib.util.find_spec(m) is None]
    if missing:
        raise OptionsError(
            "the web app needs the 'app' extra, which is not installed (missing: "
            + ", ".join(missing)
            + '); install it with: pip install "earlyphase[app]"'
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app_app.callback()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8050,
    db: Annotated[str, _DB] = _DEFAULT_DB,
    reports: Annotated[
        Path | None,
        typer.Option("--reports", help="Folder of finished 'earlyphase run' outputs to browse."),
    ] = None,
    insecure_cookies: Annotated[
        bool,
        typer.Option(
            "--insecure-cookies",
            help="Send the session cookie over plain HTTP even off this machine "
            "(default: only on 127.0.0.1/localhost, else HTTPS only).",
        ),
    ] = False,
) -> None:
    """Serve the web app (http://127.0.0.1:8050 by default); sub-commands manage it."""
    if ctx.invoked_subcommand is not None:
        return
    _require_extra()
    import uvicorn

    from earlyphase.app import AppSettings, create_app

    settings = AppSettings(
        db_url=db,
        reports_dir=reports,
        secure_cookies=not (insecure_cookies or _is_loopback(host)),
    )
    application = create_app(settings)
    typer.echo(f"earlyphase app on http://{host}:{port} (database {db}); Ctrl+C stops it")
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app_app.command("create-user")
def create_user_cmd(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str, typer.Option("--role", help="viewer, investigator, statistician or admin.")
    ] = "viewer",
    password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="EARLYPHASE_PASSWORD",
            help="Asked for when omitted (or from EARLYPHASE_PASSWORD).",
        ),
    ] = "",
    db: Annotated[str, _DB] = _DEFAULT_DB,
) -> None:
    """Create a user (audited as done by 'cli')."""
    _require_extra()
    from earlyphase.app.db import open_store
    from earlyphase.app.users import create_user

    store = open_store(db)
    with store.write() as session:
        user = create_user(session, username, password, role, "cli")
        typer.echo(f"created user {user.username} ({user.role}) in {db}")


@app_app.command("verify-audit")
def verify_audit_cmd(db: Annotated[str, _DB] = _DEFAULT_DB) -> None:
    """Recompute the audit trail's hash chain; exit 1 and name the rows when it was tampered."""
    _require_extra()
    from earlyphase.app.audit import verify_chain
    from earlyphase.app.db import open_store

    store = open_store(db, create=False)
    with store.read() as session:
        report = verify_chain(session)
    typer.echo(str(report))
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``app`` to the main application."""
    app.add_typer(app_app, name="app")
