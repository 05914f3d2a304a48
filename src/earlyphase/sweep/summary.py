"""The sweep's results table and its summaries (CSV, HTML, selection-probability figure).

``results.parquet`` has one row per (design, scenario, dose): ``design`` (the name as written
in the grid), ``design_label`` (name and options), ``scenario``, ``dose`` (0 = no MTD
selected), ``true_dlt``, ``p_select``, ``se_p_select``, ``mean_n``, ``mean_dlt``, the cell's
totals (``expected_n_total``, ``expected_dlt_total``, ``p_stop_early``,
``pct_treated_above_mtd``), ``n_trials``, ``seed`` and the designs' grid parameters (one column
per option used in the grid: ``variant``, ``target``, ``cohort_size``, ``skeleton`` as JSON ...).
"""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from earlyphase._files import atomic_path, atomic_write
from earlyphase.designs.batch import batch_spec
from earlyphase.designs.simulate import SimulationSums, summarise_sums
from earlyphase.designs.spec import design_from_spec
from earlyphase.sweep.grid import Grid

__all__ = ["results_frame", "write_summaries"]

_RESERVED = {"design", "design_label", "scenario", "dose", "n_trials", "seed"}


def _param(value: Any) -> Any:
    if isinstance(value, list | tuple | dict):
        return json.dumps(value)
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    if isinstance(value, int | float):
        return float(value)
    return str(value)


def results_frame(grid: Grid, sums: Mapping[int, SimulationSums]) -> pd.DataFrame:
    """The results table from each cell's summed task results (see the module docstring)."""
    keys = sorted({k for c in grid.cells for k in c.design if k != "name"})
    frames = []
    for i, cell in enumerate(grid.cells):
        design = design_from_spec(cell.design, len(cell.true_dlt))
        spec = batch_spec(design)
        oc = summarise_sums(spec.name, np.asarray(cell.true_dlt), sums[i], spec.target)
        f = oc.to_frame()
        f["design"] = cell.design_name
        f.insert(1, "design_label", cell.design_label)
        f.insert(2, "scenario", cell.scenario)
        for name, value in oc.summary().items():
            if name in ("expected_n_total", "expected_dlt_total", "p_stop_early"):
                f[name] = value
        f["pct_treated_above_mtd"] = oc.pct_treated_above_mtd
        f["n_trials"] = grid.n_trials
        f["seed"] = grid.seed
        for k in keys:
            col = k if k not in _RESERVED and k not in f.columns else f"design_{k}"
            f[col] = _param(cell.design[k]) if k in cell.design else None
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out["dose"] = out["dose"].astype("int64")
    for col in out.columns[list(out.columns).index("seed") + 1 :]:
        values = out[col].dropna()
        if all(isinstance(v, float) for v in values):
            out[col] = out[col].astype("float64")
        else:
            out[col] = out[col].astype("string")
    return out


def _plot(results: pd.DataFrame, path: Path) -> None:
    """One axes: for each scenario a group of bars, one per design, stacked by the selected
    dose (no MTD at the bottom, in grey); hatching tells designs apart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenarios = list(dict.fromkeys(results["scenario"]))
    designs = list(dict.fromkeys(results["design_label"]))
    max_dose = int(results["dose"].max())
    colours = ["0.75", *plt.get_cmap("viridis")(np.linspace(0.1, 0.95, max_dose))]
    hatches = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]
    width = 0.8 / len(designs)
    fig, ax = plt.subplots(figsize=(max(8.0, 0.22 * len(scenarios) * len(designs) + 3.5), 4.6))
    x = np.arange(len(scenarios))
    table = results.pivot_table(
        index=["design_label", "scenario"], columns="dose", values="p_select", fill_value=0.0
    )
    for j, label in enumerate(designs):
        sub = table.loc[label].reindex(scenarios).fillna(0.0)
        bottom = np.zeros(len(scenarios))
        for dose in range(max_dose + 1):
            h = sub[dose].to_numpy() if dose in sub.columns else np.zeros(len(scenarios))
            ax.bar(
                x + (j - (len(designs) - 1) / 2) * width,
                h,
                width,
                bottom=bottom,
                color=colours[dose],
                hatch=hatches[j % len(hatches)],
                edgecolor="white",
                linewidth=0.4,
            )
            bottom += h
    ax.set_xticks(x, scenarios, rotation=45 if len(scenarios) > 8 else 0)
    ax.set_ylim(0, 1)
    ax.set_ylabel("P(select dose)")
    ax.set_xlabel("scenario (bars: designs, in legend order)")
    from matplotlib.patches import Patch

    dose_keys = [
        Patch(color=colours[d], label="no MTD" if d == 0 else f"dose {d}")
        for d in range(max_dose + 1)
    ]
    design_keys = [
        Patch(
            facecolor="white",
            edgecolor="0.3",
            hatch=hatches[j % len(hatches)],
            label=textwrap.fill(lab, 34, break_on_hyphens=False),
        )
        for j, lab in enumerate(designs)
    ]
    ax.legend(
        handles=dose_keys + design_keys,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        frameon=False,
    )
    ax.set_title("Selection probability by design and scenario", fontsize=10)
    fig.subplots_adjust(left=0.08, right=0.64, bottom=0.2, top=0.92)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)


def _summary_table(results: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (label, scen), g in results.groupby(["design_label", "scenario"], sort=False):
        k = g[g["dose"] > 0]
        rows.append(
            {
                "design": label,
                "scenario": scen,
                "p_no_mtd": float(g.loc[g["dose"] == 0, "p_select"].iloc[0]),
                **{
                    f"p_select_{int(d)}": float(p)
                    for d, p in zip(k["dose"], k["p_select"], strict=True)
                },
                "expected_n": float(g["expected_n_total"].iloc[0]),
                "expected_dlt": float(g["expected_dlt_total"].iloc[0]),
                "n_trials": int(g["n_trials"].iloc[0]),
            }
        )
    return pd.DataFrame(rows)


def write_summaries(results: pd.DataFrame, out: Path) -> dict[str, Path]:
    """``summary.csv``, ``summary.html`` and ``selection.png`` in ``out``."""
    table = _summary_table(results)
    paths = {"csv": out / "summary.csv", "html": out / "summary.html", "png": out / "selection.png"}
    with atomic_write(paths["csv"]) as fh:
        table.to_csv(fh, index=False, float_format="%.4f")
    _plot(results, paths["png"])
    body = table.to_html(index=False, float_format=lambda v: f"{v:.3f}", na_rep="", border=0)
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Sweep summary</title><style>body{font-family:sans-serif;margin:2em}"
        "table{border-collapse:collapse}th,td{padding:4px 8px;border-bottom:1px solid #ccc;"
        "text-align:right}th{background:#f3f3f3}td:first-child,td:nth-child(2){text-align:left}"
        "</style></head><body><h1>Sweep summary</h1>"
        f"<p>{html.escape(str(int(table['n_trials'].iloc[0])))} simulated trials per design and "
        "scenario. P(select d): probability that dose d is selected as the MTD; p_no_mtd: no "
        "dose selected. Expected patients and DLTs are for the escalation.</p>"
        "<img src='selection.png' alt='Selection probability by design and scenario' "
        "style='max-width:100%'>"
        f"{body}</body></html>"
    )
    with atomic_write(paths["html"]) as fh:
        fh.write(page)
    return paths
