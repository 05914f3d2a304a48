"""Turn earlyphase's own exceptions into one clear line on stderr and exit code 2."""

from __future__ import annotations

import sys

import typer

from earlyphase.errors import EarlyphaseError


def run_with_clean_errors(app: typer.Typer) -> None:
    """Run ``app``; an :class:`EarlyphaseError` prints ``error: <message>`` and exits 2."""
    try:
        app(standalone_mode=True)
    except EarlyphaseError as exc:  # pragma: no cover - exercised through the CLI tests
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
