"""Concentration-time figures: mean (± SD) profiles by group and occasion, and individual
(spaghetti) profiles, on linear and semi-logarithmic scales.

One implementation serves the ``earlyphase pk plot`` command and the report's PK figures
(:mod:`earlyphase.report.figures.concentration`): :func:`profile_summary` computes what a mean
panel shows (tidy, testable), :func:`draw_mean_profiles` and :func:`draw_individual_profiles`
draw one panel on a matplotlib ``Axes``; :func:`plot_mean_profiles` and :func:`plot_spaghetti`
lay out whole figures from a long concentration table.  Figures are bare
:class:`matplotlib.figure.Figure` objects on the Agg canvas (no pyplot state);
:func:`save_figure` writes them atomically.

Error bars on the semi-log scale
--------------------------------
The mean panels show the arithmetic mean ± SD on both scales (the convention of clinical
pharmacology reports, e.g. the FDA Clinical Pharmacology review template).  On a log axis a
lower bar at mean − SD ≤ 0 cannot be drawn; such a lower bar is *clipped*: it is omitted (only
the upper bar, mean + SD, is drawn), so that every drawn bar end is positive.  The lower end
drawn on the log scale is ``lower_log`` in :func:`profile_summary`.

Samples below the limit of quantification (missing concentration) are left out of the means
and of the individual lines, and zero concentrations are left out of log panels.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from earlyphase._files import atomic_path
from earlyphase.errors import DataError, describe_problem
from earlyphase.pk.nca.units import display_unit

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "COLOURS",
    "PROFILE_COLUMNS",
    "add_group_legend",
    "draw_individual_profiles",
    "draw_mean_profiles",
    "plot_mean_profiles",
    "plot_spaghetti",
    "profile_summary",
    "save_figure",
    "time_after_dose",
]

#: Colours of the groups (dose levels), in group order.
COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e")
#: Columns of :func:`profile_summary`.
PROFILE_COLUMNS = (
    "occasion",
    "group",
    "timepoint",
    "time",
    "n",
    "mean",
    "sd",
    "lower",
    "upper",
    "lower_log",
)


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


def _require(data: pd.DataFrame, *cols: str) -> None:
    for col in cols:
        if col not in data.columns:
            raise DataError(
                describe_problem("data columns", list(data.columns), f"a {col!r} column")
            )


def profile_summary(
    data: pd.DataFrame,
    *,
    group: str = "dose_level",
    occasion: str = "interval",
    time: str = "time_after_dose",
    conc: str = "conc",
    timepoint: str | None = None,
) -> pd.DataFrame:
    """Mean ± SD concentration per occasion, group and nominal time point.

    Parameters
    ----------
    data : DataFrame
        Long concentrations: one row per sample, with the ``group``, ``occasion``, ``time``
        and ``conc`` columns; a missing ``conc`` is a sample below the LLOQ (left out).
    timepoint : str, optional
        Column naming the nominal time point (e.g. ADPC ``PCTPT``).  Samples are grouped by it
        and placed at the median of their ``time`` (the end of an infusion is not at the same
        time for every patient).  Default: grouped by ``time`` rounded to 0.001.

    Returns
    -------
    DataFrame
        :data:`PROFILE_COLUMNS`: ``n`` (measurable samples), ``mean``, ``sd`` (ddof=1; NaN
        for n < 2), ``lower`` = mean − SD and ``upper`` = mean + SD (linear panel; SD taken
        as 0 when missing), ``lower_log`` = the lower bar end on the log scale: mean − SD
        when positive, else the mean (lower bar clipped, see the module docstring).  Rows
        with n = 0 are kept (n = 0, NaN statistics) so that the count of BLQ-only points is
        visible.
    """
    _require(data, group, occasion, time, conc)
    values = pd.to_numeric(data[conc], errors="coerce")
    times = pd.to_numeric(data[time], errors="coerce")
    key = data[timepoint].astype("string").fillna("") if timepoint else times.round(3)
    frame = pd.DataFrame(
        {"occasion": data[occasion], "group": data[group], "timepoint": key}
    ).assign(_t=times.to_numpy(), _v=values.to_numpy())
    grouped = frame.groupby(["occasion", "group", "timepoint"], sort=False, dropna=False)
    out = grouped.agg(
        time=("_t", "median"), n=("_v", "count"), mean=("_v", "mean"), sd=("_v", "std")
    ).reset_index()
    sd0 = out["sd"].fillna(0.0)
    out["lower"] = out["mean"] - sd0
    out["upper"] = out["mean"] + sd0
    out["lower_log"] = out["lower"].where(out["lower"] > 0, out["mean"])
    out["n"] = out["n"].astype(int)
    out = out.sort_values(["occasion", "group", "time"], kind="stable")
    return out.loc[:, list(PROFILE_COLUMNS)].reset_index(drop=True)


def draw_mean_profiles(
    ax: Axes,
    summary: pd.DataFrame,
    *,
    log: bool,
    colours: Sequence[str] = COLOURS,
    labels: dict[Any, str] | None = None,
    time: str = "time",
    groups: Sequence[Any] | None = None,
) -> None:
    """Draw the rows of one occasion of :func:`profile_summary`: one line per group, mean
    with error bars (``lower``/``upper`` on a linear axis, ``lower_log``/``upper`` on a
    log axis); x from the ``time`` column.  Group ``groups[i]`` gets ``colours[i]`` (default:
    groups in order of appearance), so that a group keeps its colour in every panel."""
    order = list(groups) if groups is not None else list(pd.unique(summary["group"]))
    for g, d in summary.groupby("group", sort=False):
        g_i = order.index(g) if g in order else len(order)
        keep = d["n"] > 0
        if log:
            keep &= d["mean"] > 0
        d = d[keep].sort_values(time)
        if d.empty:
            continue
        low = d["lower_log"] if log else d["lower"]
        ax.errorbar(
            d[time],
            d["mean"],
            yerr=[d["mean"] - low, d["upper"] - d["mean"]],
            marker="o",
            ms=3,
            lw=1.2,
            capsize=2,
            color=colours[g_i % len(colours)],
            label=(labels or {}).get(g, str(g)),
        )
    set_scale(ax, log)


def draw_individual_profiles(
    ax: Axes,
    data: pd.DataFrame,
    *,
    subject: str = "subject_id",
    group: str | None = "dose_level",
    time: str = "time_after_dose",
    conc: str = "conc",
    log: bool = True,
    colours: Sequence[str] = COLOURS,
    groups: Sequence[Any] | None = None,
) -> None:
    """One thin line per subject (coloured by ``group``); samples with a missing (BLQ) or,
    on a log axis, non-positive concentration are left out of the line."""
    values = pd.to_numeric(data[conc], errors="coerce")
    keep = values.notna() & ((values > 0) if log else True)
    data = data[keep]
    order = list(groups) if groups is not None else _groups(data, group)
    keys = [subject, group] if group else [subject]
    for key, s in data.groupby(keys, sort=False):
        g = key[1] if group else None
        colour = colours[(order.index(g) if g in order else 0) % len(colours)]
        s = s.sort_values(time)
        ax.plot(s[time], s[conc], lw=0.7, alpha=0.6, marker=".", ms=2, color=colour)
    set_scale(ax, log)


def set_scale(ax: Axes, log: bool) -> None:
    """Linear or log y axis; log ticks are labelled as plain numbers (300 and 1,000,000, not
    3 × 10² and 1e+06)."""
    ax.set_yscale("log" if log else "linear")
    if not log:
        return
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, pos: _plain(value)))
    ax.yaxis.set_minor_formatter(_plain_log_formatter())


def _plain(value: float) -> str:
    """A tick value as a plain number: thousands separated, no exponent."""
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def _plain_log_formatter() -> Any:
    """Minor log ticks: matplotlib's choice of which to label (``LogFormatterSciNotation``,
    decided once per axis draw in ``set_locs``), printed by :func:`_plain`."""
    from matplotlib.ticker import LogFormatterSciNotation

    class PlainLogFormatter(LogFormatterSciNotation):
        def __call__(self, x: float, pos: int | None = None) -> str:
            return _plain(x) if super().__call__(x, pos) else ""

    return PlainLogFormatter(labelOnlyBase=False)


def _groups(data: pd.DataFrame, group: str | None) -> list[Any]:
    return sorted(pd.unique(data[group]), key=str) if group else [None]


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _panels(occasions: Sequence[Any], log: bool | Sequence[bool]):  # type: ignore[no-untyped-def]
    scales = [log] if isinstance(log, bool) else list(log)
    fig = _new_figure(5.2 * len(occasions), 3.8 * len(scales))
    axes = fig.subplots(len(scales), len(occasions), squeeze=False, sharex="col")
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
) -> Figure:
    """Mean ± SD concentration against nominal time after dose: one column per occasion
    (e.g. cycle 1 day 1, cycle 3 day 1), one line per group, one row per scale (linear, log).
    Statistics from :func:`profile_summary` (BLQ excluded; on the log scale a lower bar at
    or below zero is clipped)."""
    summary = profile_summary(data, group=group, occasion=occasion, time=time, conc=conc)
    occasions = list(pd.unique(data[occasion]))
    fig, axes, scales = _panels(occasions, log)
    counts = data.groupby(group)["subject_id"].nunique() if "subject_id" in data else None
    labels = {g: f"{g} (n={counts[g]})" for g in counts.index} if counts is not None else None
    for c, occ in enumerate(occasions):
        sub = summary[summary["occasion"] == occ]
        for r, is_log in enumerate(scales):
            ax = axes[r][c]
            draw_mean_profiles(ax, sub, log=is_log, labels=labels)
            ax.set_title(f"{occ} — {'log' if is_log else 'linear'} scale", fontsize=10)
            ax.set_xlabel(f"Time after start of infusion ({time_unit})")
            ax.set_ylabel(f"Concentration ({display_unit(unit)}), mean ± SD")
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
) -> Figure:
    """Individual concentration-time lines (the first ``max_subjects`` subjects of each group),
    one column per occasion and one row per scale, coloured by group; BLQ samples left out."""
    _require(data, "subject_id", occasion, time, conc, *((group,) if group else ()))
    occasions = list(pd.unique(data[occasion]))
    fig, axes, scales = _panels(occasions, log)
    if group:
        first = data.drop_duplicates("subject_id").groupby(group)["subject_id"].head(max_subjects)
    else:
        first = pd.Series(pd.unique(data["subject_id"])[:max_subjects])
    data = data[data["subject_id"].isin(set(first))]
    groups = _groups(data, group)
    for c, occ in enumerate(occasions):
        sub = data[data[occasion] == occ]
        for r, is_log in enumerate(scales):
            ax = axes[r][c]
            draw_individual_profiles(
                ax, sub, group=group, time=time, conc=conc, log=is_log, groups=groups
            )
            scale = "log" if is_log else "linear"
            ax.set_title(f"{occ} — individual profiles, {scale} scale", fontsize=10)
            ax.set_xlabel(f"Time after start of infusion ({time_unit})")
            ax.set_ylabel(f"Concentration ({display_unit(unit)})")
            ax.grid(alpha=0.3)
    if group:
        add_group_legend(axes[0][0], groups)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def add_group_legend(
    ax: Axes,
    groups: Sequence[Any],
    labels: dict[Any, str] | None = None,
    colours: Sequence[str] = COLOURS,
) -> None:
    """A legend with one coloured line per group (for the individual-profile panels)."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=colours[i % len(colours)], label=(labels or {}).get(g, str(g)))
        for i, g in enumerate(groups)
    ]
    ax.legend(handles=handles, fontsize=7, frameon=False)


def save_figure(fig: Figure, path: str | os.PathLike[str], dpi: int = 130) -> None:
    """Write ``fig`` to ``path`` (format from the suffix) atomically."""
    suffix = os.path.splitext(str(path))[1].lstrip(".") or "png"
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=suffix)
