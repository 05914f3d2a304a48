"""Commands of the twin area: reconstruct the reference trial as SDTM, simulate new trials."""

from __future__ import annotations

from pathlib import Path

import typer

from earlyphase.cli._checks import check_suffix

_OUT_DIR = typer.Option(..., "--out", "-o", help="Output folder for the SDTM files.")
_SCENARIO = typer.Option(..., "--scenario", "-s", help="Scenario YAML file.")
_TRIALS_OUT = typer.Option(None, "--out", "-o", help="Write per-trial results (.csv/.json).")
_SDTM_OUT = typer.Option(
    None, "--sdtm-out", help="Also write the SDTM of one simulated trial here."
)
_SEED = typer.Option(..., "--seed", help="Master seed (same seed, same result).")
_OVERWRITE = typer.Option(
    False,
    "--overwrite",
    help="Replace the output folder even if it is not an earlier output of this command.",
)


def _argv() -> list[str]:
    """The command line, for the manifest."""
    import sys

    return ["earlyphase", *sys.argv[1:]]


twin_app = typer.Typer(
    help="The virtual trial: reconstructed SDTM and trial simulation.", no_args_is_help=True
)


@twin_app.command("reconstruct")
def reconstruct_cmd(
    out: Path = _OUT_DIR,
    format: str = typer.Option(
        "json,xpt",
        "--format",
        "-f",
        help="Comma-separated formats: json, xpt, ndjson, parquet, csv.",
    ),
    seed: int = typer.Option(20200320, "--seed", help="Seed of the details the paper leaves open."),
    overwrite: bool = _OVERWRITE,
) -> None:
    """Write the reconstructed isatuximab + carfilzomib phase 1b (33 patients) as SDTM, and
    its PK calibration (pk_calibration/individual_effects.csv, sample_residuals.csv: random
    effects and sample residuals in SD units)."""
    from earlyphase._staging import staged_folder
    from earlyphase.limits import check_seed
    from earlyphase.twin import write_sdtm
    from earlyphase.twin.pk_effects import write_pk_calibration
    from earlyphase.twin.reconstruct import reconstruct_with_pk_calibration
    from earlyphase.twin.sdtm import check_sdtm_formats

    formats = check_sdtm_formats([f.strip() for f in format.split(",") if f.strip()])
    check_seed("--seed", seed)
    with staged_folder(
        out, command="twin reconstruct", overwrite=overwrite, argv=_argv(), extra={"seed": seed}
    ) as staged:
        domains, effects, residuals = reconstruct_with_pk_calibration(seed=seed)
        paths = write_sdtm(domains, staged.path, formats=formats)
        paths += write_pk_calibration(effects, residuals, staged.path / "pk_calibration")
    rows = sum(len(df) for df in domains.values())
    cal = residuals.loc[residuals["calibrated"], "residual_sd"].abs()
    typer.echo(
        f"wrote {len(domains)} domains ({rows} records) as {', '.join(formats)} "
        f"+ define.csv to {out} ({len(paths)} files); PK calibration in {out}/pk_calibration: "
        f"max |eta| {effects.filter(like='eta_').abs().to_numpy().max():.2f} SD, "
        f"{int((cal > 3).sum())} of {len(cal)} calibrated samples beyond 3 residual SD"
    )


@twin_app.command("simulate")
def simulate_cmd(
    protocol: str = typer.Option(
        "isak-phase1b", "--protocol", "-p", help="Protocol YAML file or built-in name."
    ),
    scenario: Path = _SCENARIO,
    n_trials: int = typer.Option(1000, "--n-trials", "-n", help="Number of virtual trials."),
    seed: int = _SEED,
    workers: int = typer.Option(1, "--workers", "-w", help="Local worker processes."),
    out: Path = _TRIALS_OUT,
    sdtm_out: Path = _SDTM_OUT,
    sdtm_trial: int = typer.Option(
        0, "--sdtm-trial", help="Which trial --sdtm-out writes (0-based)."
    ),
    overwrite: bool = _OVERWRITE,
    design: str = typer.Option(
        None,
        "--design",
        "-d",
        help="Escalation design instead of the protocol's: 'boin:target=0.3,n_cohorts=10', "
        "'crm:target=0.25', 'keyboard', '3+3:variant=de-escalate' or a YAML mapping.",
    ),
) -> None:
    """Simulate many trials of a protocol under a scenario and print operating characteristics."""
    from rich.console import Console
    from rich.table import Table

    from earlyphase._files import atomic_write
    from earlyphase.errors import OptionsError, describe_problem
    from earlyphase.limits import MAX_TRIALS, MAX_WORKERS, check_count, check_seed
    from earlyphase.twin import simulate_trials

    check_suffix("--out", out, (".csv", ".json"))
    n_trials = check_count("--n-trials", n_trials, MAX_TRIALS, what="trials")
    check_seed("--seed", seed)
    check_count("--workers", workers, MAX_WORKERS, what="worker processes")
    if sdtm_trial < 0 or sdtm_trial >= n_trials:
        raise OptionsError(
            describe_problem(
                "--sdtm-trial", sdtm_trial, f"a trial index from 0 to {n_trials - 1} (--n-trials)"
            )
        )
    if sdtm_out is not None:
        from earlyphase._staging import check_output_folder

        check_output_folder(sdtm_out, "twin simulate", overwrite)
    console = Console()
    with console.status(f"simulating {n_trials} trials"):
        result = simulate_trials(
            protocol, str(scenario), n_trials, seed, workers=workers, design=design
        )
    summary = result.summary()
    table = Table(
        title=f"{result.scenario}: {n_trials} virtual trials of {result.design} (seed {seed})"
    )
    table.add_column("quantity")
    table.add_column("value", justify="right")
    p_select, se_select = result.p_select, result.se_p_select
    for dose, p, se in zip(p_select.index, p_select, se_select, strict=True):
        table.add_row(f"P(select {dose})", f"{p:.3f} ± {se:.3f}")
    for dose in result.dose_ids:
        table.add_row(f"mean patients at {dose}", f"{summary[f'mean_n_{dose}']:.2f}")
    table.add_row("mean patients", f"{summary['mean_n_total']:.2f}")
    table.add_row("mean patients with a DLT", f"{summary['mean_n_dlt']:.2f}")
    table.add_row("mean patients with a serious AE", f"{summary['mean_n_sae']:.2f}")
    table.add_row("mean patient-months on treatment", f"{summary['mean_treatment_months']:.1f}")
    table.add_row("mean ORR", f"{summary['mean_orr']:.3f}")
    table.add_row("mean width of the 95% CI of ORR", f"{summary['mean_orr_ci_width']:.3f}")
    table.add_row(
        f"P(lower CI bound of ORR > {result.orr_threshold:g})",
        f"{summary['p_orr_lower_gt_threshold']:.3f}",
    )
    table.add_row(
        "median of the median PFS estimates (months)",
        f"{summary['median_of_median_pfs_months']:.2f}",
    )
    table.add_row("mean trial duration (months)", f"{summary['mean_duration_months']:.1f}")
    console.print(table)
    if out is not None:
        frame = result.to_frame()
        with atomic_write(out) as handle:
            if out.suffix.lower() == ".csv":
                frame.to_csv(handle, index=False)
            else:
                handle.write(frame.to_json(orient="records", indent=1))
        typer.echo(f"wrote {len(frame)} trials to {out}")
    if sdtm_out is not None:
        from earlyphase.twin import simulate_trial_sdtm, write_sdtm

        domains = simulate_trial_sdtm(
            protocol, str(scenario), seed, trial=sdtm_trial, design=design
        )
        from earlyphase._staging import staged_folder

        with staged_folder(
            sdtm_out,
            command="twin simulate",
            overwrite=overwrite,
            argv=_argv(),
            extra={"seed": seed, "trial": sdtm_trial},
        ) as staged:
            write_sdtm(domains, staged.path, formats=("json", "xpt"))
        typer.echo(f"wrote the SDTM of trial {sdtm_trial} ({len(domains)} domains) to {sdtm_out}")


def register(app: typer.Typer) -> None:
    """Add the ``twin`` command group to ``app``."""
    app.add_typer(twin_app, name="twin")
