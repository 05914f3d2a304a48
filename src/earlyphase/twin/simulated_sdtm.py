"""SDTM of one simulated trial: the simulation's draws turned into a patient plan, then written
by generic generators (protocol-driven) and the criteria's own disease writer.

Trial ``trial`` of ``simulate_trials(protocol, scenario, n, seed, design=...)`` and
``simulate_trial_sdtm(protocol, scenario, seed, trial, design=...)`` use the same random
numbers, so the SDTM is the patient-level data behind that row of the results: DM, SUPPDM, VS,
MH, SC (baseline), EX and SUPPEX from the protocol's dosing calendar
(:mod:`earlyphase.twin.exposure`), AE and SUPPAE with the trial's DLTs and the
scenario's non-DLT adverse events (:mod:`earlyphase.twin.simulated_ae`), the disease
assessments of the protocol's response criteria (IMWG: LB myeloma markers and RS, written from
the criteria's definitions; :mod:`earlyphase.twin.efficacy`), PC from the population-PK models
(:mod:`earlyphase.twin.simulated_pk`) and DS. Dropouts leave during cycle 1 (DS WITHDRAWAL BY
SUBJECT, no response assessment). ``STUDYID`` is the protocol id in upper case.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.errors import OptionsError, describe_problem
from earlyphase.twin.demographics import baseline_body, demographics_domains
from earlyphase.twin.disposition import disposition_domain
from earlyphase.twin.exposure import exposure_domains, last_dose_day
from earlyphase.twin.scenario import Scenario, load_scenario
from earlyphase.twin.sdtm import finalize_domains
from earlyphase.twin.simulate import draw_trials
from earlyphase.twin.simulated_ae import simulated_adverse_events
from earlyphase.twin.simulated_pk import simulated_pc
from earlyphase.twin.trial_setup import TrialSetup, trial_setup

__all__ = ["simulate_trial_sdtm"]

_DOMAINS = (
    "DM",
    "SUPPDM",
    "VS",
    "MH",
    "SC",
    "EX",
    "SUPPEX",
    "AE",
    "SUPPAE",
    "LB",
    "TU",
    "TR",
    "RS",
)


def _plan(
    draw: dict[str, Any], setup: TrialSetup, start: pd.Timestamp, rng: np.random.Generator
) -> pd.DataFrame:
    dose_ids, scenario, max_n = list(setup.dose_ids), setup.scenario, setup.spec.max_n
    cats = setup.efficacy.categories
    responders = set(setup.efficacy.responders)
    min_pd = setup.efficacy.min_pd_cycle
    cycle = int(setup.protocol.cycle_length_days)
    treated = np.flatnonzero(draw["treated"][0])
    end_months = float(draw["end"][0])
    cutoff = start + pd.Timedelta(days=round(end_months * terms.DAYS_PER_MONTH))
    cov = scenario.covariates
    rows = []
    for n, j in enumerate(sorted(treated, key=lambda j: draw["enrol"][0, j]), start=1):
        first = start + pd.Timedelta(days=round(float(draw["enrol"][0, j]) * terms.DAYS_PER_MONTH))
        avail_days = (cutoff - first).days
        dropout = bool(draw["dropout"][0, j])
        cat = "SD" if dropout else cats[int(draw["cat"][0, j])]
        pfs_days = float(draw["pfs"][0, j]) * terms.DAYS_PER_MONTH
        k = max(int(min_pd.get(cat, 2)), int(np.ceil(pfs_days / cycle)) + 1)
        progressed = cycle * (k - 1) + 15 <= avail_days  # documented and confirmed by cut-off
        end = "WITHDRAWN" if dropout else ("PD" if progressed else "ONGOING")
        deep = cat in responders and cats.index(cat) < len(responders) - 1
        best_wk = 12 if (deep and k >= 6) else 4
        pd_day = cycle * (k - 1) + 1
        os_days = float(draw["os"][0, j]) * terms.DAYS_PER_MONTH
        if end == "PD":
            os_days = max(os_days, pd_day + 30)
        died = end == "PD" and os_days < avail_days
        contact = os_days if died else avail_days - 1
        rows.append(
            {
                "subj": n,
                "slot": int(j),
                "dl": dose_ids[int(draw["dose"][0, j])],
                "arm": setup.protocol.dose_level(dose_ids[int(draw["dose"][0, j])]).label,
                "cohort": "E" if j < max_n else "X",
                "first_dose": first,
                "age": int(np.clip(round(rng.normal(cov.age_mean, cov.age_sd)), 30, 90)),
                "sex": "M" if rng.random() < cov.p_male else "F",
                "race": "W",
                "ethnic": "N",
                "diag_years": round(float(rng.uniform(1, 12)), 1),
                "mmtype": str(rng.choice(["IGG", "IGA", "LC"], p=[0.55, 0.2, 0.25])),
                "lines": int(rng.integers(2, 7)),
                "sct": bool(rng.random() < 0.8),
                "lenref": bool(rng.random() < 0.7),
                "pomexp": bool(rng.random() < 0.5),
                "pomref": False,
                "bortref": bool(rng.random() < 0.7),
                "kexp": False,
                "kref": False,
                "bmpc": float(rng.integers(5, 80)),
                "cyto": "STANDARD",
                "gain1q": "N",
                "best": cat,
                "resp_wk": 4 if cat in responders else pd.NA,
                "best_wk": best_wk if cats.index(cat) < len(cats) - 2 else pd.NA,
                "pre": "",
                "pd_cycle": k if end == "PD" else pd.NA,
                "end": end,
                "os_months": contact / terms.DAYS_PER_MONTH,
                "died": died,
                "withdrew": False,
                "cutoff": cutoff,
                "cycle_days": cycle,
                "assessment_days": int(setup.protocol.response_assessment.interval_days),
            }
        )
    plan = pd.DataFrame(rows)
    plan["pomref"] = plan["pomexp"] & (rng.random(len(plan)) < 0.8)
    for col in ("resp_wk", "best_wk", "pd_cycle"):
        plan[col] = plan[col].astype("Int64")
    return plan


def simulate_trial_sdtm(
    protocol: Any,
    scenario: Scenario | str | dict[str, Any],
    seed: int,
    trial: int = 0,
    start: str = "2021-01-04",
    design: Any = None,
) -> dict[str, pd.DataFrame]:
    """SDTM (DM, SUPPDM, VS, MH, SC, EX, SUPPEX, AE, SUPPAE, disease domains, PC, DS) of
    simulated trial ``trial``.

    Parameters
    ----------
    protocol, scenario, seed :
        As for :func:`earlyphase.twin.simulate_trials`.
    trial : int
        Index of the trial (0-based) in that simulation.
    start : str
        Calendar date of the first patient's enrolment window (ISO date).
    design : None, design object, mapping or str
        As for :func:`earlyphase.twin.simulate_trials`.
    """
    from earlyphase.protocol import load_protocol

    if isinstance(trial, bool) or not isinstance(trial, (int, np.integer)) or trial < 0:
        raise OptionsError(describe_problem("trial", trial, "an integer >= 0"))
    proto = protocol if hasattr(protocol, "design") else load_protocol(protocol)
    scen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    setup = trial_setup(proto, scen, design)
    draw = draw_trials(setup, int(seed), int(trial), int(trial) + 1)
    streams = [
        np.random.default_rng(s)
        for s in np.random.SeedSequence(int(seed), spawn_key=(int(trial), 1)).spawn(6)
    ]
    plan = _plan(draw, setup, pd.Timestamp(start), streams[0])
    studyid = terms.STUDYID
    body = baseline_body(plan, streams[1])
    arms = {d.id: d.label for d in proto.dose_levels}
    domains = demographics_domains(plan, body)
    domains["DM"] = domains["DM"].assign(
        ARM=domains["DM"]["ARMCD"].map(arms), ACTARM=domains["DM"]["ACTARMCD"].map(arms)
    )
    exposure, given = exposure_domains(proto, plan, body, studyid)
    domains.update(exposure)
    cycle = int(proto.cycle_length_days)
    last_dose = {int(r["subj"]): last_dose_day(r, cycle) for r in plan.to_dict("records")}
    domains.update(
        simulated_adverse_events(
            plan, draw, scen, setup.dlt_window_days, last_dose, studyid, streams[2]
        )
    )
    if setup.efficacy.write_domains is not None:
        domains.update(setup.efficacy.write_domains(plan, streams[3]))
    pc = simulated_pc(proto, plan, body, given, streams[4], studyid)
    if pc is not None:
        domains["PC"] = pc
    ds, dm = disposition_domain(plan, domains["DM"], exposure["EX"])
    domains["DM"], domains["DS"] = dm, ds
    order = [d for d in (*_DOMAINS, "PC", "DS") if d in domains]
    return finalize_domains(_relabel_study({k: domains[k] for k in order}, proto))


def _relabel_study(domains: dict[str, pd.DataFrame], protocol: Any) -> dict[str, pd.DataFrame]:
    """STUDYID = the protocol id (upper case), also as the prefix of USUBJID."""
    new = str(protocol.id).upper()
    old = terms.STUDYID
    out = {}
    for name, df in domains.items():
        df = df.copy()
        if "STUDYID" in df.columns:
            df["STUDYID"] = new
        if "USUBJID" in df.columns:
            df["USUBJID"] = df["USUBJID"].astype(str).str.replace(f"{old}-", f"{new}-", n=1)
        out[name] = df
    return out
