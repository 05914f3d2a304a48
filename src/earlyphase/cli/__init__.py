"""The ``earlyphase`` command line.

Each area of the toolkit owns one module in this package exposing ``register(app)``, which
adds its commands to the main Typer application.  Those modules import only ``typer`` at
import time and import the heavy scientific stack inside the command bodies, so that
``earlyphase --help`` answers in well under a second.
"""

from __future__ import annotations

import importlib
from typing import Any

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
    "earlyphase.cli.examples_cmd",
)

app = typer.Typer(
    name="earlyphase",
    help="Design, conduct and analyse phase 1/1b oncology dose-escalation trials.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from earlyphase import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the earlyphase version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    """Design, conduct and analyse phase 1/1b oncology dose-escalation trials."""


@app.command("version")
def version() -> None:
    """Print the earlyphase version."""
    from earlyphase import __version__

    typer.echo(__version__)


def _show_flags_as_flags() -> None:
    """Help lists a boolean flag as ``--wide``, not ``--wide <bool>``.

    typer 0.29 prints a type after every option, including on/off flags that take no value
    (``--help <bool>``), which reads as if the flag wanted an argument. Options that are flags
    get no type column; every other option keeps typer's.
    """
    from typer.core import TyperOption

    original = TyperOption.display_type_rich
    if getattr(original, "_earlyphase_flags", False):
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        if self.is_flag and not self.count:
            return None
        return original(self, ctx)

    display_type_rich._earlyphase_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign,assignment]


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_show_flags_as_flags()
_register_all()


def main() -> None:
    """Entry point of the ``earlyphase`` console script."""
    from earlyphase.cli._errors import run_with_clean_errors

    run_with_clean_errors(app)
