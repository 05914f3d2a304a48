"""Isatuximab population PK model of Fau et al. (2020).

Fau JB, El-Cheikh R, Brillac C, et al. Drug-disease interaction and time-dependent population
pharmacokinetics of isatuximab in relapsed/refractory multiple myeloma patients. *CPT
Pharmacometrics Syst Pharmacol* 2020;9(11):649-658, doi:10.1002/psp4.12561.

Two compartments, IV input, parallel elimination from the central compartment by a
time-varying linear clearance and a Michaelis-Menten pathway::

    dAc/dt = R(t) - CLlin(t) C - Vc Vm C / (Km + C) - Q C + Q Ap / Vp,   C = Ac / Vc
    dAp/dt = Q C - Q Ap / Vp
    CLlin(t) = CLinf exp(CLm (1 - t^g / (KCL^g + t^g)))     (t = time since first dose)

Parameter values: Fau 2020 Table S3 (final model) as transcribed in nlmixr2lib
``inst/modeldb/specificDrugs/Fau_2020_isatuximab.R`` (commit 01483597); reference patient
75.6 kg, beta2-microglobulin 3.90 mg/L, IgG myeloma, P1F1 material, non-Asian, male. The set
reproduces the paper's steady-state half-lives (28 d IgG, 57 d non-IgG; see
:func:`terminal_half_life_days`). Units: h, mg, L, mg/L.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from earlyphase.errors import DataError, describe_problem

__all__ = ["IsatuximabModel", "IsatuximabParameters", "terminal_half_life_days"]


@dataclass(frozen=True)
class IsatuximabModel:
    """Typical values, covariate effects, between-subject and residual variability."""

    cl_inf: float = 0.00955  # L/h, Table S3 CLinf
    vc: float = 5.13  # L, Table S3 Vc
    q: float = 0.0432  # L/h, Table S3 Q
    vp: float = 3.62  # L, Table S3 Vp
    vm: float = 0.136  # mg/L/h, Table S3 Vm
    km: float = 0.300  # mg/L, Table S3 Km
    cl_m: float = 0.664  # log(CL0/CLinf), Table S3 CLm
    k_cl: float = 1055.0  # h, Table S3 KCL
    gamma: float = 3.91  # Table S3 gamma
    # covariates (Table S3)
    wt_ref: float = 75.6
    b2m_ref: float = 3.90
    wt_on_cl: float = 0.621
    wt_on_vc: float = 0.472
    wt_on_vp: float = 0.719
    wt_on_q: float = 0.477
    b2m_on_cl: float = 0.343
    non_igg_on_cl: float = -0.751
    non_igg_on_kcl: float = -0.931
    p2f2_on_vc: float = -0.137
    asian_on_vc: float = -0.275
    female_on_vc: float = -0.126
    # between-subject CV (Table S3 omega, as CV; log-normal except CLm: normal, SD = CV * CLm)
    cv_cl_inf: float = 0.475
    cv_vc: float = 0.257
    cv_q: float = 0.858
    cv_vp: float = 0.456
    cv_vm: float = 0.615
    cv_km: float = 0.889
    cv_cl_m: float = 0.972
    cv_k_cl: float = 1.15
    cv_gamma: float = 1.18
    # residual error (Table S3)
    prop_error: float = 0.225
    add_error_mg_l: float = 0.00196


@dataclass(frozen=True)
class IsatuximabParameters:
    """Individual parameters, one array element per patient."""

    cl_inf: np.ndarray
    vc: np.ndarray
    q: np.ndarray
    vp: np.ndarray
    vm: np.ndarray
    km: np.ndarray
    cl_m: np.ndarray
    k_cl: np.ndarray
    gamma: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """One row per patient."""
        return pd.DataFrame({k: getattr(self, k) for k in self.__dataclass_fields__})


def _column(cov: pd.DataFrame, name: str, default: float) -> np.ndarray:
    if name not in cov.columns:
        return np.full(len(cov), default, dtype=float)
    values = pd.to_numeric(cov[name], errors="coerce").to_numpy(float)
    if np.isnan(values).any():
        raise DataError(describe_problem(f"covariates.{name}", "missing values", "numbers"))
    return values


def individual_parameters(
    covariates: pd.DataFrame,
    model: IsatuximabModel | None = None,
    rng: np.random.Generator | None = None,
) -> IsatuximabParameters:
    """Covariate-adjusted individual parameters, with between-subject variability when ``rng``
    is given (typical values otherwise).

    ``covariates`` columns (all optional, reference values otherwise): ``weight_kg``,
    ``b2m_mg_l``, ``non_igg`` (1 = non-IgG myeloma), ``female``, ``asian``, ``p2f2``.
    """
    m = model or IsatuximabModel()
    n = len(covariates)
    wt = _column(covariates, "weight_kg", m.wt_ref)
    if (wt <= 0).any():
        raise DataError(
            describe_problem("covariates.weight_kg", float(wt.min()), "positive weights")
        )
    b2m = _column(covariates, "b2m_mg_l", m.b2m_ref)
    non_igg = _column(covariates, "non_igg", 0.0)
    female = _column(covariates, "female", 0.0)
    asian = _column(covariates, "asian", 0.0)
    p2f2 = _column(covariates, "p2f2", 0.0)

    def eta(cv: float) -> np.ndarray:
        if rng is None:
            return np.zeros(n)
        return rng.normal(0.0, np.sqrt(np.log1p(cv * cv)), n)

    w = wt / m.wt_ref
    cl_m_eta = rng.normal(0.0, m.cv_cl_m * m.cl_m, n) if rng is not None else np.zeros(n)
    return IsatuximabParameters(
        cl_inf=m.cl_inf
        * w**m.wt_on_cl
        * (b2m / m.b2m_ref) ** m.b2m_on_cl
        * np.exp(m.non_igg_on_cl * non_igg + eta(m.cv_cl_inf)),
        vc=m.vc
        * w**m.wt_on_vc
        * np.exp(
            m.p2f2_on_vc * p2f2 + m.asian_on_vc * asian + m.female_on_vc * female + eta(m.cv_vc)
        ),
        q=m.q * w**m.wt_on_q * np.exp(eta(m.cv_q)),
        vp=m.vp * w**m.wt_on_vp * np.exp(eta(m.cv_vp)),
        vm=m.vm * np.exp(eta(m.cv_vm)),
        km=m.km * np.exp(eta(m.cv_km)),
        cl_m=m.cl_m + cl_m_eta,
        k_cl=m.k_cl * np.exp(m.non_igg_on_kcl * non_igg + eta(m.cv_k_cl)),
        gamma=m.gamma * np.exp(eta(m.cv_gamma)),
    )


def terminal_half_life_days(params: IsatuximabParameters) -> np.ndarray:
    """Steady-state (t -> inf) beta half-life of the linear part, in days: the smaller
    eigenvalue of the two-compartment system with CL = CLinf (how Fau 2020 report 28/57 d)."""
    k10 = params.cl_inf / params.vc
    k12 = params.q / params.vc
    k21 = params.q / params.vp
    s = k10 + k12 + k21
    beta = (s - np.sqrt(s * s - 4 * k10 * k21)) / 2
    return np.log(2) / beta / 24.0


def derivatives(
    t: float, ac: np.ndarray, ap: np.ndarray, rate: np.ndarray, p: IsatuximabParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Right-hand side of the ODE for all patients at time ``t`` (h since first dose)."""
    c = ac / p.vc
    # t^g / (KCL^g + t^g) written as a logistic function of ln t (no overflow for large g)
    progress = expit(p.gamma * (np.log(t) - np.log(p.k_cl))) if t > 0 else 0.0
    cl_lin = p.cl_inf * np.exp(p.cl_m * (1.0 - progress))
    flow = p.q * (c - ap / p.vp)
    dac = rate - cl_lin * c - p.vc * p.vm * c / (p.km + c) - flow
    return dac, flow
