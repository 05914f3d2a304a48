"""Figure 2: response rates by dose level and overall (stacked sCR/CR, VGPR, PR, MR) with
ORR and CBR above each bar (Chari et al. 2021, Figure 2)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.report.figures._base import (
    RESPONSE_COLOURS,
    FigureResult,
    finish,
    new_figure,
    style_axes,
)
from earlyphase.report.tables._common import groups
from earlyphase.report.tables.efficacy import REQUIRES, best_response

__all__ = ["REQUIRES", "response_rates_data", "response_rates_figure"]

_BANDS = (("sCR/CR", ("sCR", "CR")), ("VGPR", ("VGPR",)), ("PR", ("PR",)), ("MR", ("MR",)))


def response_rates_data(adam: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Tidy: group, group_label, n_total, category, n, pct (0-100)."""
    data = best_response(adam)
    rows = []
    for g in groups(data):
        sub = data[data["USUBJID"].isin(g.subjects)]
        for band, cats in _BANDS:
            x = int(sub["BOR"].isin(cats).sum())
            rows.append((g.key, g.label, g.n, band, x, 100.0 * x / g.n))
    return pd.DataFrame(rows, columns=["group", "group_label", "n_total", "category", "n", "pct"])


def _short(label: str) -> str:
    """Arm label without the common drug names, wrapped: "Isa 10 mg/kg Q2W + K" -> "10 mg/kg\nQ2W"."""
    text = label.removeprefix("Isa ").removesuffix(" + K")
    return textwrap.fill(text, 10)


def response_rates_figure(adam: Mapping[str, pd.DataFrame]) -> FigureResult:
    """Stacked bars of response rates by dose level and overall."""
    data = response_rates_data(adam)
    keys = list(dict.fromkeys(data["group"]))
    fig = new_figure(7.0, 4.2)
    ax = fig.add_subplot(1, 1, 1)
    x = np.arange(len(keys))
    bottom = np.zeros(len(keys))
    for band, _ in _BANDS:
        pct = data[data["category"] == band].set_index("group").loc[keys, "pct"].to_numpy()
        ax.bar(
            x,
            pct,
            0.6,
            bottom=bottom,
            color=RESPONSE_COLOURS[band],
            label=band,
            edgecolor="white",
            linewidth=0.6,
        )
        for xi, (b, p) in enumerate(zip(bottom, pct, strict=True)):
            if p >= 6:
                colour = "white" if band in ("sCR/CR", "VGPR") else "black"
                ax.text(
                    xi, b + p / 2, f"{p:.0f}%", ha="center", va="center", fontsize=7, color=colour
                )
        bottom += pct
    for xi, key in enumerate(keys):
        sub = data[data["group"] == key].set_index("category")["pct"]
        orr = sub[["sCR/CR", "VGPR", "PR"]].sum()
        cbr = orr + sub["MR"]
        ax.text(
            xi, cbr + 2, f"ORR {orr:.0f}%\nCBR {cbr:.0f}%", ha="center", va="bottom", fontsize=8
        )
    labels = data.drop_duplicates("group").set_index("group").loc[keys]
    ticks = [
        f"{_short(lbl)}\n(n = {n})"
        for lbl, n in zip(labels["group_label"], labels["n_total"], strict=True)
    ]
    ax.set_xticks(x, ticks, fontsize=8)
    ax.set_ylim(0, 118)
    ax.set_ylabel("Patients (%)", fontsize=9)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=4, frameon=False, fontsize=8)
    style_axes(ax)
    return finish(
        "figure2_response_rates",
        "Figure 2. ORRs by dose level and overall",
        "Best overall response (IMWG with EBMT minimal response) by dose level and overall. "
        "ORR, overall response rate (≥PR); CBR, clinical benefit rate (≥MR).",
        data,
        fig,
    )
