"""Carfilzomib PK: a linear two-compartment model with a terminal half-life under 1 h.

No published population model was retrievable here, so the parameters are derived from the
non-compartmental values of a phase 1 study in relapsed/refractory myeloma, 20 mg/m2 cycle 1
day 1, as tabulated in Transl Res 2018;198:1-16 (PMC6151281, Table 2): CL 659 (SD 353) L/h,
Vss 108 (SD 71) L, t1/2 0.66 (SD 0.48) h. A split Vss = V1 + V2 = 20 + 88 L was assumed and
Q solved so that the beta half-life is 0.66 h (Q = 108.1 L/h). Between-subject CVs follow the
reported SDs (CL 54 %, volumes 66 %); a 20 % proportional residual error is assumed.
Units: h, mg, L, mg/L. Treat as an illustrative model (docs/pk.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CarfilzomibModel", "two_compartment_infusion"]


@dataclass(frozen=True)
class CarfilzomibModel:
    """Typical values and variability (see module docstring for the derivation)."""

    cl: float = 659.0
    v1: float = 20.0
    q: float = 108.1
    v2: float = 88.0
    cv_cl: float = 0.54
    cv_v: float = 0.66
    prop_error: float = 0.20

    def individual(self, n: int, rng: np.random.Generator | None) -> dict[str, np.ndarray]:
        """Individual CL, V1, Q, V2 (typical values when ``rng`` is None)."""

        def eta(cv: float) -> np.ndarray:
            return (
                rng.normal(0.0, np.sqrt(np.log1p(cv * cv)), n) if rng is not None else np.zeros(n)
            )

        ev = eta(self.cv_v)
        return {
            "cl": self.cl * np.exp(eta(self.cv_cl)),
            "v1": self.v1 * np.exp(ev),
            "q": np.full(n, self.q),
            "v2": self.v2 * np.exp(ev),
        }


def two_compartment_infusion(
    t: np.ndarray,
    dose_times: np.ndarray,
    amounts: np.ndarray,
    durations: np.ndarray,
    cl: np.ndarray,
    v1: np.ndarray,
    q: np.ndarray,
    v2: np.ndarray,
) -> np.ndarray:
    """Central concentration of a linear two-compartment model after zero-order infusions,
    by superposition of the closed-form solution (Gibaldi & Perrier, *Pharmacokinetics*,
    2nd ed., ch. 2).

    Shapes: ``t`` (n_times,), ``dose_times``/``durations`` (n_doses,), ``amounts``
    (n_patients, n_doses), parameters (n_patients,). Returns (n_patients, n_times).
    """
    k10, k12, k21 = cl / v1, q / v1, q / v2
    s = k10 + k12 + k21
    root = np.sqrt(s * s - 4 * k10 * k21)
    alpha, beta = (s + root) / 2, (s - root) / 2
    out = np.zeros((len(cl), len(t)))
    for lam, coef in (
        (alpha, (alpha - k21) / (alpha - beta)),
        (beta, (beta - k21) / (beta - alpha)),
    ):
        lam_ = lam[:, None, None]
        tau = t[None, None, :] - dose_times[None, :, None]  # (1, doses, times)
        dur = durations[None, :, None]
        rate = (amounts / durations[None, :])[:, :, None]
        on = np.clip(tau, 0.0, dur)
        contrib = (
            rate
            * (coef[:, None, None] / (v1[:, None, None] * lam_))
            * (1 - np.exp(-lam_ * on))
            * np.exp(-lam_ * np.maximum(tau - dur, 0.0))
        )
        out += np.where(tau > 0, contrib, 0.0).sum(axis=1)
    return out
