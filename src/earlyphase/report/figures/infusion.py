"""Figure 1: infusion reactions in cycle 1 by drug, grade and infusion day
(Chari et al. 2021, Figure 1).  Patients are counted once per drug and infusion day at their
worst grade."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, describe_problem
from earlyphase.report.figures._base import FigureResult, finish, new_figure, style_axes
from earlyphase.report.tables._common import require, yes

__all__ = ["REQUIRES", "infusion_reactions_data", "infusion_reactions_figure"]

REQUIRES = {"ADAE": ("USUBJID", "IRFL", "IRDRUG", "IRDAY", "ATOXGRN")}
_GRADE_COLOURS = {1: "#fdd49e", 2: "#fc8d59", 3: "#d7301f", 4: "#7f0000"}
_DRUG_LABEL = {"ISATUXIMAB": "Isa", "CARFILZOMIB": "K"}


def _day_number(irday: str) -> int:
    digits = "".join(ch for ch in irday.split("D")[-1] if ch.isdigit())
    return int(digits) if digits else 0


def infusion_reactions_data(adam: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Tidy: drug, infusion_day, grade, n_patients (cycle 1, worst grade per patient)."""
    require(adam, REQUIRES)
    adae = adam["ADAE"]
    ir = adae[yes(adae["IRFL"])].copy()
    ir["IRDAY"] = ir["IRDAY"].astype("string").str.upper().fillna("")
    ir = ir[ir["IRDAY"].str.startswith("C1D")]
    ir["grade"] = pd.to_numeric(ir["ATOXGRN"], errors="coerce").astype("Int64")
    worst = ir.groupby(["IRDRUG", "IRDAY", "USUBJID"], as_index=False)["grade"].max()
    out = worst.groupby(["IRDRUG", "IRDAY", "grade"], as_index=False)["USUBJID"].nunique()
    out.columns = ["drug", "infusion_day", "grade", "n_patients"]
    out["day_number"] = out["infusion_day"].map(_day_number)
    return out.sort_values(["day_number", "drug", "grade"]).reset_index(drop=True)


def infusion_reactions_figure(adam: Mapping[str, pd.DataFrame]) -> FigureResult:
    """Grouped (drug) and stacked (grade) bars of patients with infusion reactions by day."""
    from matplotlib.ticker import MaxNLocator  # lazy: only when a figure is drawn

    data = infusion_reactions_data(adam)
    if data.empty:
        raise DataError(
            describe_problem(
                "ADAE.IRFL", "no infusion reaction on a cycle 1 day", "infusion reactions to draw"
            )
        )
    n_total = adam["ADSL"]["USUBJID"].nunique() if "ADSL" in adam else np.nan
    n_ir = adam["ADAE"].loc[yes(adam["ADAE"]["IRFL"]), "USUBJID"].nunique()
    days = list(dict.fromkeys(data["infusion_day"]))
    drugs = [d for d in ("ISATUXIMAB", "CARFILZOMIB") if d in set(data["drug"])]
    drugs += [d for d in dict.fromkeys(data["drug"]) if d not in drugs]
    fig = new_figure(7.0, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    width = 0.8 / max(len(drugs), 1)
    grades = sorted(int(g) for g in data["grade"].dropna().unique())
    seen: set[int] = set()
    for di, drug in enumerate(drugs):
        x = np.arange(len(days)) + (di - (len(drugs) - 1) / 2) * width
        bottom = np.zeros(len(days))
        for grade in grades:
            sub = data[(data["drug"] == drug) & (data["grade"] == grade)].set_index("infusion_day")
            counts = sub["n_patients"].reindex(days).fillna(0).to_numpy(dtype=float)
            ax.bar(
                x,
                counts,
                width * 0.92,
                bottom=bottom,
                color=_GRADE_COLOURS.get(grade, "grey"),
                edgecolor="white",
                linewidth=0.5,
                label=None if grade in seen else f"Gr {grade}",
            )
            seen.add(grade)
            bottom += counts
        for xi, total in zip(x, bottom, strict=True):
            if total > 0:
                ax.text(
                    xi,
                    total + 0.2,
                    f"{_DRUG_LABEL.get(drug, drug.title())}\n{int(total)}",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                )
    ax.set_xticks(
        np.arange(len(days)),
        [d.replace("C1", "Cycle 1, ").replace("D", "D") for d in days],
        fontsize=8,
    )
    ax.set_ylabel("Patients with an infusion reaction (n)", fontsize=9)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    top = (
        max(float(data.groupby(["drug", "infusion_day"])["n_patients"].sum().max()), 1.0)
        if not data.empty
        else 1.0
    )
    ax.set_ylim(0, top * 1.3)
    ax.legend(title="Grade", fontsize=7, title_fontsize=8, frameon=False, loc="upper right")
    style_axes(ax)
    caption = (
        f"Infusion reactions in cycle 1 by drug, grade and infusion day: {n_ir} of {n_total} "
        "patients. Patients counted once per drug and day at their worst grade. "
        "Isa, isatuximab; K, carfilzomib; Gr, grade."
    )
    return finish(
        "figure1_infusion_reactions",
        "Figure 1. Infusion reactions in cycle 1 by drug, grade and infusion day",
        caption,
        data,
        fig,
    )
