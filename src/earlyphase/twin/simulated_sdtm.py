"""SDTM of one simulated trial: the simulation's draws turned into a patient plan, then written
by the same generators as the reconstruction (demographics, exposure, myeloma labs written from
the IMWG definitions, responses, disposition).

Trial ``trial`` of ``simulate_trials(protocol, scenario, n, seed)`` and
``simulate_trial_sdtm(protocol, scenario, seed, trial)`` use the same random numbers, so the SDTM
is the patient-level data behind that row of the results. Not generated here: AE and PC (the
scenario has no AE or PK assumptions yet). Dropouts leave during cycle 1 (DS WITHDRAWAL BY
SUBJECT, no response assessment).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.errors import OptionsError, describe_problem
from earlyphase.twin.demographics import baseline_body, demographics_domains
from earlyphase.twin.disease_course import disease_domains
from earlyphase.twin.disposition import disposition_domain
from earlyphase.twin.exposure import exposure_domains
from earlyphase.twin.scenario import Scenario, load_scenario
from earlyphase.twin.sdtm import finalize_domains
from earlyphase.twin.simulate import draw_trials
from earlyphase.twin.trial_setup import trial_setup

__all__ = ["simulate_trial_sdtm"]

_CATS = ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD")
_MIN_PD_CYCLE = {"sCR": 4, "CR": 4, "VGPR": 4, "PR": 4, "MR": 4, "SD": 3, "PD": 2}


def _plan(
    draw: dict[str, Any],
    dose_ids: list[str],
    scenario: Scenario,
    max_n: int,
    start: pd.Timestamp,
    rng: np.random.Generator,
) -> pd.DataFrame:
    treated = np.flatnonzero(draw["treated"][0])
    end_months = float(draw["end"][0])
    cutoff = start + pd.Timedelta(days=round(end_months * terms.DAYS_PER_MONTH))
    cov = scenario.covariates
    rows = []
    for n, j in enumerate(sorted(treated, key=lambda j: draw["enrol"][0, j]), start=1):
        first = start + pd.Timedelta(days=round(float(draw["enrol"][0, j]) * terms.DAYS_PER_MONTH))
        avail_days = (cutoff - first).days
        dropout = bool(draw["dropout"][0, j])
        cat = "SD" if dropout else _CATS[int(draw["cat"][0, j])]
        pfs_days = float(draw["pfs"][0, j]) * terms.DAYS_PER_MONTH
        k = max(_MIN_PD_CYCLE[cat], int(np.ceil(pfs_days / 28)) + 1)
        progressed = 28 * (k - 1) + 15 <= avail_days  # documented and confirmed by cut-off
        end = "WITHDRAWN" if dropout else ("PD" if progressed else "ONGOING")
        best_wk = 12 if (cat in ("VGPR", "CR", "sCR") and k >= 6) else 4
        pd_day = 28 * (k - 1) + 1
        os_days = float(draw["os"][0, j]) * terms.DAYS_PER_MONTH
        if end == "PD":
            os_days = max(os_days, pd_day + 30)
        died = end == "PD" and os_days < avail_days
        contact = os_days if died else avail_days - 1
        rows.append(
            {
                "subj": n,
                "dl": dose_ids[int(draw["dose"][0, j])],
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
                "resp_wk": 4 if cat in _CATS[:4] else pd.NA,
                "best_wk": best_wk if cat in _CATS[:5] else pd.NA,
                "pre": "",
                "pd_cycle": k if end == "PD" else pd.NA,
                "end": end,
                "os_months": contact / terms.DAYS_PER_MONTH,
                "died": died,
                "withdrew": False,
                "cutoff": cutoff,
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
    """SDTM (DM, SUPPDM, VS, MH, SC, EX, SUPPEX, LB, RS, DS) of simulated trial ``trial``.

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
    dose_ids = list(setup.dose_ids)
    draw = draw_trials(setup, int(seed), int(trial), int(trial) + 1)
    streams = [
        np.random.default_rng(s)
        for s in np.random.SeedSequence(int(seed), spawn_key=(int(trial), 1)).spawn(4)
    ]
    plan = _plan(draw, dose_ids, scen, setup.spec.max_n, pd.Timestamp(start), streams[0])
    body = baseline_body(plan, streams[1])
    domains = demographics_domains(plan, body)
    exposure, _ = exposure_domains(plan, body, streams[2])
    domains.update(exposure)
    domains.update(disease_domains(plan, streams[3]))
    ds, dm = disposition_domain(plan, domains["DM"], exposure["EX"])
    domains["DM"], domains["DS"] = dm, ds
    order = ("DM", "SUPPDM", "VS", "MH", "SC", "EX", "SUPPEX", "LB", "RS", "DS")
    return finalize_domains({k: domains[k] for k in order})
