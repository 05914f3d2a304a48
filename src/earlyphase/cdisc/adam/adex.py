"""ADEX: exposure per administration and per subject and drug.

* ``PARAMCD = "DOSE"``: one record per EX administration, ``AVAL`` = ``EXDOSE`` (mg),
  ``PLANDOSE`` from SUPPEX ``PLANDOSE``, ``ADT`` the administration date, ``VISIT``.
* Per subject and drug (``PARCAT1`` = ``EXTRT``): ``NDOSES`` (administrations with a dose > 0),
  ``TOTDOSE`` (sum of actual mg), ``PLTOTDOS`` (sum of planned mg) and ``RDI``
  (100 x TOTDOSE / PLTOTDOS, %; missing with ``EXCLREAS`` when a planned dose is missing).
* Administrations after the data cut-off are not used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.cdisc.adam._common import ADSL_KEYS, finish, require
from earlyphase.cdisc.dates import impute_dtc, study_day
from earlyphase.cdisc.study import merge_supp

__all__ = ["derive_adex"]

_PARAM = {
    "DOSE": "Administered Dose (mg)",
    "NDOSES": "Number of Administrations",
    "TOTDOSE": "Total Dose Administered (mg)",
    "PLTOTDOS": "Total Planned Dose (mg)",
    "RDI": "Relative Dose Intensity (%)",
}


def derive_adex(
    ex: pd.DataFrame | None, adsl: pd.DataFrame, *, suppex: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Derive ADEX from SDTM EX (+ SUPPEX planned doses) and ADSL."""
    ex = require(ex, "ADEX", "EX", ["USUBJID", "EXTRT", "EXDOSE", "EXSTDTC"])
    ex = merge_supp(ex, suppex, ("PLANDOSE",)).reset_index(drop=True)
    keys = [c for c in (*ADSL_KEYS, "TRTSDT", "DCUTDT") if c in adsl.columns]
    ex = ex.merge(adsl[keys], on="USUBJID", how="left", suffixes=("_EX", ""))
    ex["ADT"] = impute_dtc(ex["EXSTDTC"], highest_imputation="n", field="EX.EXSTDTC").dates
    if "DCUTDT" in ex:
        ex = ex[~(ex["ADT"] > ex["DCUTDT"])]
    ex["PLANDOSE"] = pd.to_numeric(ex["PLANDOSE"], errors="coerce").astype("float64")
    per_dose = pd.DataFrame(
        {
            "USUBJID": ex["USUBJID"],
            "PARAMCD": "DOSE",
            "PARCAT1": ex["EXTRT"],
            "AVAL": ex["EXDOSE"].astype("float64"),
            "PLANDOSE": ex["PLANDOSE"],
            "ADT": ex["ADT"],
            "VISIT": ex["VISIT"] if "VISIT" in ex else "",
            "SRCDOM": "EX",
            "SRCSEQ": ex["EXSEQ"] if "EXSEQ" in ex else np.nan,
        }
    )
    grouped = ex.groupby(["USUBJID", "EXTRT"], sort=True)
    total = grouped["EXDOSE"].sum()
    planned = grouped["PLANDOSE"].sum(min_count=1)
    incomplete = grouped["PLANDOSE"].apply(lambda s: s.isna().any())
    rdi = (100.0 * total / planned).where(~incomplete & (planned > 0))
    summary = []
    for code, values in (
        ("NDOSES", grouped["EXDOSE"].apply(lambda s: float((s > 0).sum()))),
        ("TOTDOSE", total),
        ("PLTOTDOS", planned.where(~incomplete)),
        ("RDI", rdi),
    ):
        frame = values.rename("AVAL").reset_index().rename(columns={"EXTRT": "PARCAT1"})
        reason = np.where(
            frame["AVAL"].isna(), "planned dose (SUPPEX PLANDOSE) missing for an administration", ""
        )
        summary.append(
            frame.assign(PARAMCD=code, EXCLREAS=reason if code in ("PLTOTDOS", "RDI") else "")
        )
    out = pd.concat([per_dose, *summary], ignore_index=True)
    out["PARAM"] = out["PARAMCD"].map(_PARAM)
    out["AVALU"] = out["PARAMCD"].map(
        {"DOSE": "mg", "TOTDOSE": "mg", "PLTOTDOS": "mg", "RDI": "%", "NDOSES": ""}
    )
    out = out.merge(
        adsl[[c for c in (*ADSL_KEYS, "TRTSDT") if c in adsl.columns]], on="USUBJID", how="left"
    )
    out["ADY"] = study_day(out["ADT"], out["TRTSDT"])
    out["EXCLREAS"] = out["EXCLREAS"].fillna("").astype("str")
    order = [
        *ADSL_KEYS,
        "PARAMCD",
        "PARAM",
        "PARCAT1",
        "AVAL",
        "AVALU",
        "PLANDOSE",
        "ADT",
        "ADY",
        "VISIT",
        "EXCLREAS",
        "SRCDOM",
        "SRCSEQ",
    ]
    return finish(out.drop(columns=["TRTSDT"]), "ADEX", "Exposure Analysis Dataset", order)
