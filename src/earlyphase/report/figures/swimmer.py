"""Swimmer plot: treatment duration per patient coloured by dose level, with first response,
progression and death marked and the best overall response at the end of each bar."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.errors import DataError, describe_problem
from earlyphase.report.figures._base import (
    DOSE_COLOURS,
    FigureResult,
    finish,
    new_figure,
    style_axes,
)
from earlyphase.report.tables._common import require

__all__ = ["REQUIRES", "swimmer_data", "swimmer_figure"]

#: the swimmer plot shows treatment duration with response and progression: it needs ADRS
REQUIRES = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN", "TRTSDT", "TRTEDT"),
    "ADRS": ("USUBJID", "PARAMCD", "AVALC"),
}


def swimmer_data(adam: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per patient: duration_months, first_response_months, pfs_event_months, bor."""
    require(adam, REQUIRES)
    adsl = adam["ADSL"].copy()
    days = (pd.to_datetime(adsl["TRTEDT"]) - pd.to_datetime(adsl["TRTSDT"])).dt.days + 1
    out = pd.DataFrame(
        {
            "usubjid": adsl["USUBJID"].to_numpy(),
            "group": adsl["TRT01AN"].to_numpy(),
            "group_label": adsl["TRT01A"].to_numpy(),
            "duration_months": (days / terms.DAYS_PER_MONTH).to_numpy(),
            "ongoing": (adsl["EOSSTT"].astype("string").str.upper() == "ONGOING")
            .fillna(False)
            .to_numpy(bool)
            if "EOSSTT" in adsl.columns
            else np.zeros(len(adsl), bool),
        }
    )
    adtte = adam.get("ADTTE")
    for code, col in (
        ("TTR", "first_response_months"),
        ("PFS", "pfs_event_months"),
        ("OS", "death_months"),
    ):
        if adtte is None or "PARAMCD" not in adtte.columns:
            out[col] = np.nan
            continue
        ev = adtte[(adtte["PARAMCD"] == code) & (adtte["CNSR"] == 0)].set_index("USUBJID")["AVAL"]
        out[col] = out["usubjid"].map(ev).astype(float)
    adrs = adam.get("ADRS")
    if adrs is not None and {"PARAMCD", "AVALC"} <= set(adrs.columns):
        bor = (
            adrs[adrs["PARAMCD"] == "BOR"].drop_duplicates("USUBJID").set_index("USUBJID")["AVALC"]
        )
        out["bor"] = out["usubjid"].map(bor).fillna("NE")
    else:
        out["bor"] = ""
    return out.sort_values("duration_months").reset_index(drop=True)


def swimmer_figure(adam: Mapping[str, pd.DataFrame]) -> FigureResult:
    data = swimmer_data(adam)
    data = data[data["group"].notna() & data["duration_months"].notna()].reset_index(drop=True)
    if data.empty:
        raise DataError(
            describe_problem("ADSL", "no treated patient in an arm", "treatment durations to draw")
        )
    n = len(data)
    fig = new_figure(7.0, max(4.0, 0.16 * n + 1.2))
    ax = fig.add_subplot(1, 1, 1)
    y = np.arange(n)
    levels = list(dict.fromkeys(data.sort_values("group")["group"]))
    labels = data.drop_duplicates("group").set_index("group")["group_label"]
    for li, level in enumerate(levels):
        mask = (data["group"] == level).to_numpy()
        ax.barh(
            y[mask],
            data.loc[mask, "duration_months"],
            0.7,
            color=DOSE_COLOURS[li % len(DOSE_COLOURS)],
            label=str(labels[level]),
        )
    ax.plot(
        data["first_response_months"], y, "v", color="black", ms=4, label="First response (≥PR)"
    )
    ax.plot(data["pfs_event_months"], y, "x", color="#b2182b", ms=4, label="Progression or death")
    end = data["duration_months"].to_numpy()
    ongoing = data["ongoing"].to_numpy(dtype=bool)
    ax.plot(
        end[ongoing] + 0.6, y[ongoing], ">", color="#444444", ms=4, label="On treatment at cut-off"
    )
    for yi, (e, bor) in enumerate(zip(end, data["bor"], strict=True)):
        ax.text(e + 1.4, yi, str(bor), va="center", fontsize=6)
    ax.set_yticks([])
    ax.set_ylabel("Patients", fontsize=9)
    ax.set_xlabel("Months on treatment", fontsize=9)
    ax.set_ylim(-1, n)
    ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3)
    style_axes(ax)
    return finish(
        "figure_swimmer",
        "Treatment duration and response by patient",
        "Swimmer plot: bar = time on treatment, coloured by dose level; best overall response at "
        "the end of each bar.",
        data,
        fig,
    )
