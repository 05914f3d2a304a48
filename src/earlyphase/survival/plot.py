"""Kaplan–Meier figure in journal style: steps, censor ticks, CI band, median, risk table.

The figure follows what oncology journals print (e.g. Chari et al., Cancer 2021, Figs 3–4):
survival steps starting at 1, a tick for each censored subject, an optional pointwise CI
band, the median marked with dashed guides and stated with its CI in the legend, and the
numbers at risk at the x-axis tick times in a table under the plot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator, PercentFormatter  # noqa: E402
from matplotlib.transforms import offset_copy  # noqa: E402
from mpl_toolkits.axes_grid1 import make_axes_locatable  # noqa: E402

from earlyphase.errors import OptionsError, describe_problem  # noqa: E402
from earlyphase.survival.kaplan_meier import KMResult, as_mapping  # noqa: E402

__all__ = ["median_label", "plot_km"]

#: Colour-blind-safe palette (Okabe & Ito 2008).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def _fmt(value: float, digits: int, missing: str = "NE") -> str:
    return missing if not np.isfinite(value) else f"{value:.{digits}f}"


def median_label(km: KMResult, digits: int = 1, unit: str = "") -> str:
    """``"median 10.1 mo (95% CI 6.5–16.4)"``; NR = median not reached, NE = CI limit not
    estimable (the report's display convention)."""
    lo, hi = km.median_ci
    unit_txt = f" {unit}" if unit and np.isfinite(km.median) else ""
    return (
        f"median {_fmt(km.median, digits, 'NR')}{unit_txt} "
        f"({round(km.level * 100):d}% CI {_fmt(lo, digits)}–{_fmt(hi, digits)})"
    )


def _default_risk_times(results: Mapping[str, KMResult]) -> np.ndarray:
    t_max = max(km.last_time for km in results.values())
    locator = MaxNLocator(nbins=8, steps=[1, 2, 3, 4, 5, 6, 10])
    ticks = np.asarray(locator.tick_values(0, t_max), dtype=np.float64)
    return ticks[(ticks >= 0) & (ticks <= t_max * 1.0001)]


def plot_km(
    results: KMResult | Mapping[str, KMResult],
    ax: Axes | None = None,
    *,
    risk_times: Sequence[float] | np.ndarray | None = None,
    show_median: bool = True,
    show_ci: bool = True,
    show_censors: bool = True,
    risk_table: bool = True,
    xlabel: str = "Time (months)",
    ylabel: str = "Probability of survival",
    title: str | None = None,
    time_unit: str = "mo",
    digits: int = 1,
    colors: Sequence[str] | None = None,
    percent_axis: bool = True,
    label: str = "All patients",
    figsize: tuple[float, float] | None = None,
    annotation: str | None = None,
) -> tuple[Figure, Axes]:
    """Draw one or several Kaplan–Meier curves with a numbers-at-risk table underneath.

    Parameters
    ----------
    results : KMResult or mapping of label -> KMResult
        The curve(s) to draw (e.g. from :func:`~earlyphase.survival.estimate_by_group`).
    ax : matplotlib Axes, optional
        Axes to draw the curves into; the risk table is appended below it.  A new figure is
        created when omitted.
    risk_times : sequence of float, optional
        Times of the x ticks and of the numbers-at-risk columns (default: ~8 round ticks).
    show_median : bool
        Dashed guides at the median and "median (CI)" in the legend.
    show_ci, show_censors, risk_table : bool
        Pointwise CI band, censor tick marks, numbers-at-risk table.
    xlabel, ylabel, title : str
        Axis labels and optional title.
    time_unit : str
        Unit printed after the median in the legend.
    digits : int
        Decimals of the median and its CI in the legend.
    colors : sequence of str, optional
        One colour per curve (default: Okabe–Ito palette).
    percent_axis : bool
        Label the y axis 0–100 % rather than 0–1.
    label : str
        Legend label when a single :class:`KMResult` is given.
    figsize : (float, float), optional
        Size of a new figure in inches.
    annotation : str, optional
        Text printed in the plot's lower left corner, e.g. ``"Log-rank p = 0.042"``.

    With several curves the CI bands are drawn faint with dotted edges (so overlapping bands
    stay readable), the legend sits above the plot in columns instead of taking width beside
    it, and a "Censored" entry shows the censor mark.

    Returns
    -------
    (Figure, Axes)
        The figure and the axes holding the curves.
    """
    curves = as_mapping(results, label)
    if not curves:
        raise OptionsError(describe_problem("results", "no curves", "at least one KMResult"))
    palette = list(colors) if colors is not None else list(PALETTE)
    if len(palette) < len(curves):
        raise OptionsError(
            describe_problem("colors", len(palette), f"at least {len(curves)} colours")
        )
    ticks = np.asarray(
        risk_times if risk_times is not None else _default_risk_times(curves), dtype=float
    )
    if ax is None:
        height = 4.6 + (0.3 + 0.22 * len(curves) if risk_table else 0.0)
        fig, ax = plt.subplots(figsize=figsize or (7.0, height))
    else:
        fig = ax.figure  # type: ignore[assignment]
    x_max = max(
        float(ticks.max()) if ticks.size else 0.0, max(km.last_time for km in curves.values())
    )

    for (name, km), color in zip(curves.items(), palette, strict=False):
        x = np.concatenate(([0.0], km.time))
        y = np.concatenate(([1.0], km.survival))
        legend = f"{name} (n={km.n}, events={km.events})"
        if show_median:
            legend += f"\n{median_label(km, digits, time_unit)}"
        ax.step(x, y, where="post", color=color, lw=1.8, label=legend)
        if show_ci:
            lo = np.concatenate(([1.0], np.where(np.isnan(km.lower), km.survival, km.lower)))
            hi = np.concatenate(([1.0], np.where(np.isnan(km.upper), km.survival, km.upper)))
            alpha = 0.12 if len(curves) == 1 else 0.06
            ax.fill_between(x, lo, hi, step="post", color=color, alpha=alpha, lw=0)
            if len(curves) > 1:  # band edges keep overlapping bands apart
                for edge in (lo, hi):
                    ax.step(x, edge, where="post", color=color, lw=0.6, ls=":", alpha=0.8)
        if show_censors:
            cens = km.n_censor > 0
            ax.plot(
                km.time[cens], km.survival[cens], ls="none", marker="|", ms=8, mew=1.3, color=color
            )
        if show_median and np.isfinite(km.median):
            ax.plot([0, km.median], [0.5, 0.5], ls="--", lw=0.9, color="0.45")
            ax.plot([km.median, km.median], [0, 0.5], ls="--", lw=0.9, color=color)

    ax.set_xlim(0, x_max * 1.02)
    ax.set_ylim(0, 1.03)
    ax.set_xticks(ticks)
    ax.set_yticks(np.linspace(0, 1, 6))
    if percent_axis:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    handles, _labels = ax.get_legend_handles_labels()
    if show_censors:
        handles.append(
            Line2D([], [], ls="none", marker="|", ms=8, mew=1.3, color="0.3", label="Censored")
        )
    if len(curves) == 1:  # a single falling curve leaves the upper right corner free
        ax.legend(handles=handles, loc="upper right", frameon=False, fontsize=8.5)
    else:  # several curves: above the plot, in columns, so the plot keeps its width
        ax.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.01),
            ncol=min(len(handles), 3),
            frameon=False,
            fontsize=7.5,
        )
    if title:  # above the legend when the legend sits above the plot
        rows = 0 if len(curves) == 1 else -(-len(handles) // 3)
        ax.set_title(title, loc="left", fontweight="bold", pad=6 + 26 * rows)
    if annotation:
        ax.text(0.02, 0.03, annotation, transform=ax.transAxes, fontsize=8.5, va="bottom")

    if risk_table:
        _draw_risk_table(ax, curves, ticks, palette)
    return fig, ax


def _draw_risk_table(
    ax: Axes, curves: Mapping[str, KMResult], ticks: np.ndarray, palette: Sequence[str]
) -> Axes:
    divider = make_axes_locatable(ax)
    table_ax = divider.append_axes("bottom", size=0.22 * (len(curves) + 1), pad=0.55, sharex=ax)
    table_ax.set_ylim(len(curves) - 0.5, -1.0)
    # Row labels sit 18 points left of the axis so they never touch the t = 0 column.
    label_transform = offset_copy(
        table_ax.get_yaxis_transform(), fig=table_ax.figure, x=-18, units="points"
    )
    for row, ((name, km), color) in enumerate(zip(curves.items(), palette, strict=False)):
        for t, n in zip(ticks, np.atleast_1d(km.n_at_risk(ticks)), strict=True):
            table_ax.text(t, row, str(int(n)), ha="center", va="center", fontsize=8.5, color=color)
        table_ax.text(
            0.0,
            row,
            name,
            ha="right",
            va="center",
            fontsize=8.5,
            color=color,
            transform=label_transform,
        )
    table_ax.text(
        0.0,
        -1.0,
        "No. at risk",
        ha="right",
        va="center",
        fontsize=8.5,
        fontweight="bold",
        transform=label_transform,
    )
    table_ax.tick_params(axis="both", length=0, labelbottom=False, labelleft=False)
    for side in ("top", "right", "bottom", "left"):
        table_ax.spines[side].set_visible(False)
    return table_ax
