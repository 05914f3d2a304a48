"""ADSL: one record per subject (treatment, populations, Table 1 baseline, key dates).

Rules (the paper is Chari et al., Cancer 2021;127:1816-26, "Methods"):

* ``TRT01P``/``TRT01PN`` = dose level from ``DM.ARMCD`` (DL1/DL2/DL3 -> 1/2/3,
  ``terms.DOSE_LEVEL_ARMS``); ``TRT01A`` from ``ACTARMCD`` when present, else as planned.
* ``TRTSDT``/``TRTEDT``: first/last ``EXSTDTC`` with ``EXDOSE > 0`` (admiral ADSL template);
  without EX, ``RFSTDTC``/``RFENDTC``.  ``SAFFL = "Y"`` when a dose was given ("received at
  least 1 dose").
* ``EFFFL = "Y"`` (the paper's response-evaluable rule): treated, started at least
  ``min_cycles`` cycle(s), baseline disease data (a myeloma marker in LB on or before first
  dose, or an RS record), and re-evaluated after first dose (a marker or RS record) or
  progression recorded (DS ``PROGRESSIVE DISEASE``).
* Baseline: ``HEIGHTBL``/``WEIGHTBL`` the last VS value on or before first dose; ``BSABL``
  by Mosteller (sqrt(height x weight / 3600)); ``DIAGDT`` from MH primary diagnosis (partial
  dates imputed to the first of the period, flag ``DIAGDTF``); ``DIAGYRS`` = (TRTSDT - DIAGDT)
  / 365.25; SC characteristics; ``IMIDREF`` = LENREF or POMREF, ``PIREF`` = BORTREF or
  CARFREF, ``DUALREF`` = both ("Y" if any component is Y, "N" if all known components are N,
  blank if none is known); ``BMPCBL`` the last marrow plasma-cell % on or before first dose.
* ``NCYCLES``: the highest cycle with a dose (from ``VISIT = "CYCLE c DAY d"``, else
  ``floor((last - first dose) / cycle_days) + 1``).
* ``DCUTDT``: ``data_cutoff`` or DS ``DATA CUT-OFF``. Deaths and contacts after it are not
  used (pharmaverse datacutr rule): ``DTHFL``/``DTHDT`` blank, ``LSTALVDT`` capped at DCUTDT.
* ``LSTALVDT``: latest of DS ``LAST KNOWN ALIVE``, last dose, and every LB/RS/VS/AE/EX date.
* ``RDIISA``/``RDICARF`` = 100 x sum(actual EXDOSE) / sum(planned SUPPEX ``PLANDOSE``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.cdisc.adam._common import (
    cutoff_from,
    finish,
    flag,
    population_flag,
    require,
    visit_cycle_day,
    yn,
)
from earlyphase.cdisc.dates import impute_dtc
from earlyphase.cdisc.study import merge_supp

__all__ = ["derive_adsl", "MARKER_TESTS"]

_DL_NUMBER = {code: i + 1 for i, code in enumerate(terms.DOSE_LEVEL_ARMS)}
#: LBTESTCDs of the myeloma disease markers (IMWG).
MARKER_TESTS = frozenset(
    spec[0]
    for key, spec in terms.LB_TESTS.items()
    if key
    in (
        "serum_m_protein",
        "urine_m_protein",
        "kappa_flc",
        "lambda_flc",
        "serum_ife",
        "urine_ife",
        "bm_plasma_cells",
        "clonal_pc",
    )
)
_REF_GROUPS = {"IMIDREF": ("LENREF", "POMREF"), "PIREF": ("BORTREF", "CARFREF")}
_SC_YN = (
    "PRIORSCT",
    "LENEXP",
    "LENREF",
    "POMEXP",
    "POMREF",
    "BORTEXP",
    "BORTREF",
    "CARFEXP",
    "CARFREF",
)


def _dates(df: pd.DataFrame, col: str, **kw: Any) -> pd.Series:
    return impute_dtc(df[col], field=col, **kw).dates.set_axis(df.index)


def _any_y(frame: pd.DataFrame) -> pd.Series:
    """ "Y" if any column is Y, "N" if some are N and none Y, missing if none is known."""
    y = (frame == "Y").any(axis=1)
    known = frame.isin(["Y", "N"]).any(axis=1)
    return pd.Series(np.where(y, "Y", np.where(known, "N", None)), index=frame.index, dtype="str")


def _last_on_or_before(
    df: pd.DataFrame, date_col: str, value_col: str, first_dose: Mapping[str, Any]
) -> pd.Series:
    """Per subject, the value of the latest record dated on or before first dose."""
    ref = df["USUBJID"].map(first_dose)
    ok = df[date_col].notna() & (ref.isna() | (df[date_col] <= ref)) & df[value_col].notna()
    rows = df[ok].sort_values(["USUBJID", date_col], kind="stable")
    return rows.groupby("USUBJID")[value_col].last()


def derive_adsl(
    study: Mapping[str, pd.DataFrame],
    *,
    data_cutoff: Any = None,
    cycle_days: int = 28,
    min_cycles: int = 1,
) -> pd.DataFrame:
    """Derive ADSL from the SDTM domains of ``study`` (DM required; the rest used if present).

    Parameters
    ----------
    study : mapping of domain -> DataFrame
        DM, and optionally SUPPDM, EX, SUPPEX, VS, MH, SC, LB, RS, DS, AE, PC.
    data_cutoff : date-like, optional
        Overrides the DS ``DATA CUT-OFF`` date.
    cycle_days : int
        Cycle length (28 in the reference protocol), used when EX has no ``CYCLE c`` visits.
    min_cycles : int
        Cycles a subject must have started to be response-evaluable.

    Returns
    -------
    DataFrame
        One row per DM subject; variables as listed in ``docs/data_conventions.md``.
    """
    dm = require(study.get("DM"), "ADSL", "DM", ["STUDYID", "USUBJID", "ARMCD", "ARM"])
    dm = merge_supp(dm, study.get("SUPPDM"), ("COHORT",))
    adsl = pd.DataFrame(index=dm.index)
    for col in (
        "STUDYID",
        "USUBJID",
        "SUBJID",
        "SITEID",
        "ARMCD",
        "ARM",
        "COHORT",
        "AGE",
        "AGEU",
        "SEX",
        "RACE",
        "ETHNIC",
    ):
        if col in dm.columns:
            adsl[col] = dm[col]
    adsl["TRT01P"] = dm["ARM"]
    adsl["TRT01PN"] = dm["ARMCD"].map(_DL_NUMBER).astype("float64")
    actual_cd = (
        dm["ACTARMCD"].where(dm["ACTARMCD"].fillna("") != "", dm["ARMCD"])
        if "ACTARMCD" in dm
        else dm["ARMCD"]
    )
    actual = (
        dm["ACTARM"].where(dm["ACTARM"].fillna("") != "", dm["ARM"])
        if "ACTARM" in dm
        else dm["ARM"]
    )
    adsl["TRT01A"] = actual
    adsl["TRT01AN"] = actual_cd.map(_DL_NUMBER).astype("float64")
    if "AGE" in adsl:
        adsl["AGEGR1"] = pd.Series(
            np.where(adsl["AGE"].isna(), "", np.where(adsl["AGE"] < 65, "<65", ">=65")),
            index=adsl.index,
            dtype="str",
        )
    subjects = adsl["USUBJID"]
    cutoff = cutoff_from(study.get("DS"), data_cutoff)

    # --- exposure: first/last dose, cycles, RDI ------------------------------------------------
    ex = study.get("EX")
    if ex is not None and {"USUBJID", "EXSTDTC", "EXDOSE"} <= set(ex.columns):
        ex = ex.assign(_DT=_dates(ex, "EXSTDTC", highest_imputation="n"))
        if cutoff is not None:
            ex = ex[ex["_DT"].isna() | (ex["_DT"] <= cutoff)]
        dosed = ex[(ex["EXDOSE"] > 0) & ex["_DT"].notna()]
        first = dosed.groupby("USUBJID")["_DT"].min()
        last = dosed.groupby("USUBJID")["_DT"].max()
        cycle, _ = (
            visit_cycle_day(dosed["VISIT"])
            if "VISIT" in dosed
            else (pd.Series(np.nan, index=dosed.index), None)
        )
        by_days = np.floor((dosed["_DT"] - dosed["USUBJID"].map(first)).dt.days / cycle_days) + 1
        ncycles = cycle.fillna(by_days).groupby(dosed["USUBJID"]).max()
        ex = merge_supp(ex, study.get("SUPPEX"), ("PLANDOSE",))
        planned = pd.to_numeric(ex["PLANDOSE"], errors="coerce")
        for drug, var in (("ISATUXIMAB", "RDIISA"), ("CARFILZOMIB", "RDICARF")):
            rows = (
                ex["EXTRT"].astype("str").str.upper() == drug
                if "EXTRT" in ex
                else pd.Series(False, index=ex.index)
            )
            got = ex.loc[rows, "EXDOSE"].groupby(ex.loc[rows, "USUBJID"]).sum()
            plan = planned[rows].groupby(ex.loc[rows, "USUBJID"]).sum(min_count=1)
            incomplete = planned[rows].isna().groupby(ex.loc[rows, "USUBJID"]).any()
            rdi = 100.0 * got / plan.where((plan > 0) & ~incomplete)
            adsl[var] = subjects.map(rdi).astype("float64")
    else:
        first = (
            _dates(dm, "RFSTDTC", highest_imputation="n").groupby(dm["USUBJID"]).min()
            if "RFSTDTC" in dm
            else pd.Series(dtype="datetime64[ns]")
        )
        last = (
            _dates(dm, "RFENDTC", highest_imputation="n").groupby(dm["USUBJID"]).max()
            if "RFENDTC" in dm
            else pd.Series(dtype="datetime64[ns]")
        )
        ncycles = (
            (np.floor((last - first).dt.days / cycle_days) + 1)
            if len(first)
            else pd.Series(dtype=float)
        )
        adsl["RDIISA"] = np.nan
        adsl["RDICARF"] = np.nan
    adsl["TRTSDT"] = subjects.map(first).astype("datetime64[ns]")
    adsl["TRTEDT"] = subjects.map(last).astype("datetime64[ns]")
    adsl["NCYCLES"] = subjects.map(ncycles).astype("float64")
    adsl["SAFFL"] = population_flag(adsl["TRTSDT"].notna())
    adsl["DCUTDT"] = pd.Series(cutoff, index=adsl.index, dtype="datetime64[ns]")
    first_dose = dict(zip(subjects, adsl["TRTSDT"], strict=True))

    # --- baseline characteristics ---------------------------------------------------------------
    vs = study.get("VS")
    if vs is not None and {"VSTESTCD", "VSSTRESN", "VSDTC"} <= set(vs.columns):
        vs = vs.assign(_DT=_dates(vs, "VSDTC", highest_imputation="n"))
        for test, var in (("HEIGHT", "HEIGHTBL"), ("WEIGHT", "WEIGHTBL")):
            base = _last_on_or_before(vs[vs["VSTESTCD"] == test], "_DT", "VSSTRESN", first_dose)
            adsl[var] = subjects.map(base).astype("float64")
        adsl["BSABL"] = np.sqrt(adsl["HEIGHTBL"] * adsl["WEIGHTBL"] / 3600.0)
    mh = study.get("MH")
    if mh is not None and {"MHSTDTC", "MHTERM"} <= set(mh.columns):
        diag = (
            mh[mh["MHCAT"].astype("str").str.upper() == "PRIMARY DIAGNOSIS"]
            if "MHCAT" in mh
            else mh
        )
        imputed = impute_dtc(diag["MHSTDTC"], date_imputation="first", field="MH.MHSTDTC")
        diag = diag.assign(
            _DT=imputed.dates.to_numpy(), _F=imputed.date_flag.to_numpy()
        ).sort_values("_DT")
        firsts = diag.groupby("USUBJID").first()
        adsl["DIAGDT"] = subjects.map(firsts["_DT"]).astype("datetime64[ns]")
        adsl["DIAGDTF"] = subjects.map(firsts["_F"]).fillna("").astype("str")
        adsl["DIAGYRS"] = (adsl["TRTSDT"] - adsl["DIAGDT"]).dt.days / 365.25
    sc = study.get("SC")
    if sc is not None and {"SCTESTCD"} <= set(sc.columns):
        value = sc["SCSTRESC"] if "SCSTRESC" in sc else sc.get("SCORRES")
        wide = sc.assign(_V=value).pivot_table(
            index="USUBJID", columns="SCTESTCD", values="_V", aggfunc="last"
        )
        for test in terms.SC_TESTS:
            if test in wide.columns:
                col = subjects.map(wide[test])
                if test == "PRIORLN":
                    adsl[test] = pd.to_numeric(col, errors="coerce").astype("float64")
                elif test in _SC_YN:
                    adsl[test] = yn(col)
                else:
                    adsl[test] = col.astype("str")
        for var, parts in _REF_GROUPS.items():
            present = [p for p in parts if p in adsl]
            if present:
                adsl[var] = _any_y(adsl[present])
        if {"IMIDREF", "PIREF"} <= set(adsl.columns):
            both = (adsl["IMIDREF"] == "Y") & (adsl["PIREF"] == "Y")
            known = adsl["IMIDREF"].isin(["Y", "N"]) & adsl["PIREF"].isin(["Y", "N"])
            adsl["DUALREF"] = pd.Series(
                np.where(both, "Y", np.where(known, "N", None)), index=adsl.index, dtype="str"
            )

    lb = study.get("LB")
    markers_before = markers_after = pd.Series(False, index=adsl.index)
    if lb is not None and {"LBTESTCD", "LBDTC"} <= set(lb.columns):
        lb = lb.assign(_DT=_dates(lb, "LBDTC", highest_imputation="n"))
        if "LBSTRESN" in lb:
            pc = _last_on_or_before(lb[lb["LBTESTCD"] == "PLASMACL"], "_DT", "LBSTRESN", first_dose)
            adsl["BMPCBL"] = subjects.map(pc).astype("float64")
        mk = lb[lb["LBTESTCD"].isin(MARKER_TESTS) & lb["_DT"].notna()]
        ref = mk["USUBJID"].map(first_dose)
        markers_before = subjects.isin(mk.loc[mk["_DT"] <= ref, "USUBJID"])
        markers_after = subjects.isin(mk.loc[mk["_DT"] > ref, "USUBJID"])
    rs = study.get("RS")
    if rs is not None and {"USUBJID", "RSDTC"} <= set(rs.columns):
        rs_dt = _dates(rs, "RSDTC", highest_imputation="n")
        ref = rs["USUBJID"].map(first_dose)
        markers_before = markers_before | subjects.isin(rs["USUBJID"])
        markers_after = markers_after | subjects.isin(rs.loc[rs_dt > ref, "USUBJID"])

    # --- disposition, death, last known alive ----------------------------------------------------
    ds = study.get("DS")
    progressed = pd.Series(False, index=adsl.index)
    eosstt = pd.Series("ONGOING", index=adsl.index, dtype="str")
    reason = pd.Series("", index=adsl.index, dtype="str")
    alive_dates: list[pd.Series] = [adsl.set_index("USUBJID")["TRTEDT"]]
    adsl["EOTSTT"] = "ONGOING"
    adsl["DCTREAS"] = ""
    death_term = pd.Series(pd.NA, index=adsl.index, dtype="string")
    if ds is not None and {"DSDECOD", "DSCAT", "DSSTDTC"} <= set(ds.columns):
        ds = ds.assign(_DT=_dates(ds, "DSSTDTC", highest_imputation="n"))
        if cutoff is not None:
            ds = ds[ds["_DT"].isna() | (ds["_DT"] <= cutoff)]
        decod = ds["DSDECOD"].astype("str").str.upper()
        disp = ds[(ds["DSCAT"].astype("str").str.upper() == "DISPOSITION EVENT")]
        disp = disp.assign(_D=disp["DSDECOD"].astype("str").str.upper())
        final = disp.sort_values("_DT").groupby("USUBJID")["_D"].last()
        eosstt, reason = _status_and_reason(subjects.map(final))
        eotstt, treatment_reason = _end_of_treatment(disp, subjects)
        adsl["EOTSTT"] = eotstt.to_numpy()
        adsl["DCTREAS"] = treatment_reason.to_numpy()
        progressed = subjects.isin(ds.loc[decod == "PROGRESSIVE DISEASE", "USUBJID"])
        alive_dates.append(ds[decod == "LAST KNOWN ALIVE"].groupby("USUBJID")["_DT"].max())
        if "DSTERM" in ds.columns:  # cause of death as reported on the DS death record
            causes = ds[decod == "DEATH"].groupby("USUBJID")["DSTERM"].first()
            death_term = subjects.map(causes).astype("string")
    adsl["EOSSTT"] = eosstt
    adsl["DCSREAS"] = reason
    for dom, col in (
        ("LB", "LBDTC"),
        ("RS", "RSDTC"),
        ("VS", "VSDTC"),
        ("AE", "AESTDTC"),
        ("AE", "AEENDTC"),
        ("EX", "EXENDTC"),
    ):
        frame = study.get(dom)
        if frame is not None and {"USUBJID", col} <= set(frame.columns):
            seen = _dates(frame, col, highest_imputation="n")
            if cutoff is not None:
                seen = seen.where(seen <= cutoff)
            alive_dates.append(seen.groupby(frame["USUBJID"]).max())
    dth = (
        _dates(dm, "DTHDTC", date_imputation="first")
        if "DTHDTC" in dm
        else pd.Series(pd.NaT, index=dm.index)
    )
    if cutoff is not None:
        dth = dth.where(dth <= cutoff)
    adsl["DTHDT"] = dth.astype("datetime64[ns]")
    adsl["DTHFL"] = flag(adsl["DTHDT"].notna())
    # ADaM IG ADSL DTHCAUS: cause of death (here the DS death record's DSTERM)
    adsl["DTHCAUS"] = death_term.where(adsl["DTHDT"].notna().to_numpy()).to_numpy()
    lstalv = pd.concat(alive_dates, axis=1).max(axis=1)
    if cutoff is not None:
        lstalv = lstalv.clip(upper=cutoff)
    adsl["LSTALVDT"] = subjects.map(lstalv).astype("datetime64[ns]")
    died_earlier = adsl["DTHDT"].notna() & (adsl["LSTALVDT"] > adsl["DTHDT"])
    adsl.loc[died_earlier, "LSTALVDT"] = adsl.loc[died_earlier, "DTHDT"]

    # --- populations ---------------------------------------------------------------------------
    treated = adsl["SAFFL"] == "Y"
    started = adsl["NCYCLES"].fillna(0) >= min_cycles
    adsl["EFFFL"] = population_flag(
        treated & started & markers_before & (markers_after | progressed)
    )
    pc_dom = study.get("PC")
    if pc_dom is not None and {"USUBJID", "PCSTRESN"} <= set(pc_dom.columns):
        adsl["PKFL"] = population_flag(
            treated & subjects.isin(pc_dom.loc[pc_dom["PCSTRESN"].notna(), "USUBJID"])
        )
    else:
        adsl["PKFL"] = population_flag(pd.Series(False, index=adsl.index))
    order = [
        "STUDYID",
        "USUBJID",
        "SUBJID",
        "SITEID",
        "TRT01P",
        "TRT01PN",
        "TRT01A",
        "TRT01AN",
        "COHORT",
        "SAFFL",
        "EFFFL",
        "PKFL",
        "AGE",
        "AGEGR1",
        "SEX",
        "RACE",
        "ETHNIC",
        "HEIGHTBL",
        "WEIGHTBL",
        "BSABL",
        "DIAGDT",
        "DIAGYRS",
        "MMTYPE",
        "PRIORLN",
        "PRIORSCT",
        "LENEXP",
        "LENREF",
        "POMEXP",
        "POMREF",
        "BORTEXP",
        "BORTREF",
        "CARFEXP",
        "CARFREF",
        "IMIDREF",
        "PIREF",
        "DUALREF",
        "BMPCBL",
        "CYTORISK",
        "GAIN1Q",
        "TRTSDT",
        "TRTEDT",
        "NCYCLES",
        "DCUTDT",
        "EOSSTT",
        "EOTSTT",
        "DTHFL",
        "DTHDT",
        "LSTALVDT",
        "RDIISA",
        "RDICARF",
    ]
    return finish(adsl, "ADSL", "Subject-Level Analysis Dataset", order)


def _end_of_treatment(disp: pd.DataFrame, subjects: pd.Series) -> tuple[pd.Series, pd.Series]:
    """End-of-treatment status and reason (ADaM ``EOTSTT``, ``DCTREAS``) from DS.

    The treatment disposition is the DS disposition event in ``EPOCH = "TREATMENT"`` when DS
    carries EPOCH, otherwise the subject's first disposition event.  It differs from the end of
    study (``EOSSTT``/``DCSREAS``, the last event): a patient who stops treatment for
    progression and dies later has ``DCTREAS = "PROGRESSIVE DISEASE"`` and
    ``DCSREAS = "DEATH"``.  ``_D`` holds the upper-cased DSDECOD.
    """
    if "EPOCH" in disp.columns and (disp["EPOCH"].astype("str").str.upper() == "TREATMENT").any():
        disp = disp[disp["EPOCH"].astype("str").str.upper() == "TREATMENT"]
    first = disp.sort_values("_DT", kind="stable").groupby("USUBJID")["_D"].first()
    return _status_and_reason(subjects.map(first))


def _status_and_reason(status: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ADaM status (ONGOING / COMPLETED / DISCONTINUED) and reason from a subject's DSDECOD.

    No disposition event, or ``ONGOING``, is ongoing; ``COMPLETED`` is completed; any other
    term is a discontinuation whose reason is that term.
    """
    stt = pd.Series(
        np.select(
            [status.isna() | (status == "ONGOING"), status == "COMPLETED"],
            ["ONGOING", "COMPLETED"],
            "DISCONTINUED",
        ),
        index=status.index,
        dtype="str",
    )
    reason = status.where(stt == "DISCONTINUED", "").fillna("").astype("str")
    return stt, reason
