"""NCA on concentration curves with exact answers (closed-form pharmacokinetics)."""

import numpy as np
import pandas as pd
import pytest

from earlyphase.pk import NCAOptions, accumulation_ratios, nca


def _one(times, conc, route="iv-bolus", amount=100.0, duration=np.nan, tau=None, **cols):
    c = pd.DataFrame({"subject_id": "S1", "time": times, "conc": conc, **cols})
    d = {
        "subject_id": ["S1"],
        "time": [0.0],
        "amount": [amount],
        "route": [route],
        "duration": [duration],
    }
    if tau is not None:
        d["tau"] = [tau]
    return c, pd.DataFrame(d)


def test_bolus_mono_exponential_is_exact_under_log_down():
    # C = (D/V) exp(-k t), D = 100 mg, V = 10 L, k = 0.2 /h: AUCinf = D/(V k) = 50, MRT = 1/k
    t = np.array([0.5, 1, 2, 4, 6, 8, 12, 16, 24])
    c = 10.0 * np.exp(-0.2 * t)
    res = nca(*_one(t, c), NCAOptions(conc_unit="mg/L", amount_unit="mg")).value
    assert res("LAMZ").iloc[0] == pytest.approx(0.2, rel=1e-12)
    assert res("C0").iloc[0] == pytest.approx(10.0, rel=1e-12)
    assert res("AUCIFO").iloc[0] == pytest.approx(50.0, rel=1e-12)
    assert res("AUMCIFO").iloc[0] == pytest.approx(10.0 / 0.2**2, rel=1e-12)
    assert res("MRTIVIFO").iloc[0] == pytest.approx(5.0, rel=1e-12)
    assert res("CLO").iloc[0] == pytest.approx(2.0, rel=1e-12)
    assert res("VZO").iloc[0] == pytest.approx(10.0, rel=1e-12)
    assert res("VSSO").iloc[0] == pytest.approx(10.0, rel=1e-12)
    assert res("R2ADJ").iloc[0] == pytest.approx(1.0, abs=1e-12)
    assert res("LAMZNPT").iloc[0] == 9  # all points, Cmax included for a bolus
    assert res("AUCPEO").iloc[0] == pytest.approx(100 * np.exp(-0.2 * 24), rel=1e-9)


def test_infusion_one_compartment_analytic():
    # constant-rate infusion, 1 compartment: CL = 2 L/h, V = 10 L, D = 100 mg over 2 h
    cl, v, dose, tinf = 2.0, 10.0, 100.0, 2.0
    k, rate = cl / v, dose / tinf
    t = np.concatenate(
        [np.linspace(0, tinf, 201), tinf + np.array([0.25, 0.5, 1, 2, 4, 8, 12, 24])]
    )
    c = np.where(
        t <= tinf,
        rate / cl * (1 - np.exp(-k * t)),
        rate / cl * (1 - np.exp(-k * tinf)) * np.exp(-k * (t - tinf)),
    )
    res = nca(
        *_one(t, c, route="iv-infusion", amount=dose, duration=tinf),
        NCAOptions(conc_unit="mg/L", amount_unit="mg"),
    ).value
    assert res("LAMZ").iloc[0] == pytest.approx(k, rel=1e-10)
    assert res("TMAX").iloc[0] == pytest.approx(tinf)
    # log-down is exact on the tail; linear trapezoids on the dense rising part (0.01 h)
    assert res("AUCIFO").iloc[0] == pytest.approx(dose / cl, rel=1e-6)
    assert res("CLO").iloc[0] == pytest.approx(cl, rel=1e-6)
    # MRT of a constant infusion = AUMC/AUC - Tinf/2 = 1/k (Model 202)
    assert res("MRTIVIFO").iloc[0] == pytest.approx(1 / k, rel=1e-5)
    assert res("VSSO").iloc[0] == pytest.approx(v, rel=1e-5)


def test_auctau_interpolates_between_samples_like_pknca():
    # PKNCA 0.12.1 worked example (docs: shared/domain/pk.md sec. 1.5), lin up/log down,
    # interval [0, 24], no sample at 24: aucint.last = 85.98087, auclast(to 22 h) = 83.14217
    t = [0, 1, 2, 4, 8, 12, 22, 26, 30]
    c = [0, 10, 8, 6, 4, 3, 1.5, 1.2, 1.0]
    res = nca(*_one(t, c, route="extravascular", tau=24.0)).value
    assert res("AUCTAU").iloc[0] == pytest.approx(85.98087, abs=5e-6)
    assert res("AUCLST").iloc[0] == pytest.approx(83.14217, abs=5e-6)  # tlast in [0, tau] = 22 h
    assert res("CTAU").iloc[0] == pytest.approx(1.341641, abs=5e-7)


def test_auctau_extrapolates_with_predicted_clast():
    # samples stop at 22 h < tau = 24 h: WinNonlin extrapolates C(24) = Clast_pred exp(-lz 2)
    t = [0, 1, 2, 4, 8, 12, 22]
    c = [0, 10, 8, 6, 4, 3, 1.5]
    result = nca(*_one(t, c, route="extravascular", tau=24.0))
    v = result.value
    lz, tl = v("LAMZ").iloc[0], 22.0
    c24 = v("CLSTP").iloc[0] * np.exp(-lz * 2.0)
    seg = 2.0 * (1.5 - c24) / np.log(1.5 / c24)  # log trapezoid from observed Clast
    assert v("AUCTAU").iloc[0] == pytest.approx(v("AUCLST").iloc[0] + seg, rel=1e-12)
    assert v("CTAU").iloc[0] == pytest.approx(c24, rel=1e-12)
    assert tl == v("TLST").iloc[0]
    # PKNCA aucint.inf.obs uses the observed Clast instead: 85.94187 (pk.md sec. 1.5); the
    # WinNonlin rule differs by only the Clast_obs / Clast_pred gap
    assert v("AUCTAU").iloc[0] == pytest.approx(85.94187, rel=2e-3)


def test_partial_auc_matches_segment_sum():
    t = np.array([0, 1, 2, 4, 8, 12, 24.0])
    c = np.array([0, 8, 10, 7, 4, 2, 0.5])
    res = nca(
        *_one(t, c, route="extravascular"),
        NCAOptions(auc_method="linear", partial_aucs=((0, 4), (1, 3))),
    )
    v = res.value
    assert v("AUCINT_0-4").iloc[0] == pytest.approx(4 + 9 + 17)
    # [1, 3]: 9 (1-2) + linear part 2-3: (10 + 8.5)/2
    assert v("AUCINT_1-3").iloc[0] == pytest.approx(9 + 9.25)


def test_steady_state_time_zero_uses_interval_minimum_and_accumulation():
    # second dose at 168 h with no pre-dose sample: WinNonlin inserts the minimum of [0, tau]
    t1 = np.array([0, 2, 24, 72, 168.0])
    c1 = np.array([0, 100, 80, 50, 20.0])
    t2 = 168 + np.array([2, 24, 72, 168.0])
    c2 = np.array([130, 100, 70, 40.0])
    conc = pd.DataFrame(
        {
            "subject_id": "A",
            "time": np.r_[t1, t2],
            "conc": np.r_[c1, c2],
            "interval": ["D1"] * 5 + ["D8"] * 4,
        }
    )
    doses = pd.DataFrame(
        {
            "subject_id": "A",
            "time": [0.0, 168.0],
            "amount": 700.0,
            "route": "iv-infusion",
            "duration": 1.0,
            "tau": 168.0,
            "interval": ["D1", "D8"],
        }
    )
    res = nca(conc, doses, NCAOptions(auc_method="linear", partial_aucs=((0, 168),)))
    wide = res.to_wide().set_index("interval")
    expected_d8 = (2 * (40 + 130) + 22 * 230 + 48 * 170 + 96 * 110) / 2
    assert wide.loc["D8", "AUCTAU"] == pytest.approx(expected_d8)
    rac = accumulation_ratios(res, "D1", "D8").set_index("parameter")["value"]
    expected_d1 = (2 * 100 + 22 * 180 + 48 * 130 + 96 * 70) / 2
    assert rac["RACCMAX"] == pytest.approx(1.3)
    assert rac["RACAUC"] == pytest.approx(expected_d8 / expected_d1)
