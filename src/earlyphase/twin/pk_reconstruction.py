"""The reconstruction's PC domain: the population-PK simulation calibrated to Table 3.

Who has PK (Table 3 numbers): every patient on C1D1 except the last four DL2 expansion
patients (20 of 24 DL2); on C3D1 the first 16 DL2 patients with a C1D1 profile who reach
cycle 3, and the 6 DL3 patients; DL1 has no C3D1 profile. The published tmax sets the C1D1 and
C3D1 infusion durations of these patients (:func:`pk_slots`, before EX is written); the
simulation (:func:`earlyphase.twin.pk_samples.simulate_pc`) is then calibrated
(:mod:`earlyphase.twin.pk_calibration`) so that the ordinary NCA meets Table 3.

:func:`individual_effects` reports each patient's random effects in SD units after the
calibration, :func:`sample_residuals` each sample's residual against the individual prediction
in SD units of the Fau 2020 residual error.

Published cells flagged ``inconsistent_fields`` in the reference YAML are left out of the
targets (none at present: every Table 3 cell is met).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from earlyphase._files import atomic_write
from earlyphase.errors import DataError
from earlyphase.pk.models import IsatuximabModel
from earlyphase.pk.models.isatuximab import IsatuximabParameters, individual_parameters
from earlyphase.pk.nca.units import concentration_factor_to_mg_l
from earlyphase.protocol import Protocol
from earlyphase.twin.calibration import plan_cycles
from earlyphase.twin.pk_calibration import (
    Contrast,
    Limit,
    LinearLimit,
    Profile,
    Quantity,
    TmaxSlot,
    lin_log_auc,
    solve_log_values,
    tmax_plan,
)
from earlyphase.twin.pk_samples import (
    PkPatients,
    isatuximab_concentrations,
    isatuximab_covariates,
    pc_rows,
    simulate_pc,
)

__all__ = [
    "PkDesign",
    "pk_slots",
    "pk_domain",
    "individual_effects",
    "sample_residuals",
    "write_pk_calibration",
]

DRUG = "isatuximab"
_VISIT = {1: "CYCLE 1 DAY 1", 3: "CYCLE 3 DAY 1"}
_SAMPLE_LABEL = {
    "mid": "Mid-infusion",
    "end": "End of infusion",
    "end+3": "3 h post end of infusion",
    "24": "24 h post-dose",
    "48": "48 h post-dose",
}
#: Plausible spread (SD of log) of what the calibration moves, relative to the model
#: (Fau 2020: residual error 22.5 %; exposure between patients about 30 %).
SD_SIZE, SD_PEAK, SD_OCCASION, SD_SHAPE = 0.3, 0.2, 0.2, 0.1


@dataclass(frozen=True)
class PkDesign:
    """Who has PK at which visit, and where each profile's highest sample is."""

    c1: tuple[int, ...]
    c3: tuple[int, ...]
    slots: Mapping[tuple[int, int], TmaxSlot]

    def infusion_minutes(self) -> dict[tuple[int, int, int], int]:
        """``(subj, cycle, day 1) -> minutes`` for the exposure generator."""
        return {(s, c, 1): slot.infusion_minutes for (s, c), slot in self.slots.items()}


def _pk_subjects(plan: pd.DataFrame) -> tuple[list[int], list[int]]:
    cycles = plan_cycles(plan)
    dl2 = plan.loc[plan["dl"] == "DL2", "subj"].astype(int).tolist()
    c1 = [int(s) for s in plan["subj"] if int(s) not in set(dl2[-4:])]
    reaches = {
        int(s)
        for s, n, row in zip(plan["subj"], cycles, plan.to_dict("records"), strict=True)
        if n >= 3 and (row["end"] == "ONGOING" or int(row["pd_cycle"]) > 3)
    }
    c3 = [s for s in dl2 if s in reaches and s in c1][:16]
    c3 += [int(s) for s in plan.loc[plan["dl"] == "DL3", "subj"] if int(s) in reaches]
    return c1, c3


def pk_slots(plan: pd.DataFrame, protocol: Protocol, table3: Mapping) -> PkDesign:
    """PK patients and their tmax slots (published median (range) of tmax per group).

    Slot k of a group goes to the group's patient at position ``(7 k) mod n`` (a fixed
    interleaving, so the extremes do not fall on neighbouring patients)."""
    c1, c3 = _pk_subjects(plan)
    dl_of = dict(zip(plan["subj"].astype(int), plan["dl"], strict=True))
    drug = protocol.drug(DRUG)
    slots: dict[tuple[int, int], TmaxSlot] = {}
    for cycle, members in ((1, c1), (3, c3)):
        for dl in sorted({dl_of[s] for s in members}):
            group = [s for s in members if dl_of[s] == dl]
            cell = table3[f"c{cycle}d1"][dl.lower()]
            nominal = protocol.dose_level(dl).infusion_minutes_for(drug, 1 if cycle == 1 else 2)
            plan_k = tmax_plan(
                len(group), cell["tmax_median"], cell["tmax_min"], cell["tmax_max"], nominal or 60
            )
            n = len(group)
            step = 7 if np.gcd(7, n) == 1 else 5 if np.gcd(5, n) == 1 else 1
            for k, slot in enumerate(plan_k):
                slots[(group[(step * k) % n], cycle)] = slot
    return PkDesign(tuple(c1), tuple(c3), slots)


def _infusions(ex: pd.DataFrame, plan: pd.DataFrame, name: str) -> pd.DataFrame:
    """Given administrations of one drug from EX, hours from each patient's first-dose date."""
    rows = ex[(ex["EXTRT"] == name) & (ex["EXDOSE"] > 0)]
    first = dict(zip(plan["subj"].astype(int), plan["first_dose"], strict=True))
    subj = rows["USUBJID"].str[-3:].astype(int)
    base = subj.map(first)
    hour = np.timedelta64(1, "h")
    start = (pd.to_datetime(rows["EXSTDTC"]) - base).to_numpy() / hour
    end = (pd.to_datetime(rows["EXENDTC"]) - base).to_numpy() / hour
    visit = rows["VISIT"].str.extract(r"CYCLE (\d+) DAY (\d+)").astype(int)
    return pd.DataFrame(
        {
            "subj": subj.to_numpy(),
            "cycle": visit[0].to_numpy(),
            "day": visit[1].to_numpy(),
            "start_h": np.asarray(start, float),
            "end_h": np.asarray(end, float),
            "dose_mg": rows["EXDOSE"].to_numpy(float),
        }
    )


def pk_domain(
    plan: pd.DataFrame,
    body: pd.DataFrame,
    ex: pd.DataFrame,
    rng: np.random.Generator,
    protocol: Protocol,
    design: PkDesign,
    table3: Mapping,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """PC of both drugs, the isatuximab individual effects (:func:`individual_effects`) and
    the isatuximab samples' residuals in SD units (:func:`sample_residuals`)."""
    idx = plan.index[plan["subj"].astype(int).isin(design.c1)]
    cov = isatuximab_covariates(plan, body, rng).loc[idx]
    table = plan.loc[idx, ["subj", "first_dose", "dl"]].assign(
        subj=lambda d: d["subj"].astype(int), bsa_m2=body.loc[idx, "bsa_m2"]
    )
    patients = PkPatients(pd.concat([table, cov], axis=1).reset_index(drop=True))
    names = {d.id: d.cdisc_name or d.id.upper() for d in protocol.drugs}
    infusions = {d: _infusions(ex, plan, names[d]) for d in names}
    overrides = {
        s: {(c, _SAMPLE_LABEL[slot.sample]): slot.minutes / 60}
        for (s, c), slot in design.slots.items()
        if slot.sample in ("24", "48")
    }
    samples, params = simulate_pc(
        protocol, patients, infusions, rng, overrides=overrides, result_units={DRUG: "ug/mL"}
    )
    c3 = set(design.c3)
    drop = (samples["visit"] == _VISIT[3]) & ~samples["subj"].isin(c3)
    samples = samples[~drop].reset_index(drop=True)
    redraw, posthoc = rng.spawn(2)
    samples, params = redraw_implausible(
        samples, params, patients, infusions[DRUG], design, table3, redraw
    )
    raw = samples
    for attempt in range(RECALIBRATIONS + 1):
        samples = raw.copy()
        eta = individual_effects(patients.table, params, {})
        size = _calibrate(samples, infusions[DRUG], design, table3, eta)
        samples, moved, size_moved = posthoc_effects(
            samples, params, size, patients, infusions[DRUG], posthoc
        )
        changed = [s for s in size_moved if size_moved[s] != size.get(s, 1.0)]
        params, size = moved, size_moved
        if not changed or attempt == RECALIBRATIONS:
            break
        raw = _restart_from(raw, samples, size, changed)
    pc = pc_rows(samples.drop(columns="_calibrated"), patients, protocol)
    effects = individual_effects(patients.table, params, size)
    return pc, effects, sample_residuals(samples, patients.table)


#: Calibrations run again from the post-hoc parameters of patients left beyond 3 SD (seed 5
#: needs three; each one only when a patient moved).
RECALIBRATIONS = 3


def _restart_from(
    raw: pd.DataFrame, calibrated: pd.DataFrame, size: Mapping[int, float], changed: list[int]
) -> pd.DataFrame:
    """The uncalibrated samples ``raw`` with the model values of the ``changed`` patients
    replaced by their post-hoc predictions (``calibrated["true"]`` / factor), each sample
    keeping its relative residual: the start of a new calibration."""
    rows = (raw["drug"] == DRUG) & raw["subj"].isin(changed)
    old = raw.loc[rows, "true"].to_numpy(float)
    new = (calibrated.loc[rows, "true"] / calibrated.loc[rows, "subj"].map(size)).to_numpy(float)
    ratio = np.where(old > 0, new / np.where(old > 0, old, 1.0), 0.0)
    out = raw.copy()
    out.loc[rows, "true"] = new
    out.loc[rows, "conc"] = raw.loc[rows, "conc"].to_numpy(float) * ratio
    return out


#: A patient's model accumulation ratio (C3D1 over C1D1, Cmax and AUC(0-168 h)) is plausible
#: within this many published SDs of the published mean of its group (and within
#: (n - 1) / sqrt(n) SDs, beyond which no member of n values with that mean and SD can lie).
ACCUMULATION_SPREAD = 2.0
#: Candidate random effects drawn at once per implausible patient, and rounds of drawing.
CANDIDATES, ROUNDS = 8, 4


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


def _group_sizes(design: PkDesign, dl_of: Mapping) -> dict[str, int]:
    """Number of cycle 3 PK patients per dose level."""
    sizes: dict[str, int] = {}
    for s in design.c3:
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
    true: np.ndarray, profiles: Mapping, design: PkDesign, table3: Mapping, dl_of: Mapping
) -> list[int]:
    """Cycle 3 PK patients whose model accumulation ratios lie farther from the published
    mean of their dose level than :data:`ACCUMULATION_SPREAD` published SDs (or than
    (n - 1) / sqrt(n) SDs for a group of n, which no member can exceed)."""
    sizes = _group_sizes(design, dl_of)
    return [
        s
        for s in design.c3
        if not _plausible(
            model_accumulation(true, profiles, s),
            table3.get("c3d1", {}).get(str(dl_of[s]).lower(), {}),
            sizes[dl_of[s]],
        )
    ]


def redraw_implausible(
    samples: pd.DataFrame,
    params: IsatuximabParameters,
    patients: PkPatients,
    infusions: pd.DataFrame,
    design: PkDesign,
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
    table = patients.table.reset_index(drop=True)
    subjects = table["subj"].astype(int).to_numpy()
    dl_of = dict(zip(subjects.tolist(), table["dl"], strict=True))
    sizes = _group_sizes(design, dl_of)
    profiles = _profiles(samples, infusions)
    isa = samples.index[samples["drug"] == DRUG]
    rows_of = samples.loc[isa].groupby("subj").indices
    per_mg_l = samples["unit"].map(lambda u: concentration_factor_to_mg_l(u) or 1.0)
    to_mg_l = per_mg_l.to_numpy(float)
    true_all = samples["true"].to_numpy(float, copy=True)
    conc_all = samples["conc"].to_numpy(float, copy=True)
    for _ in range(ROUNDS):
        bad = implausible_patients(true_all, profiles, design, table3, dl_of)
        if not bad:
            break
        idx = np.flatnonzero(np.isin(subjects, bad))
        many = np.repeat(idx, CANDIDATES)
        candidates = individual_parameters(table.iloc[many], m, rng)
        given = [infusions[infusions["subj"] == subjects[i]] for i in many]
        rows = [isa[rows_of[subjects[i]]] for i in many]
        times = [samples.loc[r, "time_h"].to_numpy(float) for r in rows]
        values = isatuximab_concentrations(candidates, given, times)
        for j, i in enumerate(idx.tolist()):
            subj = int(subjects[i])
            cell = table3.get("c3d1", {}).get(str(dl_of[subj]).lower(), {})
            pick = CANDIDATES * (j + 1) - 1
            for k in range(CANDIDATES * j, CANDIDATES * (j + 1)):
                trial = true_all.copy()
                trial[rows[k]] = values[k] / to_mg_l[rows[k]]
                if _plausible(model_accumulation(trial, profiles, subj), cell, sizes[dl_of[subj]]):
                    pick = k
                    break
            r = rows[pick]
            new = values[pick] / to_mg_l[r]
            old = true_all[r]
            conc_all[r] = np.where(old > 0, conc_all[r] * new / np.where(old > 0, old, 1.0), 0.0)
            true_all[r] = new
            params = _with_patient(params, i, candidates, pick)
    return samples.assign(true=true_all, conc=conc_all), params


#: Candidate random-effect sets per patient with a calibrated sample beyond 3 SD, and the
#: steps of the search: population draws, then moves of half and a quarter of a draw around
#: the best so far.
POSTHOC_CANDIDATES, POSTHOC_STEPS = 24, (1.0, 0.5, 0.25)


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
    table = patients.table.reset_index(drop=True)
    subjects = table["subj"].astype(int).to_numpy()
    isa = samples.index[samples["drug"] == DRUG]
    rows_of = samples.loc[isa].groupby("subj").indices
    per_mg_l = samples["unit"].map(lambda u: concentration_factor_to_mg_l(u) or 1.0)
    to_mg_l = per_mg_l.to_numpy(float)
    calibrated = samples["_calibrated"].to_numpy(bool)
    for step in POSTHOC_STEPS:
        residuals = sample_residuals(samples, table, m)
        worst = residuals[residuals["calibrated"] & (residuals["residual_sd"].abs() > 3)]
        idx = np.flatnonzero(np.isin(subjects, worst["subj"].astype(int).unique()))
        if not len(idx):
            break
        many = np.repeat(idx, POSTHOC_CANDIDATES)
        typical = individual_parameters(table.iloc[many], m, None)
        draws = individual_parameters(table.iloc[many], m, rng)
        candidates = _moved(params, many, draws, typical, step)
        rows = {i: isa[rows_of[subjects[i]]].to_numpy() for i in idx.tolist()}
        time_h = samples["time_h"].to_numpy(float)
        given = [infusions[infusions["subj"] == subjects[i]] for i in many]
        times = [time_h[rows[int(i)]] for i in many]
        values = isatuximab_concentrations(candidates, given, times)
        true_all = samples["true"].to_numpy(float, copy=True)
        conc_all = samples["conc"].to_numpy(float, copy=True)
        for j, i in enumerate(idx.tolist()):
            r = rows[i]
            g0 = size.get(int(subjects[i]), 1.0)
            first = POSTHOC_CANDIDATES * j
            options: list[tuple[IsatuximabParameters, int, np.ndarray]]
            options = [(params, i, true_all[r] / g0 * to_mg_l[r])]
            options += [
                (candidates, k, values[k]) for k in range(first, first + POSTHOC_CANDIDATES)
            ]
            obs = conc_all[r] * to_mg_l[r]
            scored = [
                _map_score(src, k, typical, first, pred, obs, calibrated[r], m)
                for src, k, pred in options
            ]
            best = int(np.argmin([score for score, _ in scored]))
            if best == 0:
                continue
            source, k, pred = options[best]
            g = scored[best][1]
            new = pred * g / to_mg_l[r]
            old = true_all[r]
            ratio = np.where(old > 0, new / np.where(old > 0, old, 1.0), 0.0)
            conc_all[r] = np.where(calibrated[r], conc_all[r], conc_all[r] * ratio)
            true_all[r] = new
            params = _with_patient(params, i, source, k)
            size[int(subjects[i])] = g
        samples = samples.assign(true=true_all, conc=conc_all)
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
    effects = []
    for name, sign in (*_SHIFT.items(), ("k_cl", 0), ("gamma", 0)):
        eta = np.log(getattr(source, name)[k] / getattr(typical, name)[j]) + sign * log_g
        effects.append(eta / _omega(name, m))
    effects.append((source.cl_m[k] - typical.cl_m[j]) / (m.cv_cl_m * m.cl_m))
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


def _profiles(samples, infusions):
    """``(subj, cycle) -> (row positions, times after the dose start (pre-dose at 0))`` of
    every isatuximab profile of the Table 3 visits."""
    day1 = infusions[infusions["day"] == 1].drop_duplicates(["subj", "cycle"])
    start = {
        (int(s), int(c)): float(h)
        for s, c, h in zip(day1["subj"], day1["cycle"], day1["start_h"], strict=True)
    }
    isa = samples[(samples["drug"] == DRUG) & samples["visit"].isin(list(_VISIT.values()))]
    cycle_of = {v: c for c, v in _VISIT.items()}
    out = {}
    index, time_h = isa.index.to_numpy(), samples["time_h"].to_numpy(float)
    for (subj, visit), rows in isa.groupby(["subj", "visit"], sort=False).indices.items():
        key = (int(subj), cycle_of[visit])
        pos = index[rows]
        t = time_h[pos] - start[key]
        out[key] = (pos, np.maximum(t, 0.0))
    return out


def _calibrate(samples, infusions, design, table3, eta) -> dict[int, float]:
    """Move the Table 3 profiles onto the published statistics; returns each patient's
    concentration factor (the parameter shift). ``eta`` holds the sampled random effects in
    SD units (:func:`individual_effects`)."""
    dl_of = dict(zip(eta["subj"], eta["dose_level"], strict=True))
    size: dict[int, float] = {}
    samples["_calibrated"] = False
    profiles = _profiles(samples, infusions)
    for dl in sorted(set(dl_of.values())):
        p1 = [s for s in design.c1 if dl_of.get(s) == dl]
        p3 = [s for s in design.c3 if dl_of.get(s) == dl]
        size.update(_calibrate_level(samples, profiles, design, table3, dl, p1, p3, eta))
    isa = (samples["drug"] == DRUG).to_numpy()
    g = samples["subj"].map(size).fillna(1.0).to_numpy(float)
    rest = isa & ~samples["_calibrated"].to_numpy(bool)
    samples.loc[rest, "conc"] = samples.loc[rest, "conc"].to_numpy(float) * g[rest]
    samples.loc[isa, "true"] = samples.loc[isa, "true"].to_numpy(float) * g[isa]
    return size


def _calibrate_level(samples, where, design, table3, dl, p1, p3, eta) -> dict[int, float]:
    """Calibrate one dose level; returns each patient's concentration factor."""
    cells = {1: table3["c1d1"][dl.lower()], 3: table3.get("c3d1", {}).get(dl.lower(), {})}
    two_weeks_c1 = "auc2weeks_mean" in cells[1]
    n1, k1 = len(p1), 3 if two_weeks_c1 else 2
    n_var = n1 * k1 + 3 * len(p3)

    def var(s, cycle, what):
        if cycle == 1:
            return p1.index(s) * k1 + {"cmax": 0, "auc1": 1, "auc2": 2}[what]
        return n1 * k1 + p3.index(s) * 3 + {"cmax": 0, "auc2": 1, "auc1": 2}[what]

    u0 = np.zeros(n_var)
    profiles = {}
    label = samples["label"].to_numpy()
    true_all = samples["true"].to_numpy(float)
    conc_all = samples["conc"].to_numpy(float, copy=True)
    for cycle, members in ((1, p1), (3, p3)):
        two = cycle == 3 or two_weeks_c1
        for s in members:
            rows, t = where[(s, cycle)]
            labels = label[rows].tolist()
            true = true_all[rows]
            peak = labels.index(_SAMPLE_LABEL[design.slots[(s, cycle)].sample])
            fixed = tuple(i for i, x in enumerate(true) if x == 0.0)
            conc = conc_all[rows]
            decline = 0.7
            if two:
                decline = float(true[np.isclose(t, 336.0)][0] / true[np.isclose(t, 168.0)][0])
            profiles[(s, cycle)] = (rows, Profile(t, conc, peak, fixed, two, decline))
            u0[var(s, cycle, "cmax")] = np.log(true[peak])
            u0[var(s, cycle, "auc1")] = np.log(lin_log_auc(t, true, 168.0))
            if two:
                u0[var(s, cycle, "auc2")] = np.log(lin_log_auc(t, true, 336.0))

    quantities = _quantities(cells, p1, p3, var, n_var, two_weeks_c1)
    contrasts = _contrasts(p1, p3, var, n_var, two_weeks_c1)
    limits = [
        prof.limit(
            var(s, cycle, "cmax"),
            var(s, cycle, "auc1"),
            var(s, cycle, "auc2") if prof.two_weeks else None,
        )
        for (s, cycle), (_, prof) in profiles.items()
    ]
    bounded: list[Limit | LinearLimit] = list(limits)
    for s in p1:  # the concentration factor keeps every random effect within +-ETA_MAX SD
        lo, hi = _factor_range(eta[eta["subj"] == s].iloc[0])
        j = var(s, 1, "auc1")
        bounded.append(LinearLimit(_row(n_var, [(j, 1)]), hi + u0[j]))
        bounded.append(LinearLimit(_row(n_var, [(j, -1)]), -(lo + u0[j])))
    try:
        u = solve_log_values(u0, quantities, contrasts, bounded)
    except DataError:  # some seeds' draws cannot: the effects are then reported as they are
        u = solve_log_values(u0, quantities, contrasts, limits)
    size = {s: float(np.exp(u[var(s, 1, "auc1")] - u0[var(s, 1, "auc1")])) for s in p1}
    done: list[int] = []
    for (s, cycle), (rows, prof) in profiles.items():
        prof = Profile(
            prof.t, prof.c * size[s], prof.peak, prof.fixed, prof.two_weeks, prof.decline
        )
        auc2 = float(np.exp(u[var(s, cycle, "auc2")])) if prof.two_weeks else None
        conc = prof.realize(
            float(np.exp(u[var(s, cycle, "cmax")])), float(np.exp(u[var(s, cycle, "auc1")])), auc2
        )
        conc_all[rows] = conc
        done.extend(rows)
    samples["conc"] = conc_all
    samples.loc[done, "_calibrated"] = True
    return size


def _row(n_var, entries):
    r = np.zeros(n_var)
    for j, w in entries:
        r[j] += w
    return r


def _quantities(cells, p1, p3, var, n_var, two_weeks_c1) -> list[Quantity]:
    out = []

    def add(name, cell, field, rows):
        flagged = set(cell.get("inconsistent_fields", ()))
        targets = {
            stat: float(cell[f"{field}_{stat}"])
            for stat in ("mean", "sd", "gmean", "cv")
            if f"{field}_{stat}" in cell and f"{field}_{stat}" not in flagged
        }
        if targets and rows:
            out.append(Quantity(name, np.array(rows), targets))

    c1, c3 = cells[1], cells[3]
    add("c1d1.cmax", c1, "cmax", [_row(n_var, [(var(s, 1, "cmax"), 1)]) for s in p1])
    add("c1d1.auc1week", c1, "auc1week", [_row(n_var, [(var(s, 1, "auc1"), 1)]) for s in p1])
    if two_weeks_c1:
        add("c1d1.auc2weeks", c1, "auc2weeks", [_row(n_var, [(var(s, 1, "auc2"), 1)]) for s in p1])
    if p3:
        add("c3d1.cmax", c3, "cmax", [_row(n_var, [(var(s, 3, "cmax"), 1)]) for s in p3])
        add("c3d1.auc2weeks", c3, "auc2weeks", [_row(n_var, [(var(s, 3, "auc2"), 1)]) for s in p3])
        ratio = [_row(n_var, [(var(s, 3, "cmax"), 1), (var(s, 1, "cmax"), -1)]) for s in p3]
        add("c3d1.rac_cmax", c3, "rac_cmax", ratio)
        ratio = [_row(n_var, [(var(s, 3, "auc1"), 1), (var(s, 1, "auc1"), -1)]) for s in p3]
        add("c3d1.rac_auc1week", c3, "rac_auc1week", ratio)
    return out


def _contrasts(p1, p3, var, n_var, two_weeks_c1) -> list[Contrast]:
    out = []
    for s in p1:
        size = var(s, 1, "auc1")
        out.append(Contrast(_row(n_var, [(size, 1)]), SD_SIZE))
        out.append(Contrast(_row(n_var, [(var(s, 1, "cmax"), 1), (size, -1)]), SD_PEAK))
        if two_weeks_c1:
            out.append(Contrast(_row(n_var, [(var(s, 1, "auc2"), 1), (size, -1)]), SD_SHAPE))
    for s in p3:
        size, week1 = var(s, 1, "auc1"), var(s, 3, "auc1")
        out.append(Contrast(_row(n_var, [(week1, 1), (size, -1)]), SD_OCCASION))
        out.append(Contrast(_row(n_var, [(var(s, 3, "cmax"), 1), (week1, -1)]), SD_PEAK))
        out.append(Contrast(_row(n_var, [(var(s, 3, "auc2"), 1), (week1, -1)]), SD_SHAPE))
    return out


#: Largest random effect (SD units) the calibration may leave.
ETA_MAX = 2.9
#: Sign of each parameter's log shift per log concentration factor (exact scaling).
_SHIFT = {"cl_inf": -1, "vc": -1, "q": -1, "vp": -1, "vm": 1, "km": 1}


def _omega(name: str, model: IsatuximabModel) -> float:
    cv = getattr(model, f"cv_{name}")
    return float(np.sqrt(np.log1p(cv * cv)))


def _factor_range(row: pd.Series, model: IsatuximabModel | None = None) -> tuple[float, float]:
    """Range of log concentration factor keeping every shifted effect within +-ETA_MAX SD."""
    m = model or IsatuximabModel()
    lo, hi = -np.inf, np.inf
    for name, sign in _SHIFT.items():
        om = _omega(name, m)
        eta = row[f"eta_{name}_sd"] * om
        # new eta = eta + sign * log g within [-ETA_MAX om, ETA_MAX om]
        a, b = sign * (-ETA_MAX * om - eta), sign * (ETA_MAX * om - eta)
        lo, hi = max(lo, min(a, b)), min(hi, max(a, b))
    return float(lo), float(hi)


def individual_effects(
    patients: pd.DataFrame,
    params: IsatuximabParameters,
    size: Mapping[int, float],
    model: IsatuximabModel | None = None,
) -> pd.DataFrame:
    """Each PK patient's isatuximab random effects in SD units (eta / omega), after the
    calibration's concentration factor ``g`` (clearances and volumes divided by ``g``,
    Vm and Km multiplied by it, which multiplies every concentration by ``g`` exactly)."""
    m = model or IsatuximabModel()
    typical = individual_parameters(patients, m, None)
    g = patients["subj"].map(size).fillna(1.0).to_numpy(float)
    log_g = np.log(g)
    out = {"subj": patients["subj"].to_numpy(), "dose_level": patients["dl"].to_numpy()}
    out["concentration_factor"] = g
    for name, cv, sign in (
        ("cl_inf", m.cv_cl_inf, -1),
        ("vc", m.cv_vc, -1),
        ("q", m.cv_q, -1),
        ("vp", m.cv_vp, -1),
        ("vm", m.cv_vm, 1),
        ("km", m.cv_km, 1),
        ("k_cl", m.cv_k_cl, 0),
        ("gamma", m.cv_gamma, 0),
    ):
        omega = np.sqrt(np.log1p(cv * cv))
        eta = np.log(getattr(params, name) / getattr(typical, name)) + sign * log_g
        out[f"eta_{name}_sd"] = eta / omega
    out["eta_cl_m_sd"] = (params.cl_m - typical.cl_m) / (m.cv_cl_m * m.cl_m)
    return pd.DataFrame(out)


def sample_residuals(
    samples: pd.DataFrame, patients: pd.DataFrame, model: IsatuximabModel | None = None
) -> pd.DataFrame:
    """Each isatuximab sample's residual against the patient's individual prediction, in SD
    units of the Fau 2020 combined residual error.

    With ``ipred`` the model concentration of the patient's (calibrated) individual
    parameters and ``conc`` the value written to PC (before rounding to 6 significant
    digits), the residual is ``(conc - ipred) / sqrt((prop ipred)^2 + add^2)`` with prop =
    22.5 % and add = 0.00196 mg/L (Fau et al. 2020, Table S3), i.e. an individual weighted
    residual (IWRES). Samples before any drug (``ipred`` = 0) are left out. ``calibrated``
    marks the samples of the Table 3 profiles, whose values the calibration chose; the others
    keep their simulated residual (standard normal draws clipped at +-2.5).

    Returns
    -------
    DataFrame
        ``subj, dose_level, visit, label, time_h, ipred, conc, unit, calibrated,
        residual_sd``.
    """
    m = model or IsatuximabModel()
    isa = samples[(samples["drug"] == DRUG) & (samples["true"] > 0)]
    to_mg_l = isa["unit"].map(lambda u: concentration_factor_to_mg_l(u) or 1.0).to_numpy(float)
    ipred = isa["true"].to_numpy(float)
    conc = isa["conc"].to_numpy(float)
    sd = np.hypot(m.prop_error * ipred * to_mg_l, m.add_error_mg_l)
    dl = dict(zip(patients["subj"], patients["dl"], strict=True))
    return pd.DataFrame(
        {
            "subj": isa["subj"].to_numpy(int),
            "dose_level": isa["subj"].map(dl).to_numpy(),
            "visit": isa["visit"].to_numpy(),
            "label": isa["label"].to_numpy(),
            "time_h": isa["time_h"].to_numpy(float),
            "ipred": ipred,
            "conc": conc,
            "unit": isa["unit"].to_numpy(),
            "calibrated": isa["_calibrated"].to_numpy(bool),
            "residual_sd": (conc - ipred) * to_mg_l / sd,
        }
    )


def write_pk_calibration(
    effects: pd.DataFrame, residuals: pd.DataFrame, folder: str | Path
) -> list[Path]:
    """Write :func:`individual_effects` and :func:`sample_residuals` as
    ``<folder>/individual_effects.csv`` and ``sample_residuals.csv`` (6 significant digits,
    each file atomically); returns the paths."""
    paths = []
    for name, frame in (("individual_effects", effects), ("sample_residuals", residuals)):
        path = Path(folder) / f"{name}.csv"
        with atomic_write(path) as handle:
            frame.to_csv(handle, index=False, float_format="%.6g")
        paths.append(path)
    return paths
