"""The KM figure: rendered to PNG, with censor ticks, median guides, legend and risk table."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from survival_refs import load_dataset  # noqa: E402

from earlyphase.errors import OptionsError  # noqa: E402
from earlyphase.survival import estimate_by_group, kaplan_meier, plot_km  # noqa: E402
from earlyphase.survival.plot import median_label  # noqa: E402


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_grouped_figure_has_risk_table_and_medians(tmp_path):
    data = load_dataset("pilot_trta")
    curves = estimate_by_group(data["time"], data["event"], data["group"])
    fig, ax = plot_km(curves, risk_times=[0, 30, 60, 90, 120, 150, 180], title="TTDE")
    out = tmp_path / "km.png"
    fig.savefig(out, dpi=80)
    assert out.stat().st_size > 10_000
    table_ax = [a for a in fig.axes if a is not ax][0]
    texts = _texts(table_ax)
    assert "No. at risk" in texts and "Placebo" in texts
    # numbers at risk printed = KMResult.n_at_risk at the tick times (0 -> 86 on placebo)
    expected = curves["Placebo"].n_at_risk([0, 30, 60, 90, 120, 150, 180])
    for n in expected:
        assert str(n) in texts
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("Placebo (n=86, events=29)" in t and "median NR" in t for t in legend)
    assert list(ax.get_xticks()) == [0, 30, 60, 90, 120, 150, 180]
    plt.close(fig)


def test_single_curve_on_given_axes_marks_median_and_censors():
    km = kaplan_meier([1, 2, 3, 4, 5, 6, 7, 8], [1, 0, 1, 1, 0, 1, 1, 0])
    fig, ax0 = plt.subplots()
    fig2, ax = plot_km(km, ax=ax0, label="Isa + K", show_ci=False)
    assert fig2 is fig and ax is ax0
    lines = ax.get_lines()
    censor = [ln for ln in lines if ln.get_marker() == "|"][0]
    np.testing.assert_array_equal(censor.get_xdata(), [2, 5, 8])
    dashed = [ln for ln in lines if ln.get_linestyle() == "--"]
    assert any(np.allclose(ln.get_xdata(), [km.median, km.median]) for ln in dashed)
    plt.close(fig)


def test_median_label_and_bad_options():
    km = kaplan_meier([54, 75, 77, 84, 87, 92, 103, 105, 112, 118], [1, 1, 1, 1, 1, 0, 0, 0, 0, 1])
    lo, hi = km.median_ci
    assert (
        median_label(km, 1, "mo")
        == f"median 102.5 mo (95% CI {lo:.1f}–{'NE' if np.isnan(hi) else f'{hi:.1f}'})"
    )
    with pytest.raises(OptionsError, match="colors"):
        plot_km({"a": km, "b": km}, colors=["red"])


def test_several_curves_have_censor_legend_annotation_and_faint_bands():
    import numpy as np

    from earlyphase.survival import kaplan_meier, plot_km

    rng = np.random.default_rng(3)
    curves = {
        g: kaplan_meier(rng.exponential(10, 40), rng.random(40) < 0.7) for g in ("A", "B", "C")
    }
    fig, ax = plot_km(curves, title="T", annotation="Log-rank p = 0.042")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[-1] == "Censored" and len(labels) == 4
    assert any(t.get_text() == "Log-rank p = 0.042" for t in ax.texts)
    bands = [c for c in ax.collections if c.get_alpha() is not None]
    assert bands and max(c.get_alpha() for c in bands) <= 0.06  # faint with 3 overlapping
    # the legend sits above the axes, not beside them
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent()
    assert box.y0 >= ax.get_window_extent().y1 - 1
