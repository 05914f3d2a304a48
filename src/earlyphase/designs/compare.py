"""Several designs on the same scenarios: one tidy table and a selection plot."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.designs.operating_characteristics import OperatingCharacteristics
from earlyphase.designs.three_plus_three import ThreePlusThree

__all__ = ["compare_designs", "plot_selection", "side_by_side"]


def compare_designs(
    designs: Sequence[Any],
    scenarios: Mapping[str, Sequence[float]] | Sequence[Sequence[float]],
    n_trials: int = 2000,
    seed: int = 0,
    exact_three_plus_three: bool = True,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Operating characteristics of each design under each scenario, side by side.

    All simulated designs use the same seed, hence the same simulated patients (common random
    numbers).  3+3 designs use exact results unless ``exact_three_plus_three=False``.

    Returns
    -------
    pandas.DataFrame
        One row per (scenario, design, dose); dose 0 is "no MTD".  Columns ``scenario``,
        ``design``, ``dose``, ``true_dlt``, ``p_select``, ``mean_n``, ``mean_dlt``,
        ``expected_n_total``, ``p_stop_early``, ``pct_treated_above_mtd``, ``exact``.
    """
    items = (
        scenarios.items()
        if isinstance(scenarios, Mapping)
        else ((f"scenario {i + 1}", s) for i, s in enumerate(scenarios))
    )
    frames = []
    finished = 0
    for label, truth in items:
        for design in designs:
            oc: OperatingCharacteristics
            if exact_three_plus_three and isinstance(design, ThreePlusThree):
                oc = design.exact_oc(truth)
            else:
                offset = finished
                report = None if progress is None else (lambda done, o=offset: progress(o + done))
                oc = design.simulate(truth, n_trials=n_trials, seed=seed, progress=report)
            finished += n_trials
            if progress is not None:
                progress(finished)
            f = oc.to_frame()[["design", "dose", "true_dlt", "p_select", "mean_n", "mean_dlt"]]
            f.insert(0, "scenario", label)
            f["expected_n_total"] = oc.expected_n_total
            f["p_stop_early"] = oc.p_stop_early
            f["pct_treated_above_mtd"] = oc.pct_treated_above_mtd
            f["exact"] = oc.exact
            frames.append(f)
    return pd.concat(frames, ignore_index=True)


def side_by_side(frame: pd.DataFrame) -> pd.DataFrame:
    """Wide view: selection % per dose with one column per design (rows: scenario, dose)."""
    wide = (
        frame.pivot_table(
            index=["scenario", "dose"], columns="design", values="p_select", sort=False
        )
        * 100
    )
    wide.columns.name = None
    return wide.reset_index()


def plot_selection(frame: pd.DataFrame, path: str) -> None:
    """Grouped bar chart of selection % per dose, one panel per scenario, saved as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from earlyphase._files import atomic_path

    scenarios = list(dict.fromkeys(frame["scenario"]))
    designs = list(dict.fromkeys(frame["design"]))
    fig, axes = plt.subplots(
        1, len(scenarios), figsize=(4.2 * len(scenarios) + 1, 3.6), squeeze=False, sharey=True
    )
    width = 0.8 / len(designs)
    colors = [plt.get_cmap("tab10")(i) for i in range(10)]
    for ax, sc in zip(axes[0], scenarios, strict=True):
        sub = frame[frame["scenario"] == sc]
        doses = sorted(sub["dose"].unique())
        x = np.arange(len(doses))
        for i, name in enumerate(designs):
            vals = sub[sub["design"] == name].set_index("dose").reindex(doses)["p_select"] * 100
            ax.bar(
                x + (i - (len(designs) - 1) / 2) * width,
                vals,
                width,
                label=name,
                color=colors[i % 10],
            )
        truth = sub.drop_duplicates("dose").set_index("dose").reindex(doses)["true_dlt"]
        ax.set_xticks(x, ["none" if d == 0 else f"{d}\n({truth[d]:.2f})" for d in doses])
        ax.set_title(str(sc), fontsize=10)
        ax.set_xlabel("selected dose (true DLT rate)")
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0][0].set_ylabel("% of trials selecting the dose")
    axes[0][-1].legend(frameon=False, fontsize=8, loc="upper right")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=130)
    plt.close(fig)
