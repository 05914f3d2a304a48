"""PC of a simulated trial: the population-PK models of :mod:`earlyphase.pk` at the protocol's
sampling times around each patient's actual administrations.

Patients, their covariates and their administrations (from EX, per drug) go to the twin's
generic protocol + patients + seed -> samples function
(:func:`earlyphase.twin.pk_samples.simulate_pc`), and the samples are written as SDTM PC
(:func:`earlyphase.twin.pk_samples.pc_rows`) — the same code the reconstruction uses, without
its calibration to the published table. Drugs without a sampling schedule in the protocol have
no PC.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from earlyphase.twin._common import usubjid

__all__ = ["simulated_pc"]


def simulated_pc(
    protocol: Any,
    plan: pd.DataFrame,
    body: pd.DataFrame,
    given: dict[str, pd.DataFrame],
    rng: np.random.Generator,
    studyid: str,
) -> pd.DataFrame | None:
    """PC rows of one simulated trial (None when the protocol samples no drug it gives)."""
    try:
        from earlyphase.twin.pk_samples import (  # type: ignore[attr-defined]  # not yet there
            PkPatients,
            isatuximab_covariates,
            pc_rows,
            simulate_pc,
        )
    except ImportError:  # the generic PK simulation of the twin is not on this branch yet
        return None
    sampled = {s.drug for s in protocol.pk_sampling}
    infusions = {d: g for d, g in given.items() if d in sampled}
    if not infusions:
        return None
    table = pd.DataFrame(
        {
            "subj": plan["subj"].astype(int).to_numpy(),
            "usubjid": [usubjid(int(s)) for s in plan["subj"]],
            "first_dose": plan["first_dose"].to_numpy(),
            "dose_level": plan["dl"].to_numpy(),
            "bsa_m2": body["bsa_m2"].to_numpy(float),
        },
        index=plan.index,
    )
    cov = isatuximab_covariates(plan, body, rng)
    patients = PkPatients(pd.concat([table, cov], axis=1).reset_index(drop=True))
    samples, _ = simulate_pc(protocol, patients, infusions, rng)
    if samples.empty:
        return None
    pc = pc_rows(samples, patients, protocol)
    return pc.assign(STUDYID=studyid)
