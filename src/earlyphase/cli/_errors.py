"""Turn earlyphase's own exceptions into one clear line on stderr and their exit code.

Exit codes of every command: 0 success; 1 the input was read but validation found errors
(``sdtm validate``, and ``adam``/``analyze`` without ``--allow-findings``); 2 bad input,
options or usage (an :class:`~earlyphase.errors.EarlyphaseError`, or typer's usage error).
"""

from __future__ import annotations

import sys

import typer

from earlyphase.errors import EarlyphaseError


def run_with_clean_errors(app: typer.Typer) -> None:
    """Run ``app``; an :class:`EarlyphaseError` prints ``error: <message>`` and exits with its
    ``exit_code`` (2, or 1 for findings that stopped the run)."""
    try:
        app(standalone_mode=True)
    except EarlyphaseError as exc:  # pragma: no cover - exercised through the CLI tests
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
