"""Figures 3 and 4: Kaplan–Meier PFS and OS with pointwise 95% CI, censoring marks, the
median with its CI, and numbers at risk under the plot (Chari et al. 2021, Figures 3-4)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, describe_problem
from earlyphase.report._methods import KMCurve
from earlyphase.report.figures._base import FigureResult, finish, new_figure
from earlyphase.report.options import ReportOptions
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


def km_figure(
    adam: Mapping[str, pd.DataFrame], paramcd: str = "PFS", options: ReportOptions | None = None
) -> FigureResult:
    """Kaplan–Meier plot of ``paramcd`` for all treated patients (``earlyphase.survival.plot_km``)."""
    from earlyphase.survival import plot_km

    options = options or ReportOptions()
    curves = km_by_group(adam, paramcd, options.km_conf_type)
    if OVERALL not in curves:
        raise DataError(
            describe_problem("ADTTE.PARAMCD", paramcd, "records of this parameter (none present)")
        )
    km = curves[OVERALL]
    figure_id, title, ylabel = _TITLES.get(
        paramcd, (f"km_{paramcd.lower()}", f"Kaplan–Meier analysis of {paramcd}", paramcd)
    )
    fig = new_figure(7.0, 5.2)
    ax = fig.add_subplot(1, 1, 1)
    tmax = float(km.raw_time.max())
    step = 6.0 if tmax <= 72 else 12.0
    ticks = np.arange(0, tmax + step, step)
    plot_km(
        km.result,
        ax=ax,
        risk_times=ticks,
        xlabel="Months since first dose",
        ylabel=f"{ylabel} (%)",
        time_unit="months",
        label="Isa + K",
    )
    data = km_frame(km)
    data.insert(0, "paramcd", paramcd)
    risk_rows = pd.DataFrame(
        {"paramcd": paramcd, "time": ticks, "n_risk_display": km.at_risk(ticks)}
    )
    data = pd.concat([data, risk_rows], ignore_index=True)
    caption = (
        f"Kaplan–Meier analysis of {ylabel.lower()} for all treated patients, with the 95% "
        f"pointwise CI ({options.km_conf_type}), censoring marks and the median (Brookmeyer–Crowley 95% CI): "
        f"{_fmt(km.median)} months ({_fmt(km.median_lower)}–{_fmt(km.median_upper)}); "
        f"{km.events} events among {km.n} patients."
    )
    return finish(figure_id, title, caption, data, fig)
