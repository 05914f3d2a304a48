"""PK figures of the report: mean (± SD) and individual concentration–time profiles by dose
level and visit, for every analyte of ADPC.

The analytes, their names and units come from the data (ADPC ``PARAMCD``; name from
``PARAM``, else ``PCTEST``, else the code; unit from ``AVALU``), never from a drug table.
Drawing is :mod:`earlyphase.pk.plots` (one implementation with ``earlyphase pk plot``):
arithmetic mean ± SD on a linear and a semi-log panel, the lower bar clipped (omitted) on the
log panel where mean − SD ≤ 0; samples below the LLOQ (``AVAL`` missing or ``BLQFL`` = Y) are
left out of means and individual lines.  Times are ADPC ``NRRLT`` (nominal time since the
start of the visit's reference dose); samples are grouped by their nominal time point
(``PCTPT`` when present) and placed at its median ``NRRLT``.  Individual lines use the actual
time ``ARRLT`` when present.  Only visits with at least ``min_timepoints`` time points (the
intensive PK visits, not pre-dose troughs) are drawn.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from earlyphase.errors import DataError, describe_problem
from earlyphase.pk.nca.units import display_unit
from earlyphase.pk.plots import (
    add_group_legend,
    draw_individual_profiles,
    draw_mean_profiles,
    profile_summary,
)
from earlyphase.report.figures._base import (
    DOSE_COLOURS,
    FigureResult,
    finish,
    new_figure,
    style_axes,
)
from earlyphase.report.tables._common import groups, require
from earlyphase.report.tables._pk import analytes

__all__ = [
    "REQUIRES",
    "analytes",
    "concentration_data",
    "concentration_figure",
    "individual_profiles_data",
    "spaghetti_figure",
]

REQUIRES = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN"),
    "ADPC": ("USUBJID", "PARAMCD", "AVAL", "NRRLT", "VISIT"),
}
_TIME_LABEL = "Time since start of dose (h)"


def _samples(adam: Mapping[str, pd.DataFrame], min_timepoints: int) -> pd.DataFrame:
    """ADPC samples of the intensive visits with group, analyte, time point, times and value
    (BLQ -> NaN), restricted to subjects in a dose level."""
    require(adam, REQUIRES)
    adpc = adam["ADPC"]
    value = pd.to_numeric(adpc["AVAL"], errors="coerce")
    if "BLQFL" in adpc.columns:
        value = value.mask(adpc["BLQFL"].astype("string").str.upper().eq("Y").fillna(False))
    nominal = pd.to_numeric(adpc["NRRLT"], errors="coerce")
    actual = pd.to_numeric(adpc["ARRLT"], errors="coerce") if "ARRLT" in adpc else nominal
    tp = adpc["PCTPT"].astype("string") if "PCTPT" in adpc.columns else nominal.astype("string")
    frame = pd.DataFrame(
        {
            "subject_id": adpc["USUBJID"].astype(str),
            "analyte": adpc["PARAMCD"].astype(str),
            "visit": adpc["VISIT"].astype(str),
            "timepoint": tp.fillna("").astype(str),
            "nominal_h": nominal,
            "actual_h": actual.fillna(nominal),
            "conc": value,
        }
    )
    parts = []
    for g in groups(adam["ADSL"], overall=False):
        part = frame[frame["subject_id"].isin(g.subjects)]
        parts.append(part.assign(group=g.key, group_label=g.label))
    if not parts:
        return frame.assign(group="", group_label="").iloc[0:0]
    frame = pd.concat(parts, ignore_index=True)
    n_points = frame.groupby(["analyte", "visit"])["timepoint"].transform("nunique")
    return frame[n_points >= min_timepoints].reset_index(drop=True)


def concentration_data(
    adam: Mapping[str, pd.DataFrame], paramcd: str | None = None, min_timepoints: int = 3
) -> pd.DataFrame:
    """Tidy mean-profile data: analyte, analyte_name, unit, visit, group, group_label,
    timepoint, nominal_h, n, mean, sd, lower, upper, lower_log.

    :func:`earlyphase.pk.plots.profile_summary` per analyte (all analytes, or the one
    ``PARAMCD``); ``lower_log`` is the lower bar end of the semi-log panel (> 0 always).
    """
    samples = _samples(adam, min_timepoints)
    frames = []
    for code, name, unit in analytes(adam["ADPC"]):
        if paramcd is not None and code != paramcd:
            continue
        sub = samples[samples["analyte"] == code]
        if sub.empty:
            continue
        summary = profile_summary(
            sub, group="group", occasion="visit", time="nominal_h", timepoint="timepoint"
        ).rename(columns={"occasion": "visit", "time": "nominal_h"})
        labels = dict(zip(sub["group"], sub["group_label"], strict=False))
        summary.insert(0, "unit", unit)
        summary.insert(0, "analyte_name", name)
        summary.insert(0, "analyte", code)
        summary.insert(5, "group_label", summary["group"].map(labels))
        frames.append(summary)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def individual_profiles_data(
    adam: Mapping[str, pd.DataFrame], min_timepoints: int = 3
) -> pd.DataFrame:
    """The samples the individual-profile figure draws: measurable (BLQ left out) samples of
    the intensive visits, with analyte, visit, group, subject and actual time (``ARRLT``)."""
    samples = _samples(adam, min_timepoints)
    return samples[samples["conc"].notna()].reset_index(drop=True)


def _analyte_panels(
    data: pd.DataFrame, adpc: pd.DataFrame
) -> list[tuple[str, str, str, list[str]]]:
    """(code, name, unit, visits) of each analyte with data."""
    out = []
    for code, name, unit in analytes(adpc):
        visits = list(dict.fromkeys(data.loc[data["analyte"] == code, "visit"]))
        if visits:
            out.append((code, name, unit, visits))
    return out


def _no_profile(min_timepoints: int) -> None:
    """Raise the :class:`DataError` that lists the figure as not produced."""
    raise DataError(
        describe_problem(
            "ADPC", "no visit with a concentration profile", f"{min_timepoints}+ time points"
        )
    )


def _label_visit(visit: str) -> str:
    return visit.title().replace(" Day", ", day")


def concentration_figure(adam: Mapping[str, pd.DataFrame]) -> FigureResult:
    """Mean ± SD by dose level: one row per analyte, one linear and one semi-log panel per
    intensive PK visit."""
    data = concentration_data(adam)
    panels = _analyte_panels(data, adam["ADPC"]) if not data.empty else []
    if not panels:
        _no_profile(min_timepoints=3)
    n_cols = max(2 * len(p[3]) for p in panels)
    order = [g.key for g in groups(adam["ADSL"], overall=False)]
    fig = new_figure(min(2.4 * n_cols, 10.0), 2.5 * len(panels) + 0.3)
    axes = fig.subplots(len(panels), n_cols, squeeze=False)
    for r, (code, name, unit, visits) in enumerate(panels):
        sub = data[data["analyte"] == code]
        labels = dict(zip(sub["group"], sub["group_label"], strict=False))
        for v, visit in enumerate(visits):
            for s, log in enumerate((False, True)):
                ax = axes[r][2 * v + s]
                draw_mean_profiles(
                    ax,
                    sub[sub["visit"] == visit],
                    log=log,
                    colours=DOSE_COLOURS,
                    labels=labels,
                    time="nominal_h",
                    groups=order,
                )
                scale = "semi-log" if log else "linear"
                ax.set_title(f"{name}: {_label_visit(visit)} ({scale})", fontsize=8)
                ax.set_xlabel(_TIME_LABEL, fontsize=7)
                style_axes(ax)
        shown = display_unit(unit)
        axes[r][0].set_ylabel(f"{name} ({shown}), mean ± SD" if shown else name, fontsize=7)
        for c in range(2 * len(visits), n_cols):
            axes[r][c].set_visible(False)
    if axes[0][0].get_legend_handles_labels()[0]:
        axes[0][0].legend(fontsize=6, frameon=False)
    fig.tight_layout()
    names = ", ".join(p[1] for p in panels)
    return finish(
        "figure_pk_mean",
        "Mean concentration–time profiles by dose level",
        f"Arithmetic mean (± SD) concentrations of {names} by dose level at the intensive PK "
        "visits, linear and semi-logarithmic scales, against nominal time since the start of "
        "the dose. Samples below the limit of quantification are excluded from the means. "
        "On the semi-log panels a lower bar at or below zero (mean − SD ≤ 0) is clipped: "
        "only the upper bar is drawn.",
        data,
        fig,
    )


def spaghetti_figure(adam: Mapping[str, pd.DataFrame]) -> FigureResult:
    """Individual profiles, semi-log, one panel per analyte and visit, coloured by dose
    level."""
    data = individual_profiles_data(adam)
    panels = _analyte_panels(data, adam["ADPC"]) if not data.empty else []
    if not panels:
        _no_profile(min_timepoints=3)
    n_cols = max(len(p[3]) for p in panels)
    fig = new_figure(min(3.4 * n_cols, 10.0), 2.6 * len(panels) + 0.3)
    axes = fig.subplots(len(panels), n_cols, squeeze=False)
    keys = [g.key for g in groups(adam["ADSL"], overall=False)]
    labels = dict(zip(data["group"], data["group_label"], strict=False))
    present = [k for k in keys if k in labels]
    for r, (code, name, unit, visits) in enumerate(panels):
        sub = data[data["analyte"] == code]
        for v, visit in enumerate(visits):
            ax = axes[r][v]
            draw_individual_profiles(
                ax,
                sub[sub["visit"] == visit],
                group="group",
                time="actual_h",
                log=True,
                colours=DOSE_COLOURS,
                groups=present,
            )
            ax.set_title(f"{name}: {_label_visit(visit)}", fontsize=8)
            ax.set_xlabel(_TIME_LABEL, fontsize=7)
            style_axes(ax)
        shown = display_unit(unit)
        axes[r][0].set_ylabel(f"{name} ({shown})" if shown else name, fontsize=7)
        for c in range(len(visits), n_cols):
            axes[r][c].set_visible(False)
    add_group_legend(axes[0][0], present, labels, DOSE_COLOURS)
    fig.tight_layout()
    names = ", ".join(p[1] for p in panels)
    return finish(
        "figure_pk_individual",
        "Individual concentration–time profiles by dose level",
        f"Individual {names} concentrations (semi-logarithmic scale) at the intensive PK "
        "visits against actual time since the start of the dose, one line per patient, "
        "coloured by dose level. Samples below the limit of quantification are left out "
        "(lines join the measurable samples).",
        data,
        fig,
    )
