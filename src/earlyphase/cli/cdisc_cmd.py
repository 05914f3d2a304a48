"""Commands of the cdisc area: ``sdtm validate``, ``adam``, ``convert``.

Only typer and the standard library are imported at module level; pandas and the cdisc
package are imported inside the commands so that ``earlyphase --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]

FORMATS = ("parquet", "json", "ndjson", "xpt", "csv")

sdtm_app = typer.Typer(help="SDTM datasets: check a folder of domains.", no_args_is_help=True)


def _prefer_option() -> object:
    return typer.Option(
        "--prefer", help="Format to use when a domain exists in several files (xpt, json, ...)."
    )


@sdtm_app.command("validate")
def validate(
    directory: Annotated[Path, typer.Argument(help="Folder of SDTM files (dm.xpt, ae.json, ...).")],
    prefer: Annotated[str | None, _prefer_option()] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the findings to a .csv or .json file.")
    ] = None,
) -> None:
    """Check every domain against its specification (required variables, types, terms, keys).

    Exits 0 when there are no errors (warnings allowed), 1 when there are errors.
    """
    from rich.console import Console
    from rich.table import Table

    from earlyphase.cdisc.study import read_study

    study = read_study(directory, prefer=prefer, validate=False)
    report = study.validate()
    console = Console()
    if study.format_note():
        console.print(f"note: {study.format_note()}", soft_wrap=True)
    table = Table(title=f"SDTM validation of {directory} ({len(study)} domains)")
    for col in ("domain", "variable", "severity", "message"):
        table.add_column(col)
    for f in report.findings:
        style = "red" if f.severity == "error" else "yellow"
        table.add_row(f.domain, f.variable, f"[{style}]{f.severity}[/{style}]", f.message)
    if report.findings:
        console.print(table)
    console.print(
        f"{len(report.errors)} error(s), {len(report.warnings)} warning(s) in {len(study)} domains "
        f"({', '.join(study)})",
        soft_wrap=True,
    )

    if out is not None:
        _write_table(report.to_frame(), out)
    if report.errors:
        raise typer.Exit(code=1)


def _write_table(frame: object, path: Path) -> None:
    from earlyphase._files import atomic_write
    from earlyphase.errors import OptionsError, describe_problem

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise OptionsError(describe_problem("--out", str(path), "a .csv or .json file"))
    with atomic_write(path) as fh:
        if suffix == ".csv":
            frame.to_csv(fh, index=False, lineterminator="\n")  # type: ignore[attr-defined]
        else:
            frame.to_json(fh, orient="records", indent=1, date_format="iso")  # type: ignore[attr-defined]


def adam(
    directory: Annotated[Path, typer.Argument(help="Folder of SDTM files.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the ADaM files (adsl.parquet, ...).")
    ],
    protocol: Annotated[
        str | None, typer.Option("--protocol", help="Protocol name or YAML (e.g. isak-phase1b).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help=f"Output format: {', '.join(FORMATS)}.")
    ] = "parquet",
    data_cutoff: Annotated[
        str | None, typer.Option("--data-cutoff", help="Override DS DATA CUT-OFF (YYYY-MM-DD).")
    ] = None,
    response_source: Annotated[
        str, typer.Option("--response", help="auto, imwg or investigator.")
    ] = "auto",
    prefer: Annotated[str | None, _prefer_option()] = None,
    allow_findings: Annotated[
        bool,
        typer.Option("--allow-findings", help="Proceed when SDTM validation finds errors."),
    ] = False,
) -> None:
    """Derive ADaM datasets (ADSL, ADAE, ADLB, ADRS, ADTTE, ADEX, ADPC, ADPP) from SDTM.

    Without --protocol the arms and drugs are inferred from DM and EX (printed).  The SDTM is
    validated as by ``analyze``: errors stop the run (exit 1; findings in
    OUT/validation.csv) unless --allow-findings is given.
    """
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from earlyphase.cdisc.adam import derive_adam
    from earlyphase.cdisc.io import write_dataset
    from earlyphase.cdisc.study import read_study
    from earlyphase.errors import OptionsError, describe_problem

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise OptionsError(describe_problem("--format", fmt, f"one of {', '.join(FORMATS)}"))
    from earlyphase.cdisc.gate import validate_for_analysis
    from earlyphase.cdisc.plan import resolve_plan

    study = read_study(directory, prefer=prefer, validate=False)
    plan = resolve_plan(study, protocol)
    if response_source not in ("auto", "imwg", "investigator"):
        raise OptionsError(
            describe_problem("--response", response_source, "auto, imwg or investigator")
        )
    console = Console()
    gate = validate_for_analysis(study, plan, allow_findings=allow_findings, out_dir=out)
    console.print(gate.methods_text())
    console.print(plan.describe(), soft_wrap=True)
    for note in plan.inferred:
        console.print(f"inferred: {note}", soft_wrap=True)
    result = derive_adam(
        study,
        plan,
        data_cutoff=data_cutoff,
        response_source=response_source,  # type: ignore[arg-type]
    )
    table = Table(title=f"ADaM from {directory}")
    for col in ("dataset", "records", "file / reason"):
        table.add_column(col)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("writing ADaM", total=len(result.datasets))
        for name, df in result.datasets.items():
            path = out / f"{name.lower()}.{fmt}"
            write_dataset(df, path)
            table.add_row(name, str(len(df)), str(path))
            progress.advance(task)
    for miss in result.missing:
        table.add_row(f"[yellow]{miss.dataset}[/yellow]", "-", f"not derived: {miss.reason}")
    console.print(table)
    for note in (study.format_note(), *result.notes):
        if note:
            console.print(f"note: {note}")


def convert(
    source: Annotated[
        Path, typer.Argument(help="Input dataset (.xpt .json .ndjson .parquet .csv).")
    ],
    target: Annotated[Path, typer.Argument(help="Output dataset; format from its extension.")],
) -> None:
    """Convert one dataset between XPT, Dataset-JSON, NDJSON, Parquet and CSV, keeping metadata."""
    from earlyphase.cdisc.io import read_dataset, write_dataset

    df = read_dataset(source)
    write_dataset(df, target)
    typer.echo(f"{source} -> {target}: {len(df)} records, {len(df.columns)} variables")


def register(app: typer.Typer) -> None:
    """Add ``sdtm``, ``adam`` and ``convert`` to the main application."""
    app.add_typer(sdtm_app, name="sdtm")
    app.command("adam")(adam)
    app.command("convert")(convert)
