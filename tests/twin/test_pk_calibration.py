"""Constructive calibration helpers (earlyphase.twin.pk_calibration)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlyphase.pk import NCAOptions, nca
from earlyphase.stats.rounding import round_half_away
from earlyphase.twin.pk_calibration import (
    Contrast,
    Profile,
    Quantity,
    lin_log_auc,
    solve_log_values,
    summary_stats,
    tmax_plan,
)


def test_tmax_plan_prints_the_published_median_and_range():
    # Table 3, C3D1 10 mg/kg QW/Q2W: 5.34 (2.07-48.00) h, n = 16; whole minutes
    slots = tmax_plan(16, 5.34, 2.07, 48.00, 320)
    hours = np.array([s.minutes for s in slots]) / 60
    assert round_half_away(np.median(hours), 2) == 5.34
    assert round_half_away(hours.min(), 2) == 2.07 and hours.max() == 48.0
    assert slots[0].sample == "mid" and slots[0].infusion_minutes == 2 * slots[0].minutes
    assert slots[-1].sample == "48"
    # 20 mg/kg C1D1 8.83 (5.58-11.12): the maximum is 3 h after the end of an 8.1 h infusion
    slots = tmax_plan(6, 8.83, 5.58, 11.12, 530)
    assert slots[-1].sample == "end+3" and slots[-1].infusion_minutes == 667 - 180


def test_solver_meets_printed_statistics_closest_to_the_start():
    # Table 3 C1D1 10 mg/kg Q2W Cmax: 155 ± 32.1 (153) [21], n = 3
    u0 = np.log([106.0, 162.0, 97.0])
    q = Quantity("cmax", np.eye(3), {"mean": 155, "sd": 32.1, "gmean": 153, "cv": 21})
    u = solve_log_values(u0, [q], [Contrast(row, 0.3) for row in np.eye(3)])
    stats = summary_stats(np.exp(u))
    assert round_half_away(stats["mean"], 0) == 155
    assert round_half_away(stats["sd"], 1) == 32.1
    assert round_half_away(stats["gmean"], 0) == 153
    assert round_half_away(stats["cv"], 0) == 21
    # the order of the patients is kept (closest to the start)
    assert np.argsort(u).tolist() == np.argsort(u0).tolist()


def test_lin_log_auc_is_the_nca_partial_auc():
    t = np.array([0.0, 2.5, 5.0, 8.0, 24.0, 48.0, 168.0, 336.0])
    c = np.array([0.0, 90.0, 150.0, 140.0, 120.0, 125.0, 70.0, 40.0])
    conc = pd.DataFrame({"subject_id": "A", "time": t, "conc": c})
    doses = pd.DataFrame(
        {"subject_id": ["A"], "time": [0.0], "amount": [750.0], "duration": [5.0]}
    ).assign(route="iv-infusion")
    res = nca(conc, doses, NCAOptions(partial_aucs=((0, 168), (0, 336))))
    value = res.parameters.set_index("parameter")["value"]
    assert lin_log_auc(t, c, 168.0) == pytest.approx(value["AUCINT_0-168"], rel=1e-12)
    assert lin_log_auc(t, c, 336.0) == pytest.approx(value["AUCINT_0-336"], rel=1e-12)


def test_profile_realizes_cmax_tmax_and_both_aucs():
    t = np.array([0.0, 2.5, 5.0, 8.0, 24.0, 48.0, 168.0, 336.0])
    c = np.array([0.0, 80.0, 140.0, 150.0, 110.0, 100.0, 60.0, 40.0])
    prof = Profile(t, c, peak=2, fixed=(0,), two_weeks=True, decline=0.6)
    out = prof.realize(160.0, 15000.0, 24000.0)
    assert out.argmax() == 2 and out[2] == 160.0
    assert (np.delete(out, 2) < 160.0).all()
    assert lin_log_auc(t, out, 168.0) == pytest.approx(15000.0, rel=1e-9)
    assert lin_log_auc(t, out, 336.0) == pytest.approx(24000.0, rel=1e-9)
    assert out[7] / out[6] == pytest.approx(0.6)


def test_profile_meets_the_aucs_when_the_predose_sample_is_above_the_cap():
    """A cycle 3 pre-dose sample (not rescaled) above 0.99 x Cmax is capped before the
    first-week factor is found, so the AUCs still meet their targets (reconstruction seed 5,
    DL3 cycle 3: 122,537 instead of 122,846 before the fix)."""
    t = np.array([0.0, 3.867, 7.75, 10.75, 24.0, 48.0, 168.0, 336.0])
    c = np.array([1033.12, 1275.59, 731.23, 1203.5, 1679.76, 826.73, 783.2, 1344.31])
    prof = Profile(t, c, peak=2, two_weeks=True, decline=0.9517)
    out = prof.realize(877.41, 122845.83, 223349.55)
    assert out.argmax() == 2 and (np.delete(out, 2) <= 0.99 * 877.41 + 1e-9).all()
    assert lin_log_auc(t, out, 168.0) == pytest.approx(122845.83, rel=1e-9)
    assert lin_log_auc(t, out, 336.0) == pytest.approx(223349.55, rel=1e-9)
