"""ADaM derivations on the synthetic 4-subject study (tests/cdisc/sdtm_fixture.py).

Every expected value is worked out by hand from the fixture records; the comment gives the
arithmetic.  Durations count both ends (admiral add_one): days = ADT - STARTDT + 1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sdtm_fixture import S

from earlyphase.cdisc import terms
from earlyphase.cdisc.adam import derive_adam, derive_adrs, derive_adsl
from earlyphase.cdisc.adam.adrs import lb_to_visits
from earlyphase.errors import DataError


def _row(df, subject, **where):
    sel = df["USUBJID"] == subject
    for k, v in where.items():
        sel &= df[k] == v
    rows = df[sel]
    assert len(rows) == 1, (subject, where, len(rows))
    return rows.iloc[0]


@pytest.fixture(scope="module")
def adam():
    from sdtm_fixture import make_study

    return derive_adam(make_study(), "isak-phase1b", response_source="investigator")


def test_everything_is_derived_and_cutoff_is_reported(adam):
    assert set(adam.datasets) == {"ADSL", "ADEX", "ADAE", "ADLB", "ADRS", "ADTTE", "ADPC", "ADPP"}
    assert adam.missing == ()
    assert "data cut-off 2020-03-20" in adam.notes[0]
    # one AE (002 hypertension 2020-04-02), one RS (002 PD 2020-04-01), one EX (002 C52D1)
    assert "AE: 1 record(s) after the cut-off removed" in adam.notes
    assert "RS: 1 record(s) after the cut-off removed" in adam.notes
    assert "EX: 1 record(s) after the cut-off removed" in adam.notes
    assert "DM: 1 death(s) after the cut-off not counted (alive at cut-off)" in adam.notes


def test_adsl_treatment_populations_and_dates(adam):
    adsl = adam["ADSL"]
    assert list(adsl["USUBJID"]) == S
    assert list(adsl["TRT01PN"]) == [1.0, 2.0, 3.0, 2.0]
    assert list(adsl["TRT01P"]) == [terms.DOSE_LEVEL_ARMS[c] for c in ("DL1", "DL2", "DL3", "DL2")]
    assert list(adsl["COHORT"]) == ["ESCALATION", "EXPANSION", "ESCALATION", "EXPANSION"]
    assert list(adsl["SAFFL"]) == ["Y"] * 4
    # 004 withdrew before any re-evaluation: not response-evaluable
    assert list(adsl["EFFFL"]) == ["Y", "Y", "Y", "N"]  # ADaMIG population flags: Y/N
    assert list(adsl["PKFL"]) == ["Y", "N", "N", "N"]
    assert _row(adsl, S[1])["TRTEDT"] == pd.Timestamp(
        "2020-03-02"
    )  # the 2020-03-30 dose follows the cut-off
    assert list(adsl["NCYCLES"]) == [2.0, 51.0, 1.0, 1.0]
    assert (adsl["DCUTDT"] == pd.Timestamp("2020-03-20")).all()
    assert list(adsl["AGEGR1"]) == ["<65", ">=65", "<65", ">=65"]
    assert adsl["TRTSDT"].dtype == "datetime64[ns]"


def test_adsl_death_cutoff_and_last_known_alive(adam):
    adsl = adam["ADSL"].set_index("USUBJID")
    assert adsl.loc[S[0], "DTHFL"] == "Y" and adsl.loc[S[0], "DTHDT"] == pd.Timestamp("2015-09-01")
    assert adsl.loc[S[2], "DTHFL"] == "" and pd.isna(
        adsl.loc[S[2], "DTHDT"]
    )  # died 2020-04-15, after cut-off
    # last known alive: DS LAST KNOWN ALIVE, not the RS/AE/EX records after the cut-off
    assert list(adsl["LSTALVDT"]) == [
        pd.Timestamp(d) for d in ("2015-08-20", "2020-03-10", "2020-03-01", "2018-01-20")
    ]
    assert list(adsl["EOSSTT"]) == ["DISCONTINUED", "ONGOING", "DISCONTINUED", "DISCONTINUED"]


def test_adsl_baseline_characteristics(adam):
    adsl = adam["ADSL"].set_index("USUBJID")
    # Mosteller: sqrt(180 * 80 / 3600) = 2.0; sqrt(160 * 57.6 / 3600) = 1.6
    assert adsl.loc[S[0], "BSABL"] == pytest.approx(2.0)
    assert adsl.loc[S[1], "BSABL"] == pytest.approx(1.6)
    # MH "2009-03" -> 2009-03-01 (day imputed); 2009-03-01 .. 2015-03-02 = 2192 days
    assert (
        adsl.loc[S[0], "DIAGDT"] == pd.Timestamp("2009-03-01") and adsl.loc[S[0], "DIAGDTF"] == "D"
    )
    assert adsl.loc[S[0], "DIAGYRS"] == pytest.approx(2192 / 365.25)
    assert (
        adsl.loc[S[2], "DIAGDT"] == pd.Timestamp("2012-01-01") and adsl.loc[S[2], "DIAGDTF"] == "M"
    )
    assert list(adsl["PRIORLN"]) == [7.0, 3.0, 2.0, 4.0]
    # 001 Len-refractory only; 002 Len- and Bort-refractory; 003 none; 004 not collected
    assert list(adsl["IMIDREF"].fillna("?")) == ["Y", "Y", "N", "?"]
    assert list(adsl["PIREF"].fillna("?")) == ["N", "Y", "N", "?"]
    assert list(adsl["DUALREF"].fillna("?")) == ["N", "Y", "N", "?"]
    assert list(adsl["BMPCBL"].fillna(-1)) == [60.0, 26.0, -1, -1]
    # RDI isatuximab 001: (800 + 800 + 600) / (3 x 800) = 91.67 %
    assert adsl.loc[S[0], "RDIISA"] == pytest.approx(100 * 2200 / 2400)
    assert adsl.loc[S[0], "RDICARF"] == pytest.approx(100.0)
    assert math.isnan(adsl.loc[S[2], "RDICARF"])  # no carfilzomib record: no planned dose


def test_adae_rules(adam):
    adae = adam["ADAE"]
    assert len(adae) == 7  # the 2020-04-02 AE follows the cut-off
    neut = adae[(adae["USUBJID"] == S[0]) & (adae["AEDECOD"] == "Neutropenia")]
    assert list(neut["RELFL"]) == ["Y", "Y"]  # RELATED, POSSIBLY RELATED
    assert list(neut["AOCCPIFL"]) == ["Y", ""]  # worst grade (3) of the term
    lymph = _row(adae, S[0], AEDECOD="Lymphopenia")
    assert lymph["ANLEXFL"] == "Y" and lymph["AOCCIFL"] == "Y"  # grade 4: subject's worst
    fatigue = _row(adae, S[0], AEDECOD="Fatigue")
    # "2015-03" starts in the month of first dose (2015-03-02): imputed to first dose, not 03-01
    assert fatigue["ASTDT"] == pd.Timestamp("2015-03-02") and fatigue["ASTDTF"] == "D"
    assert fatigue["AENDT"] == pd.Timestamp("2015-04-30") and fatigue["AENDTF"] == "D"
    assert fatigue["RELFL"] == "" and fatigue["TRTEMFL"] == "Y"
    headache = _row(adae, S[0], AEDECOD="Headache")
    assert (
        headache["TRTEMFL"] == "" and headache["ASTDY"] == -46.0
    )  # 2015-01-15 is 46 days before day 1
    ir1 = _row(adae, S[0], AEDECOD="Infusion related reaction")
    assert (ir1["IRFL"], ir1["IRDRUG"], ir1["IRDAY"], ir1["ASTDY"]) == (
        "Y",
        "ISATUXIMAB",
        "C1D1",
        1.0,
    )
    ir2 = _row(adae, S[1], AEDECOD="Infusion related reaction")
    assert ir2["IRDAY"] == "C1D8"  # 2016-01-11 is 002's cycle 1 day 8 isatuximab infusion
    assert adae.loc[adae["IRFL"] != "Y", "IRDAY"].eq("").all()


def test_adlb_grades_and_baseline(adam):
    adlb = adam["ADLB"]
    neut = adlb[adlb["PARAMCD"] == "NEUT"].sort_values("ADT")
    # CTCAE v4.03 neutrophil count decreased: 0.8 x 10^9/L is in [0.5, 1.0) -> grade 3; 2.5 >= LLN -> 0
    assert list(neut["ATOXGRN"]) == [0.0, 3.0]
    assert list(neut["ATOXGR"]) == ["0", "3"]
    assert list(neut["ABLFL"]) == ["Y", ""]
    assert list(neut["BTOXGRN"]) == [0.0, 0.0]
    assert set(neut["ATOXDIR"]) == {"LOW"}
    assert {"MPROTS", "PLASMACL"} <= set(adlb["PARAMCD"])
    assert (
        adlb.loc[adlb["PARAMCD"] == "MPROTS", "ATOXGRN"].isna().all()
    )  # markers are not CTCAE-graded


def test_adrs_investigator(adam):
    adrs = adam["ADRS"]
    bor = adrs[adrs["PARAMCD"] == "BOR"].set_index("USUBJID")
    assert list(bor["AVALC"]) == ["VGPR", "CR", "PD", "NE"]  # 004 was never assessed
    assert list(bor["AVAL"]) == [3.0, 2.0, 7.0, 8.0]  # ranks in RESPONSE_ORDER
    assert bor.loc[S[1], "ADT"] == pd.Timestamp("2016-03-28")
    rsp = adrs[adrs["PARAMCD"] == "RSP"].set_index("USUBJID")
    assert list(rsp["AVALC"]) == ["Y", "Y", "N", "N"]
    assert rsp.loc[S[0], "ADT"] == pd.Timestamp("2015-03-30")
    pd_ = adrs[adrs["PARAMCD"] == "PD"].set_index("USUBJID")
    assert list(pd_["AVALC"]) == ["Y", "N", "Y", "N"]  # 002's PD is after the cut-off
    assert set(adrs["AVALC"]) <= set(terms.RESPONSE_ORDER) | {"Y", "N"}


DAYS = terms.DAYS_PER_MONTH
EXPECTED_TTE = {
    # (PARAMCD, subject): (AVALDY, CNSR, description)
    ("PFS", S[0]): (85, 0, "PROGRESSIVE DISEASE"),  # 2015-03-02 -> 2015-05-25: 84 + 1
    ("PFS", S[1]): (
        85,
        1,
        "LAST ADEQUATE ASSESSMENT",
    ),  # 2016-01-04 -> 2016-03-28 (leap year): 84 + 1
    ("PFS", S[2]): (29, 0, "PROGRESSIVE DISEASE"),  # 2017-06-05 -> 2017-07-03: 28 + 1
    ("PFS", S[3]): (1, 1, "FIRST DOSE"),  # no adequate assessment: censored at day 1
    ("OS", S[0]): (184, 0, "DEATH"),  # 2015-03-02 -> 2015-09-01: 183 + 1
    ("OS", S[1]): (1528, 1, "LAST KNOWN ALIVE"),  # 2016-01-04 -> 2020-03-10: 1527 + 1
    ("OS", S[2]): (1001, 1, "LAST KNOWN ALIVE"),  # death after cut-off: 2017-06-05 -> 2020-03-01
    ("OS", S[3]): (13, 1, "LAST KNOWN ALIVE"),  # 2018-01-08 -> 2018-01-20: 12 + 1
    ("DOR", S[0]): (57, 0, "PROGRESSIVE DISEASE"),  # first PR 2015-03-30 -> PD 2015-05-25: 56 + 1
    ("DOR", S[1]): (29, 1, "LAST ADEQUATE ASSESSMENT"),  # PR 2016-02-29 -> CR 2016-03-28: 28 + 1
    ("TTR", S[0]): (29, 0, "FIRST RESPONSE"),  # 2015-03-02 -> 2015-03-30
    ("TTR", S[1]): (57, 0, "FIRST RESPONSE"),  # 2016-01-04 -> 2016-02-29: 56 + 1
    ("TTBR", S[0]): (57, 0, "BEST RESPONSE"),  # VGPR 2015-04-27: 56 + 1
    ("TTBR", S[1]): (85, 0, "BEST RESPONSE"),  # CR 2016-03-28: 84 + 1
}


def test_adtte_hand_computed(adam):
    adtte = adam["ADTTE"]
    got = {}
    for _, r in adtte.iterrows():
        desc = r["EVNTDESC"] if r["CNSR"] == 0 else r["CNSDTDSC"]
        got[(r["PARAMCD"], r["USUBJID"])] = (r["AVALDY"], r["CNSR"], desc)
        assert r["AVAL"] == pytest.approx(r["AVALDY"] / DAYS)
        assert r["AVALU"] == "MONTHS"
    assert got == EXPECTED_TTE


def test_adtte_event_before_origin_and_ties():
    adsl = pd.DataFrame(
        {
            "STUDYID": "X",
            "USUBJID": ["A", "B"],
            "TRT01P": "t",
            "TRT01PN": 1.0,
            "TRT01A": "t",
            "TRT01AN": 1.0,
            "SAFFL": "Y",
            "EFFFL": "Y",
            "TRTSDT": pd.to_datetime(["2020-01-10", "2020-01-10"]),
            "DTHDT": pd.to_datetime(["2020-02-01", None]),
            "LSTALVDT": pd.to_datetime(["2020-02-01", "2020-03-01"]),
        }
    )
    adrs = pd.DataFrame(
        {
            "USUBJID": ["A", "B", "B"],
            "PARAMCD": ["PD", "PD", "LSTA"],
            "AVALC": ["Y", "N", "SD"],
            "ADT": pd.to_datetime(["2020-02-01", None, "2020-01-05"]),
        }
    )
    from earlyphase.cdisc.adam import derive_adtte

    pfs = derive_adtte(adsl, adrs).query("PARAMCD == 'PFS'").set_index("USUBJID")
    assert (
        pfs.loc["A", "EVNTDESC"] == "PROGRESSIVE DISEASE"
    )  # PD and death the same day: PD listed first
    assert (
        pfs.loc["B", "ADT"] == pd.Timestamp("2020-01-10") and pfs.loc["B", "AVALDY"] == 1.0
    )  # before origin


def test_adrs_imwg_matches_the_clinical_module(study):
    from earlyphase.clinical.imwg import assess

    adsl = derive_adsl(study)
    adrs = derive_adrs(adsl, lb=study["LB"], source="imwg")
    visits, dates = lb_to_visits(study["LB"], adsl)
    best = assess(visits).best.set_index("subject_id")
    bor = adrs[adrs["PARAMCD"] == "BOR"].set_index("USUBJID")
    assert bor["AVALC"].to_dict() == best["best_response"].fillna("NE").to_dict()
    assert set(adrs["PARAMCD"]) >= {"OVR", "CONFRESP", "BOR", "RSP", "PD"}
    # visits are by study day relative to first dose: 001's M-protein of 2015-03-30 is day 29
    v1 = visits[visits["subject_id"] == S[0]].set_index("day")
    assert v1.loc[29.0, "serum_m_protein"] == 1.2 and v1.loc[-5.0, "serum_m_protein"] == 3.0


def test_adpc_times_and_adpp(adam):
    adpc = adam["ADPC"].sort_values("AFRLT")
    assert list(adpc["AFRLT"]) == [-0.5, 4.0, 7.0, 24.0, 48.0, 168.0]  # from 2015-03-02T09:00
    assert list(adpc["ARRLT"]) == list(adpc["AFRLT"])  # C1D1 is the first infusion
    assert list(adpc["NFRLT"]) == [-0.5, 4.0, 7.0, 24.0, 48.0, 168.0]
    assert list(adpc["BLQFL"]) == ["Y", "", "", "", "", ""]
    assert (adpc["DOSEA"] == 800.0).all() and (adpc["INFDUR"] == 4.0).all()
    adpp = adam["ADPP"].set_index("PARAMCD")["AVAL"]
    assert adpp["CMAX"] == 150.0 and adpp["TMAX"] == 4.0 and adpp["TLST"] == 168.0
    # lin-up/log-down by hand: 0-4 h linear (0 -> 150): 300; then log-down segments
    # (C1 - C2) (t2 - t1) / ln(C1 / C2) for 150->140 (3 h), 140->120 (17 h), 120->105 (24 h), 105->60 (120 h)
    segs = [(150, 140, 3), (140, 120, 17), (120, 105, 24), (105, 60, 120)]
    auc = 300 + sum((a - b) * dt / np.log(a / b) for a, b, dt in segs)
    assert adpp["AUCLST"] == pytest.approx(auc, rel=1e-9)
    assert np.isfinite(adpp["AUCTAU"])  # tau = 336 h, the next isatuximab infusion (C1D15) from EX


def test_adpp_param_is_the_short_name_and_unit(adam):
    from earlyphase.cdisc.adam.adpp import WEEK_WINDOWS
    from earlyphase.cdisc.io.metadata import variable_labels
    from earlyphase.pk.nca import DERIVED_PARAMETERS

    adpp = adam["ADPP"]
    cols = list(adpp.columns)
    assert cols[cols.index("PARAMCD") + 1] == "PARAM"
    assert (adpp["PARAM"].astype(str).str.strip() != "").all()
    param = adpp.drop_duplicates("PARAMCD").set_index("PARAMCD")["PARAM"]
    assert param["CMAX"] == "Cmax" and param["TMAX"] == "tmax"
    assert param["AUCLST"] == "AUClast" and param["LAMZHL"] == "t1/2"
    assert param["R2"] == "R2"
    # ADaM: PARAM and PARAMCD one to one (units in AVALU)
    assert (adpp.groupby("PARAMCD")["PARAM"].nunique() == 1).all()
    assert (adpp.groupby("PARAM")["PARAMCD"].nunique() == 1).all()
    assert variable_labels(adpp)["PARAM"] == "Parameter"
    assert set(WEEK_WINDOWS.values()) <= set(DERIVED_PARAMETERS)  # AUC1WK, AUC2WK named


def test_missing_domains_are_reported_not_raised(study):
    only_dm = derive_adam({"DM": study["DM"], "EX": study["EX"]})
    assert set(only_dm.datasets) == {"ADSL", "ADEX"}
    reasons = {m.dataset: m for m in only_dm.missing}
    assert reasons["ADAE"].domain == "AE"
    assert reasons["ADTTE"].reason == "needs ADRS, which could not be derived"
    assert set(reasons) == {"ADAE", "ADLB", "ADRS", "ADTTE", "ADPC", "ADPP"}
    assert only_dm.to_frame()["derived"].sum() == 2
    nothing = derive_adam({"AE": study["AE"]})
    assert nothing.datasets == {} and nothing.missing[0].domain == "DM"


def test_bad_dates_are_errors(study):
    from earlyphase.cdisc.adam import derive_adae

    adsl = derive_adsl(study)
    study["AE"].loc[0, "AESTDTC"] = "2015-13-01"
    with pytest.raises(DataError, match=r"AESTDTC.*2015-13-01"):
        derive_adae(study["AE"], adsl)


def test_post_dose_sample_before_infusion_is_an_error(study):
    from earlyphase.cdisc.adam import derive_adpc

    adsl = derive_adsl(study)
    study["PC"].loc[3, "PCDTC"] = (
        "2015-03-02T08:00"  # labelled 24 h post-dose, taken before the infusion
    )
    with pytest.raises(DataError, match="non-negative time after dose"):
        derive_adpc(study["PC"], study["EX"], adsl)


def test_conflicting_cutoff_dates_are_an_error(study):
    ds = study["DS"]
    ds.loc[ds.index[-1], "DSSTDTC"] = "2020-03-21"
    with pytest.raises(DataError, match="cut-off"):
        derive_adsl(study)


def test_cutoff_argument_overrides_ds(study):
    early = derive_adam(
        study, "isak-phase1b", data_cutoff="2015-06-30", response_source="investigator"
    )
    adsl = early["ADSL"].set_index("USUBJID")
    assert adsl.loc[S[0], "DTHFL"] == ""  # died 2015-09-01, after this cut-off
    assert adsl.loc[S[0], "LSTALVDT"] <= pd.Timestamp("2015-06-30")
    assert early["ADSL"]["SAFFL"].tolist() == ["Y", "N", "N", "N"]  # others start treatment later


def test_result_is_a_read_only_mapping(adam):
    assert list(adam) == ["ADSL", "ADEX", "ADAE", "ADLB", "ADRS", "ADTTE", "ADPC", "ADPP"]
    assert dict(adam)["ADSL"] is adam["adsl"] and len(adam) == 8 and "adtte" in adam
    with pytest.raises(TypeError):
        adam.datasets["ADSL"] = None  # type: ignore[index]
