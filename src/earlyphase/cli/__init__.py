"""The ``earlyphase`` command line.

Each area of the toolkit owns one module in this package exposing ``register(app)``, which
adds its commands to the main Typer application.  Those modules import only ``typer`` at
import time and import the heavy scientific stack inside the command bodies, so that
``earlyphase --help`` answers in well under a second.
"""

from __future__ import annotations

import importlib

import typer

__all__ = ["app", "main"]

#: Modules that contribute commands, in the order they appear in ``--help``.
COMMAND_MODULES = (
    "earlyphase.cli.report_cmd",
    "earlyphase.cli.protocol_cmd",
    "earlyphase.cli.designs_cmd",
    "earlyphase.cli.clinical_cmd",
    "earlyphase.cli.pk_cmd",
    "earlyphase.cli.cdisc_cmd",
    "earlyphase.cli.survival_cmd",
    "earlyphase.cli.twin_cmd",
    "earlyphase.cli.sweep_cmd",
    "earlyphase.cli.app_cmd",
    "earlyphase.cli.recist_cmd",
)

app = typer.Typer(
    name="earlyphase",
    help="Design, conduct and analyse phase 1/1b oncology dose-escalation trials.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command("version")
def version() -> None:
    """Print the earlyphase version."""
    from earlyphase import __version__

    typer.echo(__version__)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register_all()


def main() -> None:
    """Entry point of the ``earlyphase`` console script."""
    from earlyphase.cli._errors import run_with_clean_errors

    run_with_clean_errors(app)
