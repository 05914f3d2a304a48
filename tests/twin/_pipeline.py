"""Pipeline glue used by the twin tests: SDTM LB -> the input of earlyphase.clinical.imwg.assess.

This is the plain mapping of docs/data_conventions.md (LBTESTCD + LBSPEC -> marker); it reads the
twin's SDTM output only, never the generator's plan.
"""

from __future__ import annotations

import pandas as pd

from earlyphase.cdisc import terms

_KEY = {(code, spec): name for name, (code, spec, _unit) in terms.LB_TESTS.items()}


def imwg_visits(lb: pd.DataFrame, dm: pd.DataFrame) -> pd.DataFrame:
    """One row per subject and assessment day with the IMWG markers as columns."""
    lb = lb.copy()
    lb["marker"] = [_KEY.get((c, s)) for c, s in zip(lb["LBTESTCD"], lb["LBSPEC"], strict=True)]
    lb = lb[lb["marker"].isin(["serum_m_protein", "urine_m_protein", "kappa_flc", "lambda_flc",
                               "serum_ife", "urine_ife", "bm_plasma_cells", "clonal_pc"])]
    start = pd.to_datetime(dm.set_index("USUBJID")["RFSTDTC"])
    date = pd.to_datetime(lb["LBDTC"].str[:10])
    delta = (date - start.reindex(lb["USUBJID"]).to_numpy()).dt.days
    lb["day"] = delta.where(delta < 0, delta + 1)
    flags = {"serum_ife", "urine_ife", "clonal_pc"}
    lb["value"] = [
        (s.lower() if m in flags else n)
        for m, s, n in zip(lb["marker"], lb["LBSTRESC"], lb["LBSTRESN"], strict=True)
    ]
    wide = lb.pivot_table(index=["USUBJID", "day"], columns="marker", values="value",
                          aggfunc="first").reset_index()
    wide.columns.name = None
    return wide.rename(columns={"USUBJID": "subject_id"})
