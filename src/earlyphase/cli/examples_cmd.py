"""``earlyphase examples DIR``: write the small example inputs the documentation uses."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from earlyphase.errors import OptionsError, describe_problem


def example_files() -> dict[str, bytes]:
    """File name -> content of every example input shipped with the package."""
    folder = resources.files("earlyphase") / "examples"
    return {
        item.name: item.read_bytes()
        for item in sorted(folder.iterdir(), key=lambda i: i.name)
        if item.is_file() and not item.name.startswith((".", "_"))
    }


def examples(
    directory: Annotated[
        Path, typer.Argument(help="Folder to write the example files into (created if needed).")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files of the same names that differ.")
    ] = False,
) -> None:
    """Write small example inputs (patients, labs, AEs, IMWG visits, PK, ADTTE, a scenario).

    Every command shown in the README and docs/ runs on them as typed; README.md in the folder
    says what each file is for. A file of the same name that differs is not overwritten
    without ``--force`` (an identical one is left as it is).
    """
    from earlyphase._files import atomic_path

    files = example_files()
    if directory.exists() and not directory.is_dir():
        raise OptionsError(describe_problem("DIR", str(directory), "a folder"))
    existing = sorted(
        name
        for name, content in files.items()
        if (directory / name).exists() and (directory / name).read_bytes() != content
    )
    if existing and not force:
        raise OptionsError(
            describe_problem(
                "DIR", str(directory), f"a folder without {', '.join(existing)} (or --force)"
            )
        )
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        with atomic_path(directory / name) as tmp:
            Path(tmp).write_bytes(content)
    typer.echo(f"wrote {len(files)} example files to {directory}: {', '.join(files)}")


def register(app: typer.Typer) -> None:
    """Add ``earlyphase examples`` to the application."""
    app.command("examples")(examples)
