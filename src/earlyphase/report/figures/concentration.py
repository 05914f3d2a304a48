"""Mean (± SD) concentration–time profiles by dose level and visit for isatuximab and
carfilzomib (ADPC, nominal time since the start of the infusion ``NRRLT``)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.report.figures._base import (
    DOSE_COLOURS,
    FigureResult,
    finish,
    new_figure,
    style_axes,
)
from earlyphase.report.tables._common import groups, require

__all__ = ["REQUIRES", "concentration_data", "concentration_figure"]

REQUIRES = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN"),
    "ADPC": ("USUBJID", "PARAMCD", "AVAL", "NRRLT", "VISIT"),
}
_ANALYTES = {"ISATUXIM": ("Isatuximab", "μg/mL", "h"), "CARFILZO": ("Carfilzomib", "ng/mL", "h")}


def concentration_data(
    adam: Mapping[str, pd.DataFrame], paramcd: str, min_timepoints: int = 3
) -> pd.DataFrame:
    """Tidy: group, visit, timepoint, nominal_h, n, mean, sd.

    Samples are grouped by their nominal time point (``PCTPT`` when present, else ``NRRLT``)
    and placed at the median ``NRRLT`` of the group: relative to the start of the infusion the
    "end of infusion" time differs between patients.  BLQ samples (``AVAL`` missing) are left
    out of the means.  Only visits with at least ``min_timepoints`` time points (the intensive
    PK visits, not the pre-dose troughs) are kept.
    """
    require(adam, REQUIRES)
    adsl = adam["ADSL"]
    adpc = adam["ADPC"]
    sub = adpc[adpc["PARAMCD"].astype("string").str.upper().fillna("").str.startswith(paramcd[:6])]
    sub = sub.assign(
        _tp=sub["PCTPT"].astype("string").fillna("")
        if "PCTPT" in sub.columns
        else sub["NRRLT"].astype(str),
        _t=pd.to_numeric(sub["NRRLT"], errors="coerce"),
        _v=pd.to_numeric(sub["AVAL"], errors="coerce"),
    )
    n_points = sub.groupby("VISIT")["_tp"].nunique()
    sub = sub[sub["VISIT"].isin(n_points[n_points >= min_timepoints].index)]
    rows = []
    for g in groups(adsl, overall=False):
        part = sub[sub["USUBJID"].isin(g.subjects)]
        for (visit, tp), cell in part.groupby(["VISIT", "_tp"], sort=False):
            v = cell["_v"].dropna().to_numpy()
            rows.append(
                (
                    g.key,
                    g.label,
                    str(visit),
                    str(tp),
                    float(cell["_t"].median()),
                    int(v.size),
                    float(v.mean()) if v.size else np.nan,
                    float(v.std(ddof=1)) if v.size > 1 else np.nan,
                )
            )
    out = pd.DataFrame(
        rows, columns=["group", "group_label", "visit", "timepoint", "nominal_h", "n", "mean", "sd"]
    )
    return out.sort_values(["visit", "group", "nominal_h"], kind="stable").reset_index(drop=True)


def concentration_figure(
    adam: Mapping[str, pd.DataFrame], paramcd: str = "ISATUXIM"
) -> FigureResult:
    """One panel per visit, one line per dose level, mean ± SD."""
    data = concentration_data(adam, paramcd)
    name, unit, _ = _ANALYTES.get(paramcd, (paramcd.title(), "", "h"))
    visits = list(dict.fromkeys(data["visit"]))
    fig = new_figure(7.0, 3.6)
    axes = fig.subplots(1, max(len(visits), 1), sharey=True, squeeze=False)[0]
    for ax, visit in zip(axes, visits, strict=False):
        for ci, key in enumerate(dict.fromkeys(data["group"])):
            d = data[(data["group"] == key) & (data["visit"] == visit)].sort_values("nominal_h")
            d = d[d["n"] > 0]
            if d.empty:
                continue
            ax.errorbar(
                d["nominal_h"],
                d["mean"],
                yerr=d["sd"].fillna(0),
                marker="o",
                ms=3,
                lw=1.2,
                capsize=2,
                color=DOSE_COLOURS[ci % len(DOSE_COLOURS)],
                label=str(d["group_label"].iloc[0]),
            )
        ax.set_title(visit.title(), fontsize=9)
        ax.set_xlabel("Time since start of infusion (h)", fontsize=8)
        style_axes(ax)
    axes[0].set_ylabel(f"{name} concentration ({unit})", fontsize=8)
    if axes[0].get_legend_handles_labels()[0]:
        axes[0].legend(fontsize=7, frameon=False)
    return finish(
        f"figure_pk_{name.lower()}",
        f"Mean {name.lower()} concentration–time profiles",
        f"Mean (SD) {name.lower()} plasma concentrations by dose level at the intensive PK "
        "visits; samples below the limit of quantification excluded.",
        data,
        fig,
    )
