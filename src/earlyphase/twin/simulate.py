"""Simulation mode: many virtual trials of a protocol under an assumed truth (a scenario).

Each trial runs the protocol's 3+3 escalation cohort by cohort with the vectorised
``earlyphase.designs.ThreePlusThree`` engine, then the expansion cohort at the selected dose (or
the scenario's fixed expansion dose), then draws each patient's best response (scenario
probabilities per dose level, dropouts are NE), progression-free and overall survival
(exponential with the scenario's medians; OS >= PFS), accrual (Poisson arrivals, each escalation
cohort waiting for the 28-day DLT window of the previous one) and administrative censoring
``followup_months`` after the last patient's first dose. Per trial it reports the selected dose,
patients per dose, ORR over all treated patients with its exact (Clopper-Pearson) 95% CI, the
Kaplan-Meier median PFS (``earlyphase.survival``) and the trial duration.

Reproducibility: trial ``i`` uses ``numpy.random.SeedSequence(seed, spawn_key=(i,))`` (the i-th
child of ``SeedSequence(seed).spawn``), so results do not depend on chunking or ``workers``.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.designs.three_plus_three import ThreePlusThree
from earlyphase.errors import OptionsError, ProtocolError, describe_problem
from earlyphase.stats import binomial_ci
from earlyphase.survival import kaplan_meier
from earlyphase.twin.scenario import Scenario, load_scenario

__all__ = ["TrialSimulationResult", "simulate_trials"]

_CHUNK = 512
_DLT_WINDOW_MONTHS = 28 / 30.4375
_VARIANTS = {
    "escalation-only": "escalate-only",
    "escalate-only": "escalate-only",
    "de-escalate": "de-escalate",
    "de-escalate-6-at-top": "de-escalate-confirm-top",
    "de-escalate-confirm-top": "de-escalate-confirm-top",
}
_N_CATEGORIES = 7  # sCR, CR, VGPR, PR, MR, SD, PD (NE = 7 for dropouts)


@dataclass(frozen=True)
class TrialSimulationResult:
    """Per-trial results and their summaries.

    Attributes
    ----------
    scenario : str
    dose_ids : tuple of str
    n_trials, seed : int
    trials : DataFrame
        One row per trial: ``selected`` (dose id or "none"), ``n_<dose>`` patients per dose,
        ``n_total``, ``responders``, ``orr``, ``orr_ci_lower``, ``orr_ci_upper``,
        ``median_pfs_months`` (NaN when not reached), ``duration_months``.
    orr_threshold : float
    """

    scenario: str
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
            "n_trials": self.n_trials,
            "seed": self.seed,
            **{f"p_select_{k}": float(v) for k, v in self.p_select.items()},
            **{f"mean_n_{d}": float(t[f"n_{d}"].mean()) for d in self.dose_ids},
            "mean_n_total": float(t["n_total"].mean()),
            "mean_orr": float(t["orr"].mean()),
            "mean_orr_ci_width": float(width.mean()),
            "p_orr_lower_gt_threshold": float((t["orr_ci_lower"] > self.orr_threshold).mean()),
            "orr_threshold": self.orr_threshold,
            "median_of_median_pfs_months": float(t["median_pfs_months"].median()),
            "p_median_pfs_not_reached": float(t["median_pfs_months"].isna().mean()),
            "mean_duration_months": float(t["duration_months"].mean()),
        }

    def to_frame(self) -> pd.DataFrame:
        """The per-trial table (tidy, unrounded)."""
        return self.trials.copy()


def _design(protocol: Any) -> tuple[ThreePlusThree, list[str], int]:
    d = protocol.design
    if d.name.replace(" ", "") != "3+3":
        raise ProtocolError(
            describe_problem(
                "design.name", d.name, "'3+3' (the only design the trial simulator runs so far)"
            )
        )
    variant = _VARIANTS.get(d.variant)
    if variant is None:
        raise ProtocolError(
            describe_problem("design.variant", d.variant, f"one of {list(_VARIANTS)}")
        )
    if d.cohort_size != 3:
        raise ProtocolError(describe_problem("design.cohort_size", d.cohort_size, "3 for 3+3"))
    dose_ids = [dl.id for dl in protocol.dose_levels]
    design = ThreePlusThree(len(dose_ids), variant, d.expansion_size)  # type: ignore[arg-type]
    return design, dose_ids, d.expansion_size


def _draw(
    design: ThreePlusThree,
    dose_ids: list[str],
    n_exp: int,
    scenario: Scenario,
    seed: int,
    first: int,
    last: int,
) -> dict[str, Any]:
    """Every random quantity of trials ``first`` .. ``last - 1`` (arrays: trial x patient slot)."""
    k = len(dose_ids)
    max_n = design.max_n
    n_slots = max_n + n_exp
    u = np.stack(
        [
            np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,))).random((n_slots, 6))
            for i in range(first, last)
        ]
    )
    t = u.shape[0]
    p_dlt = np.array(scenario.per_dose("true_dlt", dose_ids))
    batch = design._simulate_batch(p_dlt, u[:, :max_n, 0])
    n_esc = batch.n  # (t, k)
    sel = batch.selected  # 1-based, 0 = none
    if scenario.expansion_dose == "selected":
        exp_dose = sel - 1
    else:
        exp_dose = np.full(t, dose_ids.index(scenario.expansion_dose))
        exp_dose = np.where(sel > 0, exp_dose, -1)
    has_exp = (exp_dose >= 0) & (n_exp > 0)

    # dose of every patient slot: escalation slots filled dose by dose, then expansion slots
    slot = np.arange(n_slots)
    cum = np.cumsum(n_esc, axis=1)
    total_esc = cum[:, -1]
    esc_dose = (slot[None, :max_n, None] >= cum[:, None, :]).sum(axis=2)
    dose = np.full((t, n_slots), -1)
    dose[:, :max_n] = np.where(slot[None, :max_n] < total_esc[:, None], esc_dose, -1)
    dose[:, max_n:] = np.where(has_exp[:, None], exp_dose[:, None], -1)
    treated = dose >= 0
    dsafe = np.maximum(dose, 0)

    cum_r = np.cumsum(np.array(scenario.response_matrix(dose_ids)), axis=1)  # (k, 7)
    cat = (u[:, :, 1][:, :, None] > cum_r[dsafe][:, :, :-1]).sum(axis=2)
    dropout = u[:, :, 4] < scenario.dropout_probability
    cat = np.where(dropout, _N_CATEGORIES, cat)
    responder = treated & (cat <= 3)

    pfs_med = np.array(scenario.per_dose("pfs_median_months", dose_ids))[dsafe]
    os_med = np.array(scenario.per_dose("os_median_months", dose_ids))[dsafe]
    pfs = -pfs_med / np.log(2) * np.log1p(-u[:, :, 2])
    os_time = np.maximum(-os_med / np.log(2) * np.log1p(-u[:, :, 3]), pfs)

    # accrual: Poisson arrivals; each escalation cohort waits the DLT window of the previous one
    gaps = -np.log1p(-u[:, :, 5]) / scenario.enrollment_per_month
    gaps = np.where(treated, gaps, 0.0)
    wait = np.zeros((t, n_slots))
    cohort_start = (slot % 3 == 0) & (slot < max_n) & (slot > 0)
    wait[:, cohort_start] = _DLT_WINDOW_MONTHS
    wait[:, max_n] = _DLT_WINDOW_MONTHS
    wait = np.where(treated, wait, 0.0)
    enrol = np.cumsum(gaps + wait, axis=1)
    last_enrol = np.where(treated, enrol, 0.0).max(axis=1)
    end = last_enrol + scenario.followup_months
    available = end[:, None] - enrol
    event = treated & ~dropout & (pfs <= available)
    time = np.where(dropout, np.minimum(pfs, 0.5), np.minimum(pfs, available))
    return {
        "t": t,
        "k": k,
        "sel": sel,
        "n_esc": n_esc,
        "exp_dose": exp_dose,
        "has_exp": has_exp,
        "dose": dose,
        "treated": treated,
        "cat": cat,
        "dropout": dropout,
        "responder": responder,
        "pfs": pfs,
        "os": os_time,
        "enrol": enrol,
        "end": end,
        "event": event,
        "time": time,
        "u": u,
    }


def _chunk(args: tuple[Any, ...]) -> pd.DataFrame:
    design, dose_ids, n_exp, scenario, seed, first, last = args
    dr = _draw(design, dose_ids, n_exp, scenario, seed, first, last)
    t, k, sel, n_esc = dr["t"], dr["k"], dr["sel"], dr["n_esc"]
    exp_dose, has_exp, treated = dr["exp_dose"], dr["has_exp"], dr["treated"]
    responder, time, event, end = dr["responder"], dr["time"], dr["event"], dr["end"]
    n_total = treated.sum(axis=1)
    x = responder.sum(axis=1)
    ci = binomial_ci(x, np.maximum(n_total, 1), method="clopper-pearson")
    medians = np.full(t, np.nan)
    for i in range(t):
        m = treated[i]
        if m.any():
            medians[i] = kaplan_meier(time[i, m], event[i, m]).median
    out = {
        "trial": np.arange(first, last),
        "selected": np.array(["none", *dose_ids], dtype=object)[sel],
    }
    per_dose = n_esc + np.where(
        has_exp[:, None] & (np.arange(k)[None, :] == exp_dose[:, None]), n_exp, 0
    )
    for j, d in enumerate(dose_ids):
        out[f"n_{d}"] = per_dose[:, j]
    out.update(
        {
            "n_total": n_total,
            "responders": x,
            "orr": np.where(n_total > 0, x / np.maximum(n_total, 1), np.nan),
            "orr_ci_lower": np.asarray(ci.lower, float),
            "orr_ci_upper": np.asarray(ci.upper, float),
            "median_pfs_months": medians,
            "duration_months": end,
        }
    )
    return pd.DataFrame(out)


def simulate_trials(
    protocol: Any,
    scenario: Scenario | str | dict[str, Any],
    n_trials: int,
    seed: int,
    workers: int = 1,
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

    Returns
    -------
    TrialSimulationResult
    """
    from earlyphase.protocol import load_protocol

    if isinstance(n_trials, bool) or not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise OptionsError(describe_problem("n_trials", n_trials, "an integer >= 1"))
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise OptionsError(describe_problem("workers", workers, "an integer >= 1"))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise OptionsError(describe_problem("seed", seed, "an integer >= 0"))
    proto = protocol if hasattr(protocol, "design") else load_protocol(protocol)
    scen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    design, dose_ids, n_exp = _design(proto)
    scen.check_dose_levels(dose_ids)
    jobs = [
        (design, dose_ids, n_exp, scen, int(seed), a, min(a + _CHUNK, n_trials))
        for a in range(0, n_trials, _CHUNK)
    ]
    if workers == 1 or len(jobs) == 1:
        parts = [_chunk(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_chunk, jobs))
    trials = pd.concat(parts, ignore_index=True)
    return TrialSimulationResult(
        scenario=scen.name,
        dose_ids=tuple(dose_ids),
        n_trials=int(n_trials),
        seed=int(seed),
        orr_threshold=scen.orr_threshold,
        trials=trials,
    )
