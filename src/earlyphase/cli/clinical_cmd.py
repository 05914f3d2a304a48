"""Commands of the clinical area: CTCAE lab grading, DLT evaluation, IMWG response."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write the full table to this .csv or .json file."),
]


def _read_table(path: Path) -> Any:
    from earlyphase.cli._tables import read_table

    return read_table(path)


def _write_table(frame: Any, out: Path) -> None:
    from earlyphase._files import atomic_write
    from earlyphase.errors import OptionsError, describe_problem

    suffix = out.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise OptionsError(describe_problem("--out", str(out), "a file name ending .csv or .json"))
    with atomic_write(out) as handle:
        if suffix == ".csv":
            frame.to_csv(handle, index=False)
        else:
            handle.write(frame.to_json(orient="records", indent=1))
    typer.echo(f"wrote {len(frame)} rows to {out}")


def _print_table(frame: Any, title: str, columns: list[str], max_rows: int = 40) -> None:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    shown = [c for c in columns if c in frame.columns]
    for c in shown:
        table.add_column(c, overflow="fold")
    for row in frame[shown].head(max_rows).itertuples(index=False):
        table.add_row(
            *("" if pd.isna(v) else f"{v:g}" if isinstance(v, float) else str(v) for v in row)
        )
    console = Console()
    console.print(table)
    if len(frame) > max_rows:
        console.print(f"... {len(frame) - max_rows} more rows (use --out to write them all)")


def ctcae(
    labs: Annotated[
        Path,
        typer.Argument(
            help="Lab records: subject_id, day|date, test, value, unit, lln, uln[, baseline]."
        ),
    ],
    version: Annotated[
        str, typer.Option("--version", "-v", help="CTCAE version: 4.03 or 5.0.")
    ] = "4.03",
    skip_unknown: Annotated[
        bool,
        typer.Option(
            "--skip-unknown",
            help="Keep tests that are not CTCAE-gradable ungraded instead of failing.",
        ),
    ] = False,
    out: OutOption = None,
) -> None:
    """Grade laboratory values by NCI CTCAE (v4.03 or v5.0)."""
    from earlyphase.clinical.ctcae import grade_labs

    graded = grade_labs(
        _read_table(labs),
        version,  # type: ignore[arg-type]
        unknown_tests="skip" if skip_unknown else "error",
    )
    day = "day" if "day" in graded.columns else "date"
    shown = graded.assign(rule=graded["criterion"].str.split(" [", regex=False).str[0])
    _print_table(
        shown,
        f"CTCAE v{version} grades",
        ["subject_id", day, "test", "value", "unit", "ctcae_term", "grade", "rule"],
    )
    if out is not None:
        _write_table(graded, out)


def dlt(
    adverse_events: Annotated[
        Path,
        typer.Argument(
            help="AEs: subject_id, term, grade, related, start_day[, end_day] "
            "(or start_date/end_date)."
        ),
    ],
    labs: Annotated[
        Path | None,
        typer.Option(
            "--labs", help="Serial labs, raw or already graded (output of 'earlyphase ctcae')."
        ),
    ] = None,
    protocol: Annotated[
        str | None,
        typer.Option(
            "--protocol",
            help="Protocol name or YAML file whose DLT section to use "
            "(default: the paper's rules).",
        ),
    ] = None,
    window_days: Annotated[
        int | None, typer.Option("--window-days", help="DLT window in days.")
    ] = None,
    first_dose: Annotated[
        str | None,
        typer.Option("--first-dose-column", help="Column with first-dose dates (date inputs)."),
    ] = None,
    out: OutOption = None,
) -> None:
    """Evaluate dose-limiting toxicities per patient over the DLT window."""
    from earlyphase.clinical.ctcae import grade_labs
    from earlyphase.clinical.dlt import DLTRules, evaluate_dlt

    rules = DLTRules()
    ctcae_version = "4.03"
    if protocol is not None:
        from earlyphase.errors import ProtocolError

        try:
            from earlyphase.protocol import load_protocol  # type: ignore[attr-defined]
        except ImportError as exc:
            raise ProtocolError(
                "protocol support is not installed in this build; "
                "omit --protocol to use the paper's DLT rules"
            ) from exc
        loaded = load_protocol(protocol)
        rules = DLTRules.from_protocol(loaded)
        ctcae_version = str(getattr(loaded.dlt, "ctcae_version", "4.03"))
    lab_table = None
    if labs is not None:
        lab_table = _read_table(labs)
        if "grade" not in lab_table.columns or "ctcae_term" not in lab_table.columns:
            lab_table = grade_labs(
                lab_table,
                ctcae_version,  # type: ignore[arg-type]
                unknown_tests="skip",
            )
    result = evaluate_dlt(
        _read_table(adverse_events),
        lab_table,
        first_dose=first_dose,
        window_days=window_days,
        rules=rules,
    )
    window = rules.window_days if window_days is None else window_days
    _print_table(
        result,
        f"DLT evaluation ({window}-day window)",
        ["subject_id", "dlt", "rule", "qualifying_events", "excluded_events"],
    )
    typer.echo(f"{int(result['dlt'].sum())} of {len(result)} patients with a DLT")
    if out is not None:
        _write_table(result, out)


def imwg(
    visits: Annotated[
        Path,
        typer.Argument(
            help="Assessments: subject_id, day, serum_m_protein, urine_m_protein, "
            "kappa_flc, lambda_flc, serum_ife, urine_ife, bm_plasma_cells, ..."
        ),
    ],
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Serum measurable from 1.0 g/dL (strict IMWG) instead of 0.5 g/dL."
        ),
    ] = False,
    no_mr: Annotated[bool, typer.Option("--no-mr", help="Do not assign minimal response.")] = False,
    by_visit: Annotated[
        bool,
        typer.Option(
            "--by-visit",
            help="Print and write the per-visit table instead of the best response per patient.",
        ),
    ] = False,
    out: OutOption = None,
) -> None:
    """Assess multiple-myeloma response by IMWG criteria (with EBMT minimal response)."""
    from earlyphase.clinical.imwg import IMWGOptions, assess

    opts = IMWGOptions(serum_measurable=1.0 if strict else 0.5, include_mr=not no_mr)
    result = assess(_read_table(visits), opts)
    if by_visit:
        table = result.by_visit
        _print_table(
            table,
            "IMWG response per assessment",
            ["subject_id", "day", "category", "confirmed_category", "reasons"],
        )
    else:
        table = result.best
        _print_table(
            table,
            "IMWG best overall response",
            [
                "subject_id",
                "measurable",
                "best_response",
                "first_response_day",
                "best_response_day",
                "progression_day",
            ],
        )
    if out is not None:
        _write_table(table, out)


def register(app: typer.Typer) -> None:
    """Add this area's commands to app."""
    app.command("ctcae")(ctcae)
    app.command("grade", hidden=True)(ctcae)
    app.command("dlt")(dlt)
    app.command("imwg")(imwg)
    app.command("response", hidden=True)(imwg)
