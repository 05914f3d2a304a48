"""The trial page's escalation history plot (PNG bytes)."""

from __future__ import annotations

import io
from collections.abc import Sequence

__all__ = ["escalation_png"]


def escalation_png(cohorts: Sequence[tuple[int, str]], n_doses: int, title: str = "") -> bytes:
    """Dose of each patient in order of entry: open circles no DLT, red crosses DLT.

    Parameters
    ----------
    cohorts : sequence of (dose, outcomes)
        1-based dose level and ``T``/``N`` letters per cohort, in order.
    n_doses : int
        Dose levels of the design (the y axis).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 3.2))
    ax = fig.subplots()
    x = 0
    for i, (dose, letters) in enumerate(cohorts):
        start = x + 1
        for letter in letters:
            x += 1
            if letter == "T":
                ax.plot(x, dose, marker="X", color="#c0392b", markersize=10, linestyle="none")
            else:
                ax.plot(x, dose, marker="o", mfc="white", mec="#2c3e50", markersize=8)
        ax.plot([start - 0.4, x + 0.4], [dose - 0.25] * 2, color="#7f8c8d", linewidth=1)
        ax.text((start + x) / 2, dose - 0.45, f"C{i + 1}", ha="center", fontsize=7)
    ax.set_ylim(0.3, n_doses + 0.5)
    ax.set_yticks(range(1, n_doses + 1))
    ax.set_xlim(0, max(x, 3) + 1)
    ax.set_xlabel("patient (order of entry)")
    ax.set_ylabel("dose level")
    ax.set_title(title or "Escalation history (o no DLT, x DLT; C = cohort)", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()
