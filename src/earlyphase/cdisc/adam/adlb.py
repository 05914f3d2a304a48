"""ADLB: laboratory results with CTCAE v4.03 grades.

* ``PARAMCD`` = ``LBTESTCD``; M-protein is split by specimen: ``MPROTS`` (serum),
  ``MPROTU`` (urine); immunofixation likewise ``IMFIXS``/``IMFIXU``.
* ``AVAL`` = ``LBSTRESN``, ``AVALC`` = ``LBSTRESC``, ``AVALU`` = ``LBSTRESU``, ``ANRLO`` /
  ``ANRHI`` = the normal range; ``ADT`` = the complete date of ``LBDTC`` (labs are not
  imputed: a partial lab date has no analysis date), ``ADY`` the study day.
* ``ABLFL = "Y"`` on the last non-missing value on or before first dose, per parameter.
* Grades come from :func:`earlyphase.clinical.ctcae.grade_labs` (``version="4.03"``, input
  ``subject_id, day, test, value, unit, lln, uln``): ``ATOXGRN`` 0-4, ``ATOXGR`` its text,
  ``ATOXDIR`` LOW for cytopenias (neutrophils, platelets, haemoglobin, WBC, lymphocytes) and
  HIGH for creatinine, ALT, AST, bilirubin; ``BTOXGRN`` the grade of the baseline record.
  Tests CTCAE does not grade (the myeloma markers) have missing grades.
* Records dated after the data cut-off are removed.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.cdisc.adam._common import ADSL_KEYS, finish, flag, require
from earlyphase.cdisc.dates import impute_dtc, study_day

__all__ = ["derive_adlb", "lb_test_key"]

_LOW = frozenset({"neutrophils", "platelets", "hemoglobin", "wbc", "lymphocytes"})
_GRADED = _LOW | {"creatinine", "alt", "ast", "bilirubin"}
_BY_CODE = {(code, spec): key for key, (code, spec, _unit) in terms.LB_TESTS.items()}
_SPLIT = {
    ("MPROTEIN", "SERUM"): "MPROTS",
    ("MPROTEIN", "URINE"): "MPROTU",
    ("IMFIX", "SERUM"): "IMFIXS",
    ("IMFIX", "URINE"): "IMFIXU",
}


def lb_test_key(testcd: pd.Series, spec: pd.Series | None) -> pd.Series:
    """``terms.LB_TESTS`` key of each (LBTESTCD, LBSPEC) pair (missing when not a known test).

    Without ``LBSPEC`` the code alone decides, except for the two specimen-split tests.
    """
    specimen = (
        spec.astype("str").str.upper() if spec is not None else pd.Series("", index=testcd.index)
    )
    by_code_only: dict[str, list[str]] = {}
    for (code, _sp), key in _BY_CODE.items():
        by_code_only.setdefault(code, []).append(key)
    keys = [
        _BY_CODE.get((c, s)) or (by_code_only[c][0] if len(by_code_only.get(c, [])) == 1 else None)
        for c, s in zip(testcd.astype("str").str.upper(), specimen, strict=True)
    ]
    return pd.Series(keys, index=testcd.index, dtype="object")


def derive_adlb(
    lb: pd.DataFrame | None, adsl: pd.DataFrame, *, ctcae_version: Literal["4.03", "5.0"] = "4.03"
) -> pd.DataFrame:
    """Derive ADLB from SDTM LB and ADSL (grading needs :mod:`earlyphase.clinical.ctcae`)."""
    lb = require(lb, "ADLB", "LB", ["USUBJID", "LBTESTCD", "LBDTC"])
    keys = [c for c in (*ADSL_KEYS, "TRTSDT", "DCUTDT") if c in adsl.columns]
    out = lb.reset_index(drop=True).merge(
        adsl[keys], on="USUBJID", how="left", suffixes=("_LB", "")
    )
    out = out.drop(columns=[c for c in out.columns if c.endswith("_LB")])
    spec = out["LBSPEC"] if "LBSPEC" in out else None
    pairs = list(
        zip(
            out["LBTESTCD"].astype("str").str.upper(),
            spec.astype("str").str.upper() if spec is not None else [""] * len(out),
            strict=True,
        )
    )
    out["PARAMCD"] = [_SPLIT.get(p, p[0]) for p in pairs]
    out["PARAM"] = out["LBTEST"] if "LBTEST" in out else out["PARAMCD"]
    out["AVAL"] = pd.to_numeric(out["LBSTRESN"], errors="coerce") if "LBSTRESN" in out else np.nan
    out["AVALC"] = out["LBSTRESC"] if "LBSTRESC" in out else ""
    out["AVALU"] = out["LBSTRESU"] if "LBSTRESU" in out else ""
    out["ANRLO"] = pd.to_numeric(out["LBSTNRLO"], errors="coerce") if "LBSTNRLO" in out else np.nan
    out["ANRHI"] = pd.to_numeric(out["LBSTNRHI"], errors="coerce") if "LBSTNRHI" in out else np.nan
    out["ADT"] = impute_dtc(out["LBDTC"], highest_imputation="n", field="LB.LBDTC").dates
    out["ADY"] = study_day(out["ADT"], out["TRTSDT"])
    if "DCUTDT" in out:
        out = out[~(out["ADT"] > out["DCUTDT"])].reset_index(drop=True)
    pre = (
        out["ADT"].notna()
        & (out["ADT"] <= out["TRTSDT"])
        & (out["AVAL"].notna() | (out["AVALC"].fillna("") != ""))
    )
    last_pre = (
        out[pre]
        .sort_values(["USUBJID", "PARAMCD", "ADT"], kind="stable")
        .groupby(["USUBJID", "PARAMCD"])
        .tail(1)
    )
    out["ABLFL"] = flag(out.index.isin(last_pre.index))
    test_key = lb_test_key(out["LBTESTCD"], out["LBSPEC"] if "LBSPEC" in out else None)
    out["ATOXDIR"] = np.where(
        test_key.isin(_LOW), "LOW", np.where(test_key.isin(_GRADED), "HIGH", "")
    )
    out["ATOXGRN"] = _grades(out, test_key, ctcae_version)
    out["ATOXGR"] = out["ATOXGRN"].map(lambda g: "" if pd.isna(g) else str(int(g))).astype("str")
    base = out[out["ABLFL"] == "Y"].set_index(["USUBJID", "PARAMCD"])["ATOXGRN"]
    out["BTOXGRN"] = pd.Series(
        base.reindex(pd.MultiIndex.from_frame(out[["USUBJID", "PARAMCD"]])).to_numpy(),
        index=out.index,
        dtype="float64",
    )
    out["SRCDOM"] = "LB"
    out["SRCSEQ"] = out["LBSEQ"] if "LBSEQ" in out else np.nan
    order = [
        *ADSL_KEYS,
        "PARAMCD",
        "PARAM",
        "AVAL",
        "AVALC",
        "AVALU",
        "ANRLO",
        "ANRHI",
        "ADT",
        "ADY",
        "ABLFL",
        "ATOXGR",
        "ATOXGRN",
        "ATOXDIR",
        "BTOXGRN",
        "VISIT",
        "SRCDOM",
        "SRCSEQ",
    ]
    out = out[[c for c in order if c in out.columns]]
    return finish(out, "ADLB", "Laboratory Analysis Dataset", order)


def _grades(out: pd.DataFrame, test_key: pd.Series, version: Literal["4.03", "5.0"]) -> pd.Series:
    from earlyphase.clinical.ctcae import grade_labs

    graded = test_key.isin(_GRADED) & out["AVAL"].notna() & out["ADY"].notna()
    result = pd.Series(np.nan, index=out.index, dtype="float64")
    if not graded.any():
        return result
    rows = out[graded]
    labs = pd.DataFrame(
        {
            "subject_id": rows["USUBJID"].to_numpy(),
            "day": rows["ADY"].to_numpy(),
            "test": test_key[graded].to_numpy(),
            "value": rows["AVAL"].to_numpy(),
            "unit": rows["AVALU"].astype("str").to_numpy(),
            "lln": rows["ANRLO"].to_numpy(),
            "uln": rows["ANRHI"].to_numpy(),
        }
    )
    grades = grade_labs(labs, version=version)["grade"]
    result.loc[rows.index] = pd.to_numeric(grades, errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    return result
