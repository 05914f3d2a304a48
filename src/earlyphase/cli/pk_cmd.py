"""Commands of the pk area: ``earlyphase nca`` and ``earlyphase pk simulate|plot``.

Only typer is imported at module level; numpy/pandas/earlyphase.pk load inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from earlyphase.cli._checks import check_suffix

pk_app = typer.Typer(help="Pharmacokinetic simulation and figures.", no_args_is_help=True)

_TABLE_CODES = ("TMAX", "CMAX", "AUCTAU", "AUCLST", "TLST", "RACCMAX", "RACAUC")


def _read_table(path: Path, option: str = "input file"):
    from earlyphase.cli._tables import read_table

    return read_table(path, option, (".csv", ".parquet"))


def _write_table(frame, out: Path) -> None:
    from earlyphase._files import atomic_write
    from earlyphase.errors import OptionsError, describe_problem

    suffix = out.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise OptionsError(describe_problem("--out", str(out), "a .csv or .json file name"))
    with atomic_write(out) as fh:
        if suffix == ".csv":
            frame.to_csv(fh, index=False)
        else:
            fh.write(frame.to_json(orient="records", indent=1))


def _print_table(frame, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for col in frame.columns:
        table.add_column(str(col))
    for row in frame.itertuples(index=False):
        table.add_row(
            *["" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v)) for v in row]
        )
    Console().print(table)


def nca_command(
    conc: Annotated[
        Path,
        typer.Argument(help="Concentrations: subject_id, time, conc [, interval, blq, lloq ...]"),
    ],
    doses: Annotated[
        Path,
        typer.Argument(help="Doses: subject_id, time, amount, route [, duration, interval, tau]"),
    ],
    method: Annotated[
        str, typer.Option("--method", help="AUC method: 'lin-up/log-down' or 'linear'")
    ] = "lin-up/log-down",
    wide: bool = typer.Option(
        False, "--wide", help="One row per profile instead of the long table"
    ),
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the parameters to this .csv or .json")
    ] = None,
) -> None:
    """Noncompartmental analysis (WinNonlin-compatible rules) of every profile."""
    from earlyphase.pk import NCAOptions, nca

    check_suffix("--out", out, (".csv", ".json"))
    options = NCAOptions(auc_method=method)  # type: ignore[arg-type]  # validated there
    result = nca(_read_table(conc, "conc"), _read_table(doses, "doses"), options)
    frame = result.to_wide() if wide else result.to_frame()
    if out is not None:
        _write_table(frame, out)
        typer.echo(f"wrote {len(frame)} rows to {out}")
    else:
        show = result.to_wide() if not wide else frame
        _print_table(show.head(50), f"NCA ({method}), {len(result.profiles)} profiles")


def _simulate(
    protocol: str, dose_level: str | int, n: int, cycles: int, seed: int, drug: str = "isatuximab"
):
    from earlyphase.pk.regimen import regimen_from_protocol
    from earlyphase.pk.simulate import simulate_carfilzomib, simulate_isatuximab

    regimen = regimen_from_protocol(protocol, dose_level, drug, n_cycles=cycles)
    if drug.lower() in ("carfilzomib", "k"):
        return simulate_carfilzomib(regimen, n=n, seed=seed)
    return simulate_isatuximab(regimen, n=n, seed=seed)


@pk_app.command("simulate")
def simulate_command(
    protocol: Annotated[
        str, typer.Option("--protocol", help="Built-in protocol id or protocol YAML file")
    ] = "isak-phase1b",
    drug: Annotated[
        str, typer.Option("--drug", help="'isatuximab' (Fau 2020 model) or 'carfilzomib'")
    ] = "isatuximab",
    dose_level: str = typer.Option(
        "2", "--dose-level", help="Dose level id (DL2) or number (2) of the protocol."
    ),
    n: Annotated[int, typer.Option("--n", help="Number of virtual patients")] = 1000,
    cycles: Annotated[int, typer.Option("--cycles", help="Number of 28-day cycles")] = 8,
    seed: Annotated[int, typer.Option("--seed", help="Random seed")] = 0,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write simulated concentrations (.csv/.json)")
    ] = None,
    doses_out: Annotated[
        Path | None, typer.Option("--doses-out", help="Write the dosing records (.csv/.json)")
    ] = None,
) -> None:
    """Simulate isatuximab PK (Fau 2020 model) at the protocol's sampling times.

    Then runs the NCA of cycle 1 day 1 and cycle 3 day 1 and prints a Table-3-style summary.
    """
    import pandas as pd
    from rich.progress import Progress

    from earlyphase.pk import accumulation_ratios, nca
    from earlyphase.pk.summary import parameter_table
    from earlyphase.protocol import load_protocol

    check_suffix("--out", out, (".csv", ".json"))
    check_suffix("--doses-out", doses_out, (".csv", ".json"))
    with Progress(transient=True) as progress:
        task = progress.add_task("simulating", total=2)
        sim = _simulate(protocol, dose_level, n, cycles, seed, drug)
        progress.update(task, advance=1, description="NCA")
        occasions = [
            o for o in ("CYCLE 1 DAY 1", "CYCLE 3 DAY 1") if o in set(sim.conc["interval"])
        ]
        result = nca(sim.conc[sim.conc["interval"].isin(occasions)], sim.doses)
        progress.update(task, advance=1)
    long = result.parameters
    if len(occasions) == 2:
        rac = accumulation_ratios(result, occasions[0], occasions[1]).assign(
            interval="ACCUMULATION C3/C1"
        )
        long = pd.concat([long, rac], ignore_index=True)
    table = parameter_table(long, ["interval"], _TABLE_CODES)
    level = load_protocol(protocol).dose_level(dose_level).id
    _print_table(
        table,
        f"{drug.capitalize()} {level}, {n} simulated patients (mean ± SD (geo mean) [CV%])",
    )
    if out is not None:
        _write_table(sim.conc, out)
        typer.echo(f"wrote {len(sim.conc)} concentrations to {out}")
    if doses_out is not None:
        _write_table(sim.doses, doses_out)
        typer.echo(f"wrote {len(sim.doses)} doses to {doses_out}")


@pk_app.command("plot")
def plot_command(
    out: Annotated[Path, typer.Option("--out", help="Figure file (.png, .pdf, .svg)")],
    conc: Annotated[
        Path | None, typer.Option("--conc", help="Plot these concentrations (with --doses)")
    ] = None,
    doses: Annotated[Path | None, typer.Option("--doses", help="Doses of --conc")] = None,
    group: Annotated[
        str, typer.Option("--group", help="Column of --conc that defines the lines")
    ] = "dose_level",
    protocol: Annotated[
        str, typer.Option("--protocol", help="Built-in protocol id or YAML (simulation)")
    ] = "isak-phase1b",
    n: Annotated[int, typer.Option("--n", help="Virtual patients per dose level")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Random seed")] = 0,
    kind: Annotated[str, typer.Option("--kind", help="'mean' (mean ± SD) or 'spaghetti'")] = "mean",
) -> None:
    """Concentration-time figure by dose level and cycle (linear and log scale).

    Plots --conc/--doses (tables with subject_id, time, interval, conc and a group column);
    without them, simulates isatuximab for every dose level of the protocol.
    """
    import pandas as pd

    from earlyphase.errors import DataError, OptionsError, describe_problem
    from earlyphase.pk.plots import plot_mean_profiles, plot_spaghetti, save_figure, time_after_dose

    check_suffix("--out", out, (".png", ".pdf", ".svg"))
    if kind not in ("mean", "spaghetti"):
        raise OptionsError(describe_problem("--kind", kind, "'mean' or 'spaghetti'"))
    if (conc is None) != (doses is None):
        raise OptionsError(describe_problem("--conc/--doses", "only one given", "both or neither"))
    if conc is not None and doses is not None:
        data = time_after_dose(_read_table(conc, "--conc"), _read_table(doses, "--doses"))
        if group not in data.columns:
            raise DataError(describe_problem("--group", group, f"a column of {conc}"))
        title = f"{conc.name}: concentrations by {group}"
    else:
        frames = []
        for level in (1, 2, 3):
            sim = _simulate(protocol, level, n, 3, seed + level)
            c = time_after_dose(sim.conc, sim.doses).assign(dose_level=f"DL{level}")
            c["subject_id"] = f"DL{level}-" + c["subject_id"].astype(str)
            frames.append(c)
        data = pd.concat(frames, ignore_index=True)
        data = data[data["interval"].isin(["CYCLE 1 DAY 1", "CYCLE 3 DAY 1"])]
        group = "dose_level"
        title = f"Isatuximab, {n} simulated patients per dose level (Fau 2020 model)"
    fig = (
        plot_mean_profiles(data, group=group, title=title)
        if kind == "mean"
        else plot_spaghetti(data, group=group, log=(False, True), title=title)
    )
    save_figure(fig, out)
    typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add ``nca`` and the ``pk`` command group to the main application."""
    app.command("nca")(nca_command)
    app.add_typer(pk_app, name="pk")
