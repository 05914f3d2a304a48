"""Commands of the report area: ``earlyphase run`` (the main job) and ``earlyphase analyze``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

_FORMATS_HELP = (
    "Comma-separated outputs: html,rtf,pdf,png,csv,parquet; add vector for SVG, PDF and "
    "300-dpi PNG figure files."
)
_ALL_FORMATS = "html,rtf,pdf,png,csv,parquet"
_DEFAULT_OUT = Path("earlyphase-output")
_OVERWRITE_HELP = (
    "Replace --out even if it is a non-empty folder that is not an earlier output of this "
    "command (the whole folder is replaced)."
)


def _argv() -> list[str]:
    """The command line, for the manifest."""
    import sys

    return ["earlyphase", *sys.argv[1:]]


#: a reason that is just a missing ADaM dataset or variable ("ADPP", "ADAE.IRFL")
_INPUT_NAME = re.compile(r"AD[A-Z0-9]+(\.[A-Z0-9_]+)?")


def _formats(text: str) -> tuple[str, ...]:
    return tuple(f.strip().lower() for f in text.split(",") if f.strip())


def _run_with_progress(job, total: int):  # type: ignore[no-untyped-def]
    """Run ``job(progress_callback)`` under a rich progress bar; returns its result."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<45}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("Starting", total=total)

        def step(message: str) -> None:
            bar.update(task, description=message, advance=1)

        result = job(step)
        bar.update(task, description="Done", completed=total)
    return result


def _summary(result) -> None:  # type: ignore[no-untyped-def]
    typer.echo(f"Report written to {result.out_dir}/")
    typer.echo(f"  open {result.html_path}")
    typer.echo(
        f"  {len(result.tables)} tables, {len(result.figures)} figures, {len(result.files)} files"
    )
    if result.comparison is not None:
        typer.echo(f"  published vs reproduced: {result.comparison.summary()}")
    for note in result.notes:
        typer.echo(f"  {note}")
    for skipped in result.skipped:
        reasons = [f"missing {r}" if _INPUT_NAME.fullmatch(r) else r for r in skipped.reasons]
        typer.echo(f"  not produced: {skipped.title} ({'; '.join(reasons)})")


def register(app: typer.Typer) -> None:
    """Add ``run`` and ``analyze`` to the main application."""

    @app.command("run")
    def run(
        out: Annotated[Path, typer.Option("--out", help="Output folder.")] = _DEFAULT_OUT,
        seed: Annotated[
            int | None,
            typer.Option("--seed", help="Seed of the reconstruction (default: the twin's)."),
        ] = None,
        formats: Annotated[str, typer.Option("--formats", help=_FORMATS_HELP)] = _ALL_FORMATS,
        protocol: Annotated[
            str,
            typer.Option(
                "--protocol",
                help="Built-in protocol: isak-phase1b (reconstruct the reference trial) or "
                "another (simulate one trial under its built-in scenario, then analyse it).",
            ),
        ] = "isak-phase1b",
        overwrite: Annotated[bool, typer.Option("--overwrite", help=_OVERWRITE_HELP)] = False,
    ) -> None:
        """Reproduce the reference paper (reconstruct, derive ADaM, analyse, report), or run a
        built-in protocol's virtual trial end to end (--protocol)."""
        from earlyphase._staging import check_output_folder
        from earlyphase.limits import check_seed
        from earlyphase.report.pipeline import check_formats, run_reference

        chosen = check_formats(_formats(formats))
        if seed is not None:
            check_seed("--seed", seed)
        check_output_folder(out, "run", overwrite)
        if protocol != "isak-phase1b":
            from earlyphase.report.run_protocol import run_protocol

            result = _run_with_progress(
                lambda step: run_protocol(
                    protocol,
                    out,
                    seed=seed,
                    formats=chosen,
                    progress=step,
                    overwrite=overwrite,
                    argv=_argv(),
                ),
                total=24,
            )
            _summary(result)
            return

        chosen = check_formats(_formats(formats))
        if seed is not None:
            check_seed("--seed", seed)
        check_output_folder(out, "run", overwrite)
        result = _run_with_progress(
            lambda step: run_reference(
                out, seed=seed, formats=chosen, progress=step, overwrite=overwrite, argv=_argv()
            ),
            total=25,
        )
        _summary(result)

    @app.command("analyze")
    def analyze(
        sdtm_dir: Annotated[
            Path, typer.Argument(help="Folder of SDTM datasets (.xpt, .json, .parquet, .csv).")
        ],
        protocol: Annotated[
            str | None,
            typer.Option(
                "--protocol",
                help="Protocol YAML file or built-in name (default: inferred from DM/EX).",
            ),
        ] = None,
        out: Annotated[Path, typer.Option("--out", help="Output folder.")] = _DEFAULT_OUT,
        formats: Annotated[str, typer.Option("--formats", help=_FORMATS_HELP)] = _ALL_FORMATS,
        prefer: Annotated[
            str | None,
            typer.Option(
                "--prefer",
                help="Format to read when a domain exists in several files (json, xpt, ...).",
            ),
        ] = None,
        allow_findings: Annotated[
            bool,
            typer.Option(
                "--allow-findings", help="Proceed when SDTM validation finds errors (recorded)."
            ),
        ] = False,
        overwrite: Annotated[bool, typer.Option("--overwrite", help=_OVERWRITE_HELP)] = False,
    ) -> None:
        """Run the analyses and write the report for any trial's SDTM.

        Without --protocol the arms, drugs and populations are inferred from DM and EX (the
        report's Methods say what was inferred).  SDTM validation errors stop the run (exit
        1, findings in OUT/validation.csv) unless --allow-findings is given.
        """
        from earlyphase._staging import check_output_folder
        from earlyphase.errors import DataError, describe_problem
        from earlyphase.report.pipeline import analyze as analyze_sdtm
        from earlyphase.report.pipeline import check_formats

        chosen = check_formats(_formats(formats))
        if not sdtm_dir.is_dir():
            raise DataError(
                describe_problem("SDTM_DIR", str(sdtm_dir), "an existing folder of SDTM datasets")
            )
        check_output_folder(out, "analyze", overwrite)
        result = _run_with_progress(
            lambda step: analyze_sdtm(
                sdtm_dir,
                protocol,
                out,
                formats=chosen,
                progress=step,
                prefer=prefer,
                allow_findings=allow_findings,
                overwrite=overwrite,
                argv=_argv(),
            ),
            total=24,
        )
        _summary(result)
