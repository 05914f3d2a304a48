"""Figures 3 and 4: Kaplan–Meier PFS and OS with pointwise 95% CI, censoring marks, the
median with its CI, and numbers at risk under the plot (Chari et al. 2021, Figures 3-4)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.report._methods import KMCurve
from earlyphase.report.figures._base import FigureResult, finish, new_figure, style_axes
from earlyphase.report.tables._common import OVERALL
from earlyphase.report.tables.time_to_event import REQUIRES, km_by_group

__all__ = ["REQUIRES", "km_figure", "km_frame"]

_TITLES = {
    "PFS": (
        "figure3_km_pfs",
        "Figure 3. Kaplan–Meier analysis of PFS",
        "Progression-free survival",
    ),
    "OS": ("figure4_km_os", "Figure 4. Kaplan–Meier analysis of OS", "Overall survival"),
}


def km_frame(km: KMCurve) -> pd.DataFrame:
    """Tidy step table of a curve (time, n_risk, n_event, survival, lower, upper)."""
    return pd.DataFrame(
        {
            "time": km.time,
            "n_risk": km.n_risk,
            "n_event": km.n_event,
            "survival": km.survival,
            "lower": km.lower,
            "upper": km.upper,
        }
    )


def _fmt(value: float) -> str:
    return "NE" if not math.isfinite(value) else f"{value:.1f}"


def km_figure(adam: Mapping[str, pd.DataFrame], paramcd: str = "PFS") -> FigureResult:
    """Kaplan–Meier plot of ``paramcd`` for all treated patients."""
    curves = km_by_group(adam, paramcd)
    km = curves[OVERALL]
    figure_id, title, ylabel = _TITLES.get(
        paramcd, (f"km_{paramcd.lower()}", f"Kaplan–Meier analysis of {paramcd}", paramcd)
    )
    fig = new_figure(7.0, 4.8)
    ax = fig.add_axes((0.1, 0.3, 0.85, 0.66))
    t = np.concatenate([[0.0], km.time])
    s = np.concatenate([[1.0], km.survival])
    lo = np.concatenate([[1.0], np.where(np.isnan(km.lower), 0, km.lower)])
    hi = np.concatenate([[1.0], np.where(np.isnan(km.upper), 1, km.upper)])
    ax.step(t, s, where="post", color="#08519c", lw=1.6, label="Isatuximab + carfilzomib")
    ax.fill_between(t, lo, hi, step="post", color="#6baed6", alpha=0.25, lw=0, label="95% CI")
    cens = km.censor_times
    idx = np.searchsorted(km.time, cens, side="right") - 1
    ax.plot(
        cens,
        np.where(idx >= 0, km.survival[np.maximum(idx, 0)], 1.0),
        "|",
        color="#08519c",
        ms=7,
        mew=1.2,
        label="Censored",
    )
    if math.isfinite(km.median):
        ax.plot([0, km.median, km.median], [0.5, 0.5, 0], ls=":", color="grey", lw=1)
    head = f"Median {_fmt(km.median)} months" if math.isfinite(km.median) else "Median not reached"
    text = (
        f"{head}\n(95% CI, {_fmt(km.median_lower)}–{_fmt(km.median_upper)})"
        f"\n{km.events} events / {km.n} patients"
    )
    ax.text(
        0.98,
        0.97,
        text,
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=8,
        bbox={"boxstyle": "round", "fc": "white", "ec": "#bbbbbb"},
    )
    tmax = float(km.raw_time.max())
    step = 6.0 if tmax <= 72 else 12.0
    ticks = np.arange(0, tmax + step, step)
    ax.set_xlim(0, ticks[-1])
    ax.set_ylim(0, 1.03)
    ax.set_xticks(ticks)
    ax.set_ylabel(f"{ylabel} probability", fontsize=9)
    ax.set_xlabel("Months since first dose", fontsize=9)
    ax.legend(loc="lower left", fontsize=7, frameon=False)
    style_axes(ax)
    risk = fig.add_axes((0.1, 0.07, 0.85, 0.08), sharex=ax)
    at_risk = km.at_risk(ticks)
    for tick, n in zip(ticks, at_risk, strict=True):
        risk.text(tick, 0.5, str(n), ha="center", va="center", fontsize=8)
    risk.set_title("Number at risk", fontsize=8, loc="left")
    risk.axis("off")
    data = km_frame(km)
    data.insert(0, "paramcd", paramcd)
    risk_rows = pd.DataFrame({"paramcd": paramcd, "time": ticks, "n_risk_display": at_risk})
    data = pd.concat([data, risk_rows], ignore_index=True)
    caption = (
        f"Kaplan–Meier analysis of {ylabel.lower()} for all treated patients, with 95% "
        "pointwise CI (log-log) and the median (Brookmeyer–Crowley 95% CI)."
    )
    return finish(figure_id, title, caption, data, fig)
