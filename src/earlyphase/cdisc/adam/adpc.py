"""ADPC: concentrations with actual and nominal times (admiral ADPC template conventions).

* ``PARAMCD`` = ``PCTESTCD`` (ISATUXIM, CARFILZO), ``AVAL`` = ``PCSTRESN``, ``AVALU`` =
  ``PCSTRESU``, ``ALLOQ`` = ``PCLLOQ``; ``BLQFL = "Y"`` when ``PCSTRESC`` starts with "<" or
  reads BLQ (``AVAL`` then missing).
* ``ADTM`` = ``PCDTC`` (a sample needs a complete date and time; partial values are an
  error); ``AFRLT`` = hours from the subject's first infusion of that drug.
* Reference dose: the infusion of that drug at the same ``VISIT`` (so a pre-dose sample has a
  negative ``ARRLT``), else the latest infusion started at or before the sample.
  ``ARRLT`` = hours from its start; ``NRRLT`` = ``PCTPTNUM``; ``NFRLT`` = ``24 x (visit day
  - 1) + PCTPTNUM`` with visit day ``(c - 1) x cycle_days + d`` from ``"CYCLE c DAY d"``.
* ``DOSEA`` (mg) and ``INFDUR`` (h) of the reference infusion, for NCA.
* A sample with a post-dose nominal time (``PCTPTNUM > 0``) taken before its infusion started
  (``ARRLT < 0``) is a :class:`DataError` (negative time after dose).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.cdisc.adam._common import ADSL_KEYS, finish, flag, require, visit_cycle_day
from earlyphase.cdisc.dates import impute_dtc
from earlyphase.errors import DataError, describe_problem

__all__ = ["derive_adpc"]

_DRUG_OF = {code: drug for drug, code in terms.PC_TESTCD.items()}
_HOUR = pd.Timedelta(hours=1)


def _strict_datetimes(values: pd.Series, field: str) -> pd.Series:
    imputed = impute_dtc(values, highest_imputation="n", field=field)
    partial = values.fillna("").astype("str").str.len().between(1, 15) & imputed.datetimes.notna()
    if partial.any():
        raise DataError(
            describe_problem(
                field, values[partial.to_numpy()].iloc[0], "a date and time (YYYY-MM-DDThh:mm)"
            )
        )
    return imputed.datetimes.set_axis(values.index)


def derive_adpc(
    pc: pd.DataFrame | None, ex: pd.DataFrame | None, adsl: pd.DataFrame, *, cycle_days: int = 28
) -> pd.DataFrame:
    """Derive ADPC from SDTM PC, EX and ADSL."""
    pc = require(pc, "ADPC", "PC", ["USUBJID", "PCTESTCD", "PCDTC"])
    ex = require(ex, "ADPC", "EX", ["USUBJID", "EXTRT", "EXSTDTC", "EXDOSE"])
    pc = pc.reset_index(drop=True).copy()
    pc["ADTM"] = _strict_datetimes(pc["PCDTC"], "PC.PCDTC")
    pc["_DRUG"] = pc["PCTESTCD"].map(_DRUG_OF)
    inf = ex.reset_index(drop=True).copy()
    inf["_START"] = _strict_datetimes(inf["EXSTDTC"], "EX.EXSTDTC")
    inf["_END"] = _strict_datetimes(inf["EXENDTC"], "EX.EXENDTC") if "EXENDTC" in inf else pd.NaT
    inf = inf[(inf["EXDOSE"] > 0) & inf["_START"].notna()]
    inf["_DRUG"] = inf["EXTRT"].astype("str").str.upper()
    first = inf.groupby(["USUBJID", "_DRUG"])["_START"].min()
    pc["_FIRST"] = pd.MultiIndex.from_frame(pc[["USUBJID", "_DRUG"]]).map(first.to_dict().get)
    pc["AFRLT"] = (pc["ADTM"] - pd.to_datetime(pc["_FIRST"])) / _HOUR

    # reference infusion: same VISIT if any, else the latest start at or before the sample
    pc["_row"] = np.arange(len(pc))
    ref = pd.DataFrame(index=pc.index, columns=["_START", "_END", "EXDOSE"], dtype="float64")
    ref = ref.astype({"_START": "datetime64[ns]", "_END": "datetime64[ns]"})
    if "VISIT" in pc and "VISIT" in inf:
        same = pc[["_row", "USUBJID", "_DRUG", "VISIT"]].merge(
            inf[["USUBJID", "_DRUG", "VISIT", "_START", "_END", "EXDOSE"]].drop_duplicates(
                ["USUBJID", "_DRUG", "VISIT"]
            ),
            on=["USUBJID", "_DRUG", "VISIT"],
            how="inner",
        )
        ref.loc[same["_row"].to_numpy(), ["_START", "_END", "EXDOSE"]] = same[
            ["_START", "_END", "EXDOSE"]
        ].to_numpy()
    todo = pc[ref["_START"].isna() & pc["ADTM"].notna() & pc["_DRUG"].notna()]
    if len(todo):
        prior = pd.merge_asof(
            todo[["_row", "USUBJID", "_DRUG", "ADTM"]].sort_values("ADTM"),
            inf[["USUBJID", "_DRUG", "_START", "_END", "EXDOSE"]].sort_values("_START"),
            left_on="ADTM",
            right_on="_START",
            by=["USUBJID", "_DRUG"],
            direction="backward",
        )
        ref.loc[prior["_row"].to_numpy(), ["_START", "_END", "EXDOSE"]] = prior[
            ["_START", "_END", "EXDOSE"]
        ].to_numpy()
    pc["ARRLT"] = (pc["ADTM"] - pd.to_datetime(ref["_START"])) / _HOUR
    pc["DOSEA"] = pd.to_numeric(ref["EXDOSE"], errors="coerce")
    pc["INFDUR"] = (pd.to_datetime(ref["_END"]) - pd.to_datetime(ref["_START"])) / _HOUR
    pc["NRRLT"] = pd.to_numeric(pc["PCTPTNUM"], errors="coerce") if "PCTPTNUM" in pc else np.nan
    if "VISIT" in pc:
        cyc, day = visit_cycle_day(pc["VISIT"])
        pc["NFRLT"] = 24.0 * ((cyc - 1) * cycle_days + day - 1) + pc["NRRLT"]
    bad = (pc["NRRLT"] > 0) & (pc["ARRLT"] < 0)
    if bad.any():
        row = pc[bad].iloc[0]
        raise DataError(
            describe_problem(
                f"PC sample of {row['USUBJID']} at {row['PCDTC']} (PCTPTNUM {row['NRRLT']:g} h)",
                f"{row['ARRLT']:.2f} h after its infusion started",
                "a non-negative time after dose for a post-dose sample",
            )
        )
    if "DCUTDT" in adsl.columns:  # samples after the data cut-off are not used
        cut = pc["USUBJID"].map(dict(zip(adsl["USUBJID"], adsl["DCUTDT"], strict=True)))
        pc = pc[~(pc["ADTM"].dt.normalize() > pd.to_datetime(cut))]
    out = pc.merge(
        adsl[[c for c in ADSL_KEYS if c in adsl.columns]],
        on="USUBJID",
        how="left",
        suffixes=("_PC", ""),
    )
    out["PARAMCD"] = out["PCTESTCD"]
    out["PARAM"] = out["PCTEST"] if "PCTEST" in out else out["PCTESTCD"]
    out["AVAL"] = pd.to_numeric(out["PCSTRESN"], errors="coerce") if "PCSTRESN" in out else np.nan
    out["AVALU"] = out["PCSTRESU"] if "PCSTRESU" in out else ""
    out["ALLOQ"] = pd.to_numeric(out["PCLLOQ"], errors="coerce") if "PCLLOQ" in out else np.nan
    text = (
        out["PCSTRESC"].fillna("").astype("str").str.upper()
        if "PCSTRESC" in out
        else pd.Series("", index=out.index)
    )
    out["BLQFL"] = flag(out["AVAL"].isna() & (text.str.startswith("<") | text.str.contains("BLQ")))
    out["SRCDOM"] = "PC"
    out["SRCSEQ"] = out["PCSEQ"] if "PCSEQ" in out else np.nan
    order = [
        *ADSL_KEYS,
        "PARAMCD",
        "PARAM",
        "VISIT",
        "PCTPT",
        "AVAL",
        "AVALU",
        "ALLOQ",
        "BLQFL",
        "ADTM",
        "AFRLT",
        "NFRLT",
        "ARRLT",
        "NRRLT",
        "DOSEA",
        "INFDUR",
        "SRCDOM",
        "SRCSEQ",
    ]
    out = out[[c for c in order if c in out.columns]]
    return finish(out, "ADPC", "PK Concentrations Analysis Dataset", order)
