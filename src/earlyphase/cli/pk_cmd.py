"""Commands of the pk area: ``earlyphase nca`` and ``earlyphase pk simulate|plot``.

Only typer is imported at module level; numpy/pandas/earlyphase.pk load inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import typer

pk_app = typer.Typer(help="Pharmacokinetic simulation and figures.", no_args_is_help=True)

_PROTOCOLS = ("isak-phase1b",)
_TABLE_CODES = ("TMAX", "CMAX", "AUCTAU", "AUCLST", "TLST", "RACCMAX", "RACAUC")


def _read_table(path: Path):
    import pandas as pd

    from earlyphase.errors import DataError, describe_problem

    if not path.exists():
        raise DataError(describe_problem("file", str(path), "an existing CSV or Parquet file"))
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path)


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
        table.add_row(*["" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v)) for v in row])
    Console().print(table)


def nca_command(
    conc: Path = typer.Argument(..., help="Concentrations: subject_id, time, conc [, interval, blq, lloq ...]"),
    doses: Path = typer.Argument(..., help="Doses: subject_id, time, amount, route [, duration, interval, tau]"),
    method: str = typer.Option("lin-up/log-down", "--method", help="AUC method: 'lin-up/log-down' or 'linear'"),
    wide: bool = typer.Option(False, "--wide", help="One row per profile instead of the long table"),
    out: Path | None = typer.Option(None, "--out", help="Write the parameters to this .csv or .json"),
) -> None:
    """Noncompartmental analysis (WinNonlin-compatible rules) of every profile."""
    from earlyphase.pk import NCAOptions, nca

    result = nca(_read_table(conc), _read_table(doses), NCAOptions(auc_method=method))  # type: ignore[arg-type]
    frame = result.to_wide() if wide else result.to_frame()
    if out is not None:
        _write_table(frame, out)
        typer.echo(f"wrote {len(frame)} rows to {out}")
    else:
        show = result.to_wide() if not wide else frame
        _print_table(show.head(50), f"NCA ({method}), {len(result.profiles)} profiles")


def _simulate(protocol: str, dose_level: int, n: int, cycles: int, seed: int):
    from earlyphase.errors import OptionsError, describe_problem
    from earlyphase.pk.regimen import isak_phase1b_regimen
    from earlyphase.pk.simulate import simulate_isatuximab

    if protocol not in _PROTOCOLS:
        raise OptionsError(describe_problem("--protocol", protocol, f"one of {_PROTOCOLS}"))
    return simulate_isatuximab(isak_phase1b_regimen(dose_level, n_cycles=cycles), n=n, seed=seed)


@pk_app.command("simulate")
def simulate_command(
    protocol: str = typer.Option("isak-phase1b", "--protocol", help="Built-in protocol"),
    dose_level: int = typer.Option(2, "--dose-level", help="Dose level (1, 2 or 3)"),
    n: int = typer.Option(1000, "--n", help="Number of virtual patients"),
    cycles: int = typer.Option(8, "--cycles", help="Number of 28-day cycles"),
    seed: int = typer.Option(0, "--seed", help="Random seed"),
    out: Path | None = typer.Option(None, "--out", help="Write simulated concentrations (.csv/.json)"),
    doses_out: Path | None = typer.Option(None, "--doses-out", help="Write the dosing records (.csv/.json)"),
) -> None:
    """Simulate isatuximab (Fau 2020 population PK) at the protocol's sampling times, then run
    the NCA of cycle 1 day 1 and cycle 3 day 1 and print a Table-3-style summary."""
    import pandas as pd
    from rich.progress import Progress

    from earlyphase.pk import accumulation_ratios, nca
    from earlyphase.pk.summary import parameter_table

    with Progress(transient=True) as progress:
        task = progress.add_task("simulating", total=2)
        sim = _simulate(protocol, dose_level, n, cycles, seed)
        progress.update(task, advance=1, description="NCA")
        occasions = [o for o in ("CYCLE 1 DAY 1", "CYCLE 3 DAY 1") if o in set(sim.conc["interval"])]
        result = nca(sim.conc[sim.conc["interval"].isin(occasions)], sim.doses)
        progress.update(task, advance=1)
    long = result.parameters
    if len(occasions) == 2:
        rac = accumulation_ratios(result, *occasions).assign(interval="ACCUMULATION C3/C1")
        long = pd.concat([long, rac], ignore_index=True)
    table = parameter_table(long, ["interval"], _TABLE_CODES)
    _print_table(table, f"Isatuximab DL{dose_level}, {n} simulated patients (mean ± SD (geo mean) [CV%])")
    if out is not None:
        _write_table(sim.conc, out)
        typer.echo(f"wrote {len(sim.conc)} concentrations to {out}")
    if doses_out is not None:
        _write_table(sim.doses, doses_out)
        typer.echo(f"wrote {len(sim.doses)} doses to {doses_out}")


@pk_app.command("plot")
def plot_command(
    out: Path = typer.Option(..., "--out", help="Figure file (.png, .pdf, .svg)"),
    protocol: str = typer.Option("isak-phase1b", "--protocol", help="Built-in protocol"),
    n: int = typer.Option(100, "--n", help="Virtual patients per dose level"),
    seed: int = typer.Option(0, "--seed", help="Random seed"),
    kind: str = typer.Option("mean", "--kind", help="'mean' (mean ± SD) or 'spaghetti'"),
) -> None:
    """Concentration-time figure (cycle 1 and cycle 3, linear and log) of simulated patients
    at every dose level of the protocol."""
    import pandas as pd

    from earlyphase.errors import OptionsError, describe_problem
    from earlyphase.pk.plots import plot_mean_profiles, plot_spaghetti, save_figure, time_after_dose

    if kind not in ("mean", "spaghetti"):
        raise OptionsError(describe_problem("--kind", kind, "'mean' or 'spaghetti'"))
    frames = []
    for level in (1, 2, 3):
        sim = _simulate(protocol, level, n, 3, seed + level)
        c = time_after_dose(sim.conc, sim.doses).assign(dose_level=f"DL{level}")
        c["subject_id"] = f"DL{level}-" + c["subject_id"].astype(str)
        frames.append(c)
    data = pd.concat(frames, ignore_index=True)
    data = data[data["interval"].isin(["CYCLE 1 DAY 1", "CYCLE 3 DAY 1"])]
    title = f"Isatuximab, {n} simulated patients per dose level (Fau 2020 model)"
    fig = plot_mean_profiles(data, title=title) if kind == "mean" else plot_spaghetti(data, log=(False, True), title=title)
    save_figure(fig, out)
    typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add ``nca`` and the ``pk`` command group to the main application."""
    app.command("nca")(nca_command)
    app.add_typer(pk_app, name="pk")
