"""ADSL treatment variables: arms and their codes, treatment dates, cycles, dose intensity.

* ``TRT01P``/``TRT01PN``: DM ``ARM``, and the plan's numeric code of ``ARMCD``
  (:class:`~earlyphase.protocol.analysis.AnalysisPlan`); ``TRT01A``/``TRT01AN`` the same
  from ``ACTARMCD``/``ACTARM`` when present.  A subject with no arm (screen failure, not
  assigned) has a blank treatment and a missing code.
* ``TRTSDT``/``TRTEDT``: the first/last ``EXSTDTC`` with ``EXDOSE > 0`` (admiral ADSL
  template); without EX, ``RFXSTDTC``/``RFXENDTC`` (SDTMIG 3.2: first/last study treatment),
  else ``RFSTDTC``/``RFENDTC``.  ``TRTDURD = TRTEDT - TRTSDT + 1`` (ADaMIG 1.3).
* ``NCYCLES``: the highest cycle with a dose (``VISIT = "CYCLE c DAY d"``), else
  ``floor((last - first dose) / cycle_days) + 1``.
* ``RDI<code>`` per study drug of the plan = 100 x sum(actual EXDOSE) / sum(planned
  SUPPEX ``PLANDOSE``), missing when any planned dose is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc.adam._common import visit_cycle_day
from earlyphase.cdisc.dates import impute_dtc
from earlyphase.cdisc.plan import not_assigned
from earlyphase.cdisc.study import merge_supp
from earlyphase.protocol.analysis import AnalysisPlan

__all__ = ["exposure_variables", "rdi_labels", "treatment_variables"]


def dates_of(df: pd.DataFrame, col: str, **kw: Any) -> pd.Series:
    """``impute_dtc`` of one column, indexed like ``df``."""
    return impute_dtc(df[col], field=col, **kw).dates.set_axis(df.index)


def _filled(dm: pd.DataFrame, actual: str, planned: str) -> pd.Series:
    if actual not in dm.columns:
        return dm[planned]
    return dm[actual].where(dm[actual].fillna("").astype("str").str.strip() != "", dm[planned])


def treatment_variables(dm: pd.DataFrame, plan: AnalysisPlan) -> pd.DataFrame:
    """``TRT01P``, ``TRT01PN``, ``TRT01A``, ``TRT01AN`` (one row per DM row)."""
    codes = plan.arm_numbers
    none = not_assigned(dm)
    out = pd.DataFrame(index=dm.index)
    out["TRT01P"] = dm["ARM"].where(~none, "").fillna("").astype("str")
    out["TRT01PN"] = dm["ARMCD"].where(~none).map(codes).astype("float64")
    actual_cd = _filled(dm, "ACTARMCD", "ARMCD")
    out["TRT01A"] = _filled(dm, "ACTARM", "ARM").where(~none, "").fillna("").astype("str")
    out["TRT01AN"] = actual_cd.where(~none).map(codes).astype("float64")
    return out


def rdi_labels(plan: AnalysisPlan) -> dict[str, str]:
    """ADaM label of each ``RDI<code>`` variable of the plan's drugs."""
    return {f"RDI{d.code}": f"Relative Dose Intensity {d.label} (%)" for d in plan.drugs}


def _from_dm(dm: pd.DataFrame, names: tuple[str, ...], how: str) -> pd.Series:
    """Per subject, the first of ``names`` present and non-missing (min/max over rows)."""
    result = pd.Series(pd.NaT, index=dm.index, dtype="datetime64[ns]")
    for name in names:
        if name in dm.columns:
            got = dates_of(dm, name, highest_imputation="n")
            result = result.fillna(got)
    grouped = result.groupby(dm["USUBJID"])
    return grouped.min() if how == "min" else grouped.max()


def _rdi(ex: pd.DataFrame, plan: AnalysisPlan, subjects: pd.Series) -> dict[str, pd.Series]:
    planned = pd.to_numeric(ex["PLANDOSE"], errors="coerce")
    out = {}
    for drug in plan.drugs:
        rows = (
            ex["EXTRT"].astype("str").str.strip().str.upper() == drug.name
            if "EXTRT" in ex
            else pd.Series(False, index=ex.index)
        )
        who = ex.loc[rows, "USUBJID"]
        got = ex.loc[rows, "EXDOSE"].groupby(who).sum()
        plan_sum = planned[rows].groupby(who).sum(min_count=1)
        incomplete = planned[rows].isna().groupby(who).any()
        rdi = 100.0 * got / plan_sum.where((plan_sum > 0) & ~incomplete)
        out[f"RDI{drug.code}"] = subjects.map(rdi).astype("float64")
    return out


def exposure_variables(
    study: Mapping[str, pd.DataFrame],
    subjects: pd.Series,
    plan: AnalysisPlan,
    cutoff: pd.Timestamp | None,
) -> pd.DataFrame:
    """``TRTSDT``, ``TRTEDT``, ``TRTDURD``, ``NCYCLES`` and ``RDI<code>`` per subject."""
    dm = study["DM"]
    ex = study.get("EX")
    out = pd.DataFrame(index=subjects.index)
    rdi: dict[str, pd.Series] = {}
    if ex is not None and {"USUBJID", "EXSTDTC", "EXDOSE"} <= set(ex.columns):
        ex = ex.assign(_DT=dates_of(ex, "EXSTDTC", highest_imputation="n"))
        if cutoff is not None:
            ex = ex[ex["_DT"].isna() | (ex["_DT"] <= cutoff)]
        dosed = ex[(ex["EXDOSE"] > 0) & ex["_DT"].notna()]
        first = dosed.groupby("USUBJID")["_DT"].min()
        last = dosed.groupby("USUBJID")["_DT"].max()
        cycle = visit_cycle_day(dosed["VISIT"])[0] if "VISIT" in dosed else np.nan
        days = (dosed["_DT"] - dosed["USUBJID"].map(first)).dt.days
        by_days = pd.Series(np.floor(days / plan.cycle_days) + 1, index=dosed.index)
        per_record = pd.Series(cycle, index=dosed.index).fillna(by_days)
        ncycles: pd.Series = per_record.groupby(dosed["USUBJID"]).max()
        rdi = _rdi(merge_supp(ex, study.get("SUPPEX"), ("PLANDOSE",)), plan, subjects)
    else:
        first = _from_dm(dm, ("RFXSTDTC", "RFSTDTC"), "min")
        last = _from_dm(dm, ("RFXENDTC", "RFENDTC"), "max")
        ncycles = pd.Series(np.floor((last - first).dt.days / plan.cycle_days) + 1)
        rdi = {f"RDI{d.code}": pd.Series(np.nan, index=subjects.index) for d in plan.drugs}
    out["TRTSDT"] = subjects.map(first).astype("datetime64[ns]")
    out["TRTEDT"] = subjects.map(last).astype("datetime64[ns]")
    out["TRTDURD"] = (out["TRTEDT"] - out["TRTSDT"]).dt.days + 1.0
    out["NCYCLES"] = subjects.map(ncycles).astype("float64")
    for var, values in rdi.items():
        out[var] = values.to_numpy()
    return out
