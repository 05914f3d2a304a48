"""Isatuximab / carfilzomib simulation: solver accuracy, published half-lives, accumulation."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import solve_ivp

from earlyphase.pk import NCAOptions, accumulation_ratios, nca
from earlyphase.pk.models import (
    IsatuximabModel,
    individual_parameters,
    terminal_half_life_days,
    two_compartment_infusion,
)
from earlyphase.pk.models.isatuximab import derivatives
from earlyphase.pk.regimen import Regimen, isak_phase1b_regimen
from earlyphase.pk.simulate import integrate_isatuximab, simulate_carfilzomib, simulate_isatuximab

C1, C3 = "CYCLE 1 DAY 1", "CYCLE 3 DAY 1"


def test_typical_half_lives_match_fau_2020():
    # Fau et al. 2020 (abstract): steady-state half-life 28 days (IgG MM), 57 days (non-IgG MM)
    p = individual_parameters(pd.DataFrame({"non_igg": [0, 1]}))
    igg, non_igg = terminal_half_life_days(p)
    assert abs(igg - 28) < 0.5 and abs(non_igg - 57) < 0.5


def _lsoda(params, regimen, amounts, i):
    p = {k: getattr(params, k)[i : i + 1] for k in params.__dataclass_fields__}
    one = dataclasses.replace(params, **p)
    starts, ends = regimen.dose_times_h, regimen.dose_times_h + regimen.durations_h

    def rhs(t, y):
        active = (starts <= t) & (t < ends)
        rate = np.array([(amounts[i, active] / regimen.durations_h[active]).sum()])
        dac, flow = derivatives(t, y[:1], y[1:], rate, one)
        return np.concatenate([dac, flow])

    breaks = np.unique(np.concatenate([[0], starts, ends, regimen.sample_times_h]))
    y = np.zeros(2)
    out = {}
    for a, b in zip(breaks[:-1], breaks[1:], strict=True):
        out[a] = y[0] / one.vc[0]
        y = solve_ivp(rhs, (a, b), y, method="LSODA", rtol=1e-11, atol=1e-12).y[:, -1]
    out[breaks[-1]] = y[0] / one.vc[0]
    return np.array([out[t] for t in regimen.sample_times_h])


def test_rk4_matches_lsoda_with_variability():
    """ETDRK4 (default steps: 2 h, 0.05 h during infusions) vs LSODA (rtol 1e-11) for random
    patients plus a stiff one (Vm/Km = 7.8 /h, large Q, falling to ~4 ng/mL): within 1e-4
    relative or 1e-5 mg/L (0.02 LLOQ) absolute."""
    regimen = isak_phase1b_regimen(2, n_cycles=2)
    rng = np.random.default_rng(3)
    cov = pd.DataFrame(
        {"weight_kg": [50.0, 75.0, 110.0, 60.0, 90.0, 70.0], "non_igg": [0, 1, 0, 1, 0, 1]}
    )
    params = individual_parameters(cov, rng=rng)
    stiff = {
        "cl_inf": 0.005159,
        "vc": 6.150792,
        "q": 0.250818,
        "vp": 5.533575,
        "vm": 1.27076,
        "km": 0.162283,
        "cl_m": 0.554984,
        "k_cl": 837.176649,
        "gamma": 39.577374,
    }
    params = dataclasses.replace(
        params, **{k: np.append(getattr(params, k), v) for k, v in stiff.items()}
    )
    weights = np.append(cov["weight_kg"].to_numpy(), 91.26)
    amounts = weights[:, None] * regimen.doses[None, :]
    rk4 = integrate_isatuximab(
        params, regimen.dose_times_h, amounts, regimen.durations_h, regimen.sample_times_h
    )
    for i in range(len(weights)):
        ref = _lsoda(params, regimen, amounts, i)
        np.testing.assert_allclose(rk4[i], ref, rtol=1e-4, atol=1e-5)
    assert (rk4 >= 0).all()


def test_rk4_linear_case_matches_closed_form():
    # Vm = 0 and CLm = 0 make the model a linear two-compartment model (closed form)
    model = dataclasses.replace(IsatuximabModel(), vm=0.0, cl_m=0.0)
    p = individual_parameters(pd.DataFrame({"weight_kg": [60.0, 90.0]}), model)
    regimen = isak_phase1b_regimen(3, n_cycles=3)
    amounts = np.array([[60.0], [90.0]]) * regimen.doses[None, :]
    rk4 = integrate_isatuximab(
        p, regimen.dose_times_h, amounts, regimen.durations_h, regimen.sample_times_h
    )
    exact = two_compartment_infusion(
        regimen.sample_times_h,
        regimen.dose_times_h,
        amounts,
        regimen.durations_h,
        p.cl_inf,
        p.vc,
        p.q,
        p.vp,
    )
    pos = exact > 0
    np.testing.assert_allclose(rk4[pos], exact[pos], rtol=1e-7)


def test_same_seed_same_result_whatever_the_chunking():
    regimen = isak_phase1b_regimen(2, n_cycles=1)
    a = simulate_isatuximab(regimen, n=13, seed=11, chunk_size=5)
    b = simulate_isatuximab(regimen, n=13, seed=11, chunk_size=1000)
    pd.testing.assert_frame_equal(a.conc, b.conc)


def test_accumulation_ratios_agree_with_the_paper():
    """Monte Carlo: 400 virtual DL2 patients; mean Rac vs Table 3 of the phase 1b paper
    (DL2: Rac Cmax 2.13 ± 0.639, n = 16; accumulation "about 2 to 3.4")."""
    sim = simulate_isatuximab(isak_phase1b_regimen(2, n_cycles=3), n=400, seed=2024)
    conc = sim.conc[sim.conc["interval"].isin([C1, C3])]
    weeks = NCAOptions(partial_aucs=((0, 168),))
    rac = accumulation_ratios(nca(conc, sim.doses, weeks), C1, C3)
    for code in ("RACCMAX", "RACAUC"):
        v = rac.loc[rac.parameter == code, "value"].dropna()
        assert len(v) >= 390
        mcse = v.std() / np.sqrt(len(v))
        assert 2.0 - 3 * mcse <= v.mean() <= 3.4 + 3 * mcse, code
    v = rac.loc[rac.parameter == "RACCMAX", "value"]
    assert abs(v.mean() - 2.13) < 3 * np.hypot(0.639 / np.sqrt(16), v.std() / np.sqrt(len(v)))


def test_blq_flags_follow_the_lloq():
    regimen = isak_phase1b_regimen(1, n_cycles=1)
    sim = simulate_isatuximab(regimen, n=5, seed=1)
    c = sim.conc
    assert (c.loc[c.blq, "conc"].isna()).all()
    assert (c.loc[~c.blq, "conc"] >= regimen.lloq_mg_l).all()
    assert c.loc[c.timepoint == "Pre-dose"].query("time == 0")["blq"].all()


def test_carfilzomib_half_life_under_one_hour():
    t = np.array([0, 10 / 60, 0.25, 0.5, 1, 1.5, 2, 3, 4, 6])
    regimen = Regimen(
        np.array([0.0]),
        np.array([27.0]),
        np.array([10 / 60]),
        ("CYCLE 1 DAY 1",),
        "mg/m2",
        t,
        tuple(f"{x:g} h" for x in t),
        ("CYCLE 1 DAY 1",) * len(t),
        0.25e-3,
    )
    sim = simulate_carfilzomib(regimen, n=3, variability=False)
    w = nca(
        sim.conc[["subject_id", "time", "conc", "blq", "lloq"]], sim.doses.drop(columns="tau")
    ).to_wide()
    assert np.allclose(w["LAMZHL"], 0.66, rtol=1e-3)  # beta half-life of the model = 0.66 h
    assert (w["TMAX"] == 10 / 60).all()


def test_regimen_from_the_protocol_object():
    from earlyphase.pk.regimen import regimen_from_protocol
    from earlyphase.protocol import load_protocol

    r = regimen_from_protocol(load_protocol("isak-phase1b"), "DL2", "isatuximab", n_cycles=3)
    # DL2: 10 mg/kg on C1 days 1, 8, 15, 22, then days 1 and 15 (protocol YAML)
    assert list(r.dose_times_h) == [0, 168, 336, 504, 672, 1008, 1344, 1680]
    assert r.dose_unit == "mg/kg" and set(r.doses) == {10.0}
    # infusions 310 then 320 min at 10 mg/kg (protocol YAML: Table 3's median tmax)
    assert np.allclose(r.durations_h[:3] * 60, [310, 320, 320])
    c1 = r.sample_times_h[np.array(r.sample_occasions) == "CYCLE 1 DAY 1"]
    # pre, mid, end, end + 3 h, then 24, 48 h after the start; 168 h = pre-dose of day 8
    d = 310 / 60
    assert np.allclose(c1, [0, d / 2, d, d + 3, 24, 48, 168])
    r3 = regimen_from_protocol(load_protocol("isak-phase1b"), "DL3", "isatuximab", n_cycles=1)
    assert np.allclose(r3.durations_h[:2] * 60, [530, 465])  # DL3 override
    assert r.lloq_mg_l == pytest.approx(0.5e-3)  # 0.500 ng/mL
    k = regimen_from_protocol("isak-phase1b", 1, "carfilzomib", n_cycles=1)
    assert k.dose_unit == "mg/m2" and list(k.doses[:3]) == [20, 20, 27]


def test_integration_stops_at_the_last_sample(monkeypatch):
    """Doses after the last sampling time change nothing and cost no integration steps."""
    import earlyphase.pk.simulate as simulate

    regimen = isak_phase1b_regimen(2, n_cycles=2)
    params = individual_parameters(pd.DataFrame({"weight_kg": [60.0, 90.0]}))
    amounts = np.array([[600.0], [900.0]]) * np.ones((1, len(regimen.dose_times_h)))
    last = regimen.sample_times_h.max()
    steps = []
    real = simulate._EtdCoefficients

    def counted(lam, h):
        steps[-1] += 1
        return real(lam, h)

    monkeypatch.setattr(simulate, "_EtdCoefficients", counted)
    out = []
    for later in (0, 20):  # 20 more weekly doses after the last sample
        times = np.append(regimen.dose_times_h, last + 24 + 168 * np.arange(later))
        doses = np.append(amounts, np.full((2, later), 900.0), axis=1)
        durations = np.append(regimen.durations_h, np.full(later, 2.0))
        steps.append(0)
        out.append(integrate_isatuximab(params, times, doses, durations, regimen.sample_times_h))
    np.testing.assert_array_equal(out[0], out[1])
    assert steps[0] == steps[1] > 0
