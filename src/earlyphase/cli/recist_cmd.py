"""``earlyphase recist LESIONS.csv``: RECIST 1.1 response from lesion measurements."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def recist(
    lesions: Annotated[
        Path,
        typer.Argument(
            help="Lesion measurements (.csv/.json/.parquet): subject_id, day, lesion_id, "
            "lesion_class, is_node, diameter_mm, status[, organ][, group]."
        ),
    ],
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Best response needs confirmed CR/PR (>= 28 days).")
    ] = False,
    min_sd_days: Annotated[
        int, typer.Option("--min-sd-days", help="Minimum days after day 1 for SD to count.")
    ] = 42,
    by_visit: Annotated[
        bool,
        typer.Option("--by-visit", help="Print and write the per-assessment table instead."),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the full table to this .csv or .json file."),
    ] = None,
    figures: Annotated[
        Path | None,
        typer.Option(
            "--figures",
            help="Folder to write waterfall.png, spider.png and swimmer.png into "
            "(coloured by the optional 'group' column).",
        ),
    ] = None,
) -> None:
    """Assess solid-tumour response by RECIST 1.1 (Eisenhauer et al. 2009)."""
    from earlyphase.cli.clinical_cmd import _print_table, _read_table, _write_table
    from earlyphase.clinical.recist import RECISTOptions, assess

    table = _read_table(lesions)
    result = assess(table, RECISTOptions(confirmation=confirm, min_sd_days=min_sd_days))
    if by_visit:
        frame = result.by_visit
        columns = [
            "subject_id",
            "day",
            "target_response",
            "non_target_response",
            "new_lesions",
            "overall_response",
            "sld_mm",
            "pct_change_baseline",
            "rule",
        ]
        title = "RECIST 1.1 response per assessment"
    else:
        frame = result.best
        columns = [
            "subject_id",
            "best_response",
            "best_response_day",
            "first_response_day",
            "progression_day",
        ]
        title = "RECIST 1.1 best overall response" + (" (confirmed)" if confirm else "")
    _print_table(frame, title, columns)
    if out is not None:
        _write_table(frame, out)
    if figures is not None:
        _write_figures(table, result, figures)


def _write_figures(table, result, folder: Path) -> None:  # type: ignore[no-untyped-def]
    from earlyphase._files import atomic_write
    from earlyphase.report.figures.tumor import (
        adam_from_recist,
        recist_swimmer_figure,
        spider_figure,
        waterfall_figure,
    )

    groups = None
    if "group" in table.columns:
        groups = table.drop_duplicates("subject_id").set_index("subject_id")["group"].astype(str)
    adam = adam_from_recist(result, groups)
    folder.mkdir(parents=True, exist_ok=True)
    for name, draw in (
        ("waterfall.png", waterfall_figure),
        ("spider.png", spider_figure),
        ("swimmer.png", recist_swimmer_figure),
    ):
        with atomic_write(folder / name, "wb") as handle:
            handle.write(draw(adam).png)
        typer.echo(f"wrote {folder / name}")


def register(app: typer.Typer) -> None:
    """Add the ``recist`` command."""
    app.command("recist")(recist)
