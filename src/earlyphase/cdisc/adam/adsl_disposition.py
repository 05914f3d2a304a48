"""ADSL disposition: end of study and of treatment, death, last known alive.

* ``EOSSTT``/``DCSREAS``: the subject's last DS disposition event (none or ``ONGOING`` =
  ongoing, ``COMPLETED`` = completed, anything else = discontinued with that reason).
* ``EOTSTT``/``DCTREAS``: the DS disposition event in ``EPOCH = "TREATMENT"`` when DS has
  EPOCH, else the first one.  A subject never treated (no ``TRTSDT``: screen failure,
  not treated) has no treatment status: ``EOTSTT`` and ``DCTREAS`` blank (ADaMIG 1.3,
  EOTSTT is "the subject's status at the end of treatment", so it does not apply).
* ``DTHDT``/``DTHFL`` from DM ``DTHDTC`` (partial dates: first of the period).
* ``LSTALVDT`` (admiral ``derive_vars_extreme_event`` template): the latest of the last
  dose, every DS date other than a death, the data cut-off or an ONGOING status, DM ``RFPENDTC`` (end of participation), and
  every LB/RS/VS/AE/EX date; never after the death date.
* Data cut-off (pharmaverse datacutr rule): DS records, deaths and contacts after it are
  not used; ``LSTALVDT`` is capped at the cut-off.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.cdisc.adam._common import flag
from earlyphase.cdisc.adam.adsl_treatment import dates_of

__all__ = ["disposition_variables"]

#: DS terms whose date is not a contact with a living subject (ONGOING is dated at the cut-off).
_NOT_CONTACTS = frozenset({"DEATH", "DATA CUT-OFF", "ONGOING"})
_CONTACT_DATES = (
    ("LB", "LBDTC"),
    ("RS", "RSDTC"),
    ("VS", "VSDTC"),
    ("AE", "AESTDTC"),
    ("AE", "AEENDTC"),
    ("EX", "EXENDTC"),
    ("DM", "RFPENDTC"),
)


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


def _end_of_treatment(disp: pd.DataFrame, subjects: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``EOTSTT``/``DCTREAS`` from the treatment-epoch (else first) disposition event.

    It differs from the end of study (the last event): a patient who stops treatment for
    progression and dies later has ``DCTREAS = "PROGRESSIVE DISEASE"`` and
    ``DCSREAS = "DEATH"``.  ``_D`` holds the upper-cased DSDECOD.
    """
    if "EPOCH" in disp.columns and (disp["EPOCH"].astype("str").str.upper() == "TREATMENT").any():
        disp = disp[disp["EPOCH"].astype("str").str.upper() == "TREATMENT"]
    first = disp.sort_values("_DT", kind="stable").groupby("USUBJID")["_D"].first()
    return _status_and_reason(subjects.map(first))


def _contacts(study: Mapping[str, pd.DataFrame], cutoff: pd.Timestamp | None) -> list[pd.Series]:
    seen_dates = []
    for dom, col in _CONTACT_DATES:
        frame = study.get(dom)
        if frame is not None and {"USUBJID", col} <= set(frame.columns):
            seen = dates_of(frame, col, highest_imputation="n")
            if cutoff is not None:
                seen = seen.where(seen <= cutoff)
            seen_dates.append(seen.groupby(frame["USUBJID"]).max())
    return seen_dates


def disposition_variables(
    study: Mapping[str, pd.DataFrame],
    subjects: pd.Series,
    treatment_end: pd.Series,
    treated: pd.Series,
    cutoff: pd.Timestamp | None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Disposition variables per subject, and whether DS records progression.

    ``treatment_end`` is ``TRTEDT`` and ``treated`` whether a dose was given (both aligned
    with ``subjects``).
    """
    out = pd.DataFrame(index=subjects.index)
    ds = study.get("DS")
    progressed = pd.Series(False, index=subjects.index)
    out["EOSSTT"], out["DCSREAS"] = "ONGOING", ""
    out["EOTSTT"], out["DCTREAS"] = "ONGOING", ""
    alive = [pd.Series(treatment_end.to_numpy(), index=subjects.to_numpy())]
    if ds is not None and {"DSDECOD", "DSCAT", "DSSTDTC"} <= set(ds.columns):
        ds = ds.assign(_DT=dates_of(ds, "DSSTDTC", highest_imputation="n"))
        if cutoff is not None:
            ds = ds[ds["_DT"].isna() | (ds["_DT"] <= cutoff)]
        decod = ds["DSDECOD"].astype("str").str.upper()
        disp = ds[ds["DSCAT"].astype("str").str.upper() == "DISPOSITION EVENT"]
        disp = disp.assign(_D=disp["DSDECOD"].astype("str").str.upper())
        final = disp.sort_values("_DT", kind="stable").groupby("USUBJID")["_D"].last()
        eos, dcs = _status_and_reason(subjects.map(final))
        eot, dct = _end_of_treatment(disp, subjects)
        out["EOSSTT"], out["DCSREAS"] = eos.to_numpy(), dcs.to_numpy()
        out["EOTSTT"], out["DCTREAS"] = eot.to_numpy(), dct.to_numpy()
        progressed = subjects.isin(ds.loc[decod == "PROGRESSIVE DISEASE", "USUBJID"])
        contact = ~decod.isin(_NOT_CONTACTS)
        alive.append(ds[contact].groupby("USUBJID")["_DT"].max())
    never = ~treated.to_numpy(dtype=bool)
    out.loc[never, "EOTSTT"] = ""
    out.loc[never, "DCTREAS"] = ""
    alive += _contacts(study, cutoff)
    dm = study["DM"]
    dth = (
        dates_of(dm, "DTHDTC", date_imputation="first")
        if "DTHDTC" in dm
        else pd.Series(pd.NaT, index=dm.index)
    )
    if cutoff is not None:
        dth = dth.where(dth <= cutoff)
    out["DTHDT"] = dth.to_numpy().astype("datetime64[ns]")
    out["DTHFL"] = flag(out["DTHDT"].notna())
    lstalv = pd.concat(alive, axis=1).max(axis=1)
    if cutoff is not None:
        lstalv = lstalv.where(lstalv.isna() | (lstalv <= cutoff), cutoff)
    out["LSTALVDT"] = subjects.map(lstalv).astype("datetime64[ns]")
    died_earlier = out["DTHDT"].notna() & (out["LSTALVDT"] > out["DTHDT"])
    out.loc[died_earlier, "LSTALVDT"] = out.loc[died_earlier, "DTHDT"]
    return out, progressed
