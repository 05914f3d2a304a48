"""SDTM tumour domains for RECIST 1.1: lesions <-> TU / TR, and responses -> RS.

Conventions (SDTMIG oncology domains; admiralonco's RECIST templates read the same shape):

* **TU** (tumour identification), one record per lesion at its first assessment:
  ``TULNKID`` = lesion id, ``TUTESTCD = "TUMIDENT"``, ``TUORRES``/``TUSTRESC`` = ``TARGET`` |
  ``NON-TARGET`` | ``NEW``, ``TULOC`` = the organ, or ``LYMPH NODE`` for nodes (the node flag,
  as admiralonco's ADTR template derives ``TULOCGR1 = "NODAL"`` from it).
* **TR** (tumour results), one record per lesion per assessment: targets ``TRTESTCD = "LDIAM"``
  (longest diameter) or ``"SAXIS"`` (short axis, nodes) in mm; non-target and new lesions
  ``TRTESTCD = "TUMSTATE"`` with ``PRESENT``, ``ABSENT``, ``UNEQUIVOCAL PROGRESSION`` or
  ``EQUIVOCAL``; not evaluated = ``TRSTAT = "NOT DONE"``, ``TRREASND = "NOT EVALUABLE"``.
  ``TRGRPID`` repeats the lesion class.
* **RS** (response), one record per post-baseline assessment and test: ``TRGRESP``,
  ``NTRGRESP``, ``NEWLIND`` (Y/N/EQUIVOCAL) and ``OVRLRESP``, ``RSCAT = "RECIST 1.1"``.

Study day ``d`` is the date ``reference + d - 1`` on or after study day 1, ``reference + d``
before it (no day 0), the reference being each subject's first dose date (RFSTDTC/TRTSDT).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc.dates import study_day
from earlyphase.errors import DataError, describe_problem

__all__ = ["lesions_from_sdtm", "lesions_to_sdtm"]

NODE_LOCATION = "LYMPH NODE"
_CLASS = {"target": "TARGET", "non-target": "NON-TARGET", "new": "NEW"}
_STATE = {
    "present": "PRESENT",
    "absent": "ABSENT",
    "unequivocal-progression": "UNEQUIVOCAL PROGRESSION",
    "equivocal": "EQUIVOCAL",
}
_RS_TESTS = {
    "TRGRESP": ("Target Response", "target_response"),
    "NTRGRESP": ("Non-target Response", "non_target_response"),
    "NEWLIND": ("New Lesion Indicator", "new_lesions"),
    "OVRLRESP": ("Overall Response", "overall_response"),
}


def _dates(subjects: pd.Series, days: pd.Series, reference: Mapping[Any, Any]) -> pd.Series:
    ref = pd.to_datetime(subjects.map(dict(reference)))
    if ref.isna().any():
        sid = subjects[ref.isna()].iloc[0]
        raise DataError(
            describe_problem("reference date", sid, "a first-dose date for every subject")
        )
    d = days.to_numpy(dtype=float)
    offset = np.where(d >= 1, d - 1, d)
    return ref + pd.to_timedelta(offset, unit="D")


def _visits(frame: pd.DataFrame) -> pd.DataFrame:
    num = frame.groupby("subject_id")["day"].rank(method="dense").astype(int) - 1
    label = np.where(num == 0, "BASELINE", "ASSESSMENT " + num.astype(str))
    return pd.DataFrame({"VISITNUM": num.to_numpy(), "VISIT": label}, index=frame.index)


def lesions_to_sdtm(
    lesions: pd.DataFrame,
    reference_dates: Mapping[Any, Any],
    *,
    studyid: str,
    by_visit: pd.DataFrame | None = None,
    evaluator: str = "INVESTIGATOR",
) -> dict[str, pd.DataFrame]:
    """SDTM TU and TR (and RS when ``by_visit`` is given) from a RECIST lesion table.

    Parameters
    ----------
    lesions : DataFrame
        The input of :func:`earlyphase.clinical.recist.assess` (optionally with ``organ``).
    reference_dates : mapping
        Subject id -> first dose date (study day 1).
    studyid : str
    by_visit : DataFrame, optional
        ``RECISTResult.by_visit``; its post-baseline rows become RS.
    evaluator : str
        ``TUEVAL``/``TREVAL``/``RSEVAL``.
    """
    les = lesions.reset_index(drop=True).copy()
    les["_date"] = _dates(les["subject_id"], les["day"], reference_dates)
    les = les.join(_visits(les))
    cls = les["lesion_class"].astype(str).str.strip().str.lower().str.replace("_", "-")
    node = les["is_node"].astype(bool)
    organ = (
        les["organ"].astype("string").str.upper()
        if "organ" in les
        else pd.Series("", index=les.index)
    )
    loc = np.where(node, NODE_LOCATION, organ.fillna("").to_numpy())
    dtc = les["_date"].dt.strftime("%Y-%m-%d")
    usubjid = les["subject_id"].astype(str)
    first = ~les.sort_values("day").duplicated(["subject_id", "lesion_id"]).sort_index()
    tu = pd.DataFrame(
        {
            "STUDYID": studyid,
            "DOMAIN": "TU",
            "USUBJID": usubjid,
            "TULNKID": les["lesion_id"].astype(str),
            "TUTESTCD": "TUMIDENT",
            "TUTEST": "Tumor Identification",
            "TUORRES": cls.map(_CLASS),
            "TUSTRESC": cls.map(_CLASS),
            "TULOC": loc,
            "TUMETHOD": "CT SCAN",
            "TUEVAL": evaluator,
            "VISITNUM": les["VISITNUM"],
            "VISIT": les["VISIT"],
            "TUDTC": dtc,
            "TUDY": les["day"].astype(int),
        }
    )[first.to_numpy()]
    tu = _sequence(tu, "TUSEQ")
    diameter = les["diameter_mm"].to_numpy(dtype=float)
    target = (cls == "target").to_numpy()
    status = (
        les["status"]
        .astype("string")
        .str.strip()
        .str.lower()
        .str.replace("_", "-")
        .str.replace(" ", "-")
    )
    state = status.map(_STATE)
    done = np.where(target, ~np.isnan(diameter), state.notna().to_numpy())
    text = np.where(
        target, pd.Series(diameter).map("{:g}".format).to_numpy(), state.fillna("").to_numpy()
    )
    tr = pd.DataFrame(
        {
            "STUDYID": studyid,
            "DOMAIN": "TR",
            "USUBJID": usubjid,
            "TRGRPID": cls.map(_CLASS),
            "TRLNKID": les["lesion_id"].astype(str),
            "TRTESTCD": np.where(target, np.where(node, "SAXIS", "LDIAM"), "TUMSTATE"),
            "TRTEST": np.where(
                target, np.where(node, "Short Axis", "Longest Diameter"), "Tumor State"
            ),
            "TRORRES": np.where(done, text, ""),
            "TRORRESU": np.where(target & done, "mm", ""),
            "TRSTRESC": np.where(done, text, ""),
            "TRSTRESN": np.where(target, diameter, np.nan),
            "TRSTRESU": np.where(target & done, "mm", ""),
            "TRSTAT": np.where(done, "", "NOT DONE"),
            "TRREASND": np.where(done, "", "NOT EVALUABLE"),
            "TRMETHOD": "CT SCAN",
            "TREVAL": evaluator,
            "VISITNUM": les["VISITNUM"],
            "VISIT": les["VISIT"],
            "TRDTC": dtc,
            "TRDY": les["day"].astype(int),
        }
    )
    out = {"TU": tu, "TR": _sequence(tr, "TRSEQ")}
    if by_visit is not None:
        out["RS"] = _rs(by_visit, reference_dates, studyid, evaluator)
    return out


def _sequence(df: pd.DataFrame, name: str) -> pd.DataFrame:
    df = df.sort_values(["USUBJID", "VISITNUM", df.columns[4]], kind="stable").reset_index(
        drop=True
    )
    df.insert(3, name, df.groupby("USUBJID").cumcount() + 1)
    return df


def _rs(
    by_visit: pd.DataFrame, reference: Mapping[Any, Any], studyid: str, evaluator: str
) -> pd.DataFrame:
    bv = by_visit.reset_index(drop=True)
    vis = _visits(bv)
    keep = ~bv["baseline"].to_numpy(dtype=bool)
    bv, vis = bv[keep], vis[keep]
    dtc = _dates(bv["subject_id"], bv["day"], reference).dt.strftime("%Y-%m-%d")
    parts = []
    for code, (test, column) in _RS_TESTS.items():
        value = bv[column].astype("string")
        has = value.notna().to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "STUDYID": studyid,
                    "DOMAIN": "RS",
                    "USUBJID": bv["subject_id"].astype(str),
                    "RSTESTCD": code,
                    "RSTEST": test,
                    "RSCAT": "RECIST 1.1",
                    "RSORRES": value.replace({"YES": "Y", "NO": "N"}),
                    "RSSTRESC": value.replace({"YES": "Y", "NO": "N"}),
                    "RSEVAL": evaluator,
                    "VISITNUM": vis["VISITNUM"],
                    "VISIT": vis["VISIT"],
                    "RSDTC": dtc,
                    "RSDY": bv["day"].astype(int),
                }
            )[has]
        )
    return _sequence(pd.concat(parts, ignore_index=True), "RSSEQ")


def lesions_from_sdtm(
    tu: pd.DataFrame, tr: pd.DataFrame, reference_dates: pd.Series | Mapping[Any, Any]
) -> pd.DataFrame:
    """The RECIST lesion table (input of ``recist.assess``) from SDTM TU and TR.

    ``reference_dates`` maps USUBJID -> first dose date (e.g. ADSL ``TRTSDT``); study days
    follow SDTM (no day 0). ``organ`` is ``TULOC``; nodes are ``TRTESTCD = "SAXIS"`` or
    ``TULOC = "LYMPH NODE"``.
    """
    for name, df, cols in (
        ("TU", tu, ("USUBJID", "TULNKID", "TUSTRESC")),
        ("TR", tr, ("USUBJID", "TRLNKID", "TRTESTCD", "TRDTC")),
    ):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise DataError(
                describe_problem(
                    f"{name} columns", sorted(df.columns), f"columns including {missing}"
                )
            )
    ident = tu.drop_duplicates(["USUBJID", "TULNKID"]).set_index(["USUBJID", "TULNKID"])
    rows = tr[tr["TRTESTCD"].isin(["LDIAM", "SAXIS", "TUMSTATE"])]
    key = pd.MultiIndex.from_arrays([rows["USUBJID"], rows["TRLNKID"]])
    cls = ident["TUSTRESC"].reindex(key).astype("string").str.lower().to_numpy()
    if pd.isna(cls).any():
        i = int(np.flatnonzero(pd.isna(cls))[0])
        raise DataError(
            describe_problem(
                "TR.TRLNKID",
                f"{rows['USUBJID'].iloc[i]}/{rows['TRLNKID'].iloc[i]}",
                "a lesion identified in TU",
            )
        )
    loc = (
        ident["TULOC"].reindex(key).astype("string").fillna("").to_numpy()
        if "TULOC" in ident
        else np.full(len(rows), "")
    )
    ref = (
        pd.Series(reference_dates)
        if not isinstance(reference_dates, pd.Series)
        else reference_dates
    )
    dates = pd.to_datetime(rows["TRDTC"].astype(str).str[:10], errors="coerce")
    day = study_day(
        dates.reset_index(drop=True),
        pd.to_datetime(rows["USUBJID"].map(ref)).reset_index(drop=True),
    )
    stat = (
        rows["TRSTAT"].astype("string").fillna("").to_numpy()
        if "TRSTAT" in rows
        else np.full(len(rows), "")
    )
    result = rows["TRSTRESC"].astype("string").fillna("").str.upper().to_numpy()
    is_state = (rows["TRTESTCD"] == "TUMSTATE").to_numpy()
    states = pd.Series(result).str.lower().str.replace(" ", "-")
    states = states.where(stat != "NOT DONE", "not-evaluated")
    status = states.where(is_state, None).to_numpy(dtype=object)
    out = pd.DataFrame(
        {
            "subject_id": rows["USUBJID"].to_numpy(),
            "day": day.to_numpy(),
            "lesion_id": rows["TRLNKID"].to_numpy(),
            "lesion_class": cls,
            "is_node": (rows["TRTESTCD"] == "SAXIS").to_numpy() | (loc == NODE_LOCATION),
            "diameter_mm": np.where(
                is_state, np.nan, pd.to_numeric(rows["TRSTRESN"], errors="coerce")
            ),
            "status": status,
            "organ": pd.Series(loc, dtype="object").replace("", None).to_numpy(),
        }
    )
    if out["day"].isna().any():
        i = int(np.flatnonzero(out["day"].isna().to_numpy())[0])
        raise DataError(
            describe_problem(
                f"TR.TRDTC ({out['subject_id'].iloc[i]})",
                rows["TRDTC"].iloc[i],
                "a complete date, with the subject's first dose date known",
            )
        )
    return out.sort_values(["subject_id", "day", "lesion_id"], kind="stable").reset_index(drop=True)
