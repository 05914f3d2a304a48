"""Whole-trial simulation: many virtual trials of a protocol, with any design, under a scenario.

Each trial runs the escalation with any design of :mod:`earlyphase.designs` (the protocol's,
or one given with ``design=``; the vectorised simulators of
:func:`earlyphase.designs.batch.batch_spec`, all trials of a chunk at once), then the expansion
cohort at the selected dose (or the scenario's fixed expansion dose; none when no dose is
selected), then the disease step of the protocol's response criteria
(:mod:`earlyphase.twin.efficacy`): each patient's best response (scenario probabilities per
dose level; dropouts are NE), progression-free and overall survival (exponential with the
scenario's medians; OS >= PFS); then safety — DLTs of the expansion patients (same latent
uniform as in escalation) and the scenario's non-DLT adverse events (any grade, grade >= 3,
serious). Accrual: Poisson arrivals, each escalation cohort waiting for the protocol's DLT window
of the previous one; administrative censoring ``followup_months`` after the last patient's first
dose. Per trial it reports the selected dose, patients and DLTs per dose, patients with a
serious AE, ORR over all treated patients with its exact (Clopper-Pearson) 95% CI, the
Kaplan-Meier median PFS (``earlyphase.survival``), patient-months on treatment and the trial
duration.

Reproducibility: trial ``i`` uses ``numpy.random.SeedSequence(seed, spawn_key=(i,))`` (the i-th
child of ``SeedSequence(seed).spawn``), so results do not depend on chunking or ``workers``.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc.terms import DAYS_PER_MONTH
from earlyphase.errors import OptionsError, describe_problem
from earlyphase.stats import binomial_ci
from earlyphase.survival import kaplan_meier
from earlyphase.twin.efficacy import draw_best_response
from earlyphase.twin.scenario import Scenario
from earlyphase.twin.trial_setup import TrialSetup, trial_setup

__all__ = ["TrialSimulationResult", "simulate_trials"]

_CHUNK = 512


@dataclass(frozen=True)
class TrialSimulationResult:
    """Per-trial results and their summaries.

    Attributes
    ----------
    scenario : str
    design : str
        Name of the escalation design (``"BOIN"``, ``"3+3 (de-escalate)"`` ...).
    dose_ids : tuple of str
    n_trials, seed : int
    trials : DataFrame
        One row per trial: ``selected`` (dose id or "none"), ``n_<dose>`` patients and
        ``dlt_<dose>`` patients with a DLT per dose (escalation and expansion), ``n_total``,
        ``n_dlt``, ``n_sae`` (patients with a serious non-DLT AE), ``n_ae_grade3`` (patients
        with a grade >= 3 non-DLT AE), ``responders``, ``orr``, ``orr_ci_lower``,
        ``orr_ci_upper``, ``median_pfs_months`` (NaN when not reached),
        ``treatment_months`` (patient-months from first dose to progression, dropout or
        cut-off), ``duration_months``.
    orr_threshold : float
    """

    scenario: str
    design: str
    dose_ids: tuple[str, ...]
    n_trials: int
    seed: int
    orr_threshold: float
    trials: pd.DataFrame = field(repr=False)

    @property
    def p_select(self) -> pd.Series:
        """Probability of selecting each dose level (and "none": stopped for toxicity)."""
        counts = self.trials["selected"].value_counts(normalize=True)
        return counts.reindex(["none", *self.dose_ids], fill_value=0.0)

    @property
    def se_p_select(self) -> pd.Series:
        """Monte Carlo standard errors of :attr:`p_select`."""
        p = self.p_select
        return np.sqrt(p * (1 - p) / self.n_trials)

    def summary(self) -> dict[str, Any]:
        """Operating characteristics over the simulated trials."""
        t = self.trials
        width = t["orr_ci_upper"] - t["orr_ci_lower"]
        return {
            "scenario": self.scenario,
            "design": self.design,
            "n_trials": self.n_trials,
            "seed": self.seed,
            **{f"p_select_{k}": float(v) for k, v in self.p_select.items()},
            **{f"mean_n_{d}": float(t[f"n_{d}"].mean()) for d in self.dose_ids},
            **{f"mean_dlt_{d}": float(t[f"dlt_{d}"].mean()) for d in self.dose_ids},
            "mean_n_total": float(t["n_total"].mean()),
            "mean_n_dlt": float(t["n_dlt"].mean()),
            "mean_n_sae": float(t["n_sae"].mean()),
            "mean_n_ae_grade3": float(t["n_ae_grade3"].mean()),
            "mean_orr": float(t["orr"].mean()),
            "mean_orr_ci_width": float(width.mean()),
            "p_orr_lower_gt_threshold": float((t["orr_ci_lower"] > self.orr_threshold).mean()),
            "orr_threshold": self.orr_threshold,
            "median_of_median_pfs_months": float(t["median_pfs_months"].median()),
            "p_median_pfs_not_reached": float(t["median_pfs_months"].isna().mean()),
            "mean_treatment_months": float(t["treatment_months"].mean()),
            "mean_duration_months": float(t["duration_months"].mean()),
        }

    def to_frame(self) -> pd.DataFrame:
        """The per-trial table (tidy, unrounded)."""
        return self.trials.copy()


def trial_uniforms(setup: TrialSetup, seed: int, trial: int) -> tuple[np.ndarray, np.ndarray]:
    """The random numbers of one trial: ``(n_slots, 6)`` patient uniforms (DLT tolerance,
    response, PFS, OS, dropout, arrival gap) and ``(n_slots, n_ae, 3)`` adverse-event uniforms
    (occurrence, grade >= 3, serious), from ``SeedSequence(seed, spawn_key=(trial,))``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(trial,)))
    u = rng.random((setup.n_slots, 6))
    v = rng.random((setup.n_slots, len(setup.scenario.adverse_events), 3))
    return u, v


def _slot_doses(setup: TrialSetup, cohort_dose: np.ndarray, exp_dose: np.ndarray) -> np.ndarray:
    """0-based dose of every patient slot (-1 = slot not used): escalation cohorts, then the
    expansion at ``exp_dose`` (-1 = no expansion)."""
    t = cohort_dose.shape[0]
    cs, max_n = setup.spec.cohort_size, setup.spec.max_n
    dose = np.full((t, setup.n_slots), -1)
    dose[:, :max_n] = np.repeat(cohort_dose, cs, axis=1)[:, :max_n]
    if setup.expansion_size:
        dose[:, max_n:] = exp_dose[:, None]
    return dose


def _accrual(setup: TrialSetup, u: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """Months from the trial start to each patient's first dose: Poisson arrivals; each
    escalation cohort, and the expansion, waits for the DLT window of the cohort before."""
    cs, max_n = setup.spec.cohort_size, setup.spec.max_n
    slot = np.arange(setup.n_slots)
    gaps = -np.log1p(-u[:, :, 5]) / setup.scenario.enrollment_per_month
    gaps = np.where(treated, gaps, 0.0)
    wait = np.zeros(u.shape[:2])
    cohort_start = (slot % cs == 0) & (slot < max_n) & (slot > 0)
    window = setup.dlt_window_days / DAYS_PER_MONTH
    wait[:, cohort_start] = window
    if setup.expansion_size:
        wait[:, max_n] = window
    wait = np.where(treated, wait, 0.0)
    return np.cumsum(gaps + wait, axis=1)


def draw_trials(setup: TrialSetup, seed: int, first: int, last: int) -> dict[str, Any]:
    """Every random quantity of trials ``first`` .. ``last - 1`` (arrays: trial x patient slot)."""
    draws = [trial_uniforms(setup, seed, i) for i in range(first, last)]
    u = np.stack([d[0] for d in draws])
    v = np.stack([d[1] for d in draws])
    t, max_n, scen = u.shape[0], setup.spec.max_n, setup.scenario
    p_dlt = setup.p_dlt()
    batch = setup.spec.simulate(p_dlt, np.ascontiguousarray(u[:, :max_n, 0]))
    sel = batch.selected  # 1-based, 0 = none
    if scen.expansion_dose == "selected":
        exp_dose = sel - 1
    else:
        exp_dose = np.where(sel > 0, setup.dose_ids.index(scen.expansion_dose), -1)
    if batch.cohort_dose is None:  # pragma: no cover - every design records its path
        raise OptionsError(describe_problem("design", setup.spec.name, "a recorded dose path"))
    dose = _slot_doses(setup, batch.cohort_dose, exp_dose)
    treated = dose >= 0
    dsafe = np.maximum(dose, 0)
    dlt = treated & (u[:, :, 0] < p_dlt[dsafe])
    dropout = treated & (u[:, :, 4] < scen.dropout_probability)
    cat = draw_best_response(setup.response_probabilities(), dose, u[:, :, 1], dropout)
    responder = treated & setup.efficacy.responder_mask()[cat]
    dose_list = list(setup.dose_ids)
    pfs_med = np.array(scen.per_dose("pfs_median_months", dose_list))[dsafe]
    os_med = np.array(scen.per_dose("os_median_months", dose_list))[dsafe]
    pfs = -pfs_med / np.log(2) * np.log1p(-u[:, :, 2])
    os_time = np.maximum(-os_med / np.log(2) * np.log1p(-u[:, :, 3]), pfs)
    enrol = _accrual(setup, u, treated)
    last_enrol = np.where(treated, enrol, 0.0).max(axis=1)
    end = last_enrol + scen.followup_months
    available = end[:, None] - enrol
    event = treated & ~dropout & (pfs <= available)
    time = np.where(dropout, np.minimum(pfs, 0.5), np.minimum(pfs, available))
    rates = np.array(scen.ae_rates(dose_list)).reshape(len(scen.adverse_events), len(dose_list))
    has_ae = treated[:, :, None] & (v[:, :, :, 0] < rates.T[dsafe])
    g3 = np.array([a.grade3_fraction for a in scen.adverse_events])
    ser = np.array([a.serious_fraction for a in scen.adverse_events])
    return {
        "t": t,
        "sel": sel,
        "cohort_dose": batch.cohort_dose,
        "exp_dose": exp_dose,
        "dose": dose,
        "treated": treated,
        "dlt": dlt,
        "cat": cat,
        "dropout": dropout,
        "responder": responder,
        "pfs": pfs,
        "os": os_time,
        "enrol": enrol,
        "end": end,
        "event": event,
        "time": time,
        "ae": has_ae,
        "ae_grade3": has_ae & (v[:, :, :, 1] < g3),
        "ae_serious": has_ae & (v[:, :, :, 2] < ser),
        "u": u,
    }


def _chunk(args: tuple[TrialSetup, int, int, int]) -> pd.DataFrame:
    setup, seed, first, last = args
    dr = draw_trials(setup, seed, first, last)
    t, k = dr["t"], len(setup.dose_ids)
    treated, dose, responder = dr["treated"], dr["dose"], dr["responder"]
    time, event = dr["time"], dr["event"]
    n_total = treated.sum(axis=1)
    x = responder.sum(axis=1)
    ci = binomial_ci(x, np.maximum(n_total, 1), method="clopper-pearson")
    medians = np.full(t, np.nan)
    for i in range(t):
        m = treated[i]
        if m.any():
            medians[i] = kaplan_meier(time[i, m], event[i, m]).median
    out: dict[str, Any] = {
        "trial": np.arange(first, last),
        "design": setup.spec.name,
        "selected": np.array(["none", *setup.dose_ids], dtype=object)[dr["sel"]],
    }
    at = dose[:, :, None] == np.arange(k)[None, None, :]
    n_per = at.sum(axis=1)
    dlt_per = (at & dr["dlt"][:, :, None]).sum(axis=1)
    for j, d in enumerate(setup.dose_ids):
        out[f"n_{d}"] = n_per[:, j]
    for j, d in enumerate(setup.dose_ids):
        out[f"dlt_{d}"] = dlt_per[:, j]
    out.update(
        {
            "n_total": n_total,
            "n_dlt": dr["dlt"].sum(axis=1),
            "n_sae": dr["ae_serious"].any(axis=2).sum(axis=1),
            "n_ae_grade3": dr["ae_grade3"].any(axis=2).sum(axis=1),
            "responders": x,
            "orr": np.where(n_total > 0, x / np.maximum(n_total, 1), np.nan),
            "orr_ci_lower": np.asarray(ci.lower, float),
            "orr_ci_upper": np.asarray(ci.upper, float),
            "median_pfs_months": medians,
            "treatment_months": np.where(treated, time, 0.0).sum(axis=1),
            "duration_months": dr["end"],
        }
    )
    return pd.DataFrame(out)


def _check_int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise OptionsError(describe_problem(name, value, f"an integer >= {low}"))
    return int(value)


def simulate_trials(
    protocol: Any,
    scenario: Scenario | str | Mapping[str, Any],
    n_trials: int,
    seed: int,
    workers: int = 1,
    design: Any = None,
) -> TrialSimulationResult:
    """Simulate ``n_trials`` virtual trials of ``protocol`` under ``scenario``.

    Parameters
    ----------
    protocol : Protocol or str
        A protocol object or a protocol name/path for :func:`earlyphase.protocol.load_protocol`.
    scenario : Scenario, str or mapping
        The assumed truth (see :mod:`earlyphase.twin.scenario`).
    n_trials : int
        Number of trials (>= 1).
    seed : int
        Master seed; trial ``i`` uses the i-th spawned child.
    workers : int
        Local processes; the result is identical for any value.
    design : None, design object, mapping or str
        The escalation design; ``None`` = the protocol's. A mapping or short form as in
        :func:`earlyphase.designs.spec.design_from_spec` (``"boin:target=0.3"``).

    Returns
    -------
    TrialSimulationResult
    """
    n_trials = _check_int("n_trials", n_trials, 1)
    workers = _check_int("workers", workers, 1)
    seed = _check_int("seed", seed, 0)
    setup = trial_setup(protocol, scenario, design)
    jobs = [(setup, seed, a, min(a + _CHUNK, n_trials)) for a in range(0, n_trials, _CHUNK)]
    if workers == 1 or len(jobs) == 1:
        parts = [_chunk(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_chunk, jobs))
    trials = pd.concat(parts, ignore_index=True)
    return TrialSimulationResult(
        scenario=setup.scenario.name,
        design=setup.spec.name,
        dose_ids=setup.dose_ids,
        n_trials=n_trials,
        seed=seed,
        orr_threshold=setup.scenario.orr_threshold,
        trials=trials,
    )
