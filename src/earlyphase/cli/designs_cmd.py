"""Commands of the designs area: ``earlyphase design oc|decide|table|simulate|compare``."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from earlyphase.cli._checks import check_suffix

design_app = typer.Typer(
    help="Dose-finding designs: decisions, decision tables, operating characteristics.",
    no_args_is_help=True,
)

_DESIGN = typer.Option("boin", "--design", "-d", help="3+3, boin, mtpi2, keyboard or crm.")
_TARGET = typer.Option(None, "--target", "-t", help="Target DLT rate (not used by 3+3).")
_DOSES = typer.Option(None, "--doses", "-k", help="Number of dose levels.")
_VARIANT = typer.Option(
    "escalate-only",
    "--variant",
    help="3+3 variant: escalate-only, de-escalate, de-escalate-confirm-top.",
)
_COHORT = typer.Option(3, "--cohort-size", help="Patients per cohort.")
_MAXN = typer.Option(30, "--max-n", help="Maximum sample size (interval designs and CRM).")
_SKELETON = typer.Option(
    None, "--skeleton", help="CRM skeleton, comma-separated (default: getprior)."
)
_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")
_CSV = typer.Option(False, "--csv", help="Print CSV instead of a table.")
_OUT = typer.Option(None, "--out", "-o", help="Also write the table to this .csv or .json file.")
_SEED = typer.Option(2026, "--seed", help="Random seed.")
_SCENARIO = typer.Option(
    ..., "--scenario", "-s", help="True DLT per dose, comma-separated; repeat for more scenarios."
)
_PLOT = typer.Option(None, "--plot", help="Save a bar chart of selection % per dose (PNG).")
_NTRIALS = typer.Option(10000, "--n-trials", "-n", help="Number of simulated trials.")


def _floats(text: str, field: str) -> list[float]:
    from earlyphase.errors import DesignError, describe_problem

    values = []
    for i, token in enumerate(t for t in text.replace(";", ",").split(",") if t.strip()):
        try:
            values.append(float(token))
        except ValueError:
            raise DesignError(
                describe_problem(f"{field} item {i + 1}", token, "a number")
            ) from None
        if not math.isfinite(values[-1]):
            raise DesignError(describe_problem(f"{field} item {i + 1}", token, "a finite number"))
    if not values:
        raise DesignError(
            describe_problem(field, text, "comma-separated numbers, e.g. 0.05,0.10,0.20")
        )
    return values


def _check_early(out: Path | None, n_trials: int | None = None, seed: int | None = None) -> None:
    """Options checked before any simulation runs or any file is written."""
    from earlyphase.limits import MAX_TRIALS, check_count, check_seed

    check_suffix("--out", out, (".csv", ".json"))
    if n_trials is not None:
        check_count("--n-trials", n_trials, MAX_TRIALS, what="trials")
    if seed is not None:
        check_seed("--seed", seed)


def _build(
    design: str,
    target: float | None,
    doses: int | None,
    variant: str,
    cohort_size: int,
    max_n: int,
    skeleton: str | None,
    expansion: int = 0,
    protocol: str | None = None,
) -> Any:
    from earlyphase.designs import from_protocol, make_design
    from earlyphase.errors import DesignError, describe_problem

    if protocol is not None:
        return from_protocol(protocol)
    from earlyphase.limits import MAX_COHORT_SIZE, MAX_DOSES, MAX_PATIENTS, check_count

    if doses is None:
        raise DesignError(describe_problem("--doses", None, "the number of dose levels"))
    check_count("--doses", doses, MAX_DOSES, what="dose levels")
    check_count("--cohort-size", cohort_size, MAX_COHORT_SIZE, what="patients")
    check_count("--max-n", max_n, MAX_PATIENTS, what="patients")
    check_count("--expansion", expansion, MAX_PATIENTS, minimum=0, what="patients")
    if max_n % cohort_size:
        raise DesignError(
            describe_problem("--max-n", max_n, f"a multiple of --cohort-size {cohort_size}")
        )
    sk = tuple(_floats(skeleton, "--skeleton")) if skeleton else None
    return make_design(
        design,
        doses,
        target,
        cohort_size=cohort_size,
        n_cohorts=max_n // cohort_size,
        variant=variant,
        expansion=expansion,
        skeleton=sk,
    )


def _emit(
    frame: Any, title: str, as_json: bool, as_csv: bool, out: Path | None, extra: dict | None = None
) -> None:
    import json

    def as_json_text() -> str:
        records = json.loads(frame.to_json(orient="records"))
        return json.dumps({**(extra or {}), "table": records}, indent=1)

    if out is not None:
        from earlyphase._files import atomic_write
        from earlyphase.errors import OptionsError, describe_problem

        suffix = out.suffix.lower()
        if suffix not in (".csv", ".json"):
            raise OptionsError(
                describe_problem("--out", str(out), "a file name ending .csv or .json")
            )
        with atomic_write(out) as handle:
            if suffix == ".csv":
                frame.to_csv(handle, index=False)
            else:
                handle.write(as_json_text())
    if as_json:
        typer.echo(as_json_text())
        return
    if as_csv:
        typer.echo(frame.to_csv(index=False), nl=False)
        return
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    if "design" in frame.columns and frame["design"].nunique() == 1:
        frame = frame.drop(columns="design")
    table = Table(title=title)
    for c in frame.columns:
        table.add_column(str(c), justify="right")
    for row in frame.itertuples(index=False):
        table.add_row(
            *(
                "" if v is None or pd.isna(v) else f"{v:.4g}" if isinstance(v, float) else str(v)
                for v in row
            )
        )
    console = Console()
    console.print(table)
    for key, value in (extra or {}).items():
        if isinstance(value, dict):
            dist = pd.DataFrame(
                {"n_total": [int(x) for x in value], "probability": list(value.values())}
            )
            _emit(dist, "distribution of the escalation sample size", False, False, None)
        elif not isinstance(value, list | str) and value is not None and not pd.isna(value):
            console.print(
                f"{key.replace('_', ' ')}: {value:.4g}"
                if isinstance(value, float)
                else f"{key.replace('_', ' ')}: {value}"
            )
    if out is not None:
        console.print(f"wrote {out}")


@contextmanager
def _progress(total: int, label: str) -> Iterator[Any]:
    import sys

    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    if total < 20000 or not sys.stderr.isatty():
        yield None
        return
    with Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} trials"),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


def _simulate(design: Any, true_dlt: list[float], n_trials: int, seed: int) -> Any:
    """Simulated operating characteristics, with a progress bar for long runs."""
    with _progress(n_trials, "simulating") as cb:
        return design.simulate(true_dlt, n_trials=n_trials, seed=seed, progress=cb)


def _emit_oc(oc: Any, title: str, as_json: bool, as_csv: bool, out: Path | None) -> None:
    """Print (and optionally write) operating characteristics with their whole-trial summary."""
    _emit(oc.to_frame(), title, as_json, as_csv, out, _oc_summary(oc))


def _oc_summary(oc: Any) -> dict[str, Any]:
    s: dict[str, Any] = {
        k: (float(v) if v is not None and not isinstance(v, str) else v)
        for k, v in oc.summary().items()
    }
    if not oc.expansion_n:
        for key in ("expansion_n", "expansion_expected_n", "expansion_expected_dlt"):
            s.pop(key)
    if oc.target is not None:
        s["target"] = oc.target
    if oc.n_total_distribution is not None:
        s["n_total_distribution"] = {
            str(int(k)): float(v) for k, v in oc.n_total_distribution.items()
        }
    return s


@design_app.command("oc")
def oc_cmd(
    true_dlt: str = typer.Option(
        ..., "--true-dlt", help="True DLT probability per dose, comma-separated."
    ),
    protocol: str | None = typer.Option(
        None, "--protocol", "-p", help="Protocol id or YAML file (e.g. isak-phase1b)."
    ),
    design: str = typer.Option("3+3", "--design", "-d", help="Design when no --protocol is given."),
    doses: int | None = _DOSES,
    target: float | None = _TARGET,
    variant: str = _VARIANT,
    expansion: int = typer.Option(0, "--expansion", help="3+3 expansion cohort size."),
    n_trials: int = _NTRIALS,
    seed: int = _SEED,
    as_json: bool = _JSON,
    as_csv: bool = _CSV,
    out: Path | None = _OUT,
) -> None:
    """Operating characteristics: exact for 3+3 (with the expansion cohort), simulated otherwise."""
    from earlyphase.designs import ThreePlusThree

    _check_early(out, n_trials, seed)
    p = _floats(true_dlt, "--true-dlt")
    d = _build(design, target, doses or len(p), variant, 3, 30, None, expansion, protocol)
    oc = d.exact_oc(p) if isinstance(d, ThreePlusThree) else _simulate(d, p, n_trials, seed)
    kind = "exact" if oc.exact else f"{oc.n_trials} simulated trials, seed {seed}"
    _emit_oc(oc, f"{oc.design}: operating characteristics ({kind})", as_json, as_csv, out)


@design_app.command("decide")
def decide_cmd(
    outcomes: str = typer.Argument(
        "", help="Cohort outcomes, e.g. '1NNN 2NTN' (T = DLT, N = none)."
    ),
    design: str = _DESIGN,
    target: float | None = _TARGET,
    doses: int | None = _DOSES,
    variant: str = _VARIANT,
    cohort_size: int = _COHORT,
    max_n: int = _MAXN,
    skeleton: str | None = _SKELETON,
    as_json: bool = _JSON,
) -> None:
    """The next dose (or stop and the MTD) after the cohorts so far, with the rules that fired."""
    import json

    d = _build(design, target, doses, variant, cohort_size, max_n, skeleton)
    decision = d.decide(outcomes)
    if as_json:
        typer.echo(json.dumps(decision.to_dict(), indent=1))
    else:
        typer.echo(str(decision))


@design_app.command("table")
def table_cmd(
    design: str = _DESIGN,
    target: float | None = _TARGET,
    doses: int | None = _DOSES,
    variant: str = _VARIANT,
    cohort_size: int = _COHORT,
    max_n: int = _MAXN,
    skeleton: str | None = _SKELETON,
    as_json: bool = _JSON,
    as_csv: bool = _CSV,
    out: Path | None = _OUT,
) -> None:
    """The decision table: for n patients at the current dose, the DLT counts that mean escalate / de-escalate / eliminate."""
    _check_early(out)
    d = _build(design, target, doses, variant, cohort_size, max_n, skeleton)
    _emit(d.decision_table(), f"{getattr(d, 'name', design)}: decision table", as_json, as_csv, out)


@design_app.command("simulate")
def simulate_cmd(
    true_dlt: str = typer.Option(
        ..., "--true-dlt", help="True DLT probability per dose, comma-separated."
    ),
    design: str = _DESIGN,
    target: float | None = _TARGET,
    variant: str = _VARIANT,
    cohort_size: int = _COHORT,
    max_n: int = _MAXN,
    skeleton: str | None = _SKELETON,
    n_trials: int = _NTRIALS,
    seed: int = _SEED,
    as_json: bool = _JSON,
    as_csv: bool = _CSV,
    out: Path | None = _OUT,
) -> None:
    """Simulate trials of one design under one true dose-toxicity curve."""
    _check_early(out, n_trials, seed)
    p = _floats(true_dlt, "--true-dlt")
    d = _build(design, target, len(p), variant, cohort_size, max_n, skeleton)
    oc = _simulate(d, p, n_trials, seed)
    _emit_oc(oc, f"{oc.design}: {n_trials} simulated trials (seed {seed})", as_json, as_csv, out)


@design_app.command("compare")
def compare_cmd(
    scenario: list[str] = _SCENARIO,
    designs: str = typer.Option("3+3,boin,crm", "--designs", help="Comma-separated design names."),
    target: float = typer.Option(
        0.3, "--target", "-t", help="Target DLT rate for the model-based designs."
    ),
    max_n: int = _MAXN,
    cohort_size: int = _COHORT,
    variant: str = _VARIANT,
    n_trials: int = _NTRIALS,
    seed: int = _SEED,
    plot: Path | None = _PLOT,
    as_json: bool = _JSON,
    as_csv: bool = _CSV,
    out: Path | None = _OUT,
) -> None:
    """Several designs on the same scenarios: selection % per dose side by side."""
    from earlyphase.designs import compare_designs, plot_selection, side_by_side
    from earlyphase.errors import DesignError, describe_problem

    _check_early(out, n_trials, seed)
    check_suffix("--plot", plot, (".png", ".pdf", ".svg"))
    truths = {f"S{i + 1}": _floats(s, f"--scenario {i + 1}") for i, s in enumerate(scenario)}
    k = {len(v) for v in truths.values()}
    if len(k) != 1:
        raise DesignError(
            describe_problem("--scenario", scenario, "the same number of doses in every scenario")
        )
    n_doses = k.pop()
    objs = [
        _build(name, target, n_doses, variant, cohort_size, max_n, None)
        for name in designs.split(",")
        if name.strip()
    ]
    with _progress(n_trials * len(objs) * len(truths), "simulating") as cb:
        frame = compare_designs(objs, truths, n_trials=n_trials, seed=seed, progress=cb)
    if plot is not None:
        plot_selection(frame, str(plot))
    if as_json or as_csv or out is not None:
        _emit(frame, "comparison", as_json, as_csv, out)
        if not (as_json or as_csv):
            _emit(side_by_side(frame), "selection % per dose", False, False, None)
    else:
        _emit(side_by_side(frame), "selection % per dose (dose 0 = no MTD)", False, False, None)
        totals = frame.drop_duplicates(["scenario", "design"])[
            ["scenario", "design", "expected_n_total", "p_stop_early", "pct_treated_above_mtd"]
        ]
        _emit(totals, "whole-trial summary", False, False, None)
    if plot is not None:
        typer.echo(f"wrote {plot}", err=True)


def register(app: typer.Typer) -> None:
    """Add the ``design`` sub-command group to ``app``."""
    app.add_typer(design_app, name="design")
