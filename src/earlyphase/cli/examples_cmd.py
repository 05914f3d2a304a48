"""``earlyphase examples DIR``: write the small example inputs the documentation uses."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated

import typer

from earlyphase.errors import OptionsError, describe_problem


def example_files() -> dict[str, bytes]:
    """Relative path -> content of every example input shipped with the package."""
    files: dict[str, bytes] = {}

    def walk(folder: Traversable, prefix: str) -> None:
        for item in sorted(folder.iterdir(), key=lambda i: i.name):
            if item.name.startswith((".", "_")):
                continue
            if item.is_dir():
                walk(item, f"{prefix}{item.name}/")
            else:
                files[f"{prefix}{item.name}"] = item.read_bytes()

    walk(resources.files("earlyphase") / "examples", "")
    return files


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
    for name, content in files.items():
        with atomic_path(directory / name) as tmp:
            Path(tmp).write_bytes(content)
    top = sorted({name.split("/")[0] for name in files})
    typer.echo(f"wrote {len(files)} example files to {directory}: {', '.join(top)}")


def register(app: typer.Typer) -> None:
    """Add ``earlyphase examples`` to the application."""
    app.command("examples")(examples)
