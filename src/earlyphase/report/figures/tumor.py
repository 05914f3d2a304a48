"""Solid-tumour response figures (RECIST 1.1): waterfall, spider and swimmer plots.

* **Waterfall**: one bar per patient with target disease, the best (lowest) post-baseline
  percent change of the sum of diameters (ADTR ``SDIAM`` ``PCHG``, complete sums only),
  sorted, coloured by best overall response (ADRS ``BOR``), with the -30% (PR) and +20% (PD)
  lines of RECIST 1.1 (Eisenhauer et al. 2009, §4.3.1).
* **Spider**: percent change of the sum from baseline over time, one line per patient,
  coloured by dose level.
* **Swimmer**: time on treatment per patient, coloured by dose level, with every RECIST
  assessment marked by its overall response (ADRS ``OVR``) and the best response at the end.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.report.figures._base import (
    DOSE_COLOURS,
    FigureResult,
    finish,
    new_figure,
    style_axes,
)
from earlyphase.report.tables._common import require

__all__ = [
    "adam_from_recist",
    "SPIDER_REQUIRES",
    "SWIMMER_REQUIRES",
    "WATERFALL_REQUIRES",
    "recist_swimmer_data",
    "recist_swimmer_figure",
    "spider_data",
    "spider_figure",
    "waterfall_data",
    "waterfall_figure",
]

WATERFALL_REQUIRES = {
    "ADTR": ("USUBJID", "PARAMCD", "PCHG", "ABLFL", "ANL01FL"),
    "ADRS": ("USUBJID", "PARAMCD", "AVALC"),
}
SPIDER_REQUIRES = {
    "ADTR": ("USUBJID", "PARAMCD", "PCHG", "ADY", "ANL01FL"),
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN"),
}
SWIMMER_REQUIRES = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN", "TRTSDT", "TRTEDT"),
    "ADTR": ("USUBJID",),
    "ADRS": ("USUBJID", "PARAMCD", "AVALC", "ADT", "PARCAT1"),
}
#: RECIST response colours (deeper response = darker blue; PD red; NE grey).
RECIST_COLOURS = {
    "CR": "#08306b",
    "PR": "#4292c6",
    "SD": "#a1d99b",
    "NON-CR/NON-PD": "#74c476",
    "PD": "#cb181d",
    "NE": "#969696",
}


def _sums(adam: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    adtr = adam["ADTR"]
    return adtr[(adtr["PARAMCD"] == "SDIAM") & (adtr["ANL01FL"] == "Y") & (adtr["ABLFL"] != "Y")]


def _bor(adam: Mapping[str, pd.DataFrame]) -> pd.Series:
    adrs = adam["ADRS"]
    return adrs[adrs["PARAMCD"] == "BOR"].drop_duplicates("USUBJID").set_index("USUBJID")["AVALC"]


def waterfall_data(adam: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per patient with a post-baseline sum: usubjid, best_pct_change, bor."""
    require(adam, WATERFALL_REQUIRES)
    best = _sums(adam).groupby("USUBJID")["PCHG"].min()
    out = pd.DataFrame({"usubjid": best.index, "best_pct_change": best.to_numpy()})
    out["bor"] = out["usubjid"].map(_bor(adam)).fillna("NE")
    return out.sort_values("best_pct_change", ascending=False, kind="stable").reset_index(drop=True)


def _legend(ax, present: list[str]) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.patches import Patch

    handles = [Patch(color=RECIST_COLOURS[c], label=c) for c in RECIST_COLOURS if c in present]
    ax.legend(handles=handles, fontsize=7, frameon=False, title="Best response", title_fontsize=7)


def waterfall_figure(adam: Mapping[str, pd.DataFrame]) -> FigureResult:
    """Waterfall plot of the best percent change of the target-lesion sum."""
    data = waterfall_data(adam)
    fig = new_figure(7.0, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    x = np.arange(len(data))
    colours = [RECIST_COLOURS.get(b, "#969696") for b in data["bor"]]
    ax.bar(x, data["best_pct_change"], 0.8, color=colours)
    for level, label in ((-30, "PR: -30%"), (20, "PD: +20%")):
        ax.axhline(level, color="#444444", lw=0.7, ls="--")
        ax.text(-0.5, level + 1.5, label, fontsize=7, ha="left", color="#444444")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xticks([])
    ax.set_xlabel(f"Patients with target disease (n = {len(data)})", fontsize=9)
    ax.set_ylabel("Best change in sum of diameters (%)", fontsize=9)
    _legend(ax, list(data["bor"]))
    style_axes(ax)
    return finish(
        "figure_waterfall",
        "Best percent change in target lesions",
        "Waterfall plot: best post-baseline percent change of the sum of target-lesion diameters "
        "(RECIST 1.1), one bar per patient, coloured by best overall response; dashed lines at "
        "-30% (partial response) and +20% (progression threshold).",
        data,
        fig,
    )


def spider_data(adam: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per patient and assessment: usubjid, weeks, pct_change, group, group_label."""
    require(adam, SPIDER_REQUIRES)
    adtr = adam["ADTR"]
    sums = adtr[(adtr["PARAMCD"] == "SDIAM") & (adtr["ANL01FL"] == "Y")]
    adsl = adam["ADSL"].set_index("USUBJID")
    out = pd.DataFrame(
        {
            "usubjid": sums["USUBJID"].to_numpy(),
            "weeks": np.maximum(sums["ADY"].to_numpy(dtype=float) - 1, 0) / 7.0,
            "pct_change": sums["PCHG"].to_numpy(dtype=float),
        }
    )
    out["group"] = out["usubjid"].map(adsl["TRT01AN"])
    out["group_label"] = out["usubjid"].map(adsl["TRT01A"])
    return out.sort_values(["group", "usubjid", "weeks"], kind="stable").reset_index(drop=True)


def spider_figure(adam: Mapping[str, pd.DataFrame]) -> FigureResult:
    """Spider plot of the percent change of the target-lesion sum over time."""
    data = spider_data(adam)
    fig = new_figure(7.0, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    levels = list(dict.fromkeys(data["group"]))
    labels = data.drop_duplicates("group").set_index("group")["group_label"]
    for li, level in enumerate(levels):
        colour = DOSE_COLOURS[li % len(DOSE_COLOURS)]
        for i, (_, one) in enumerate(data[data["group"] == level].groupby("usubjid", sort=False)):
            ax.plot(
                one["weeks"],
                one["pct_change"],
                "-o",
                color=colour,
                lw=0.8,
                ms=2,
                label=str(labels[level]) if i == 0 else None,
            )
    for level in (-30, 20):
        ax.axhline(level, color="#444444", lw=0.7, ls="--")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel("Weeks since first dose", fontsize=9)
    ax.set_ylabel("Change in sum of diameters (%)", fontsize=9)
    ax.legend(fontsize=7, frameon=False)
    style_axes(ax)
    return finish(
        "figure_spider",
        "Percent change in target lesions over time",
        "Spider plot: percent change from baseline of the sum of target-lesion diameters "
        "(RECIST 1.1) at each assessment, one line per patient, coloured by dose level; dashed "
        "lines at -30% and +20%.",
        data,
        fig,
    )


def recist_swimmer_data(adam: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bars (usubjid, group, group_label, months, bor) and marks (usubjid, months, response)."""
    require(adam, SWIMMER_REQUIRES)
    adsl = adam["ADSL"]
    start = pd.to_datetime(adsl.set_index("USUBJID")["TRTSDT"])
    days = (pd.to_datetime(adsl["TRTEDT"]) - pd.to_datetime(adsl["TRTSDT"])).dt.days + 1
    bars = pd.DataFrame(
        {
            "usubjid": adsl["USUBJID"].to_numpy(),
            "group": adsl["TRT01AN"].to_numpy(),
            "group_label": adsl["TRT01A"].to_numpy(),
            "months": (days / terms.DAYS_PER_MONTH).to_numpy(),
        }
    )
    bars["bor"] = bars["usubjid"].map(_bor(adam)).fillna("NE")
    adrs = adam["ADRS"]
    ovr = adrs[(adrs["PARAMCD"] == "OVR") & adrs["PARCAT1"].astype(str).str.startswith("RECIST")]
    elapsed = (pd.to_datetime(ovr["ADT"]) - ovr["USUBJID"].map(start)).dt.days
    marks = pd.DataFrame(
        {
            "usubjid": ovr["USUBJID"].to_numpy(),
            "months": (elapsed / terms.DAYS_PER_MONTH).to_numpy(),
            "response": ovr["AVALC"].to_numpy(),
        }
    )
    return bars.sort_values("months").reset_index(drop=True), marks


def recist_swimmer_figure(adam: Mapping[str, pd.DataFrame]) -> FigureResult:
    """Swimmer plot with every RECIST assessment marked by its overall response."""
    bars, marks = recist_swimmer_data(adam)
    n = len(bars)
    fig = new_figure(7.0, max(4.0, 0.16 * n + 1.4))
    ax = fig.add_subplot(1, 1, 1)
    row = pd.Series(np.arange(n), index=bars["usubjid"])
    levels = list(dict.fromkeys(bars.sort_values("group")["group"]))
    labels = bars.drop_duplicates("group").set_index("group")["group_label"]
    for li, level in enumerate(levels):
        mask = (bars["group"] == level).to_numpy()
        ax.barh(
            row.to_numpy()[mask],
            bars.loc[mask, "months"],
            0.7,
            alpha=0.35,
            color=DOSE_COLOURS[li % len(DOSE_COLOURS)],
            label=str(labels[level]),
        )
    for response, colour in RECIST_COLOURS.items():
        m = marks[marks["response"] == response]
        if len(m):
            ax.plot(m["months"], m["usubjid"].map(row), "o", color=colour, ms=3.5, label=response)
    for yi, (end, bor) in enumerate(zip(bars["months"], bars["bor"], strict=True)):
        ax.text(end + 0.3, yi, str(bor), va="center", fontsize=6)
    ax.set_yticks([])
    ax.set_ylim(-1, n)
    ax.set_ylabel("Patients", fontsize=9)
    ax.set_xlabel("Months on treatment", fontsize=9)
    ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=5)
    style_axes(ax)
    data = marks.merge(bars, on="usubjid", how="right", suffixes=("", "_on_treatment"))
    return finish(
        "figure_swimmer_recist",
        "Time on treatment and RECIST responses by patient",
        "Swimmer plot: bar = time on treatment, coloured by dose level; dots = RECIST 1.1 "
        "overall response at each assessment; best overall response at the end of each bar.",
        data,
        fig,
    )


def adam_from_recist(result, groups: Mapping[object, str] | None = None) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    """Minimal ADSL/ADTR/ADRS for these figures from a ``RECISTResult`` alone.

    Study day 1 is placed on 2000-01-01 (only differences of dates are drawn); time on
    treatment runs to the last assessment; ``groups`` maps subject -> group label (default
    one group, "All patients").
    """
    bv, best = result.by_visit, result.best
    day1 = pd.Timestamp("2000-01-01")

    def date(days: pd.Series) -> pd.Series:
        d = days.to_numpy(dtype=float)
        offset = pd.to_timedelta(np.where(d >= 1, d - 1, d), unit="D")
        return pd.Series(day1 + offset, index=days.index)

    label = (
        best["subject_id"].map(dict(groups) if groups is not None else {}).fillna("All patients")
    )
    codes = {g: i + 1 for i, g in enumerate(dict.fromkeys(label))}
    last = bv.groupby("subject_id")["day"].max()
    adsl = pd.DataFrame(
        {
            "USUBJID": best["subject_id"],
            "TRT01A": label,
            "TRT01AN": label.map(codes),
            "TRTSDT": day1,
            "TRTEDT": date(best["subject_id"].map(last)),
        }
    )
    with_t = bv[bv["subject_id"].isin(best.loc[best["has_target_disease"], "subject_id"])]
    base = with_t.groupby("subject_id")["sld_mm"].transform("first")
    adtr = pd.DataFrame(
        {
            "USUBJID": with_t["subject_id"],
            "PARAMCD": "SDIAM",
            "PCHG": 100 * (with_t["sld_mm"] - base) / base,
            "ABLFL": np.where(with_t["baseline"], "Y", ""),
            "ANL01FL": np.where(with_t["sld_mm"].notna(), "Y", ""),
            "ADY": with_t["day"],
        }
    )
    post = bv[~bv["baseline"]]
    adrs = pd.concat(
        [
            pd.DataFrame(
                {
                    "USUBJID": post["subject_id"],
                    "PARAMCD": "OVR",
                    "AVALC": post["overall_response"].astype(str),
                    "ADT": date(post["day"]),
                }
            ),
            pd.DataFrame(
                {
                    "USUBJID": best["subject_id"],
                    "PARAMCD": "BOR",
                    "AVALC": best["best_response"].astype(str),
                    "ADT": date(best["best_response_day"]),
                }
            ),
        ],
        ignore_index=True,
    ).assign(PARCAT1="RECIST 1.1")
    return {"ADSL": adsl.reset_index(drop=True), "ADTR": adtr.reset_index(drop=True), "ADRS": adrs}
