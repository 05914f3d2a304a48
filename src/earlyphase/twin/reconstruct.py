"""Reconstruction mode: the virtual twin of the isatuximab + carfilzomib phase 1b as SDTM.

``reconstruct(seed)`` returns the SDTM domains of 33 virtual patients whose analysis by the
ordinary ``earlyphase`` functions reproduces the paper (Chari et al. Cancer 2021;127:1816-1826).
The patient plan and its targets live in :mod:`earlyphase.twin.calibration`; the seed drives only
what the paper does not determine (body size, lab noise, who has which AE, dates within windows,
PK variability), so the published counts hold for every seed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.protocol import load_protocol
from earlyphase.reference.published import load_published
from earlyphase.twin.adverse_events import adverse_event_domains
from earlyphase.twin.calibration import cohort_plan
from earlyphase.twin.demographics import baseline_body, demographics_domains
from earlyphase.twin.disease_course import disease_domains
from earlyphase.twin.disposition import disposition_domain
from earlyphase.twin.dose_history import reconstructed_histories
from earlyphase.twin.exposure import exposure_domains
from earlyphase.twin.pk_reconstruction import pk_domain, pk_slots
from earlyphase.twin.sdtm import finalize_domains

__all__ = [
    "DEFAULT_SEED",
    "pk_individual_effects",
    "pk_sample_residuals",
    "reconstruct",
    "reconstruct_with_pk_calibration",
]

#: Default seed: the data cut-off date.
DEFAULT_SEED = 20200320
_ORDER = ("DM", "SUPPDM", "VS", "MH", "SC", "EX", "SUPPEX", "AE", "SUPPAE", "LB", "RS", "PC", "DS")


def reconstruct(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """SDTM domains of the reconstructed trial, keyed by upper-case domain name.

    Parameters
    ----------
    seed : int
        Seed of the independent random streams (one per generator module, spawned from
        ``numpy.random.SeedSequence(seed)``). Same seed, same data.

    Returns
    -------
    dict of str to DataFrame
        DM, SUPPDM, VS, MH, SC, EX, SUPPEX, AE, SUPPAE, LB, RS, PC, DS.
    """
    return _build(seed)[0]


def pk_individual_effects(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The reconstruction's isatuximab random effects per PK patient, in SD units (eta /
    omega of Fau 2020, after the calibration's concentration factor; see
    :func:`earlyphase.twin.pk_effects.individual_effects`)."""
    return _build(seed)[1]


def pk_sample_residuals(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The reconstruction's isatuximab samples' residuals against each patient's individual
    prediction, in SD units of the Fau 2020 combined residual error (see
    :func:`earlyphase.twin.pk_effects.sample_residuals`)."""
    return _build(seed)[2]


def reconstruct_with_pk_calibration(
    seed: int = DEFAULT_SEED,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    """The SDTM domains (:func:`reconstruct`), :func:`pk_individual_effects` and
    :func:`pk_sample_residuals` of one reconstruction."""
    return _build(seed)


def _build(seed: int) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    plan = cohort_plan()
    protocol = load_protocol("isak-phase1b")
    table3 = load_published().table3
    body = baseline_body(plan, streams[0])
    domains = demographics_domains(plan, body)
    design = pk_slots(plan, protocol, table3)
    histories = reconstructed_histories(protocol, plan, streams[1], design.infusion_minutes())
    exposure, given = exposure_domains(protocol, plan, body, terms.STUDYID, histories)
    domains.update(exposure)
    domains.update(adverse_event_domains(plan, given["isatuximab"], exposure["EX"], streams[2]))
    domains.update(disease_domains(plan, streams[3]))
    domains["PC"], effects, residuals = pk_domain(
        plan, body, exposure["EX"], streams[4], protocol, design, table3
    )
    ds, dm = disposition_domain(plan, domains["DM"], exposure["EX"])
    domains["DM"], domains["DS"] = dm, ds
    return finalize_domains({k: domains[k] for k in _ORDER}), effects, residuals
