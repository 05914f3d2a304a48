"""Plausible individual isatuximab parameters for the reconstruction's calibration.

Two steps keep the patients' parameters and residuals believable without touching Table 3
(:mod:`earlyphase.twin.pk_reconstruction` runs them around the calibration):

- :func:`redraw_implausible`, before the calibration: a cycle 3 PK patient whose drawn
  parameters give a model accumulation ratio the published group rules out is redrawn from
  the population distribution (truncated to what the group allows).
- :func:`posthoc_effects`, after it: a patient with a calibrated sample beyond 3 SD of its
  individual prediction gets the best of candidate random-effect sets by the MAP individual
  objective; the calibrated concentrations stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from earlyphase.pk.models import IsatuximabModel
from earlyphase.pk.models.isatuximab import IsatuximabParameters, individual_parameters
from earlyphase.pk.nca.units import concentration_factor_to_mg_l
from earlyphase.twin.pk_calibration import lin_log_auc
from earlyphase.twin.pk_effects import (
    DRUG,
    ETA_MAX,
    random_effects_sd,
    rescaled,
    sample_residuals,
)
from earlyphase.twin.pk_samples import PkPatients, isatuximab_concentrations

__all__ = [
    "ACCUMULATION_SPREAD",
    "implausible_patients",
    "model_accumulation",
    "posthoc_effects",
    "redraw_implausible",
]

#: A patient's model accumulation ratio (C3D1 over C1D1, Cmax and AUC(0-168 h)) is plausible
#: within this many published SDs of the published mean of its group (and within
#: (n - 1) / sqrt(n) SDs, beyond which no member of n values with that mean and SD can lie).
ACCUMULATION_SPREAD = 2.0
#: Candidate random effects drawn at once per implausible patient, and rounds of drawing.
CANDIDATES, ROUNDS = 8, 4
#: Candidate random-effect sets per patient with a calibrated sample beyond 3 SD, and the
#: steps of the search: population draws, then moves of half and a quarter of a draw around
#: the best so far.
POSTHOC_CANDIDATES, POSTHOC_STEPS = 24, (1.0, 0.5, 0.25)


def model_accumulation(true: np.ndarray, profiles: Mapping, subj: int) -> tuple[float, float]:
    """Model (no residual error) Rac Cmax and Rac AUC(0-168 h) of one patient: the C3D1
    profile's highest concentration and lin-up/log-down AUC over the week after the dose,
    divided by the C1D1 profile's (the paper's definitions; see Table 3). ``true`` holds the
    model concentrations of every sample, ``profiles`` the rows and times of each profile."""
    peak, week = [], []
    for cycle in (1, 3):
        rows, t = profiles[(subj, cycle)]
        peak.append(float(np.max(true[rows])))
        week.append(lin_log_auc(t, true[rows], 168.0))
    return peak[1] / peak[0], week[1] / week[0]


def _group_sizes(c3: Sequence[int], dl_of: Mapping) -> dict[str, int]:
    """Number of cycle 3 PK patients per dose level."""
    sizes: dict[str, int] = {}
    for s in c3:
        sizes[dl_of[s]] = sizes.get(dl_of[s], 0) + 1
    return sizes


def _plausible(racs: tuple[float, float], cell: Mapping, n: int) -> bool:
    """Whether model accumulation ratios fit a published group of ``n`` (Table 3 cell)."""
    k = min(ACCUMULATION_SPREAD, (n - 1) / np.sqrt(n))
    for value, field in zip(racs, ("rac_cmax", "rac_auc1week"), strict=True):
        mean, sd = cell.get(f"{field}_mean"), cell.get(f"{field}_sd")
        if mean is not None and sd is not None and abs(value - mean) > k * sd:
            return False
    return True


def implausible_patients(
    true: np.ndarray, profiles: Mapping, c3: Sequence[int], table3: Mapping, dl_of: Mapping
) -> list[int]:
    """Cycle 3 PK patients (``c3``) whose model accumulation ratios lie farther from the
    published mean of their dose level than :data:`ACCUMULATION_SPREAD` published SDs (or than
    (n - 1) / sqrt(n) SDs for a group of n, which no member can exceed)."""
    sizes = _group_sizes(c3, dl_of)
    return [
        s
        for s in c3
        if not _plausible(
            model_accumulation(true, profiles, s),
            table3.get("c3d1", {}).get(str(dl_of[s]).lower(), {}),
            sizes[dl_of[s]],
        )
    ]


class _Samples:
    """The isatuximab samples of the PK patients as arrays: model values (``true``),
    observations (``conc``), each patient's row positions and the unit factor to mg/L."""

    def __init__(self, samples: pd.DataFrame, patients: PkPatients) -> None:
        self.table = patients.table.reset_index(drop=True)
        self.subjects = self.table["subj"].astype(int).to_numpy()
        isa = samples.index[samples["drug"] == DRUG]
        groups = samples.loc[isa].groupby("subj").indices
        self.rows_of = {s: isa[rows].to_numpy() for s, rows in groups.items()}
        per_mg_l = samples["unit"].map(lambda u: concentration_factor_to_mg_l(u) or 1.0)
        self.to_mg_l = per_mg_l.to_numpy(float)
        self.time_h = samples["time_h"].to_numpy(float)
        self.true = samples["true"].to_numpy(float, copy=True)
        self.conc = samples["conc"].to_numpy(float, copy=True)

    def rows(self, i: int) -> np.ndarray:
        """Row positions of patient ``i`` (position in the patient table)."""
        return self.rows_of[self.subjects[i]]

    def integrate(
        self, candidates: IsatuximabParameters, many: np.ndarray, infusions: pd.DataFrame
    ) -> list[np.ndarray]:
        """Model concentrations (mg/L) of candidate ``k`` (patient ``many[k]``'s doses) at that
        patient's sample times, all candidates in one integration."""
        given = [infusions[infusions["subj"] == self.subjects[i]] for i in many]
        times = [self.time_h[self.rows(i)] for i in many]
        return isatuximab_concentrations(candidates, given, times)

    def set_model(self, i: int, new: np.ndarray, keep: np.ndarray | None = None) -> None:
        """Patient ``i``'s model values become ``new``; its observations keep their relative
        residual, except where ``keep`` is True (left as they are)."""
        r = self.rows(i)
        moved = rescaled(self.conc[r], self.true[r], new)
        self.conc[r] = moved if keep is None else np.where(keep, self.conc[r], moved)
        self.true[r] = new

    def frame(self, samples: pd.DataFrame) -> pd.DataFrame:
        return samples.assign(true=self.true, conc=self.conc)


def redraw_implausible(
    samples: pd.DataFrame,
    params: IsatuximabParameters,
    patients: PkPatients,
    infusions: pd.DataFrame,
    profiles: Mapping,
    c3: Sequence[int],
    table3: Mapping,
    rng: np.random.Generator,
    model: IsatuximabModel | None = None,
) -> tuple[pd.DataFrame, IsatuximabParameters]:
    """Redraw the random effects of patients whose model accumulation the published Table 3
    statistics rule out (:func:`implausible_patients`): the population distribution truncated
    to profiles compatible with the published group.

    Each round draws :data:`CANDIDATES` random-effect sets per implausible patient (its own
    covariates) from ``rng``, integrates them at once and keeps the first plausible one; after
    :data:`ROUNDS` rounds a patient keeps its last candidate (the calibration then moves it
    further). The redrawn patients' isatuximab samples get the new model values (``true``)
    and keep their relative residual (``conc`` scaled by new / old model value). Other patients,
    other drugs and the main random stream are untouched.
    """
    m = model or IsatuximabModel()
    data = _Samples(samples, patients)
    dl_of = dict(zip(data.subjects.tolist(), data.table["dl"], strict=True))
    sizes = _group_sizes(c3, dl_of)
    for _ in range(ROUNDS):
        bad = implausible_patients(data.true, profiles, c3, table3, dl_of)
        if not bad:
            break
        idx = np.flatnonzero(np.isin(data.subjects, bad))
        many = np.repeat(idx, CANDIDATES)
        candidates = individual_parameters(data.table.iloc[many], m, rng)
        values = data.integrate(candidates, many, infusions)
        for j, i in enumerate(idx.tolist()):
            subj = int(data.subjects[i])
            cell = table3.get("c3d1", {}).get(str(dl_of[subj]).lower(), {})
            r = data.rows(i)
            pick = CANDIDATES * (j + 1) - 1
            for k in range(CANDIDATES * j, CANDIDATES * (j + 1)):
                trial = data.true.copy()
                trial[r] = values[k] / data.to_mg_l[r]
                if _plausible(model_accumulation(trial, profiles, subj), cell, sizes[dl_of[subj]]):
                    pick = k
                    break
            data.set_model(i, values[pick] / data.to_mg_l[r])
            params = _with_patient(params, i, candidates, pick)
    return data.frame(samples), params


def posthoc_effects(
    samples: pd.DataFrame,
    params: IsatuximabParameters,
    size: Mapping[int, float],
    patients: PkPatients,
    infusions: pd.DataFrame,
    rng: np.random.Generator,
    model: IsatuximabModel | None = None,
) -> tuple[pd.DataFrame, IsatuximabParameters, dict[int, float]]:
    """Individual (post-hoc) parameters of patients whose calibrated samples lie beyond 3 SD
    of their individual prediction.

    The calibration chooses the concentrations (they meet Table 3); a patient's parameters
    then only explain them. For each patient with a calibrated sample's IWRES beyond +-3,
    :data:`POSTHOC_CANDIDATES` random-effect sets (population draws with its own covariates;
    in later :data:`POSTHOC_STEPS`, moves of a fraction of a draw around the best so far) are
    scored, with the current set, by the individual objective function of a MAP estimate: the
    sum of squared IWRES of the calibrated samples plus the sum of squared random effects in
    SD units (Sheiner & Beal 1982, Bayesian individual estimation; here over a finite
    candidate set), each candidate with the concentration factor that fits best (geometric
    mean of conc / prediction) and every effect within +-ETA_MAX SD. The best candidate
    replaces the current set. The calibrated concentrations are unchanged (Table 3 stays
    exact); the patient's other samples keep their relative residual.
    """
    m = model or IsatuximabModel()
    size = dict(size)
    calibrated = samples["_calibrated"].to_numpy(bool)
    for step in POSTHOC_STEPS:
        data = _Samples(samples, patients)
        residuals = sample_residuals(samples, data.table, m)
        worst = residuals[residuals["calibrated"] & (residuals["residual_sd"].abs() > 3)]
        idx = np.flatnonzero(np.isin(data.subjects, worst["subj"].astype(int).unique()))
        if not len(idx):
            break
        many = np.repeat(idx, POSTHOC_CANDIDATES)
        typical = individual_parameters(data.table.iloc[many], m, None)
        draws = individual_parameters(data.table.iloc[many], m, rng)
        candidates = _moved(params, many, draws, typical, step)
        values = data.integrate(candidates, many, infusions)
        for j, i in enumerate(idx.tolist()):
            r = data.rows(i)
            g0 = size.get(int(data.subjects[i]), 1.0)
            first = POSTHOC_CANDIDATES * j
            options: list[tuple[IsatuximabParameters, int, np.ndarray]]
            options = [(params, i, data.true[r] / g0 * data.to_mg_l[r])]
            options += [
                (candidates, k, values[k]) for k in range(first, first + POSTHOC_CANDIDATES)
            ]
            obs = data.conc[r] * data.to_mg_l[r]
            scored = [
                _map_score(src, k, typical, first, pred, obs, calibrated[r], m)
                for src, k, pred in options
            ]
            best = int(np.argmin([score for score, _ in scored]))
            if best == 0:
                continue
            source, k, pred = options[best]
            g = scored[best][1]
            data.set_model(i, pred * g / data.to_mg_l[r], keep=calibrated[r])
            params = _with_patient(params, i, source, k)
            size[int(data.subjects[i])] = g
        samples = data.frame(samples)
    return samples, params, size


def _moved(
    params: IsatuximabParameters,
    rows: np.ndarray,
    draws: IsatuximabParameters,
    typical: IsatuximabParameters,
    step: float,
) -> IsatuximabParameters:
    """Candidates: the current parameters of patients ``rows`` moved by ``step`` x the drawn
    random effects (log scale; CLm additive); ``step`` 1 is a population draw."""
    out = {}
    for name in params.__dataclass_fields__:
        base = np.asarray(getattr(params, name), float)[rows]
        drawn, centre = getattr(draws, name), getattr(typical, name)
        if step >= 1.0:
            out[name] = drawn
        elif name == "cl_m":
            out[name] = base + step * (drawn - centre)
        else:
            out[name] = base * (drawn / centre) ** step
    return IsatuximabParameters(**out)


def _elements(params: IsatuximabParameters, k: int) -> IsatuximabParameters:
    """Element ``k`` of every parameter (one patient)."""
    return IsatuximabParameters(
        **{name: np.asarray(getattr(params, name))[[k]] for name in params.__dataclass_fields__}
    )


def _map_score(
    source: IsatuximabParameters,
    k: int,
    typical: IsatuximabParameters,
    j: int,
    pred: np.ndarray,
    conc: np.ndarray,
    calibrated: np.ndarray,
    m: IsatuximabModel,
) -> tuple[float, float]:
    """(Individual objective, concentration factor) of element ``k`` of ``source`` (typical
    values: element ``j`` of ``typical``) for predictions ``pred`` and observations ``conc``
    (mg/L); infinite when an effect lies beyond ETA_MAX SD after the factor."""
    use = calibrated & (pred > 0) & (conc > 0)
    log_g = float(np.mean(np.log(conc[use] / pred[use])))
    effects = np.concatenate(
        list(random_effects_sd(_elements(source, k), _elements(typical, j), log_g, m).values())
    )
    if np.max(np.abs(effects)) > ETA_MAX:
        return np.inf, 1.0
    ipred = pred[use] * np.exp(log_g)
    iwres = (conc[use] - ipred) / np.hypot(m.prop_error * ipred, m.add_error_mg_l)
    return float(np.sum(iwres**2) + np.sum(np.square(effects))), float(np.exp(log_g))


def _with_patient(
    params: IsatuximabParameters, i: int, source: IsatuximabParameters, k: int
) -> IsatuximabParameters:
    """``params`` with patient ``i``'s values replaced by ``source``'s element ``k``."""
    changes = {}
    for name in params.__dataclass_fields__:
        values = np.array(getattr(params, name), float, copy=True)
        values[i] = getattr(source, name)[k]
        changes[name] = values
    return replace(params, **changes)
