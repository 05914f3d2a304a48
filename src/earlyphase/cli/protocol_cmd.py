"""Commands of the protocol area: ``protocol list|show|validate``, ``schedule``, ``eligibility``.

Only typer and the standard library are imported here; pandas, pydantic and the earlyphase
modules are imported inside the command bodies so that ``earlyphase --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from earlyphase.cli._checks import check_suffix

if TYPE_CHECKING:
    import pandas as pd

protocol_app = typer.Typer(
    help="List, show and validate trial protocols (YAML protocol-as-code).",
    no_args_is_help=True,
)

ProtocolOpt = Annotated[
    str,
    typer.Option(
        "--protocol", "-p", help="Built-in protocol name or path to a protocol YAML file."
    ),
]


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as CSV or JSON (by suffix), atomically."""
    from earlyphase._files import atomic_write
    from earlyphase.errors import OptionsError, describe_problem

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise OptionsError(
            describe_problem("--out", str(path), "a file name ending in .csv or .json")
        )
    with atomic_write(path) as handle:
        if suffix == ".csv":
            frame.to_csv(handle, index=False)
        else:
            handle.write(frame.to_json(orient="records", date_format="iso", indent=1))


@protocol_app.command("list")
def list_protocols() -> None:
    """List the built-in protocols."""
    from earlyphase.protocol import builtin_protocols, load_protocol

    for name in builtin_protocols():
        typer.echo(f"{name}\t{load_protocol(name).title}")


@protocol_app.command("show")
def show(name: Annotated[str, typer.Argument(help="Built-in protocol name or YAML file.")]) -> None:
    """Print a readable summary of a protocol."""
    from earlyphase.protocol import load_protocol

    typer.echo(load_protocol(name).summary())


@protocol_app.command("validate")
def validate(
    file: Annotated[str, typer.Argument(help="Protocol YAML file (or built-in name).")],
) -> None:
    """Check a protocol file; report every problem with its YAML path and line number."""
    from earlyphase.protocol import load_protocol

    protocol = load_protocol(file)
    typer.echo(
        f"ok: {file} is a valid protocol ({protocol.id}: {len(protocol.drugs)} drugs, "
        f"{len(protocol.dose_levels)} dose levels, {len(protocol.eligibility)} eligibility criteria)"
    )


def schedule(
    dose_level: Annotated[
        str, typer.Option("--dose-level", "-d", help="Dose level id (DL2) or number (2).")
    ],
    weight_kg: Annotated[float, typer.Option("--weight-kg", help="Actual body weight in kg.")],
    height_cm: Annotated[float, typer.Option("--height-cm", help="Height in cm.")],
    start: Annotated[str, typer.Option("--start", help="Date of cycle 1 day 1 (YYYY-MM-DD).")],
    protocol: ProtocolOpt = "isak-phase1b",
    cycles: Annotated[int, typer.Option("--cycles", "-c", help="Number of cycles to lay out.")] = 1,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            help="Optional schedule change to apply (e.g. carfilzomib-reduced-frequency).",
        ),
    ] = None,
    bsa_method: Annotated[
        str, typer.Option(help="BSA formula: mosteller, dubois or haycock.")
    ] = "mosteller",
    round_mg: Annotated[
        float | None,
        typer.Option("--round-mg", help="Round every dose to a multiple of this many mg."),
    ] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the calendar as CSV.")] = None,
    ics: Annotated[
        Path | None, typer.Option("--ics", help="Write the calendar as iCalendar (.ics).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the calendar as .csv or .json.")
    ] = None,
) -> None:
    """Per-patient dosing calendar: dates, cycle/day, drug, dose in mg, infusion duration."""
    from rich.console import Console
    from rich.table import Table

    from earlyphase.dosing import DosingOptions, dosing_calendar, write_ics
    from earlyphase.protocol import load_protocol

    check_suffix("--csv", csv, (".csv",))
    check_suffix("--ics", ics, (".ics",))
    check_suffix("--out", out, (".csv", ".json"))
    proto = load_protocol(protocol)
    opts = DosingOptions(bsa_method=bsa_method, rounding_step_mg=round_mg)
    cal = dosing_calendar(
        proto,
        dose_level,
        weight_kg,
        height_cm,
        start,
        cycles,
        schedule_options=tuple(option or ()),
        dosing_options=opts,
    )
    level = proto.dose_level(dose_level)
    table = Table(
        title=f"{proto.id} {level.id} ({level.label}): {weight_kg:g} kg, {height_cm:g} cm, {cycles} cycle(s)"
    )
    for col in ("Date", "Cycle", "Day", "Drug", "Dose", "mg", "Basis", "Infusion"):
        table.add_column(
            col, no_wrap=True, justify="left" if col in ("Date", "Drug", "Basis") else "right"
        )
    for row in cal.to_dict("records"):
        unit = row["basis_unit"]
        basis = f"{row['basis_value']:.4g} {unit}" + (" capped" if row["bsa_capped"] else "")
        table.add_row(
            f"{row['date']:%Y-%m-%d}",
            str(row["cycle"]),
            str(row["day"]),
            proto.drug(str(row["drug"])).abbreviation or str(row["drug_name"]),
            f"{row['dose']:g} {row['dose_unit']}",
            f"{row['dose_mg']:.1f}",
            basis,
            f"{row['infusion_minutes']:g} min",
        )
    Console().print(table)
    for path in (p for p in (csv, out) if p is not None):
        _write_table(cal, path)
        typer.echo(f"wrote {path}")
    if ics is not None:
        write_ics(cal, ics, protocol_id=proto.id)
        typer.echo(f"wrote {ics}")


def eligibility(
    patients_csv: Annotated[
        Path, typer.Argument(help="CSV with one row per patient (units in column names).")
    ],
    protocol: ProtocolOpt = "isak-phase1b",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write every patient x criterion result as .csv or .json."),
    ] = None,
    allow_missing: Annotated[
        bool,
        typer.Option(
            "--allow-missing",
            help="Report criteria without a column as unevaluable instead of failing.",
        ),
    ] = False,
) -> None:
    """Check patients against a protocol's eligibility criteria."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from earlyphase.cli._tables import read_table
    from earlyphase.eligibility import check_eligibility, eligibility_summary
    from earlyphase.protocol import load_protocol

    check_suffix("--out", out, (".csv", ".json"))
    proto = load_protocol(protocol)
    frame = read_table(patients_csv, "patients_csv", (".csv",))
    results = check_eligibility(
        proto, frame, missing_columns="unevaluable" if allow_missing else "error"
    )
    summary = eligibility_summary(results)
    table = Table(title=f"Eligibility against {proto.id} ({len(proto.eligibility)} criteria)")
    for col in ("Patient", "Status", "Failed or unevaluable (value seen vs threshold)"):
        table.add_column(col)
    for row in summary.to_dict("records"):
        rows = results[(results.patient_id == row["patient_id"]) & (results.status != "pass")]
        details = "; ".join(
            f"{r['criterion']} [{r['status']}]: {r['value']} vs {r['threshold']} {r['unit']}".rstrip()
            for r in rows.to_dict("records")
        )
        style = {"eligible": "green", "not eligible": "red"}.get(row["status"], "yellow")
        table.add_row(
            escape(str(row["patient_id"])),
            f"[{style}]{row['status']}[/{style}]",
            escape(details or "-"),
        )
    Console().print(table)
    n_ok = int(summary["eligible"].sum())
    typer.echo(f"{n_ok} of {len(summary)} patient(s) eligible")
    if out is not None:
        _write_table(results, out)
        typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to ``app``."""
    app.add_typer(protocol_app, name="protocol")
    app.command("schedule")(schedule)
    app.command("eligibility")(eligibility)
