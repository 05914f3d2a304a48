"""The multiple-myeloma block of ADSL (disease module ``"multiple-myeloma"`` of the plan).

Rules (Chari et al., Cancer 2021;127:1816-26, Table 1 and Methods):

* SC characteristics (``terms.SC_TESTS``); ``IMIDREF`` = LENREF or POMREF, ``PIREF`` =
  BORTREF or CARFREF, ``DUALREF`` = both ("Y" if any component is Y, "N" if all known
  components are N, blank if none is known).
* ``BMPCBL``: the last marrow plasma-cell % (LB ``PLASMACL``) on or before first dose.
* Disease assessment for the response-evaluable rule: a myeloma marker (IMWG, LB) on or
  before first dose, and one after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.cdisc.adam._common import yn
from earlyphase.cdisc.adam.adsl_treatment import dates_of

__all__ = ["MARKER_TESTS", "last_on_or_before", "myeloma_markers", "myeloma_variables"]

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
_SC_YN = frozenset(
    {
        "PRIORSCT",
        "LENEXP",
        "LENREF",
        "POMEXP",
        "POMREF",
        "BORTEXP",
        "BORTREF",
        "CARFEXP",
        "CARFREF",
    }
)


def _y_n_or_missing(yes: pd.Series, known: pd.Series) -> pd.Series:
    """ "Y" where ``yes``, else "N" where ``known``, else missing (a ``str`` column)."""
    missing = pd.Series(None, index=yes.index, dtype="str")
    return missing.mask(known, "N").mask(yes, "Y")


def _any_y(frame: pd.DataFrame) -> pd.Series:
    """ "Y" if any column is Y, "N" if some are N and none Y, missing if none is known."""
    y = (frame == "Y").any(axis=1)
    known = frame.isin(["Y", "N"]).any(axis=1)
    return _y_n_or_missing(y, known)


def last_on_or_before(
    df: pd.DataFrame, date_col: str, value_col: str, first_dose: Mapping[str, Any]
) -> pd.Series:
    """Per subject, the value of the latest record dated on or before first dose."""
    ref = df["USUBJID"].map(first_dose)
    ok = df[date_col].notna() & (ref.isna() | (df[date_col] <= ref)) & df[value_col].notna()
    rows = df[ok].sort_values(["USUBJID", date_col], kind="stable")
    return rows.groupby("USUBJID")[value_col].last()


def _sc_variables(sc: pd.DataFrame, subjects: pd.Series) -> pd.DataFrame:
    out = pd.DataFrame(index=subjects.index)
    value = sc["SCSTRESC"] if "SCSTRESC" in sc else sc.get("SCORRES")
    wide = sc.assign(_V=value).pivot_table(
        index="USUBJID", columns="SCTESTCD", values="_V", aggfunc="last"
    )
    for test in terms.SC_TESTS:
        if test in wide.columns:
            col = subjects.map(wide[test])
            if test == "PRIORLN":
                out[test] = pd.to_numeric(col, errors="coerce").astype("float64")
            elif test in _SC_YN:
                out[test] = yn(col)
            else:
                out[test] = col.astype("str")
    for var, parts in _REF_GROUPS.items():
        present = [p for p in parts if p in out]
        if present:
            out[var] = _any_y(out[present])
    if {"IMIDREF", "PIREF"} <= set(out.columns):
        both = (out["IMIDREF"] == "Y") & (out["PIREF"] == "Y")
        known = out["IMIDREF"].isin(["Y", "N"]) & out["PIREF"].isin(["Y", "N"])
        out["DUALREF"] = _y_n_or_missing(both, known)
    return out


def myeloma_variables(
    study: Mapping[str, pd.DataFrame], subjects: pd.Series, first_dose: Mapping[str, Any]
) -> pd.DataFrame:
    """SC characteristics, refractoriness groups and ``BMPCBL`` per subject."""
    out = pd.DataFrame(index=subjects.index)
    sc = study.get("SC")
    if sc is not None and "SCTESTCD" in sc.columns:
        out = _sc_variables(sc, subjects)
    lb = study.get("LB")
    if lb is not None and {"LBTESTCD", "LBDTC", "LBSTRESN"} <= set(lb.columns):
        lb = lb.assign(_DT=dates_of(lb, "LBDTC", highest_imputation="n"))
        pc = last_on_or_before(lb[lb["LBTESTCD"] == "PLASMACL"], "_DT", "LBSTRESN", first_dose)
        out["BMPCBL"] = subjects.map(pc).astype("float64")
    return out


def myeloma_markers(
    lb: pd.DataFrame | None, subjects: pd.Series, first_dose: Mapping[str, Any]
) -> tuple[pd.Series, pd.Series]:
    """Whether each subject has a myeloma marker on or before, and after, first dose."""
    before = after = pd.Series(False, index=subjects.index)
    if lb is not None and {"LBTESTCD", "LBDTC"} <= set(lb.columns):
        lb = lb.assign(_DT=dates_of(lb, "LBDTC", highest_imputation="n"))
        mk = lb[lb["LBTESTCD"].isin(MARKER_TESTS) & lb["_DT"].notna()]
        ref = mk["USUBJID"].map(first_dose)
        before = subjects.isin(mk.loc[mk["_DT"] <= ref, "USUBJID"])
        after = subjects.isin(mk.loc[mk["_DT"] > ref, "USUBJID"])
    return before, after
