"""Simulate a dosing regimen for many virtual patients at the protocol's PK sampling times.

Isatuximab elimination is nonlinear (Michaelis-Menten) and time-varying, so the model is
integrated numerically across all patients at once with a fixed-step fourth-order exponential
time-differencing Runge-Kutta scheme (ETDRK4, Cox & Matthews 2002): each step integrates the
local linear decay exactly (the diagonal of the Jacobian, which holds the stiff
Michaelis-Menten rate Vm Km/(Km + C)^2 of patients whose concentrations fall near Km), so the
step stays stable and accurate for every patient,
on a grid that contains every infusion start and end and every sampling time (the input is
constant between grid points), with sub-steps of at most ``max_step_h``. Accuracy against
scipy's LSODA is checked in ``tests/pk/test_simulate.py``. Carfilzomib is linear and uses the
closed-form two-compartment solution.

Randomness: all individual parameters and residual errors are drawn from one
``numpy.random.Generator`` before integration, so chunking (``chunk_size``) never changes the
result for a given seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from earlyphase.errors import DataError, describe_problem
from earlyphase.limits import MAX_PK_SUBJECTS, check_count, check_seed
from earlyphase.pk.models.carfilzomib import CarfilzomibModel, two_compartment_infusion
from earlyphase.pk.models.isatuximab import (
    IsatuximabModel,
    IsatuximabParameters,
    individual_parameters,
)
from earlyphase.pk.regimen import Regimen

__all__ = [
    "SimulationResult",
    "virtual_patients",
    "simulate_isatuximab",
    "simulate_carfilzomib",
    "integrate_isatuximab",
]


@dataclass(frozen=True)
class SimulationResult:
    """Simulated concentrations, doses and patients, ready for :func:`earlyphase.pk.nca`.

    Attributes
    ----------
    conc : DataFrame
        ``subject_id, time, interval, timepoint, conc, conc_true, blq, lloq, conc_unit`` with
        ``time`` in h since the first dose and ``conc`` the observed value (NaN when BLQ).
    doses : DataFrame
        ``subject_id, time, amount, amount_unit, route, duration, interval, tau``.
    patients : DataFrame
        Covariates and individual parameters, one row per patient.
    """

    conc: pd.DataFrame
    doses: pd.DataFrame
    patients: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The concentration table."""
        return self.conc.copy()


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A generator from a seed (checked: 0 <= seed < 2**63) or the generator itself."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(None if seed is None else check_seed("seed", seed))


def virtual_patients(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Covariates like the Fau 2020 population (Tables S1-S2 as summarised in nlmixr2lib):
    weight median 75.6 kg (5th-95th 51.3-110, log-normal), beta2-microglobulin median
    3.90 mg/L (log-normal, SD of log 0.5: an assumption), 45 % non-IgG myeloma, 43.5 %
    female, 5.3 % Asian, early (P1F1) drug material."""
    if n < 1:
        raise DataError(describe_problem("n", n, "at least one patient"))
    sd_wt = np.log(110 / 51.3) / (2 * 1.6449)
    return pd.DataFrame(
        {
            "subject_id": [f"P{i + 1:05d}" for i in range(n)],
            "weight_kg": 75.6 * np.exp(rng.normal(0, sd_wt, n)),
            "b2m_mg_l": 3.90 * np.exp(rng.normal(0, 0.5, n)),
            "non_igg": (rng.random(n) < 0.45).astype(float),
            "female": (rng.random(n) < 0.435).astype(float),
            "asian": (rng.random(n) < 0.053).astype(float),
            "p2f2": 0.0,
        }
    )


def _dose_mg(regimen: Regimen, patients: pd.DataFrame) -> np.ndarray:
    if regimen.dose_unit == "mg/kg":
        return patients["weight_kg"].to_numpy(float)[:, None] * regimen.doses[None, :]
    if regimen.dose_unit == "mg/m2":
        return patients["bsa_m2"].to_numpy(float)[:, None] * regimen.doses[None, :]
    return np.broadcast_to(regimen.doses[None, :], (len(patients), len(regimen.doses))).copy()


#: Taylor coefficients (z^0..z^5) of the ETDRK4 functions f1, f2, f3 (Kassam & Trefethen 2005).
_SERIES = np.array(
    [
        [1 / 6, 1 / 6, 3 / 40, 1 / 45, 5 / 1008, 1 / 1120],
        [1 / 6, 1 / 12, 1 / 40, 1 / 180, 1 / 1008, 1 / 6720],
        [1 / 6, 0.0, -1 / 120, -1 / 360, -1 / 1680, -1 / 10080],
    ]
)


class _EtdCoefficients:
    """Coefficients of one ETDRK4 step (Cox & Matthews 2002, J Comput Phys 176:430-455) for
    the scalar linear rates ``lam`` (one per patient) and step ``h``; the functions
    f1..f3 use their Taylor series (to z^5, error < 1e-9) for |lam h| < 0.1 to avoid
    cancellation (Kassam & Trefethen 2005, SIAM J Sci Comput 26:1214-1233)."""

    def __init__(self, lam: np.ndarray, h: float) -> None:
        z = lam * h
        self.e2 = np.exp(0.5 * z)
        self.e = self.e2 * self.e2
        self.q = np.expm1(0.5 * z) / lam
        powers = np.empty((_SERIES.shape[1], z.size))
        powers[0] = 1.0
        powers[1:] = np.cumprod(np.broadcast_to(z, (_SERIES.shape[1] - 1, z.size)), axis=0)
        f = _SERIES @ powers
        big = np.flatnonzero(np.abs(z) >= 0.1)
        if big.size:
            zb, eb = z[big], self.e[big]
            z3 = zb**3
            f[0, big] = (-4 - zb + eb * (4 - 3 * zb + zb * zb)) / z3
            f[1, big] = (2 + zb + eb * (zb - 2)) / z3
            f[2, big] = (-4 - 3 * zb - zb * zb + eb * (4 - zb)) / z3
        self.f1, self.f2, self.f3 = f[0], f[1], f[2]


def integrate_isatuximab(
    params: IsatuximabParameters,
    dose_times_h: np.ndarray,
    amounts_mg: np.ndarray,
    durations_h: np.ndarray,
    sample_times_h: np.ndarray,
    max_step_h: float = 2.0,
    max_step_infusion_h: float = 0.05,
) -> np.ndarray:
    """Central concentrations (mg/L) at ``sample_times_h`` for every patient (RK4, see module
    docstring). ``amounts_mg`` has shape (n_patients, n_doses); ``durations_h`` (n_doses,) or,
    when infusions last differently per patient, (n_patients, n_doses); returns
    (n_patients, n_samples).

    Steps are at most ``max_step_infusion_h`` during infusions, where concentrations change
    fast and, at the first dose, are near Km (the Michaelis-Menten pathway is then a fast,
    stiff linear elimination with rate Vm/Km), and ``max_step_h`` elsewhere. Integration
    stops at the last sampling time (later doses cannot change the samples)."""
    n = amounts_mg.shape[0]
    durations = np.broadcast_to(np.asarray(durations_h, float), amounts_mg.shape)
    ends = dose_times_h[None, :] + durations
    grid = np.unique(np.concatenate([[0.0], dose_times_h, ends.ravel(), sample_times_h]))
    if len(sample_times_h):  # nothing after the last sample can change a sampled value
        grid = grid[grid <= np.max(sample_times_h)]
    rates = amounts_mg / durations
    inv_vc, inv_vp = 1.0 / params.vc, 1.0 / params.vp
    vm_vc, km, q = params.vm * params.vc, params.km, params.q
    log_kcl, gamma = np.log(params.k_cl), params.gamma
    cl_start = params.cl_inf * np.exp(params.cl_m)

    def clearance(t: float) -> np.ndarray:
        # CLlin(t) = CLinf exp(CLm (1 - t^g/(KCL^g + t^g))), the fraction as a logistic in ln t
        if t <= 0:
            return cl_start
        return params.cl_inf * np.exp(params.cl_m * expit(-gamma * (np.log(t) - log_kcl)))

    vm_km = params.vm * km
    q_vc, q_vp = q * inv_vc, q * inv_vp
    lp = -q_vp  # peripheral: exact linear decay; its residual is the inflow Q C

    def residual(a_c, a_p, rate, k_c):
        # central: f - lc * Ac with k_c = CL/Vc + Q/Vc + lc precomputed for the stage time
        c = np.maximum(a_c, 0.0) * inv_vc
        return rate - k_c * a_c - vm_vc * c / (km + c) + q_vp * a_p, q_vc * a_c

    ac = np.zeros(n)
    ap = np.zeros(n)
    out = np.full((n, len(sample_times_h)), np.nan)
    sample_pos = {t: i for i, t in enumerate(sample_times_h)}
    for k in range(len(grid)):
        t0 = grid[k]
        if t0 in sample_pos:
            out[:, sample_pos[t0]] = ac * inv_vc
        if k + 1 == len(grid):
            break
        t1 = grid[k + 1]
        active = (dose_times_h[None, :] <= t0) & (t0 < ends)
        rate = (rates * active).sum(axis=1) if active.any() else np.zeros(n)
        step = max_step_infusion_h if active.any() else max_step_h
        steps = max(int(np.ceil((t1 - t0) / step - 1e-12)), 1)  # near-equal grid points
        h = (t1 - t0) / steps
        cp = _EtdCoefficients(lp, h)
        cl_t = clearance(t0) * inv_vc
        for i in range(steps):
            t = t0 + i * h
            cl_mid = clearance(t + h / 2) * inv_vc
            cl_end = clearance(t0 + (i + 1) * h) * inv_vc
            # ETDRK4 (Cox & Matthews 2002): the local linear decay is integrated exactly
            c0 = np.maximum(ac, 0.0) * inv_vc
            lc = -(cl_t + q_vc + vm_km / ((km + c0) * (km + c0)))
            cc = _EtdCoefficients(lc, h)
            nu_c, nu_p = residual(ac, ap, rate, cl_t + q_vc + lc)
            a_c = cc.e2 * ac + cc.q * nu_c
            a_p = cp.e2 * ap + cp.q * nu_p
            k_mid = cl_mid + q_vc + lc
            na_c, na_p = residual(a_c, a_p, rate, k_mid)
            b_c = cc.e2 * ac + cc.q * na_c
            b_p = cp.e2 * ap + cp.q * na_p
            nb_c, nb_p = residual(b_c, b_p, rate, k_mid)
            c_c = cc.e2 * a_c + cc.q * (2 * nb_c - nu_c)
            c_p = cp.e2 * a_p + cp.q * (2 * nb_p - nu_p)
            nc_c, nc_p = residual(c_c, c_p, rate, cl_end + q_vc + lc)
            ac = cc.e * ac + h * (cc.f1 * nu_c + 2 * cc.f2 * (na_c + nb_c) + cc.f3 * nc_c)
            ap = cp.e * ap + h * (cp.f1 * nu_p + 2 * cp.f2 * (na_p + nb_p) + cp.f3 * nc_p)
            cl_t = cl_end
    return out


def _tables(regimen, patients, amounts, true, observed, unit):
    n, s = true.shape
    ids = patients["subject_id"].to_numpy()
    # a sample with no drug (before the first dose) is BLQ whatever the additive error
    blq = ~(observed >= regimen.lloq_mg_l) | (true <= 0)
    conc = pd.DataFrame(
        {
            "subject_id": np.repeat(ids, s),
            "time": np.tile(regimen.sample_times_h, n),
            "interval": np.tile(np.array(regimen.sample_occasions, dtype=object), n),
            "timepoint": np.tile(np.array(regimen.sample_labels, dtype=object), n),
            "conc": np.where(blq, np.nan, observed).ravel(),
            "conc_true": true.ravel(),
            "blq": blq.ravel(),
            "lloq": regimen.lloq_mg_l,
            "conc_unit": unit,
        }
    )
    d = len(regimen.dose_times_h)
    doses = pd.DataFrame(
        {
            "subject_id": np.repeat(ids, d),
            "time": np.tile(regimen.dose_times_h, n),
            "amount": amounts.ravel(),
            "amount_unit": "mg",
            "route": "iv-infusion",
            "duration": np.tile(regimen.durations_h, n),
            "interval": np.tile(np.array(regimen.dose_labels, dtype=object), n),
            "tau": np.tile(regimen.tau_h(), n),
        }
    )
    return conc, doses


def simulate_isatuximab(
    regimen: Regimen,
    n: int = 1000,
    seed: int | np.random.Generator | None = 0,
    covariates: pd.DataFrame | None = None,
    model: IsatuximabModel | None = None,
    variability: bool = True,
    max_step_h: float = 2.0,
    max_step_infusion_h: float = 0.05,
    chunk_size: int = 5000,
) -> SimulationResult:
    """Simulate isatuximab (Fau 2020 model) for ``n`` virtual patients.

    Parameters
    ----------
    regimen : Regimen
        Doses (mg/kg) and sampling times, e.g. :func:`~earlyphase.pk.regimen.isak_phase1b_regimen`.
    n : int
        Number of patients (ignored when ``covariates`` is given).
    seed : int or Generator
        Source of randomness (covariates, between-subject variability, residual error).
    covariates : DataFrame, optional
        ``subject_id, weight_kg, b2m_mg_l, non_igg, female, asian, p2f2``; simulated with
        :func:`virtual_patients` otherwise.
    variability : bool
        False gives typical-patient predictions without residual error.
    """
    model = model or IsatuximabModel()
    n = check_count("n", n, MAX_PK_SUBJECTS, what="subjects")
    rng = _rng(seed)
    patients = (
        covariates.reset_index(drop=True) if covariates is not None else virtual_patients(n, rng)
    )
    params = individual_parameters(patients, model, rng if variability else None)
    amounts = _dose_mg(regimen, patients)
    n = len(patients)
    eps_p = rng.normal(0, 1, (n, len(regimen.sample_times_h))) if variability else 0.0
    eps_a = rng.normal(0, 1, (n, len(regimen.sample_times_h))) if variability else 0.0
    true = np.empty((n, len(regimen.sample_times_h)))
    frame = params.to_frame()
    for lo in range(0, n, chunk_size):
        sl = slice(lo, min(lo + chunk_size, n))
        chunk = IsatuximabParameters(**{k: frame[k].to_numpy()[sl] for k in frame.columns})
        true[sl] = integrate_isatuximab(
            chunk,
            regimen.dose_times_h,
            amounts[sl],
            regimen.durations_h,
            regimen.sample_times_h,
            max_step_h,
            max_step_infusion_h,
        )
    observed = true * (1 + model.prop_error * eps_p) + model.add_error_mg_l * eps_a
    conc, doses = _tables(regimen, patients, amounts, true, observed, "ug/mL")
    return SimulationResult(conc=conc, doses=doses, patients=pd.concat([patients, frame], axis=1))


def simulate_carfilzomib(
    regimen: Regimen,
    n: int = 1000,
    seed: int | np.random.Generator | None = 0,
    covariates: pd.DataFrame | None = None,
    model: CarfilzomibModel | None = None,
    variability: bool = True,
) -> SimulationResult:
    """Simulate carfilzomib (linear two-compartment, closed form) for ``n`` patients; doses in
    mg/m2 need a ``bsa_m2`` covariate (1.9 m2 when simulated patients are generated)."""
    model = model or CarfilzomibModel()
    n = check_count("n", n, MAX_PK_SUBJECTS, what="subjects")
    rng = _rng(seed)
    if covariates is None:
        covariates = virtual_patients(n, rng).assign(bsa_m2=1.9)
    patients = covariates.reset_index(drop=True)
    n = len(patients)
    ind = model.individual(n, rng if variability else None)
    amounts = _dose_mg(regimen, patients)
    true = two_compartment_infusion(
        regimen.sample_times_h,
        regimen.dose_times_h,
        amounts,
        regimen.durations_h,
        ind["cl"],
        ind["v1"],
        ind["q"],
        ind["v2"],
    )
    eps = rng.normal(0, 1, true.shape) if variability else 0.0
    observed = true * (1 + model.prop_error * eps)
    conc, doses = _tables(regimen, patients, amounts, true, observed, "ug/mL")
    return SimulationResult(
        conc=conc, doses=doses, patients=pd.concat([patients, pd.DataFrame(ind)], axis=1)
    )
