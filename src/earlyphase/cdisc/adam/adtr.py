"""ADTR: tumour measurements, sum of diameters, change from baseline and from nadir (RECIST 1.1).

Parameters follow admiralonco's ``ad_adtr.R`` template: one record per target lesion and
assessment (``PARAMCD`` = ``LDIAM`` or ``SAXIS`` as in TR, ``TRLNKID``, ``TULOC``) and one
``SDIAM`` ("Target Lesions Sum of Diameters") record per assessment with ``AVAL`` (the sum;
missing when a target was not measured), ``ABLFL``/``BASE``, ``CHG``/``PCHG``, ``NADIR`` (the
smallest earlier complete sum, baseline included; missing at baseline), ``CHGNAD``/``PCHGNAD``
(missing when the nadir is 0, as admiralonco) and ``ANL01FL`` = "Y" when every target was
measured. The sums and nadirs are those of :func:`earlyphase.clinical.recist.assess`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.cdisc.adam._common import ADSL_KEYS, finish, flag, require
from earlyphase.cdisc.dates import study_day
from earlyphase.cdisc.tumor import lesions_from_sdtm

__all__ = ["derive_adtr"]

_PARAMS = {
    "LDIAM": "Target Lesion Longest Diameter (mm)",
    "SAXIS": "Target Lesion Short Axis (mm)",
    "SDIAM": "Target Lesions Sum of Diameters (mm)",
}


def _date(ref: pd.Series, day: pd.Series) -> pd.Series:
    d = day.to_numpy(dtype=float)
    return ref + pd.to_timedelta(np.where(d >= 1, d - 1, d), unit="D")


def derive_adtr(
    adsl: pd.DataFrame, tu: pd.DataFrame | None, tr: pd.DataFrame | None
) -> pd.DataFrame:
    """Derive ADTR from ADSL (``USUBJID``, ``TRTSDT``, ``SAFFL``), SDTM TU and TR."""
    from earlyphase.clinical.recist import assess

    tu = require(tu, "ADTR", "TU", ["USUBJID", "TULNKID", "TUSTRESC"])
    tr = require(tr, "ADTR", "TR", ["USUBJID", "TRLNKID", "TRTESTCD", "TRSTRESN", "TRDTC"])
    adsl = adsl[adsl["SAFFL"] == "Y"]
    ref = adsl.set_index("USUBJID")["TRTSDT"]
    tr = tr[tr["USUBJID"].isin(ref.index)]
    lesions = lesions_from_sdtm(tu[tu["USUBJID"].isin(ref.index)], tr, ref)
    result = assess(lesions)
    bv = result.by_visit[
        result.by_visit["subject_id"].isin(
            result.best["subject_id"][result.best["has_target_disease"]]
        )
    ]
    visit_no = bv.groupby("subject_id").cumcount()
    sums = pd.DataFrame(
        {
            "USUBJID": bv["subject_id"].to_numpy(),
            "PARAMCD": "SDIAM",
            "AVAL": bv["sld_mm"].to_numpy(),
            "ADY": bv["day"].to_numpy(),
            "AVISITN": visit_no.to_numpy(),
            "ABLFL": flag(bv["baseline"]).to_numpy(),
            "NADIR": np.where(bv["baseline"], np.nan, bv["nadir_mm"]),
            "ANL01FL": flag(bv["sld_mm"].notna()).to_numpy(),
        }
    )
    base = sums.loc[sums["ABLFL"] == "Y"].set_index("USUBJID")["AVAL"]
    sums["BASE"] = sums["USUBJID"].map(base)
    sums["CHG"] = sums["AVAL"] - sums["BASE"]
    sums["PCHG"] = 100 * sums["CHG"] / sums["BASE"]
    sums["CHGNAD"] = sums["AVAL"] - sums["NADIR"]
    sums["PCHGNAD"] = np.where(sums["NADIR"] > 0, 100 * sums["CHGNAD"] / sums["NADIR"], np.nan)
    targets = lesions[lesions["lesion_class"] == "target"]
    first_day = lesions.groupby("subject_id")["day"].transform("min")
    les = pd.DataFrame(
        {
            "USUBJID": targets["subject_id"].to_numpy(),
            "PARAMCD": np.where(targets["is_node"], "SAXIS", "LDIAM"),
            "TRLNKID": targets["lesion_id"].to_numpy(),
            "TULOC": targets["organ"].to_numpy(),
            "AVAL": targets["diameter_mm"].to_numpy(),
            "ADY": targets["day"].to_numpy(),
            "ABLFL": flag(targets["day"] == first_day[targets.index]).to_numpy(),
            "ANL01FL": flag(targets["diameter_mm"].notna()).to_numpy(),
        }
    )
    day_rank = (
        lesions.drop_duplicates(["subject_id", "day"])
        .assign(n=lambda d: d.groupby("subject_id").cumcount())
        .set_index(["subject_id", "day"])["n"]
    )
    les["AVISITN"] = day_rank.reindex(
        pd.MultiIndex.from_arrays([les["USUBJID"], les["ADY"]])
    ).to_numpy()
    out = pd.concat([les, sums], ignore_index=True)
    out["AVISIT"] = np.where(
        out["AVISITN"] == 0, "BASELINE", "ASSESSMENT " + out["AVISITN"].astype(int).astype(str)
    )
    out["PARAM"] = out["PARAMCD"].map(_PARAMS)
    out["PARCAT1"] = "Target Lesion(s)"
    out["PARCAT2"] = "RECIST 1.1 (earlyphase.clinical.recist)"
    out["ADT"] = _date(pd.to_datetime(out["USUBJID"].map(ref)), out["ADY"]).astype("datetime64[ns]")
    out["ADY"] = study_day(out["ADT"], pd.to_datetime(out["USUBJID"].map(ref)))
    keys = [c for c in ADSL_KEYS if c in adsl.columns]
    out = out.merge(adsl[keys], on="USUBJID", how="left")
    out = out.sort_values(
        ["USUBJID", "PARAMCD", "TRLNKID", "AVISITN"], kind="stable", na_position="first"
    )
    order = [
        *ADSL_KEYS,
        "PARAMCD",
        "PARAM",
        "PARCAT1",
        "PARCAT2",
        "TRLNKID",
        "TULOC",
        "AVISIT",
        "AVISITN",
        "ADT",
        "ADY",
        "AVAL",
        "ABLFL",
        "BASE",
        "CHG",
        "PCHG",
        "NADIR",
        "CHGNAD",
        "PCHGNAD",
        "ANL01FL",
    ]
    return finish(out, "ADTR", "Tumor Results Analysis Dataset", order)
