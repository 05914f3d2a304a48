"""ADAE: adverse events with treatment emergence, relatedness, grade and infusion reactions.

Rules:

* ``ASTDT``: ``AESTDTC`` imputed to the first of the missing period, but not before first dose
  when the period contains it (admiral ADAE template: ``min_dates = TRTSDT``); ``AENDT``:
  ``AEENDTC`` imputed to the last of the period, not after death or data cut-off.
* ``TRTEMFL = "Y"`` when ``TRTSDT <= ASTDT <= TRTEDT + window_days`` (admiral
  ``derive_var_trtemfl``, ``end_window = 30``); an AE without a start date counts as emergent.
* ``RELFL = "Y"`` when ``AEREL`` is in ``terms.RELATED_VALUES`` (at least possibly related);
  missing causality counts as related (conservative).
* ``ATOXGR``/``ATOXGRN`` from ``AETOXGR`` (CTCAE v4.03 grade 1-5).
* ``ASEV``/``ASEVN`` from ``AESEV`` (MILD 1 < MODERATE 2 < SEVERE 3).
* ``AOCCIFL``: first record of the subject's maximum intensity -- the CTCAE grade when the
  AE domain has ``AETOXGR`` values, else the severity ``AESEV`` (OCCDS 1.1 "1st Max
  Sev./Int. Occurrence"); ``AOCCPIFL``: the same per subject and ``AEDECOD``.
* ``IRFL`` from ``AECAT = "INFUSION REACTION"``; ``IRDRUG`` from SUPPAE ``IRDRUG``; ``IRDAY``
  = "C{cycle}D{day}" of that drug's latest infusion (EX ``VISIT``) on or before ``ASTDT``.
* ``ANLEXFL = "Y"`` for terms the paper excludes from analyses (lymphopenia,
  ``terms.EXCLUDED_FROM_ANALYSIS``).
* AEs starting after the data cut-off are removed (datacutr rule; counted by ``derive_adam``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.cdisc.adam._common import ADSL_KEYS, finish, flag, require, visit_cycle_day
from earlyphase.cdisc.dates import impute_dtc, study_day
from earlyphase.cdisc.study import merge_supp

__all__ = ["derive_adae"]

_SEVERITY = {"MILD": 1.0, "MODERATE": 2.0, "SEVERE": 3.0}


def _intensity(adae: pd.DataFrame) -> pd.Series:
    """The grade (``ATOXGRN``) when any record has one, else the severity (``ASEVN``)."""
    grade = pd.to_numeric(adae["ATOXGRN"], errors="coerce")
    if grade.notna().any() or "ASEVN" not in adae:
        return grade
    return adae["ASEVN"]


def derive_adae(
    ae: pd.DataFrame | None,
    adsl: pd.DataFrame,
    *,
    suppae: pd.DataFrame | None = None,
    ex: pd.DataFrame | None = None,
    window_days: int = 30,
) -> pd.DataFrame:
    """Derive ADAE from SDTM AE (+ SUPPAE, EX) and ADSL; one record per AE record."""
    ae = require(ae, "ADAE", "AE", ["USUBJID", "AEDECOD", "AESTDTC"])
    ae = merge_supp(ae, suppae, ("IRDRUG",)).reset_index(drop=True)
    keys = [c for c in (*ADSL_KEYS, "TRTSDT", "TRTEDT", "DTHDT", "DCUTDT") if c in adsl.columns]
    out = ae.merge(adsl[keys], on="USUBJID", how="left", suffixes=("_AE", ""))
    if "STUDYID_AE" in out:
        out = out.drop(columns="STUDYID_AE")
    out["TRTA"], out["TRTAN"] = out["TRT01A"], out["TRT01AN"]
    start = impute_dtc(
        out["AESTDTC"], date_imputation="first", min_dates=out["TRTSDT"], field="AE.AESTDTC"
    )
    out["ASTDT"], out["ASTDTF"] = start.dates, start.date_flag
    if "AEENDTC" in out:
        bound = (
            pd.concat([out["DTHDT"], out["DCUTDT"]], axis=1).min(axis=1)
            if "DCUTDT" in out
            else out["DTHDT"]
        )
        end = impute_dtc(
            out["AEENDTC"], date_imputation="last", max_dates=bound, field="AE.AEENDTC"
        )
        out["AENDT"], out["AENDTF"] = end.dates, end.date_flag
        out["AENDY"] = study_day(out["AENDT"], out["TRTSDT"])
    out["ASTDY"] = study_day(out["ASTDT"], out["TRTSDT"])
    if "DCUTDT" in out:
        out = out[~(out["ASTDT"] > out["DCUTDT"])].reset_index(drop=True)
    window_end = out["TRTEDT"] + pd.Timedelta(days=window_days)
    emergent = out["ASTDT"].isna() | (
        (out["ASTDT"] >= out["TRTSDT"]) & (out["ASTDT"] <= window_end)
    )
    out["TRTEMFL"] = flag(emergent & out["TRTSDT"].notna())
    out["AREL"] = out["AEREL"] if "AEREL" in out else pd.Series("", index=out.index, dtype="str")
    rel = out["AREL"].fillna("").astype("str").str.upper()
    out["RELFL"] = flag(rel.isin(terms.RELATED_VALUES) | (rel == ""))
    if "AETOXGR" in out:
        out["ATOXGR"] = out["AETOXGR"].astype("str")
        out["ATOXGRN"] = pd.to_numeric(out["AETOXGR"], errors="coerce").astype("float64")
    else:
        out["ATOXGR"], out["ATOXGRN"] = "", np.nan
    out["IRFL"] = (
        flag(out["AECAT"].astype("str").str.upper() == "INFUSION REACTION")
        if "AECAT" in out
        else ""
    )
    out["IRDAY"] = _infusion_day(out, ex)
    out["ANLEXFL"] = flag(out["AEDECOD"].isin(terms.EXCLUDED_FROM_ANALYSIS))
    if "AESEV" in out:
        out["ASEV"] = out["AESEV"].astype("str").str.strip().str.upper().where(out["AESEV"].notna())
        out["ASEVN"] = out["ASEV"].map(_SEVERITY).astype("float64")
    ranked = out.assign(_G=_intensity(out).fillna(-1), _i=np.arange(len(out)))
    ranked = ranked.sort_values(
        ["USUBJID", "_G", "ASTDT", "_i"], ascending=[True, False, True, True], kind="stable"
    )
    out["AOCCIFL"] = flag(out.index.isin(ranked.drop_duplicates("USUBJID").index))
    out["AOCCPIFL"] = flag(out.index.isin(ranked.drop_duplicates(["USUBJID", "AEDECOD"]).index))
    order = [
        *ADSL_KEYS,
        "TRTA",
        "TRTAN",
        "AESEQ",
        "AETERM",
        "AEDECOD",
        "AEBODSYS",
        "AESER",
        "ATOXGR",
        "ATOXGRN",
        "ASEV",
        "ASEVN",
        "AREL",
        "RELFL",
        "TRTEMFL",
        "ASTDT",
        "ASTDTF",
        "AENDT",
        "AENDTF",
        "ASTDY",
        "AENDY",
        "IRFL",
        "IRDRUG",
        "IRDAY",
        "ANLEXFL",
        "AOCCIFL",
        "AOCCPIFL",
    ]
    if "AECAT" not in ae.columns:  # infusion reactions not collected: no IR variables
        out = out.drop(columns=["IRFL", "IRDAY"] + (["IRDRUG"] if "IRDRUG" in out else []))
    return finish(out, "ADAE", "Adverse Events Analysis Dataset", order)


def _infusion_day(adae: pd.DataFrame, ex: pd.DataFrame | None) -> pd.Series:
    result = pd.Series("", index=adae.index, dtype="str")
    if ex is None or not {"USUBJID", "EXTRT", "EXSTDTC", "VISIT"} <= set(ex.columns):
        return result
    irs = adae[(adae["IRFL"] == "Y") & adae["IRDRUG"].notna() & adae["ASTDT"].notna()]
    if irs.empty:
        return result
    cycle, day = visit_cycle_day(ex["VISIT"])
    inf = pd.DataFrame(
        {
            "USUBJID": ex["USUBJID"].to_numpy(),
            "IRDRUG": ex["EXTRT"].astype("str").str.upper().to_numpy(),
            "_DT": impute_dtc(
                ex["EXSTDTC"], highest_imputation="n", field="EX.EXSTDTC"
            ).dates.to_numpy(),
            "_LABEL": (
                "C" + cycle.astype("Int64").astype("str") + "D" + day.astype("Int64").astype("str")
            ).to_numpy(),
        }
    )
    inf = inf[cycle.notna().to_numpy() & inf["_DT"].notna().to_numpy()].sort_values("_DT")
    left = irs[["USUBJID", "IRDRUG", "ASTDT"]].assign(_row=irs.index).sort_values("ASTDT")
    left["IRDRUG"] = left["IRDRUG"].astype("str").str.upper()
    matched = pd.merge_asof(
        left, inf, left_on="ASTDT", right_on="_DT", by=["USUBJID", "IRDRUG"], direction="backward"
    )
    result.loc[matched["_row"].to_numpy()] = matched["_LABEL"].fillna("").to_numpy()
    return result
