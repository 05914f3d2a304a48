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
    lb = lb[
        lb["marker"].isin(
            [
                "serum_m_protein",
                "urine_m_protein",
                "kappa_flc",
                "lambda_flc",
                "serum_ife",
                "urine_ife",
                "bm_plasma_cells",
                "clonal_pc",
            ]
        )
    ]
    start = pd.to_datetime(dm.set_index("USUBJID")["RFSTDTC"])
    date = pd.to_datetime(lb["LBDTC"].str[:10])
    delta = (date - start.reindex(lb["USUBJID"]).to_numpy()).dt.days
    lb["day"] = delta.where(delta < 0, delta + 1)
    flags = {"serum_ife", "urine_ife", "clonal_pc"}
    lb["value"] = [
        (s.lower() if m in flags else n)
        for m, s, n in zip(lb["marker"], lb["LBSTRESC"], lb["LBSTRESN"], strict=True)
    ]
    wide = lb.pivot_table(
        index=["USUBJID", "day"], columns="marker", values="value", aggfunc="first"
    ).reset_index()
    wide.columns.name = None
    return wide.rename(columns={"USUBJID": "subject_id"})


def isa_nca_inputs(
    pc: pd.DataFrame, ex: pd.DataFrame, dm: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(conc, doses) for ``earlyphase.pk.nca``: isatuximab intensive profiles at C1D1 and C3D1.

    Times are hours from the start of that day's infusion (actual clock times from PCDTC and
    EXSTDTC); tau is 1 week at C1D1 for the weekly regimens, else 2 weeks (Table 3 footnote).
    """
    arm = dm.set_index("USUBJID")["ARMCD"]
    isa = ex[
        (ex["EXTRT"] == "ISATUXIMAB")
        & (ex["EXDOSE"] > 0)
        & ex["VISIT"].isin(["CYCLE 1 DAY 1", "CYCLE 3 DAY 1"])
    ].copy()
    isa["start"] = pd.to_datetime(isa["EXSTDTC"])
    isa["duration"] = (pd.to_datetime(isa["EXENDTC"]) - isa["start"]).dt.total_seconds() / 3600
    conc = pc[
        (pc["PCTESTCD"] == "ISATUXIM") & pc["VISIT"].isin(["CYCLE 1 DAY 1", "CYCLE 3 DAY 1"])
    ].copy()
    conc = conc.merge(isa[["USUBJID", "VISIT", "start"]], on=["USUBJID", "VISIT"])
    conc["time"] = (pd.to_datetime(conc["PCDTC"]) - conc["start"]).dt.total_seconds() / 3600
    conc["time"] = conc["time"].clip(lower=0.0)  # pre-dose sample at time 0
    weekly = (conc["VISIT"] == "CYCLE 1 DAY 1") & (conc["USUBJID"].map(arm) != "DL1")
    conc = conc[~weekly | (conc["time"] <= 168.0)]
    out_c = pd.DataFrame(
        {
            "subject_id": conc["USUBJID"],
            "interval": conc["VISIT"],
            "time": conc["time"],
            "conc": conc["PCSTRESN"].fillna(0.0),
            "blq": conc["PCSTRESN"].isna(),
        }
    )
    used = set(zip(out_c["subject_id"], out_c["interval"], strict=True))
    isa = isa[[k in used for k in zip(isa["USUBJID"], isa["VISIT"], strict=True)]]
    tau = [
        168.0 if (v == "CYCLE 1 DAY 1" and arm[u] != "DL1") else 336.0
        for u, v in zip(isa["USUBJID"], isa["VISIT"], strict=True)
    ]
    out_d = pd.DataFrame(
        {
            "subject_id": isa["USUBJID"],
            "interval": isa["VISIT"],
            "time": 0.0,
            "amount": isa["EXDOSE"],
            "route": "iv-infusion",
            "duration": isa["duration"],
            "tau": tau,
        }
    )
    return out_c.reset_index(drop=True), out_d.reset_index(drop=True)
