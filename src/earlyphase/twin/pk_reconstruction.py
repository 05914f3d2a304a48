"""The reconstruction's PC domain: the population-PK simulation calibrated to Table 3.

Who has PK (Table 3 numbers): every patient on C1D1 except the last four DL2 expansion
patients (20 of 24 DL2); on C3D1 the first 16 DL2 patients with a C1D1 profile who reach
cycle 3, and the 6 DL3 patients; DL1 has no C3D1 profile. The published tmax sets the C1D1 and
C3D1 infusion durations of these patients (:func:`pk_slots`, before EX is written); the
simulation (:func:`earlyphase.twin.pk_samples.simulate_pc`) is then calibrated
(:mod:`earlyphase.twin.pk_calibration`) so that the ordinary NCA meets Table 3.

Around the calibration, :mod:`earlyphase.twin.pk_plausibility` keeps the individual
parameters plausible; :mod:`earlyphase.twin.pk_effects` reports each patient's random effects
and each sample's residual in SD units of the Fau 2020 model.

Published cells flagged ``inconsistent_fields`` in the reference YAML are left out of the
targets (none at present: every Table 3 cell is met).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from earlyphase.errors import DataError
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
from earlyphase.twin.pk_effects import (
    DRUG,
    factor_range,
    individual_effects,
    rescaled,
    sample_residuals,
)
from earlyphase.twin.pk_plausibility import posthoc_effects, redraw_implausible
from earlyphase.twin.pk_samples import (
    PkPatients,
    isatuximab_covariates,
    pc_rows,
    simulate_pc,
)

__all__ = ["PkDesign", "pk_slots", "pk_domain"]

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
    profiles = _profiles(samples, infusions[DRUG])
    redraw, posthoc = rng.spawn(2)
    samples, params = redraw_implausible(
        samples, params, patients, infusions[DRUG], profiles, design.c3, table3, redraw
    )
    raw = samples
    for attempt in range(RECALIBRATIONS + 1):
        samples = raw.copy()
        eta = individual_effects(patients.table, params, {})
        size = _calibrate(samples, profiles, design, table3, eta)
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
    out = raw.copy()
    out.loc[rows, "true"] = new
    out.loc[rows, "conc"] = rescaled(raw.loc[rows, "conc"].to_numpy(float), old, new)
    return out


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


def _calibrate(samples, profiles, design, table3, eta) -> dict[int, float]:
    """Move the Table 3 profiles onto the published statistics; returns each patient's
    concentration factor (the parameter shift). ``profiles`` are the Table 3 profiles'
    rows and times (:func:`_profiles`), ``eta`` the sampled random effects in SD units
    (:func:`earlyphase.twin.pk_effects.individual_effects`)."""
    dl_of = dict(zip(eta["subj"], eta["dose_level"], strict=True))
    size: dict[int, float] = {}
    samples["_calibrated"] = False
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
        lo, hi = factor_range(eta[eta["subj"] == s].iloc[0])
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
