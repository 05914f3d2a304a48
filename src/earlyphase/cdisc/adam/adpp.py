"""ADPP: PK parameters by noncompartmental analysis of ADPC (:func:`earlyphase.pk.nca`).

* One profile per subject, analyte (``PARCAT1``) and visit (``VISIT``, e.g. "CYCLE 1 DAY 1")
  with at least ``min_samples`` concentrations; sparse trough-only visits are not profiles.
* NCA input: ``conc`` = ``subject_id, analyte, interval, time`` (``AFRLT``, h), ``conc``
  (BLQ as 0 with ``blq`` True), units from ``AVALU``; ``doses`` = the reference infusion
  (``time`` its start in h from first dose, ``amount`` ``DOSEA`` mg, ``route``
  "iv-infusion", ``duration`` ``INFDUR`` h, ``tau`` = hours to the next infusion of the
  drug, so ``AUCTAU`` is the AUC over the actual dosing interval).
* ``PARAMCD`` = the NCA parameter (CDISC PPTESTCD), ``PARAM`` = its conventional short name
  from the NCA registry (:func:`earlyphase.pk.nca.parameter_symbol`: "Cmax", "AUC1week",
  "Rac Cmax"; one PARAM per PARAMCD, the unit in ``AVALU``), ``AVAL``, ``AVALU``,
  ``EXCLREAS`` (why a value is missing).
* ``AUC1WK`` / ``AUC2WK``: partial AUCs from the dose to 168 h / 336 h (NCA ``AUCINT_0-168``,
  ``AUCINT_0-336``; the paper's AUC1week and AUC2weeks), kept for a profile whose dosing
  interval reaches the window's end (within a day's visit window), so a weekly dose has an
  AUC1WK and no AUC2WK.
* With cycle 1 and cycle 3 day 1 profiles, the accumulation ratios ``RACCMAX`` (Cmax ratio)
  and ``RACAUC`` (AUC1WK ratio: the same first week after each dose, the paper's Rac
  AUC1week; :func:`earlyphase.pk.accumulation_ratios`) at ``"CYCLE 3 DAY 1"``; ``RACAUC`` only
  where both visits have an ``AUC1WK`` (not for a drug dosed more often than weekly).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.cdisc.adam._common import ADSL_KEYS, MissingInputError, finish, require
from earlyphase.cdisc.dates import duration_in

__all__ = ["derive_adpp", "param_text"]

REFERENCE_VISIT = "CYCLE 1 DAY 1"
TEST_VISIT = "CYCLE 3 DAY 1"
#: Partial-AUC windows (h after the dose) -> PARAMCD (8 characters, ADaM).
WEEK_WINDOWS = {(0.0, 168.0): "AUC1WK", (0.0, 336.0): "AUC2WK"}
#: A window applies when it ends no later than the next dose plus this (a day's visit window).
WINDOW_TOLERANCE_H = 24.0


def _infusion_starts(ex: pd.DataFrame, adpc: pd.DataFrame) -> pd.DataFrame:
    """Every infusion start in hours from the subject's first infusion of the drug, by PARAMCD."""
    from earlyphase.cdisc.dates import impute_dtc

    ex = ex[ex["EXDOSE"] > 0]
    start = impute_dtc(
        ex["EXSTDTC"], highest_imputation="n", field="EX.EXSTDTC"
    ).datetimes.to_numpy()
    frame = pd.DataFrame(
        {
            "USUBJID": ex["USUBJID"].to_numpy(),
            "PARAMCD": ex["EXTRT"].astype("str").str.upper().map(terms.PC_TESTCD).to_numpy(),
            "_S": start,
        }
    ).dropna()
    frame["_T"] = duration_in(
        frame["_S"] - frame.groupby(["USUBJID", "PARAMCD"])["_S"].transform("min"), "h"
    )
    return frame[["USUBJID", "PARAMCD", "_T"]]


def derive_adpp(
    adpc: pd.DataFrame, ex: pd.DataFrame | None = None, *, options: Any = None, min_samples: int = 3
) -> pd.DataFrame:
    """Derive ADPP from ADPC; SDTM ``ex`` gives the next infusion of each dose (``tau``).

    Without ``ex`` the dosing interval is unknown: ``AUCTAU`` and the accumulation ratios are
    then not computed (the NCA leaves them out).
    """
    from dataclasses import replace

    from earlyphase.pk import NCAOptions, nca

    options = options if options is not None else NCAOptions()
    windows = tuple(dict.fromkeys((*options.partial_aucs, *WEEK_WINDOWS)))
    options = replace(options, partial_aucs=windows)
    require(
        adpc,
        "ADPP",
        "ADPC",
        ["USUBJID", "PARAMCD", "VISIT", "AFRLT", "ARRLT", "AVAL", "DOSEA", "INFDUR"],
    )
    data = adpc[adpc["AFRLT"].notna() & adpc["DOSEA"].notna() & (adpc["INFDUR"] > 0)].copy()
    data["_N"] = data.groupby(["USUBJID", "PARAMCD", "VISIT"])["AFRLT"].transform("size")
    data = data[data["_N"] >= min_samples].sort_values(
        ["USUBJID", "PARAMCD", "VISIT", "AFRLT"], kind="stable"
    )
    if data.empty:
        raise MissingInputError("ADPP", "ADPC", [f"profiles with >= {min_samples} samples"])
    blq = data["BLQFL"] == "Y"
    conc = pd.DataFrame(
        {
            "subject_id": data["USUBJID"].to_numpy(),
            "analyte": data["PARAMCD"].to_numpy(),
            "interval": data["VISIT"].to_numpy(),
            "time": data["AFRLT"].to_numpy(),
            "conc": np.where(blq, 0.0, data["AVAL"].to_numpy(dtype=float)),
            "blq": blq.to_numpy(),
            "time_unit": "h",
            "conc_unit": data["AVALU"].astype("str").to_numpy(),
        }
    )
    dose_rows = data.assign(_T=data["AFRLT"] - data["ARRLT"]).drop_duplicates(
        ["USUBJID", "PARAMCD", "VISIT"]
    )
    doses = pd.DataFrame(
        {
            "subject_id": dose_rows["USUBJID"].to_numpy(),
            "analyte": dose_rows["PARAMCD"].to_numpy(),
            "interval": dose_rows["VISIT"].to_numpy(),
            "time": dose_rows["_T"].to_numpy(),
            "amount": dose_rows["DOSEA"].to_numpy(dtype=float),
            "route": "iv-infusion",
            "duration": dose_rows["INFDUR"].to_numpy(dtype=float),
            "amount_unit": "mg",
        }
    )
    if ex is not None:
        doses["tau"] = _next_start(dose_rows, _infusion_starts(ex, adpc))
    # earlyphase.pk.nca ties doses to profiles by subject and interval: one NCA per analyte
    frames = []
    for analyte in pd.unique(conc["analyte"]):
        result = nca(conc[conc["analyte"] == analyte], doses[doses["analyte"] == analyte], options)
        frames.extend(_parameters(result))
    out = _ratios_of_kept_windows(
        _week_rows(pd.concat(frames, ignore_index=True), result_tau(doses))
    )
    out["EXCLREAS"] = out["EXCLREAS"].fillna("").astype("str")
    keys = adpc[[c for c in ADSL_KEYS if c in adpc.columns]].drop_duplicates("USUBJID")
    out = out.merge(keys, on="USUBJID", how="left")
    out["PARAM"] = _params(out["PARAMCD"])
    order = [*ADSL_KEYS, "PARCAT1", "VISIT", "PARAMCD", "PARAM", "AVAL", "AVALU", "EXCLREAS"]
    return finish(out, "ADPP", "PK Parameters Analysis Dataset", order)


def param_text(code: str) -> str:
    """ADPP ``PARAM`` of ``code``: the parameter's conventional short name ("Cmax", "AUC1week",
    "Rac Cmax"; :func:`earlyphase.pk.nca.parameter_symbol`). The unit stays in ``AVALU``, so
    PARAM and PARAMCD map one to one across analytes in different units (ADaM IG: one PARAM
    per PARAMCD; the admiral ADPP template also keeps units out of PARAM)."""
    from earlyphase.pk.nca import parameter_symbol

    return parameter_symbol(code)


def _params(codes: pd.Series) -> pd.Series:
    """``PARAM`` of every record (one :func:`param_text` per distinct code)."""
    text = {code: param_text(code) for code in codes.astype("str").unique()}
    return codes.astype("str").map(text).astype("str")


def result_tau(doses: pd.DataFrame) -> pd.Series:
    """Dosing interval (h) of each (subject, analyte, visit) profile; empty without ``tau``."""
    if "tau" not in doses.columns:
        return pd.Series(dtype=float)
    return doses.set_index(["subject_id", "analyte", "interval"])["tau"]


def _week_rows(out: pd.DataFrame, tau: pd.Series) -> pd.DataFrame:
    """Partial AUCs of :data:`WEEK_WINDOWS` renamed to their PARAMCD, kept where applicable."""
    keep = np.ones(len(out), bool)
    for (_, end), code in WEEK_WINDOWS.items():
        rows = (out["PARAMCD"] == f"AUCINT_0-{end:g}").to_numpy()
        if len(tau):
            key = pd.MultiIndex.from_arrays([out["USUBJID"], out["PARCAT1"], out["VISIT"]])
            t = tau.reindex(key).to_numpy(dtype=float)
            keep &= ~(rows & ~(np.isnan(t) | (end <= t + WINDOW_TOLERANCE_H)))
        out.loc[rows, "PARAMCD"] = code
    return out[keep].reset_index(drop=True)


def _ratios_of_kept_windows(out: pd.DataFrame) -> pd.DataFrame:
    """Drop ``RACAUC`` where a profile of either visit has no ``AUC1WK`` record: the ratio
    compares the first-week AUCs, which :func:`_week_rows` does not keep for a dosing interval
    shorter than the week (e.g. carfilzomib on days 1 and 2, where a one-week AUC of a single
    dose would run into the next doses). A patient without a later profile keeps its ratio
    record (not computable, with its reason)."""
    visits = out["VISIT"].isin([REFERENCE_VISIT, TEST_VISIT])
    key = ["USUBJID", "PARCAT1", "VISIT"]
    profiles = set(map(tuple, out.loc[visits & (out["PARAMCD"] == "CMAX"), key].to_numpy()))
    weekly = set(map(tuple, out.loc[visits & (out["PARAMCD"] == "AUC1WK"), key].to_numpy()))
    without = {(subject, analyte) for subject, analyte, _ in profiles - weekly}
    rac = (out["PARAMCD"] == "RACAUC").to_numpy()
    pairs = zip(out["USUBJID"], out["PARCAT1"], strict=True)
    keep = [not r or pair not in without for r, pair in zip(rac, pairs, strict=True)]
    return out[np.array(keep, bool)].reset_index(drop=True)


def _parameters(result: Any) -> list[pd.DataFrame]:
    """ADPP records of one NCA result, plus cycle 3 / cycle 1 accumulation ratios."""
    from earlyphase.pk.nca import accumulation_ratios

    par = result.parameters.rename(
        columns={
            "subject_id": "USUBJID",
            "analyte": "PARCAT1",
            "interval": "VISIT",
            "parameter": "PARAMCD",
            "value": "AVAL",
            "unit": "AVALU",
            "exclusion_reason": "EXCLREAS",
        }
    )
    frames = [par]
    visits = set(par["VISIT"])
    if {REFERENCE_VISIT, TEST_VISIT} <= visits and "tau" in result.profiles.columns:
        ratios = accumulation_ratios(result, REFERENCE_VISIT, TEST_VISIT)
        ratios = ratios.rename(
            columns={
                "subject_id": "USUBJID",
                "analyte": "PARCAT1",
                "parameter": "PARAMCD",
                "value": "AVAL",
                "exclusion_reason": "EXCLREAS",
            }
        )
        frames.append(ratios.assign(VISIT=TEST_VISIT, AVALU="ratio"))
    return frames


def _next_start(dose_rows: pd.DataFrame, starts: pd.DataFrame) -> np.ndarray:
    """Hours from each profile's dose to the next infusion of that drug (NaN for the last)."""
    left = (
        dose_rows[["USUBJID", "PARAMCD", "_T"]]
        .reset_index(drop=True)
        .assign(_i=np.arange(len(dose_rows)))
    )
    nxt = pd.merge_asof(
        left.sort_values("_T"),
        starts.rename(columns={"_T": "_NEXT"}).sort_values("_NEXT"),
        left_on="_T",
        right_on="_NEXT",
        by=["USUBJID", "PARAMCD"],
        direction="forward",
        allow_exact_matches=False,
        tolerance=None,
    )
    tau = np.full(len(left), np.nan)
    tau[nxt["_i"].to_numpy()] = (nxt["_NEXT"] - nxt["_T"]).to_numpy(dtype=float)
    return tau
