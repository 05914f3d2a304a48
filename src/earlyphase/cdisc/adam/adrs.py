"""ADRS: myeloma response per assessment and best overall response (IMWG).

Two sources, chosen by ``source``:

* ``"imwg"``: the IMWG algorithm of :func:`earlyphase.clinical.imwg.assess` on the myeloma
  markers in LB (serum/urine M-protein, free light chains, immunofixation, marrow plasma
  cells), one visit per subject and LB date, study day relative to first dose (day <= 0 is
  baseline).  Parameters ``OVR`` (category per assessment), ``CONFRESP`` (confirmed category
  so far), ``BOR`` (best overall response, ADT = its date), ``RSP`` (responder >= PR, ADT =
  first response), ``PD`` (progression, ADT = first of the assessments confirming it) and
  ``LSTA`` (last adequate assessment: the last ``OVR`` other than NE, not after PD).
* ``"investigator"``: SDTM RS ``RSTESTCD = "OVRLRESP"`` as recorded (``RSEVAL``
  INVESTIGATOR when several evaluators).  ``BOR`` is the best category up to and including
  the first PD (no confirmation is applied: the investigator's assessment already is the
  response), ``RSP``/``PD``/``LSTA`` as above; no ``CONFRESP``.  A treated subject without
  any assessment has ``BOR = "NE"`` (as the IMWG path gives).
* ``"recist"``: RECIST 1.1 from the tumour measurements in TU/TR
  (:mod:`earlyphase.cdisc.adam.adrs_recist`: ``OVR``, ``BOR``, ``CBOR``, ``RSP``, ``CRSP``,
  ``PD``, ``MDIS``; ``AVAL`` ranks CR = 1 ... NE = 6).
* ``"auto"`` (default): IMWG when LB holds markers, else RECIST when TU and TR are given,
  else investigator.

``AVALC`` is one of ``terms.RESPONSE_ORDER``; ``AVAL`` ranks sCR = 1 ... NE = 8 (``OVR``,
``CONFRESP``, ``BOR``); for ``RSP``/``PD`` ``AVALC`` is Y/N and ``AVAL`` 1/0.  Assessments
after the data cut-off are not used.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.cdisc.adam._common import ADSL_KEYS, MissingInputError, finish, require
from earlyphase.cdisc.adam.adlb import lb_test_key
from earlyphase.cdisc.adam.adsl import MARKER_TESTS
from earlyphase.cdisc.dates import impute_dtc, study_day
from earlyphase.errors import DataError, OptionsError, describe_problem

__all__ = ["derive_adrs", "lb_to_visits"]

RANK = {c: i + 1 for i, c in enumerate(terms.RESPONSE_ORDER)}
_PARAMS = {
    "OVR": "Overall Response by Assessment (IMWG)",
    "CONFRESP": "Confirmed Response by Assessment (IMWG)",
    "BOR": "Best Overall Response (IMWG)",
    "RSP": "Response (>= PR)",
    "PD": "Disease Progression",
    "LSTA": "Last Adequate Disease Assessment",
}
_NUMERIC = ("serum_m_protein", "urine_m_protein", "kappa_flc", "lambda_flc", "bm_plasma_cells")


def lb_to_visits(lb: pd.DataFrame, adsl: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """IMWG input (``subject_id, day, serum_m_protein, ...``) from LB, and its (day -> date) map."""
    keys = lb_test_key(lb["LBTESTCD"], lb["LBSPEC"] if "LBSPEC" in lb else None)
    rows = lb[lb["LBTESTCD"].isin(MARKER_TESTS) & keys.notna()].copy()
    rows["_KEY"] = keys[rows.index]
    rows["ADT"] = impute_dtc(
        rows["LBDTC"], highest_imputation="n", field="LB.LBDTC"
    ).dates.to_numpy()
    rows = rows.merge(adsl[["USUBJID", "TRTSDT", "DCUTDT"]], on="USUBJID", how="inner")
    rows = rows[rows["ADT"].notna() & rows["TRTSDT"].notna() & ~(rows["ADT"] > rows["DCUTDT"])]
    if rows.empty:
        raise MissingInputError("ADRS", "LB", ["myeloma markers dated relative to first dose"])
    numeric = pd.to_numeric(rows["LBSTRESN"], errors="coerce") if "LBSTRESN" in rows else np.nan
    text = rows["LBSTRESC"].astype("str").str.lower() if "LBSTRESC" in rows else np.nan
    rows["_V"] = np.where(rows["_KEY"].isin(_NUMERIC), numeric, text).astype(object)
    rows["day"] = study_day(rows["ADT"], rows["TRTSDT"]).to_numpy()
    dup = rows.duplicated(["USUBJID", "day", "_KEY"], keep=False)
    if dup.any():
        r = rows[dup].iloc[0]
        raise DataError(
            describe_problem(
                f"LB {r['LBTESTCD']} of {r['USUBJID']}",
                str(r["ADT"])[:10],
                "one result per test and date",
            )
        )
    visits = rows.pivot(index=["USUBJID", "day"], columns="_KEY", values="_V").reset_index()
    visits = visits.rename(columns={"USUBJID": "subject_id"}).rename_axis(columns=None)
    for col in _NUMERIC:
        if col in visits:
            visits[col] = pd.to_numeric(visits[col])
    dates = rows.drop_duplicates(["USUBJID", "day"])[["USUBJID", "day", "ADT"]]
    return visits, dates


def _imwg(lb: pd.DataFrame, adsl: pd.DataFrame, options: Any) -> pd.DataFrame:
    from earlyphase.clinical.imwg import assess

    visits, dates = lb_to_visits(lb, adsl)
    result = assess(visits, options)
    date_of = dates.set_index(["USUBJID", "day"])["ADT"]

    def when(subjects: pd.Series, days: pd.Series) -> np.ndarray:
        idx = pd.MultiIndex.from_arrays([subjects.to_numpy(), days.to_numpy(dtype=float)])
        return date_of.reindex(idx).to_numpy()

    bv = result.by_visit[~result.by_visit["baseline"]]
    ovr = pd.DataFrame(
        {
            "USUBJID": bv["subject_id"].to_numpy(),
            "PARAMCD": "OVR",
            "AVALC": bv["category"].to_numpy(),
            "ADT": when(bv["subject_id"], bv["day"]),
        }
    )
    conf = ovr.assign(PARAMCD="CONFRESP", AVALC=bv["confirmed_category"].to_numpy())
    best = result.best
    bor = pd.DataFrame(
        {
            "USUBJID": best["subject_id"].to_numpy(),
            "PARAMCD": "BOR",
            "AVALC": best["best_response"].fillna("NE").to_numpy(),
            "ADT": when(best["subject_id"], best["best_response_day"]),
        }
    )
    rsp = pd.DataFrame(
        {
            "USUBJID": best["subject_id"].to_numpy(),
            "PARAMCD": "RSP",
            "AVALC": np.where(best["first_response_day"].notna(), "Y", "N"),
            "ADT": when(best["subject_id"], best["first_response_day"]),
        }
    )
    pd_ = pd.DataFrame(
        {
            "USUBJID": best["subject_id"].to_numpy(),
            "PARAMCD": "PD",
            "AVALC": np.where(best["progression_day"].notna(), "Y", "N"),
            "ADT": when(best["subject_id"], best["progression_day"]),
        }
    )
    out = pd.concat([ovr, conf, bor, rsp, pd_], ignore_index=True)
    return out.assign(SRCDOM="LB", PARCAT1="IMWG (earlyphase.clinical.imwg)")


def _investigator(rs: pd.DataFrame, adsl: pd.DataFrame) -> pd.DataFrame:
    rs = rs[rs["RSTESTCD"].astype("str").str.upper() == "OVRLRESP"]
    if "RSEVAL" in rs and rs["RSEVAL"].nunique() > 1:
        rs = rs[rs["RSEVAL"].astype("str").str.upper() == "INVESTIGATOR"]
    rows = pd.DataFrame(
        {
            "USUBJID": rs["USUBJID"].to_numpy(),
            "AVALC": rs["RSSTRESC"].to_numpy(),
            "ADT": impute_dtc(
                rs["RSDTC"], highest_imputation="n", field="RS.RSDTC"
            ).dates.to_numpy(),
        }
    )
    bad = ~rows["AVALC"].isin(terms.RESPONSE_ORDER)
    if bad.any():
        raise DataError(
            describe_problem(
                "RS.RSSTRESC", rows.loc[bad, "AVALC"].iloc[0], f"one of {terms.RESPONSE_ORDER}"
            )
        )
    rows = rows.merge(adsl[["USUBJID", "TRTSDT", "DCUTDT"]], on="USUBJID", how="inner")
    rows = rows[
        rows["ADT"].notna() & ~(rows["ADT"] > rows["DCUTDT"]) & ~(rows["ADT"] < rows["TRTSDT"])
    ]
    rows = rows.sort_values(["USUBJID", "ADT"], kind="stable")
    ovr = rows[["USUBJID", "AVALC", "ADT"]].assign(PARAMCD="OVR")
    records = []
    for subject, group in rows.groupby("USUBJID", sort=False):
        is_pd = (group["AVALC"] == "PD").to_numpy()
        upto = group.iloc[: int(np.argmax(is_pd)) + 1] if is_pd.any() else group
        ranks = upto["AVALC"].map(RANK).to_numpy()
        best_i = int(np.argmin(ranks))
        resp = upto[upto["AVALC"].isin(terms.RESPONDER_CATEGORIES)]
        records += [
            (subject, "BOR", upto["AVALC"].iloc[best_i], upto["ADT"].iloc[best_i]),
            (
                subject,
                "RSP",
                "Y" if len(resp) else "N",
                resp["ADT"].iloc[0] if len(resp) else pd.NaT,
            ),
            (
                subject,
                "PD",
                "Y" if is_pd.any() else "N",
                upto["ADT"].iloc[-1] if is_pd.any() else pd.NaT,
            ),
        ]
    for subject in adsl["USUBJID"]:
        if subject not in set(rows["USUBJID"]):  # treated, never assessed: not evaluable
            records += [
                (subject, "BOR", "NE", pd.NaT),
                (subject, "RSP", "N", pd.NaT),
                (subject, "PD", "N", pd.NaT),
            ]
    derived = pd.DataFrame(records, columns=["USUBJID", "PARAMCD", "AVALC", "ADT"])
    out = pd.concat([ovr, derived], ignore_index=True)
    return out.assign(SRCDOM="RS", PARCAT1="INVESTIGATOR")


def _last_adequate(out: pd.DataFrame) -> pd.DataFrame:
    ovr = out[(out["PARAMCD"] == "OVR") & (out["AVALC"] != "NE") & out["ADT"].notna()]
    pd_dates = out[(out["PARAMCD"] == "PD") & (out["AVALC"] == "Y")].set_index("USUBJID")["ADT"]
    limit = pd.Series(
        pd_dates.reindex(ovr["USUBJID"]).to_numpy(), index=ovr.index, dtype="datetime64[ns]"
    )
    ovr = ovr[limit.isna() | (ovr["ADT"] <= limit)]
    last = ovr.sort_values("ADT").groupby("USUBJID", sort=False).tail(1)
    return last.assign(PARAMCD="LSTA")[["USUBJID", "PARAMCD", "AVALC", "ADT", "SRCDOM", "PARCAT1"]]


def derive_adrs(
    adsl: pd.DataFrame,
    *,
    lb: pd.DataFrame | None = None,
    rs: pd.DataFrame | None = None,
    source: Literal["auto", "imwg", "investigator", "recist"] = "auto",
    options: Any = None,
    tu: pd.DataFrame | None = None,
    tr: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Derive ADRS (``OVR``, ``CONFRESP``, ``BOR``, ``RSP``, ``PD``, ``LSTA``) for treated subjects.

    Parameters
    ----------
    adsl : DataFrame
        ADSL (``USUBJID``, ``TRTSDT``, ``DCUTDT``, treatment variables).
    lb, rs : DataFrame, optional
        SDTM LB (myeloma markers) and RS (investigator responses).
    source : {"auto", "imwg", "investigator", "recist"}
        Which response to analyse (see the module docstring).
    options : IMWGOptions or RECISTOptions, optional
        Options of the criteria (defaults ``IMWGOptions()`` / ``RECISTOptions()``).
    tu, tr : DataFrame, optional
        SDTM TU and TR (tumour identification and measurements) for ``"recist"``.
    """
    if source not in ("auto", "imwg", "investigator", "recist"):
        raise OptionsError(
            describe_problem("source", source, "'auto', 'imwg', 'investigator' or 'recist'")
        )
    adsl = adsl[adsl["SAFFL"] == "Y"]
    has_markers = (
        lb is not None
        and {"LBTESTCD", "LBDTC"} <= set(lb.columns)
        and lb["LBTESTCD"].isin(MARKER_TESTS).any()
    )
    if source == "imwg" or (source == "auto" and has_markers):
        markers = require(
            lb if has_markers else None, "ADRS", "LB", ["LBTESTCD", "LBDTC", "LBSTRESN"]
        )
        out = _imwg(markers, adsl, options)
    elif source == "recist" or (source == "auto" and tu is not None and tr is not None):
        from earlyphase.cdisc.adam.adrs_recist import recist_adrs_records

        out = recist_adrs_records(adsl, tu, tr, options)
    else:
        responses = require(rs, "ADRS", "RS", ["USUBJID", "RSTESTCD", "RSSTRESC", "RSDTC"])
        out = _investigator(responses, adsl)
    out = pd.concat([out, _last_adequate(out)], ignore_index=True)
    out["ADT"] = pd.to_datetime(out["ADT"]).astype("datetime64[ns]")
    params = out["PARAMCD"].map(_PARAMS)
    out["PARAM"] = out["PARAM"].fillna(params) if "PARAM" in out else params
    rank = out["AVALC"].map(RANK).astype("float64")
    recist = out["PARCAT1"].astype(str).str.startswith("RECIST")
    if recist.any():
        from earlyphase.clinical.recist import RESPONSES

        recist_rank = out["AVALC"].map({r: i + 1.0 for i, r in enumerate(RESPONSES)})
        rank = rank.where(~recist, recist_rank)
    yn = out["AVALC"].map({"Y": 1.0, "N": 0.0})
    out["AVAL"] = np.where(out["PARAMCD"].isin(["RSP", "PD", "CRSP", "MDIS"]), yn, rank)
    keys = [c for c in (*ADSL_KEYS, "TRTSDT") if c in adsl.columns]
    out = out.merge(adsl[keys], on="USUBJID", how="left")
    out["ADY"] = study_day(out["ADT"], out["TRTSDT"])
    order_param = {p: i for i, p in enumerate([*_PARAMS, "CBOR", "CRSP", "MDIS"])}
    out = out.sort_values(
        ["USUBJID", "PARAMCD", "ADT"],
        key=lambda s: s.map(order_param) if s.name == "PARAMCD" else s,
        kind="stable",
    )
    order = [*ADSL_KEYS, "PARAMCD", "PARAM", "PARCAT1", "AVALC", "AVAL", "ADT", "ADY", "SRCDOM"]
    return finish(out.drop(columns=["TRTSDT"]), "ADRS", "Response Analysis Dataset", order)
