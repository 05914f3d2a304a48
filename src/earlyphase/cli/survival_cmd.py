"""``earlyphase km``: Kaplan–Meier summary, table and figure from an ADaM ADTTE file.

Only typer and the standard library are imported at module level; the scientific stack is
imported inside the command so that ``earlyphase --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["register"]


def _write_table(frame: Any, path: Path) -> None:
    from earlyphase._files import atomic_write
    from earlyphase.errors import OptionsError, describe_problem

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise OptionsError(describe_problem("--out", str(path), "a .csv or .json file name"))
    with atomic_write(path) as handle:
        if suffix == ".csv":
            frame.to_csv(handle, index=False)
        else:
            handle.write(frame.to_json(orient="records", indent=2))


def km(
    file: Annotated[
        Path,
        typer.Argument(help="ADTTE dataset (.parquet, .csv, .json Dataset-JSON, .ndjson, .xpt)."),
    ],
    param: Annotated[
        str | None, typer.Option("--param", help="PARAMCD to analyse (e.g. PFS, OS).")
    ] = None,
    time_col: Annotated[
        str, typer.Option("--time-col", help="Column holding the time to event.")
    ] = "AVAL",
    cnsr_col: Annotated[
        str, typer.Option("--cnsr-col", help="ADaM censoring flag (1 = censored, 0 = event).")
    ] = "CNSR",
    by: Annotated[
        str | None, typer.Option("--by", help="Group column, e.g. TRT01P or TRTA.")
    ] = None,
    conf_type: Annotated[
        str, typer.Option("--conf-type", help="log-log (SAS default), log (R default) or plain.")
    ] = "log-log",
    level: Annotated[float, typer.Option("--level", help="Confidence level.")] = 0.95,
    quantile_rule: Annotated[
        str, typer.Option("--quantile-rule", help="midpoint (R), sas, first or strict.")
    ] = "midpoint",
    landmark: Annotated[
        list[float] | None,
        typer.Option("--landmark", help="Landmark time for S(t) with CI (repeatable)."),
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the KM figure (.png, .pdf, .svg).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the per-group summary (.csv or .json).")
    ] = None,
    steps_out: Annotated[
        Path | None, typer.Option("--steps-out", help="Write the full step table (.csv or .json).")
    ] = None,
) -> None:
    """Kaplan–Meier median (Brookmeyer–Crowley CI), quartiles, landmarks and log-rank."""
    import pandas as pd
    from rich.console import Console

    from earlyphase.cdisc.io import read_dataset
    from earlyphase.survival import logrank
    from earlyphase.survival.adtte import adtte_subset, km_from_adtte

    landmark = list(landmark or [])
    data = read_dataset(file)
    options = {"conf_type": conf_type, "level": level, "quantile_rule": quantile_rule}
    curves = km_from_adtte(data, param, time_col=time_col, cnsr_col=cnsr_col, by=by, **options)
    unit = ""
    if "AVALU" in data.columns and data["AVALU"].notna().any():
        unit = str(data["AVALU"].dropna().iloc[0]).lower()
    summary = _summary_frame(curves, landmark, param)

    console = Console()
    if not console.is_terminal:  # piped or captured: do not squeeze the table into 80 columns
        console = Console(width=160)
    console.print(_summary_table(summary, landmark, param, conf_type, level))
    if unit:
        console.print(f"Times in {unit}. NR = median not reached; NE = not estimable.")
    if by is not None and len(curves) > 1:
        sub = adtte_subset(data, param, time_col=time_col, cnsr_col=cnsr_col, by=by)
        test = logrank(sub["time"], sub["event"], sub["group"])
        console.print(
            f"Log-rank test: chi-square = {test.chisq:.3f}, df = {test.df}, p = {test.p_value:.4g}"
        )

    if out is not None:
        _write_table(summary, out)
        console.print(f"summary written to {out}")
    if steps_out is not None:
        steps = pd.concat(
            [c.to_frame().assign(group=g) for g, c in curves.items()], ignore_index=True
        )
        steps.insert(0, "group", steps.pop("group"))
        _write_table(steps, steps_out)
        console.print(f"step table written to {steps_out}")
    if plot is not None:
        note = None
        if by is not None and len(curves) > 1:
            p = test.p_value
            note = "Log-rank p < 0.001" if p < 0.001 else f"Log-rank p = {p:.3f}"
        _save_plot(curves, data, param, unit, plot, note)
        console.print(f"figure written to {plot}")


def _summary_frame(curves: dict[str, Any], landmark: list[float], param: str | None) -> Any:
    """One row per group: the KM summary, then S(t) with limits at each landmark time."""
    import pandas as pd

    rows = []
    for name, curve in curves.items():
        row = curve.summary_frame().assign(group=name)
        for t in landmark:
            est, lo, hi = curve.survival_at(t)
            row[f"surv_{t:g}"], row[f"surv_{t:g}_lower"], row[f"surv_{t:g}_upper"] = est, lo, hi
        rows.append(row)
    summary = pd.concat(rows, ignore_index=True)
    summary.insert(0, "group", summary.pop("group"))
    summary.insert(1, "param", param or "")
    return summary


def _summary_table(
    summary: Any, landmark: list[float], param: str | None, conf_type: str, level: float
) -> Any:
    """The per-group summary as a rich table (times to 1 decimal, probabilities to 2)."""
    import pandas as pd
    from rich.table import Table

    # display convention (docs/report.md): NR = median not reached, NE = not estimable,
    # survival probabilities as percentages, as in the report
    def fmt(v: float, na: str = "NE") -> str:
        return na if pd.isna(v) else f"{v:.1f}"

    def prob(v: float) -> str:
        return "NE" if pd.isna(v) else f"{100 * v:.1f}"

    pct = f"{round(level * 100):d}%"
    table = Table(title=f"Kaplan–Meier {param or ''} ({conf_type} CI, {pct})".replace("  ", " "))
    for col in ["Group", "N", "Events", "Cens.", f"Median ({pct} CI)", "Q1", "Q3"]:
        table.add_column(col, justify="left" if col == "Group" else "right")
    for t in landmark:
        table.add_column(f"S({t:g}), % ({pct} CI)", justify="right")
    for _, r in summary.iterrows():
        cells = [
            str(r["group"]),
            str(r["n"]),
            str(r["n_event"]),
            str(r["n_censor"]),
            f"{fmt(r['median'], 'NR')} ({fmt(r['median_lower'])}–{fmt(r['median_upper'])})",
            fmt(r["q25"]),
            fmt(r["q75"]),
        ]
        for t in landmark:
            e, lo, hi = r[f"surv_{t:g}"], r[f"surv_{t:g}_lower"], r[f"surv_{t:g}_upper"]
            cells.append("NE" if pd.isna(e) else f"{prob(e)} ({prob(lo)}–{prob(hi)})")
        table.add_row(*cells)
    return table


def _save_plot(
    curves: dict[str, Any],
    data: Any,
    param: str | None,
    unit: str,
    plot: Path,
    annotation: str | None = None,
) -> None:
    """Draw the KM figure, titled by the parameter's PARAM label when there is one."""
    from earlyphase._files import atomic_path
    from earlyphase.survival import plot_km

    xlabel = f"Time ({unit})" if unit else "Time"
    title = f"Kaplan–Meier: {param}" if param else None
    if param and "PARAM" in data.columns and "PARAMCD" in data.columns:
        labels = data.loc[data["PARAMCD"].astype(str) == param, "PARAM"].dropna()
        title = str(labels.iloc[0]) if len(labels) else title
    fig, _ = plot_km(
        curves,
        title=title,
        xlabel=xlabel,
        time_unit={"months": "mo", "days": "d", "weeks": "wk", "years": "y"}.get(unit, unit),
        ylabel="Probability without event" if param is None else f"{param} probability",
        annotation=annotation,
    )
    with atomic_path(plot) as tmp:
        fig.savefig(tmp, dpi=300, bbox_inches="tight", format=plot.suffix.lstrip(".") or "png")


def register(app: typer.Typer) -> None:
    """Add ``earlyphase km`` to the application."""
    app.command("km")(km)
