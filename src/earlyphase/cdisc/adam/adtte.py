"""ADTTE: PFS, OS, DOR, TTR and TTBR as the paper defines them (Chari et al. 2021, Methods).

Durations count both ends (admiral ``derive_vars_duration(add_one = TRUE)``):
``AVALDY = ADT - STARTDT + 1`` days and ``AVAL = AVALDY / 30.4375`` months (``AVALU =
"MONTHS"``); ``CNSR`` 0 = event, 1 = censored (admiral).  An event or censoring date before
the origin is set to the origin (admiral ``derive_param_tte``).  On ties the first listed
event wins (progression before death).

=======  ==============  =================================  ===============================
PARAMCD  origin          event                              censored at
=======  ==============  =================================  ===============================
PFS      first dose      PD (ADRS ``PD``) or death          last adequate assessment (ADRS
                                                            ``LSTA``), else first dose
OS       first dose      death (ADSL ``DTHDT``)             last known alive (``LSTALVDT``)
DOR      first response  PD or death                        last adequate assessment
TTR      first dose      first response >= PR (responders)  (responders only: all events)
TTBR     first dose      best response date (responders)    (responders only: all events)
=======  ==============  =================================  ===============================

PFS and OS are for the safety population (all treated), DOR/TTR/TTBR for responders
("Among responders, the median time to first response ...", Results).
"""

from __future__ import annotations

import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.cdisc.adam._common import ADSL_KEYS, finish, require
from earlyphase.cdisc.dates import duration_in

__all__ = ["derive_adtte"]

_PARAM = {
    "PFS": "Progression-Free Survival (Months)",
    "OS": "Overall Survival (Months)",
    "DOR": "Duration of Response (Months)",
    "TTR": "Time to First Response (Months)",
    "TTBR": "Time to Best Response (Months)",
}


def _param(adrs: pd.DataFrame, code: str) -> pd.DataFrame:
    return adrs[adrs["PARAMCD"] == code].drop_duplicates("USUBJID").set_index("USUBJID")


def _tte(
    subjects: pd.Index,
    start: pd.Series,
    events: list[tuple[pd.Series, str, str, str]],
    censors: list[tuple[pd.Series, str, str, str]],
) -> pd.DataFrame:
    """First event if any, else the first available censoring date (in list order)."""
    rows = []
    for sid in subjects:
        origin = start.get(sid, pd.NaT)
        if pd.isna(origin):
            continue
        hit = [
            (d[sid], desc, dom, var)
            for d, desc, dom, var in events
            if sid in d.index and pd.notna(d[sid])
        ]
        if hit:
            date, desc, dom, var = min(hit, key=lambda h: h[0])
            cnsr, cdesc = 0, ""
        else:
            cens = [
                (d[sid], desc, dom, var)
                for d, desc, dom, var in censors
                if sid in d.index and pd.notna(d[sid])
            ]
            date, cdesc, dom, var = cens[0] if cens else (origin, "FIRST DOSE", "ADSL", "TRTSDT")
            cnsr, desc = 1, ""
        date = max(date, origin)
        rows.append((sid, origin, date, cnsr, desc, cdesc, dom, var))
    return pd.DataFrame(
        rows,
        columns=["USUBJID", "STARTDT", "ADT", "CNSR", "EVNTDESC", "CNSDTDSC", "SRCDOM", "SRCVAR"],
    )


def derive_adtte(adsl: pd.DataFrame, adrs: pd.DataFrame) -> pd.DataFrame:
    """Derive ADTTE (PFS, OS, DOR, TTR, TTBR) from ADSL and ADRS (see the module table)."""
    require(adsl, "ADTTE", "ADSL", ["USUBJID", "TRTSDT", "SAFFL", "DTHDT", "LSTALVDT"])
    require(adrs, "ADTTE", "ADRS", ["USUBJID", "PARAMCD", "AVALC", "ADT"])
    treated = adsl[adsl["SAFFL"] == "Y"].set_index("USUBJID")
    first = treated["TRTSDT"]
    death = treated["DTHDT"]
    pd_date = _param(adrs, "PD").query("AVALC == 'Y'")["ADT"]
    lsta = _param(adrs, "LSTA")["ADT"]
    rsp = _param(adrs, "RSP").query("AVALC == 'Y'")["ADT"].dropna()
    bor = _param(adrs, "BOR")
    best = bor[bor["AVALC"].isin(terms.RESPONDER_CATEGORIES)]["ADT"].dropna()
    progression = (pd_date, "PROGRESSIVE DISEASE", "ADRS", "ADT")
    died = (death, "DEATH", "ADSL", "DTHDT")
    last_adequate = (lsta, "LAST ADEQUATE ASSESSMENT", "ADRS", "ADT")
    responders = rsp.index.intersection(first.index)
    parts = {
        "PFS": _tte(first.index, first, [progression, died], [last_adequate]),
        "OS": _tte(
            first.index,
            first,
            [died],
            [(treated["LSTALVDT"], "LAST KNOWN ALIVE", "ADSL", "LSTALVDT")],
        ),
        "DOR": _tte(responders, rsp, [progression, died], [last_adequate]),
        "TTR": _tte(responders, first, [(rsp, "FIRST RESPONSE", "ADRS", "ADT")], []),
        "TTBR": _tte(
            best.index.intersection(first.index),
            first,
            [(best, "BEST RESPONSE", "ADRS", "ADT")],
            [],
        ),
    }
    out = pd.concat([p.assign(PARAMCD=code) for code, p in parts.items()], ignore_index=True)
    out["PARAM"] = out["PARAMCD"].map(_PARAM)
    for col in ("STARTDT", "ADT"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    out["AVALDY"] = (duration_in(out["ADT"] - out["STARTDT"], "D") + 1).astype("float64")
    out["AVAL"] = out["AVALDY"] / terms.DAYS_PER_MONTH
    out["AVALU"] = "MONTHS"
    out["CNSR"] = out["CNSR"].astype("float64")
    keys = [c for c in ADSL_KEYS if c in adsl.columns]
    out = out.merge(adsl[keys], on="USUBJID", how="left")
    order = [
        *ADSL_KEYS,
        "PARAMCD",
        "PARAM",
        "AVAL",
        "AVALU",
        "AVALDY",
        "CNSR",
        "STARTDT",
        "ADT",
        "EVNTDESC",
        "CNSDTDSC",
        "SRCDOM",
        "SRCVAR",
    ]
    return finish(out, "ADTTE", "Time-to-Event Analysis Dataset", order)
