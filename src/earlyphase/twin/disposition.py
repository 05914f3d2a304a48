"""Disposition (DS) and the subject-level dates of DM (RFENDTC, DTHDTC, DTHFL).

Per docs/data_conventions.md: ``DSCAT = "DISPOSITION EVENT"`` with PROGRESSIVE DISEASE, DEATH,
WITHDRAWAL BY SUBJECT, OTHER (stem-cell transplant) or ONGOING (sponsor: on therapy at cut-off);
``DSCAT = "OTHER EVENT"``, ``DSDECOD = "LAST KNOWN ALIVE"`` (sponsor) for the last contact of
every patient alive at the analysis; ``DSCAT = "PROTOCOL MILESTONE"``, ``DSDECOD = "DATA CUT-OFF"``.
Paper (Results): 28 progressions, 1 ASCT in response, 4 on therapy at cut-off, 11 deaths of MM,
1 withdrawal of consent after progression; cut-off 20 March 2020.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.twin._common import Row, iso_date, records, study_date, usubjid

__all__ = ["disposition_domain", "last_contact_date"]


def last_contact_date(row: Row) -> pd.Timestamp:
    """Death or last-known-alive date: ``os_months`` after the first dose (day 1)."""
    days = int(round(float(row["os_months"]) * terms.DAYS_PER_MONTH))
    return study_date(row["first_dose"], days)


def disposition_domain(
    plan: pd.DataFrame, dm: pd.DataFrame, ex: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """DS rows, and DM with RFENDTC (last dose), DTHDTC and DTHFL filled in."""
    rows: list[dict[str, object]] = []
    last_dose = ex[ex["EXDOSE"] > 0].groupby("USUBJID")["EXSTDTC"].max().str[:10]
    dm = dm.copy()
    death: dict[str, str] = {}

    def add(uid: str, cat: str, decod: str, term: str, date: pd.Timestamp, epoch: str = "") -> None:
        rows.append(
            {
                "STUDYID": terms.STUDYID,
                "DOMAIN": "DS",
                "USUBJID": uid,
                "DSTERM": term,
                "DSDECOD": decod,
                "DSCAT": cat,
                "EPOCH": epoch,
                "DSSTDTC": iso_date(date),
            }
        )

    for row in records(plan):
        uid, first = usubjid(row["subj"]), row["first_dose"]
        cutoff = pd.Timestamp(row["cutoff"])
        contact = last_contact_date(row)
        if contact > cutoff:
            raise AssertionError(f"plan error: last contact after cut-off for {uid}")
        if row["end"] == "PD":
            pd_date = study_date(first, 28 * (int(row["pd_cycle"]) - 1) + 1)
            add(
                uid,
                "DISPOSITION EVENT",
                "PROGRESSIVE DISEASE",
                "DISEASE PROGRESSION",
                pd_date,
                "TREATMENT",
            )
        elif row["end"] == "WITHDRAWN":
            add(
                uid,
                "DISPOSITION EVENT",
                "WITHDRAWAL BY SUBJECT",
                "WITHDREW CONSENT",
                study_date(first, 29),
                "TREATMENT",
            )
        elif row["end"] == "ASCT":
            asct = study_date(first, 28 * (int(row["pd_cycle"]) - 1) + 21)
            add(
                uid,
                "DISPOSITION EVENT",
                "OTHER",
                "PROCEEDED TO AUTOLOGOUS STEM CELL TRANSPLANTATION",
                asct,
                "TREATMENT",
            )
        else:
            add(
                uid,
                "DISPOSITION EVENT",
                "ONGOING",
                "ON THERAPY AT DATA CUT-OFF",
                cutoff,
                "TREATMENT",
            )
        if row["withdrew"]:
            add(
                uid,
                "DISPOSITION EVENT",
                "WITHDRAWAL BY SUBJECT",
                "WITHDREW CONSENT",
                contact,
                "FOLLOW-UP",
            )
        if row["died"]:
            add(
                uid,
                "DISPOSITION EVENT",
                "DEATH",
                "DEATH DUE TO MULTIPLE MYELOMA",
                contact,
                "FOLLOW-UP",
            )
            death[uid] = iso_date(contact)
        else:
            add(uid, "OTHER EVENT", "LAST KNOWN ALIVE", "LAST KNOWN ALIVE", contact)
        add(uid, "PROTOCOL MILESTONE", "DATA CUT-OFF", "DATA CUT-OFF", cutoff)
    dm["RFENDTC"] = dm["USUBJID"].map(last_dose).fillna("")
    dm["DTHDTC"] = dm["USUBJID"].map(death).fillna("")
    dm["DTHFL"] = np.where(dm["DTHDTC"] != "", "Y", "")
    ds = pd.DataFrame(rows)
    order = {"DISPOSITION EVENT": 0, "OTHER EVENT": 1, "PROTOCOL MILESTONE": 2}
    ds["_o"] = ds["DSCAT"].map(order)
    ds = ds.sort_values(["USUBJID", "DSSTDTC", "_o"], kind="stable").drop(columns="_o")
    ds = ds.reset_index(drop=True)
    ds.insert(3, "DSSEQ", ds.groupby("USUBJID").cumcount().astype(np.int64) + 1)
    return ds, dm
