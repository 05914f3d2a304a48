"""Every table's numbers against an independent computation from the fixture's ADaM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from earlyphase.cdisc import terms
from earlyphase.errors import DataError
from earlyphase.report.tables import (
    adverse_events_table,
    best_response_table,
    demographics_table,
    disposition_table,
    exposure_table,
    pk_parameters_table,
    response_timing_table,
    subgroup_orr_table,
    time_to_event_table,
)

DL = {1: "DL1", 2: "DL2", 3: "DL3"}
REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "report"


def _by_dl(adsl):
    for number, key in DL.items():
        yield key, adsl[adsl["TRT01AN"] == number]
    yield "OVERALL", adsl


def test_demographics(adam):
    t = demographics_table(adam)
    for key, sub in _by_dl(adam["ADSL"]):
        assert t.value("age", key, "median") == np.median(sub["AGE"])
        assert t.value("age", key, "min") == sub["AGE"].min()
        assert t.value("sex", key, "male") == (sub["SEX"] == "M").sum()
        non_hispanic = sub["ETHNIC"] != "HISPANIC OR LATINO"
        assert t.value("race_WHITE", key, "n") == ((sub["RACE"] == "WHITE") & non_hispanic).sum()
        assert t.value("ethnic_hispanic", key, "n") == (~non_hispanic).sum()
        assert t.value("len_exp_ref", key, "refractory") == (sub["LENREF"] == "Y").sum()
        assert t.value("dualref", key, "pct") == pytest.approx(100 * (sub["DUALREF"] == "Y").mean())
        known = sub["CYTORISK"].isin(["HIGH", "STANDARD"]).sum()
        assert t.value("cyto_high", key, "denom") == known
        assert t.value("cyto_high", key, "n") == (sub["CYTORISK"] == "HIGH").sum()


def test_demographics_missing_variable_is_listed(adam):
    broken = {**adam, "ADSL": adam["ADSL"].drop(columns=["AGE", "SEX"])}
    with pytest.raises(DataError, match=r"ADSL\.AGE.*ADSL\.SEX"):
        demographics_table(broken)


def test_demographics_without_disease_variables_has_no_disease_block(adam):
    generic = {**adam, "ADSL": adam["ADSL"].drop(columns=["BMPCBL"])}
    t = demographics_table(generic)
    keys = {r.key for r in t.spec.rows}
    assert {"age", "sex", "race_WHITE"} <= keys
    assert not keys & {"mmtype", "priorln", "bmpcbl", "cyto_high"}
    assert "no disease block" in t.notes[0]
    with_block = demographics_table(adam)
    assert {"mmtype", "bmpcbl"} <= {r.key for r in with_block.spec.rows}


def test_adverse_events_worst_grade_per_patient(adam):
    t = adverse_events_table(adam)
    ae = adam["ADAE"]
    rel = ae[(ae["RELFL"] == "Y") & (ae["TRTEMFL"] == "Y")]
    worst = rel.groupby(["AEDECOD", "USUBJID"])["ATOXGRN"].max().reset_index()
    worst = worst.merge(adam["ADSL"][["USUBJID", "TRT01AN"]], on="USUBJID")
    for label, decod in terms.TABLE2_TERMS.items():
        w = worst[worst["AEDECOD"] == decod]
        for key, sub in _by_dl(adam["ADSL"]):
            ww = w[w["USUBJID"].isin(sub["USUBJID"])]
            assert t.value(label, f"{key}:any", "n") == len(ww)
            assert t.value(label, f"{key}:ge3", "n") == (ww["ATOXGRN"] >= 3).sum()
            assert t.value(label, f"{key}:ge3", "denom") == len(sub)
    # the summary row leaves out events excluded from analyses (lymphopenia)
    kept = rel[rel["ANLEXFL"] != "Y"]
    assert (
        t.value("any_related", "OVERALL:ge3", "n")
        == kept.loc[kept["ATOXGRN"] >= 3, "USUBJID"].nunique()
    )
    labels = [r.label for r in t.spec.rows]
    assert "Lymphopeniaᵃ" in labels and any("Lymphopenia" in f for f in t.spec.footnotes)


def test_pk_parameters(adam):
    t = pk_parameters_table(adam)
    pp = adam["ADPP"].merge(adam["ADSL"][["USUBJID", "TRT01AN", "PKFL"]], on="USUBJID")
    pp = pp[pp["PKFL"] == "Y"]
    for (visit, number), sub in pp.groupby(["VISIT", "TRT01AN"]):
        vkey = visit.lower().replace(" ", "_")
        cmax = sub.loc[sub["PARAMCD"] == "CMAX", "AVAL"].dropna()
        assert t.value(f"{vkey}:CMAX", DL[number], "mean") == pytest.approx(cmax.mean())
        if len(cmax) > 1:
            assert t.value(f"{vkey}:CMAX", DL[number], "geomean") == pytest.approx(sps.gmean(cmax))
            assert t.value(f"{vkey}:CMAX", DL[number], "cv") == pytest.approx(
                100 * cmax.std() / cmax.mean()
            )
        tmax = sub.loc[sub["PARAMCD"] == "TMAX", "AVAL"]
        assert t.value(f"{vkey}:TMAX", DL[number], "median") == pytest.approx(tmax.median())
    assert any("EXCLREAS" in f for f in t.spec.footnotes)  # the missing AVAL is reported


def test_best_response_and_exact_cis(adam):
    t = best_response_table(adam)
    bor = adam["ADRS"].query("PARAMCD == 'BOR'").merge(adam["ADSL"][["USUBJID", "TRT01AN"]])
    for key, sub in _by_dl(bor):
        n_resp = sub["AVALC"].isin(["sCR", "CR", "VGPR", "PR"]).sum()
        assert t.value("ORR", key, "n") == n_resp
        ci = sps.binomtest(int(n_resp), len(sub)).proportion_ci(method="exact")
        assert t.value("ORR", key, "lcl") == pytest.approx(100 * ci.low)
        assert t.value("ORR", key, "ucl") == pytest.approx(100 * ci.high)
        assert (
            t.value("CBR", key, "n") == sub["AVALC"].isin(["sCR", "CR", "VGPR", "PR", "MR"]).sum()
        )
        assert t.value("VGPR", key, "n") == (sub["AVALC"] == "VGPR").sum()


def test_subgroups(adam):
    t = subgroup_orr_table(adam)
    adsl = adam["ADSL"].merge(adam["ADRS"].query("PARAMCD == 'BOR'")[["USUBJID", "AVALC"]])
    resp = adsl["AVALC"].isin(["sCR", "CR", "VGPR", "PR"])
    for key, mask in (
        ("lenref", adsl["LENREF"] == "Y"),
        ("carfref", adsl["CARFREF"] == "Y"),
        ("age_ge65", adsl["AGE"] >= 65),
        ("cyto_high", adsl["CYTORISK"] == "HIGH"),
    ):
        assert t.value(key, "N", "n") == mask.sum()
        assert t.value(key, "ORR", "n") == (resp & mask).sum()


def test_subgroup_with_missing_variable_is_noted(adam):
    t = subgroup_orr_table({**adam, "ADSL": adam["ADSL"].drop(columns=["GAIN1Q"])})
    assert "gain1q" not in {r.key for r in t.spec.rows}
    assert any("GAIN1Q" in n for n in t.notes)


def test_response_timing(adam):
    t = response_timing_table(adam)
    ttr = adam["ADTTE"].query("PARAMCD == 'TTR' and CNSR == 0")
    assert t.value("TTR", "value", "median") == pytest.approx(np.median(ttr["AVALDY"] / 7))
    assert t.value("TTR", "value", "n") == len(ttr)


def test_time_to_event_matches_r(adam):
    t = time_to_event_table(adam)
    ref = pd.read_csv(REFERENCE / "km_r.csv").set_index("paramcd")
    assert t.value("PFS:median", "OVERALL", "median") == pytest.approx(ref.loc["PFS", "median"])
    assert t.value("OS:rate24", "OVERALL", "est") == pytest.approx(100 * ref.loc["OS", "surv24"])
    assert t.value("OS:rate24", "OVERALL", "lcl") == pytest.approx(100 * ref.loc["OS", "lower24"])
    os_ = adam["ADTTE"].query("PARAMCD == 'OS'")
    assert t.value("OS:events", "OVERALL", "n") == (os_["CNSR"] == 0).sum()
    assert t.value("followup:median", "OVERALL", "max") == os_["AVAL"].max()


def test_exposure_and_disposition(adam):
    e = exposure_table(adam)
    d = disposition_table(adam)
    adsl = adam["ADSL"]
    for key, sub in _by_dl(adsl):
        assert e.value("ncycles", key, "median") == np.median(sub["NCYCLES"])
        assert e.value("rdiisa", key, "mean") == pytest.approx(sub["RDIISA"].mean())
        assert d.value("enrolled", key, "n") == len(sub)
        assert d.value("death", key, "n") == (sub["DTHFL"] == "Y").sum()
        assert d.value("cohort:EXPANSION", key, "n") == (sub["COHORT"] == "EXPANSION").sum()


def test_columns_follow_any_trial_arms(adam):
    # a trial with two arms numbered 5 and 7 gives columns DL5, DL7 and Overall
    adsl = adam["ADSL"].copy()
    adsl["TRT01AN"] = np.where(adsl["TRT01AN"] == 2, 5.0, 7.0)
    adsl["TRT01A"] = np.where(adsl["TRT01AN"] == 5, "Drug X 5 mg", "Drug X 7 mg")
    t = best_response_table({**adam, "ADSL": adsl})
    assert [c.key for c in t.spec.columns] == ["DL5", "DL7", "OVERALL"]
    assert t.spec.columns[0].header == "Drug X 5 mg (n = 24)"


def test_km_conf_type_option(adam):
    """R survfit(conf.type = "log") limits when the report is asked for them."""
    from earlyphase.errors import OptionsError
    from earlyphase.report.options import ReportOptions
    from earlyphase.survival import kaplan_meier

    t = time_to_event_table(adam, ReportOptions(km_conf_type="log"))
    os_ = adam["ADTTE"].query("PARAMCD == 'OS'")
    ref = kaplan_meier(os_["AVAL"], 1 - os_["CNSR"], conf_type="log").survival_at(24)
    assert t.value("OS:rate24", "OVERALL", "lcl") == pytest.approx(100 * ref.lower)
    loglog = pd.read_csv(REFERENCE / "km_r.csv").set_index("paramcd").loc["OS", "lower24"]
    assert t.value("OS:rate24", "OVERALL", "lcl") != pytest.approx(100 * loglog)
    assert any("log transform" in f for f in t.spec.footnotes)
    with pytest.raises(OptionsError, match="km_conf_type"):
        ReportOptions(km_conf_type="arcsine")


def test_disposition_uses_end_of_treatment_when_adsl_has_it(adam):
    adsl = adam["ADSL"].copy()
    # end of study says DEATH for everyone who died; end of treatment says why treatment stopped
    adsl["EOSSTT"] = np.where(adsl["DTHFL"] == "Y", "DISCONTINUED", "ONGOING")
    adsl["DCSREAS"] = np.where(adsl["DTHFL"] == "Y", "DEATH", "")
    adsl["EOTSTT"] = "DISCONTINUED"
    adsl["DCTREAS"] = "PROGRESSIVE DISEASE"
    d = disposition_table({**adam, "ADSL": adsl})
    assert d.value("reason:PROGRESSIVE DISEASE", "OVERALL", "n") == len(adsl)
    assert "reason:DEATH" not in set(d.to_frame()["row"])
    assert d.value("eos:DISCONTINUED", "OVERALL", "n") == len(adsl)
    # without EOTSTT/DCTREAS the table falls back to the end of study
    d_study = disposition_table({**adam, "ADSL": adsl.drop(columns=["EOTSTT", "DCTREAS"])})
    assert d_study.value("reason:DEATH", "OVERALL", "n") == (adsl["DTHFL"] == "Y").sum()
