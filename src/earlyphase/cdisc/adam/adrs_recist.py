"""ADRS parameters of RECIST 1.1, derived from the tumour measurements in SDTM TU/TR.

admiralonco (``ad_adrs.R`` template) derives these parameters from the investigator's
per-visit calls in RS; here the per-visit calls themselves come from
:func:`earlyphase.clinical.recist.assess` on TU/TR, so they can be checked against RS. The
parameter codes and conventions are admiralonco's where the two overlap:

* ``OVR``: overall response per post-baseline assessment (RS ``OVRLRESP``).
* ``BOR``: best overall response, confirmation not required; SD needs ``min_sd_days`` (42,
  admiralonco's ``ref_start_window = 42``) after the first dose; only assessments up to the
  first PD count (admiralonco ``source_pd``). ``ADT`` = the assessment that gave it.
* ``CBOR``: best confirmed overall response (``ref_confirm = 28``, ``max_nr_ne = 1``,
  ``accept_sd = FALSE`` as ``derive_param_confirmed_bor``'s defaults).
* ``RSP`` / ``CRSP``: response (CR or PR) without / with confirmation, Y/N, ``ADT`` = first
  response.
* ``PD``: progression Y/N, ``ADT`` = first PD (an equivocal new lesion confirmed later dates
  the PD at its first sighting).
* ``MDIS``: measurable (target) disease at baseline, Y/N.

``PARCAT1`` is "RECIST 1.1 (earlyphase.clinical.recist)", ``SRCDOM`` "TR". Subjects treated
but never assessed get ``BOR``/``CBOR`` NE and Y/N parameters N.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc.adam._common import require
from earlyphase.cdisc.tumor import lesions_from_sdtm

__all__ = ["PARAMS", "RECIST_PARCAT", "recist_adrs_records"]

RECIST_PARCAT = "RECIST 1.1 (earlyphase.clinical.recist)"
PARAMS = {
    "OVR": "Overall Response by Assessment (RECIST 1.1)",
    "BOR": "Best Overall Response (RECIST 1.1, confirmation not required)",
    "CBOR": "Best Confirmed Overall Response (RECIST 1.1)",
    "RSP": "Response (CR/PR, confirmation not required)",
    "CRSP": "Confirmed Response (CR/PR)",
    "PD": "Disease Progression",
    "MDIS": "Measurable Disease at Baseline",
}


def _yn(
    subjects: pd.Series, condition: pd.Series | np.ndarray, dates: pd.Series, code: str
) -> pd.DataFrame:
    yes = np.asarray(condition, dtype=bool)
    return pd.DataFrame(
        {
            "USUBJID": subjects.to_numpy(),
            "PARAMCD": code,
            "AVALC": np.where(yes, "Y", "N"),
            "ADT": pd.to_datetime(dates).where(yes).to_numpy(),
        }
    )


def recist_adrs_records(
    adsl: pd.DataFrame, tu: pd.DataFrame | None, tr: pd.DataFrame | None, options: Any = None
) -> pd.DataFrame:
    """``USUBJID, PARAMCD, PARAM, AVALC, ADT, SRCDOM, PARCAT1`` records (see module docstring).

    ``options`` is a :class:`~earlyphase.clinical.recist.RECISTOptions` (its ``confirmation``
    is ignored: BOR and CBOR are both derived).
    """
    from dataclasses import replace

    from earlyphase.clinical.recist import RECISTOptions, assess

    tu = require(tu, "ADRS", "TU", ["USUBJID", "TULNKID", "TUSTRESC"])
    tr = require(tr, "ADRS", "TR", ["USUBJID", "TRLNKID", "TRTESTCD", "TRSTRESN", "TRDTC"])
    options = options or RECISTOptions()
    ref = pd.to_datetime(adsl.set_index("USUBJID")["TRTSDT"])
    lesions = lesions_from_sdtm(
        tu[tu["USUBJID"].isin(ref.index)], tr[tr["USUBJID"].isin(ref.index)], ref
    )
    plain = assess(lesions, replace(options, confirmation=False))
    confirmed = assess(lesions, replace(options, confirmation=True))

    def date(subjects: pd.Series, days: pd.Series) -> pd.Series:
        d = days.to_numpy(dtype=float)
        r = pd.to_datetime(subjects.map(ref)).reset_index(drop=True)
        return r + pd.to_timedelta(np.where(d >= 1, d - 1, d), unit="D")

    bv = plain.by_visit[~plain.by_visit["baseline"]]
    ovr = pd.DataFrame(
        {
            "USUBJID": bv["subject_id"].to_numpy(),
            "PARAMCD": "OVR",
            "AVALC": bv["overall_response"].astype(str).to_numpy(),
            "ADT": date(bv["subject_id"], bv["day"]).to_numpy(),
        }
    )
    b, c = (
        plain.best,
        confirmed.best.set_index("subject_id").loc[plain.best["subject_id"]].reset_index(),
    )
    sid = b["subject_id"]
    parts = [
        ovr,
        pd.DataFrame(
            {
                "USUBJID": sid,
                "PARAMCD": "BOR",
                "AVALC": b["best_response"].astype(str),
                "ADT": date(sid, b["best_response_day"]),
            }
        ),
        pd.DataFrame(
            {
                "USUBJID": sid,
                "PARAMCD": "CBOR",
                "AVALC": c["best_response"].astype(str),
                "ADT": date(sid, c["best_response_day"]),
            }
        ),
        _yn(sid, b["best_response"].isin(["CR", "PR"]), date(sid, b["first_response_day"]), "RSP"),
        _yn(sid, c["best_response"].isin(["CR", "PR"]), date(sid, c["first_response_day"]), "CRSP"),
        _yn(sid, b["progression_day"].notna(), date(sid, b["progression_day"]), "PD"),
        _yn(sid, b["has_target_disease"], pd.Series(pd.NaT, index=sid.index), "MDIS"),
    ]
    never = sorted(set(adsl.loc[adsl["SAFFL"] == "Y", "USUBJID"]) - set(sid))
    if never:
        n = pd.Series(never)
        empty = pd.Series(pd.NaT, index=n.index)
        parts += [
            pd.DataFrame({"USUBJID": n, "PARAMCD": "BOR", "AVALC": "NE", "ADT": empty}),
            pd.DataFrame({"USUBJID": n, "PARAMCD": "CBOR", "AVALC": "NE", "ADT": empty}),
            *(_yn(n, np.zeros(len(n)), empty, code) for code in ("RSP", "CRSP", "PD", "MDIS")),
        ]
    out = pd.concat(parts, ignore_index=True)
    out["ADT"] = pd.to_datetime(out["ADT"]).astype("datetime64[ns]")
    out["PARAM"] = out["PARAMCD"].map(PARAMS)
    return out.assign(SRCDOM="TR", PARCAT1=RECIST_PARCAT)
