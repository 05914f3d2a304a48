"""Concentration-time figures: mean (± SD) by dose level and occasion, and spaghetti plots,
on linear and log scales. Figures are matplotlib ``Figure`` objects; :func:`save_figure` writes
them atomically."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from earlyphase._files import atomic_path
from earlyphase.errors import DataError, describe_problem

__all__ = ["time_after_dose", "plot_mean_profiles", "plot_spaghetti", "save_figure"]


def time_after_dose(conc: pd.DataFrame, doses: pd.DataFrame) -> pd.DataFrame:
    """Add ``time_after_dose`` (conc ``time`` minus the dose time of the same interval)."""
    for col in ("subject_id", "interval", "time"):
        if col not in conc.columns or col not in doses.columns:
            raise DataError(
                describe_problem("columns", col, "subject_id, interval, time in conc and doses")
            )
    d = doses[["subject_id", "interval", "time"]].rename(columns={"time": "_dose_time"})
    out = conc.merge(d, on=["subject_id", "interval"], how="left")
    out["time_after_dose"] = out["time"] - out["_dose_time"]
    return out.drop(columns="_dose_time")


def _panels(occasions: Sequence[str], log: bool | Sequence[bool]):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    scales = [log] if isinstance(log, bool) else list(log)
    fig, axes = plt.subplots(
        len(scales),
        len(occasions),
        figsize=(5.2 * len(occasions), 3.8 * len(scales)),
        squeeze=False,
        sharex="col",
    )
    return fig, axes, scales


def plot_mean_profiles(
    data: pd.DataFrame,
    group: str = "dose_level",
    occasion: str = "interval",
    time: str = "time_after_dose",
    conc: str = "conc",
    log: bool | Sequence[bool] = (False, True),
    unit: str = "µg/mL",
    time_unit: str = "h",
    title: str = "",
):
    """Mean ± SD concentration against nominal time after dose: one column per occasion
    (e.g. cycle 1 day 1, cycle 3 day 1), one line per group, one row per scale (linear, log).
    Means are over the subjects with a measurable value at each nominal time (BLQ excluded)."""
    for col in (group, occasion, time, conc):
        if col not in data.columns:
            raise DataError(
                describe_problem("data columns", list(data.columns), f"a {col!r} column")
            )
    occasions = list(pd.unique(data[occasion]))
    fig, axes, scales = _panels(occasions, log)
    groups = sorted(pd.unique(data[group]), key=str)
    colours = ["#1b6ca8", "#d1495b", "#2e933c", "#8f5aa8", "#edae49"]
    for c, occ in enumerate(occasions):
        sub = data[data[occasion] == occ]
        for g_i, g in enumerate(groups):
            s = sub[sub[group] == g].assign(_t=lambda d: d[time].round(3))
            stats = s.groupby("_t")[conc].agg(["mean", "std", "count"]).reset_index()
            stats = stats[stats["count"] > 0]
            for r, is_log in enumerate(scales):
                ax = axes[r][c]
                colour = colours[g_i % len(colours)]
                lower = (stats["mean"] - stats["std"].fillna(0)).to_numpy()
                if is_log:
                    lower = np.where(lower > 0, lower, stats["mean"].to_numpy())
                ax.errorbar(
                    stats["_t"],
                    stats["mean"],
                    yerr=[stats["mean"] - lower, stats["std"].fillna(0)],
                    marker="o",
                    ms=3.5,
                    lw=1.4,
                    capsize=2.5,
                    color=colour,
                    label=f"{g} (n={s['subject_id'].nunique() if 'subject_id' in s else ''})",
                )
        for r, is_log in enumerate(scales):
            ax = axes[r][c]
            ax.set_yscale("log" if is_log else "linear")
            ax.set_title(f"{occ} — {'log' if is_log else 'linear'} scale", fontsize=10)
            ax.set_xlabel(f"Time after start of infusion ({time_unit})")
            ax.set_ylabel(f"Concentration ({unit}), mean ± SD")
            ax.grid(alpha=0.3, which="both" if is_log else "major")
    axes[0][0].legend(fontsize=8, frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_spaghetti(
    data: pd.DataFrame,
    occasion: str = "interval",
    time: str = "time_after_dose",
    conc: str = "conc",
    group: str | None = "dose_level",
    log: bool | Sequence[bool] = True,
    unit: str = "µg/mL",
    time_unit: str = "h",
    max_subjects: int = 200,
    title: str = "",
):
    """Individual concentration-time lines (the first ``max_subjects`` subjects of each group),
    one column per occasion and one row per scale, coloured by group."""
    occasions = list(pd.unique(data[occasion]))
    fig, axes, scales = _panels(occasions, log)
    if group:
        first = data.drop_duplicates("subject_id").groupby(group)["subject_id"].head(max_subjects)
    else:
        first = pd.Series(pd.unique(data["subject_id"])[:max_subjects])
    data = data[data["subject_id"].isin(set(first))]
    groups = sorted(pd.unique(data[group]), key=str) if group else [None]
    colours = ["#1b6ca8", "#d1495b", "#2e933c", "#8f5aa8", "#edae49"]
    for c, occ in enumerate(occasions):
        sub = data[data[occasion] == occ]
        for (_sid, g), s in sub.groupby(
            ["subject_id", group] if group else ["subject_id", occasion]
        ):
            colour = colours[(groups.index(g) if group else 0) % len(colours)]
            s = s.dropna(subset=[conc]).sort_values(time)
            for r, _ in enumerate(scales):
                axes[r][c].plot(s[time], s[conc], lw=0.6, alpha=0.35, color=colour)
        for r, is_log in enumerate(scales):
            ax = axes[r][c]
            ax.set_yscale("log" if is_log else "linear")
            ax.set_title(
                f"{occ} — individual profiles, {'log' if is_log else 'linear'} scale", fontsize=10
            )
            ax.set_xlabel(f"Time after start of infusion ({time_unit})")
            ax.set_ylabel(f"Concentration ({unit})")
            ax.grid(alpha=0.3)
    if group:
        from matplotlib.lines import Line2D

        handles = [
            Line2D([], [], color=colours[i % len(colours)], label=str(g))
            for i, g in enumerate(groups)
        ]
        axes[0][0].legend(handles=handles, fontsize=8, frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def save_figure(fig, path: str | os.PathLike[str], dpi: int = 130) -> None:
    """Write ``fig`` to ``path`` (format from the suffix) atomically and close it."""
    import matplotlib.pyplot as plt

    suffix = os.path.splitext(str(path))[1].lstrip(".") or "png"
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=suffix)
    plt.close(fig)
