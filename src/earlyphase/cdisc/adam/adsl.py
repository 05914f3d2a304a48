"""ADSL: one record per subject (treatment, populations, Table 1 baseline, key dates).

The trial facts (arms and their codes, study drugs, disease, population rules, cycle length)
come from the :class:`~earlyphase.protocol.analysis.AnalysisPlan` -- the protocol's, or one
inferred from DM/EX (:func:`earlyphase.cdisc.plan.infer_plan`).  One module per block:

* treatment (:mod:`.adsl_treatment`): ``TRT01P(N)``/``TRT01A(N)``, ``TRTSDT``/``TRTEDT``
  (EX, else ``RFXSTDTC``/``RFXENDTC``, else ``RFSTDTC``/``RFENDTC``), ``TRTDURD``,
  ``NCYCLES``, ``RDI<drug>``;
* disposition (:mod:`.adsl_disposition`): ``EOSSTT``, ``EOTSTT``, death, ``LSTALVDT``;
* disease block (:mod:`.adsl_myeloma` for ``disease = "multiple-myeloma"``).

Here: demographics from DM, ``AGEGR1`` (<65, >=65); baseline ``HEIGHTBL``/``WEIGHTBL`` the
last VS value on or before first dose, ``BSABL`` by Mosteller (sqrt(height x weight /
3600)); ``DIAGDT`` from MH (the primary diagnosis when MH has ``MHCAT``; partial dates
imputed to the first of the period, flag ``DIAGDTF``), ``DIAGYRS`` = (TRTSDT - DIAGDT) /
365.25; ``DCUTDT`` = ``data_cutoff`` or DS ``DATA CUT-OFF``; the population flags by the
plan's rules (``"treated"``: a dose was given; ``"response-evaluable"``: treated, started
``min_cycles`` cycle(s), baseline disease data (disease markers, or an RS record) and
re-evaluated after first dose or progression recorded in DS; ``"pk-sampled"``: treated with
a PC concentration; ``"enrolled"``: every subject).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc.adam._common import cutoff_from, finish, population_flag, require
from earlyphase.cdisc.adam.adsl_disposition import disposition_variables
from earlyphase.cdisc.adam.adsl_myeloma import (
    MARKER_TESTS,
    last_on_or_before,
    myeloma_markers,
    myeloma_variables,
)
from earlyphase.cdisc.adam.adsl_treatment import (
    dates_of,
    exposure_variables,
    rdi_labels,
    treatment_variables,
)
from earlyphase.cdisc.dates import impute_dtc
from earlyphase.cdisc.plan import resolve_plan
from earlyphase.cdisc.study import merge_supp
from earlyphase.protocol.analysis import AnalysisPlan, PopulationRule

__all__ = ["MARKER_TESTS", "derive_adsl"]

_DM_VARS = (
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
)
ORDER = (
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
    "TRTDURD",
    "NCYCLES",
    "DCUTDT",
    "EOSSTT",
    "EOTSTT",
    "DTHFL",
    "DTHDT",
    "LSTALVDT",
)


def _baseline(
    study: Mapping[str, pd.DataFrame], subjects: pd.Series, first_dose: Mapping[str, Any]
) -> pd.DataFrame:
    """Height, weight, BSA (VS) and date of diagnosis (MH)."""
    out = pd.DataFrame(index=subjects.index)
    vs = study.get("VS")
    if vs is not None and {"VSTESTCD", "VSSTRESN", "VSDTC"} <= set(vs.columns):
        vs = vs.assign(_DT=dates_of(vs, "VSDTC", highest_imputation="n"))
        for test, var in (("HEIGHT", "HEIGHTBL"), ("WEIGHT", "WEIGHTBL")):
            base = last_on_or_before(vs[vs["VSTESTCD"] == test], "_DT", "VSSTRESN", first_dose)
            out[var] = subjects.map(base).astype("float64")
        out["BSABL"] = np.sqrt(out["HEIGHTBL"] * out["WEIGHTBL"] / 3600.0)
    mh = study.get("MH")
    if mh is not None and {"MHSTDTC", "MHTERM"} <= set(mh.columns) and "MHCAT" in mh.columns:
        diag = mh[mh["MHCAT"].astype("str").str.upper() == "PRIMARY DIAGNOSIS"]
        imputed = impute_dtc(diag["MHSTDTC"], date_imputation="first", field="MH.MHSTDTC")
        diag = diag.assign(
            _DT=imputed.dates.to_numpy(), _F=imputed.date_flag.to_numpy()
        ).sort_values("_DT")
        firsts = diag.groupby("USUBJID").first()
        out["DIAGDT"] = subjects.map(firsts["_DT"]).astype("datetime64[ns]")
        out["DIAGDTF"] = subjects.map(firsts["_F"]).fillna("").astype("str")
    return out


def _assessed(
    study: Mapping[str, pd.DataFrame],
    subjects: pd.Series,
    first_dose: Mapping[str, Any],
    plan: AnalysisPlan,
) -> tuple[pd.Series, pd.Series]:
    """Disease assessed on or before, and after, first dose (disease markers or RS)."""
    before = after = pd.Series(False, index=subjects.index)
    if plan.disease == "multiple-myeloma":
        before, after = myeloma_markers(study.get("LB"), subjects, first_dose)
    rs = study.get("RS")
    if rs is not None and {"USUBJID", "RSDTC"} <= set(rs.columns):
        rs_dt = dates_of(rs, "RSDTC", highest_imputation="n")
        ref = rs["USUBJID"].map(first_dose)
        before = before | subjects.isin(rs["USUBJID"])
        after = after | subjects.isin(rs.loc[rs_dt > ref, "USUBJID"])
    return before, after


def _population(
    rule: PopulationRule,
    adsl: pd.DataFrame,
    study: Mapping[str, pd.DataFrame],
    assessed: tuple[pd.Series, pd.Series],
    progressed: pd.Series,
) -> pd.Series:
    treated = adsl["TRTSDT"].notna()
    if rule.rule == "enrolled":
        return population_flag(pd.Series(True, index=adsl.index))
    if rule.rule == "treated":
        return population_flag(treated)
    if rule.rule == "pk-sampled":
        pc = study.get("PC")
        if pc is None or not {"USUBJID", "PCSTRESN"} <= set(pc.columns):
            return population_flag(pd.Series(False, index=adsl.index))
        sampled = adsl["USUBJID"].isin(pc.loc[pc["PCSTRESN"].notna(), "USUBJID"])
        return population_flag(treated & sampled)
    before, after = assessed
    started = adsl["NCYCLES"].fillna(0) >= rule.min_cycles
    return population_flag(treated & started & before & (after | progressed))


def derive_adsl(
    study: Mapping[str, pd.DataFrame],
    plan: AnalysisPlan | Any = None,
    *,
    data_cutoff: Any = None,
) -> pd.DataFrame:
    """Derive ADSL from the SDTM domains of ``study`` (DM required; the rest used if present).

    Parameters
    ----------
    study : mapping of domain -> DataFrame
        DM, and optionally SUPPDM, EX, SUPPEX, VS, MH, SC, LB, RS, DS, AE, PC.
    plan : AnalysisPlan, Protocol or str, optional
        The analysis plan, or a protocol (object, built-in name or YAML path) to take it
        from; default: inferred from DM and EX (:func:`earlyphase.cdisc.plan.infer_plan`).
    data_cutoff : date-like, optional
        Overrides the DS ``DATA CUT-OFF`` date.

    Returns
    -------
    DataFrame
        One row per DM subject; variables as listed in ``docs/data_conventions.md``.
    """
    dm = require(study.get("DM"), "ADSL", "DM", ["STUDYID", "USUBJID", "ARMCD", "ARM"])
    plan = resolve_plan(study, plan)
    dm = merge_supp(dm, study.get("SUPPDM"), ("COHORT",))
    study = {**study, "DM": dm}
    adsl = dm[[c for c in _DM_VARS if c in dm.columns]].copy()
    adsl = adsl.join(treatment_variables(dm, plan))
    if "AGE" in adsl:
        adsl["AGEGR1"] = pd.Series(
            np.where(adsl["AGE"].isna(), "", np.where(adsl["AGE"] < 65, "<65", ">=65")),
            index=adsl.index,
            dtype="str",
        )
    subjects = adsl["USUBJID"]
    cutoff = cutoff_from(study.get("DS"), data_cutoff)
    adsl = adsl.join(exposure_variables(study, subjects, plan, cutoff))
    adsl["DCUTDT"] = pd.Series(cutoff, index=adsl.index, dtype="datetime64[ns]")
    first_dose = dict(zip(subjects, adsl["TRTSDT"], strict=True))
    adsl = adsl.join(_baseline(study, subjects, first_dose))
    if "DIAGDT" in adsl:
        adsl["DIAGYRS"] = (adsl["TRTSDT"] - adsl["DIAGDT"]).dt.days / 365.25
    if plan.disease == "multiple-myeloma":
        adsl = adsl.join(myeloma_variables(study, subjects, first_dose))
    disposition, progressed = disposition_variables(
        study, subjects, adsl["TRTEDT"], adsl["TRTSDT"].notna(), cutoff
    )
    adsl = adsl.join(disposition)
    assessed = _assessed(study, subjects, first_dose, plan)
    for rule in plan.populations:
        adsl[rule.flag] = _population(rule, adsl, study, assessed, progressed)
    return finish(
        adsl, "ADSL", "Subject-Level Analysis Dataset", ORDER, extra_labels=rdi_labels(plan)
    )
