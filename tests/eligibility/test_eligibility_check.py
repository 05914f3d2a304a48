"""Eligibility of made-up patients against the isak-phase1b criteria (Chari 2021, Study Population)."""

import math

import numpy as np
import pandas as pd
import pytest
from patients_table import BASE, VARIANTS

from earlyphase.eligibility import (
    RESULT_COLUMNS,
    check_eligibility,
    cockcroft_gault,
    eligibility_summary,
)
from earlyphase.errors import DataError
from earlyphase.protocol import load_protocol

P = load_protocol("isak-phase1b")


def one(**changes):
    return pd.DataFrame([{"patient_id": "X", **BASE, **changes}])


def status(results, criterion, patient="X"):
    row = results[(results.patient_id == patient) & (results.criterion == criterion)]
    assert len(row) == 1
    return row.iloc[0]


def test_borderline_table(patients):
    results = check_eligibility(P, patients)
    assert list(results.columns) == list(RESULT_COLUMNS)
    assert len(results) == len(VARIANTS) * len(P.eligibility)
    for pid, (_, expected_failures) in VARIANTS.items():
        rows = results[results.patient_id == pid]
        assert set(rows.loc[rows.status == "fail", "criterion"]) == expected_failures, pid
        assert (rows.status != "unevaluable").all(), pid
    summary = eligibility_summary(results).set_index("patient_id")
    for pid, (_, expected_failures) in VARIANTS.items():
        assert summary.loc[pid, "eligible"] == (not expected_failures)
        assert summary.loc[pid, "n_failed"] == len(expected_failures)
    assert set(summary.loc["P24-several", "failed"].split("; ")) == {"platelets", "ecog", "qtc"}


def test_value_threshold_unit_are_reported(patients):
    results = check_eligibility(P, patients)
    row = status(results, "platelets", "P03-plt-50000")
    assert (row.status, row.value, row.threshold, row.unit, row.source) == (
        "fail",
        50000.0,
        "> 50000",
        "/uL",
        "platelets_per_ul",
    )
    measurable = status(results, "measurable-disease", "P22-not-measurable")
    assert (
        "serum_m_protein=0.49" in measurable.value and "urine_m_protein=199.0" in measurable.value
    )


def test_unit_conversions_at_thresholds():
    base = {
        k: v
        for k, v in BASE.items()
        if k not in ("platelets_per_ul", "hemoglobin_g_dl", "anc_per_ul")
    }
    frame = pd.DataFrame(
        [
            {
                "patient_id": "A",
                **base,
                "platelets_10e9_l": 50.0,
                "hemoglobin_g_l": 80.0,
                "anc_10e9_l": 1.0,
            },
            {
                "patient_id": "B",
                **base,
                "platelets_10e9_l": 50.5,
                "hemoglobin_g_l": 79.0,
                "anc_10e9_l": 1.2,
            },
        ]
    )
    results = check_eligibility(P, frame)
    # 50 x 10^9/L = 50,000/uL -> fails "> 50,000"; 80 g/L = 8 g/dL -> passes ">= 8"
    assert status(results, "platelets", "A").status == "fail"
    assert status(results, "platelets", "A").value == 50000.0
    assert status(results, "hemoglobin", "A").status == "pass"
    assert status(results, "hemoglobin", "A").value == 8.0
    assert status(results, "anc", "A").status == "fail"  # 1.0 x 10^9/L = 1000/uL
    assert status(results, "platelets", "B").status == "pass"
    assert status(results, "hemoglobin", "B").status == "fail"
    assert status(results, "anc", "B").status == "pass"


def test_cockcroft_gault_reference_vectors():
    # admiral tests/testthat/test-compute_kidney.R (agree with the NKF calculator):
    # male, 55 y, 90 kg, SCr 1.09 mg/dL -> 97.48 (conventional-unit formula, exact match).
    assert cockcroft_gault(55, 90, False, 1.09) == pytest.approx((140 - 55) * 90 / (72 * 1.09))
    assert round(float(cockcroft_gault(55, 90, False, 1.09)), 2) == 97.48
    # female, 65 y, 60 kg, SCr 85 umol/L: admiral's SI shortcut (140-age) x W x 1.04 / SCr gives
    # 55.06; converting SCr with 88.42 umol/L per mg/dL and using 0.85/72 exactly gives 55.26.
    # earlyphase converts (documented); the two agree within the rounding of 1.04 (0.4%).
    exact = 75 * 60 * 0.85 / (72 * 85 / 88.42)
    assert float(cockcroft_gault(65, 60, True, 85 / 88.42)) == pytest.approx(exact, rel=1e-12)
    assert round(exact, 2) == 55.26
    assert exact == pytest.approx(75 * 60 * 1.04 / 85, rel=0.004)
    base = {k: v for k, v in BASE.items() if k not in ("crcl_ml_min", "age_years")}
    frame = pd.DataFrame(
        [
            {
                "patient_id": "M",
                **base,
                "age_years": 55,
                "weight_kg": 90,
                "sex": "M",
                "creatinine_mg_dl": 1.09,
            },
            {
                "patient_id": "F",
                **base,
                "age_years": 65,
                "weight_kg": 60,
                "sex": "F",
                "creatinine_umol_l": 85,
            },
        ]
    )
    # one table cannot hold both creatinine units in one column set: evaluate separately
    res_m = check_eligibility(P, frame.iloc[[0]].drop(columns="creatinine_umol_l"))
    res_f = check_eligibility(P, frame.iloc[[1]].drop(columns="creatinine_mg_dl"))
    crcl_m = status(res_m, "creatinine-clearance", "M")
    assert crcl_m.value == pytest.approx(97.48, abs=0.005) and crcl_m.status == "pass"
    assert crcl_m.source.startswith("Cockcroft-Gault")
    assert status(res_f, "creatinine-clearance", "F").value == pytest.approx(exact, rel=1e-12)


def test_crcl_threshold_via_cockcroft_gault():
    # (140 - 80) x 50 x 0.85 / (72 x SCr) = 30 exactly when SCr = 2550 / 2160
    base = {k: v for k, v in BASE.items() if k not in ("crcl_ml_min", "age_years")}
    scr = 2550 / 2160
    frame = pd.DataFrame(
        [
            {
                "patient_id": "F",
                **base,
                "age_years": 80,
                "weight_kg": 50,
                "sex": "F",
                "creatinine_mg_dl": scr,
            }
        ]
    )
    row = status(check_eligibility(P, frame), "creatinine-clearance", "F")
    assert row.value == pytest.approx(30.0, rel=1e-12)


def test_derived_bilirubin_and_flc():
    drop = (
        "bilirubin_xuln",
        "serum_m_protein_g_dl",
        "urine_m_protein_mg_24h",
        "kappa_flc_mg_dl",
        "lambda_flc_mg_dl",
    )
    base = {k: v for k, v in BASE.items() if k not in drop}
    frame = pd.DataFrame(
        [  # bilirubin 1.8 / ULN 1.2 mg/dL = 1.5 x ULN -> pass; FLC kappa 250 mg/L, lambda 10 mg/L:
            # ratio 25 (abnormal), involved kappa 25 mg/dL >= 10 -> measurable
            {
                "patient_id": "L",
                **base,
                "bilirubin_mg_dl": 1.8,
                "bilirubin_uln_mg_dl": 1.2,
                "kappa_flc_mg_l": 250,
                "lambda_flc_mg_l": 10,
            },
            # normal ratio 1.0: FLC not measurable, nothing else -> fail
            {
                "patient_id": "N",
                **base,
                "bilirubin_mg_dl": 2.0,
                "bilirubin_uln_mg_dl": 1.2,
                "kappa_flc_mg_l": 150,
                "lambda_flc_mg_l": 150,
            },
        ]
    )
    results = check_eligibility(P, frame, missing_columns="unevaluable")
    assert status(results, "bilirubin", "L").value == pytest.approx(1.5)
    assert status(results, "bilirubin", "L").status == "pass"
    assert status(results, "bilirubin", "N").status == "fail"
    assert status(results, "measurable-disease", "L").status == "pass"
    # serum/urine/IgA columns absent -> those parts unevaluable, FLC part fails -> unevaluable
    assert status(results, "measurable-disease", "N").status == "unevaluable"


def test_missing_values_are_unevaluable_or_pass():
    results = check_eligibility(P, one(hemoglobin_g_dl=math.nan, days_since_major_surgery=math.nan))
    assert status(results, "hemoglobin").status == "unevaluable"
    assert status(results, "hemoglobin").value is None
    assert status(results, "surgery-washout").status == "pass"  # if_missing: pass (no surgery)
    summary = eligibility_summary(results).iloc[0]
    assert (summary.status, summary.eligible, summary.unevaluable) == (
        "unevaluable",
        False,
        "hemoglobin",
    )


def test_missing_columns_error_names_them():
    frame = one().drop(columns=["qtc_ms", "hemoglobin_g_dl"])
    with pytest.raises(DataError) as info:
        check_eligibility(P, frame)
    message = str(info.value)
    assert message.startswith("patients columns: got ['hemoglobin', 'qtc']")
    assert "hemoglobin_g_dl" in message
    results = check_eligibility(P, frame, missing_columns="unevaluable")
    assert (
        status(results, "qtc").status == "unevaluable"
        and status(results, "qtc").source == "no column"
    )


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        (
            {"platelets_per_ul": 150},
            "platelets_per_ul (patient X): got 150.0; expected 1000 to 5e+06 /uL (the value looks like 10^9/L",
        ),
        ({"hemoglobin_g_dl": 95}, "looks like g/L"),
        ({"anc_per_ul": -5}, "anc_per_ul (patient X): got -5.0"),
        ({"age_years": 250}, "age_years (patient X): got 250.0; expected 0 to 120 years"),
        ({"ecog": 7}, "ecog (patient X): got 7.0"),
        ({"qtc_ms": "long"}, "qtc_ms (row 0): got 'long'; expected a number"),
        ({"prior_anti_cd38": "maybe"}, "prior_anti_cd38: got 'maybe'; expected a yes/no value"),
        ({"days_since_last_anticancer_therapy": -3}, "got -3.0; expected a value >= 0"),
    ],
)
def test_impossible_values(changes, fragment):
    with pytest.raises(DataError) as info:
        check_eligibility(P, one(**changes))
    assert fragment in str(info.value)


def test_impossible_weight_and_sex_for_crcl():
    base = {k: v for k, v in BASE.items() if k != "crcl_ml_min"}
    frame = pd.DataFrame(
        [{"patient_id": "X", **base, "weight_kg": -70, "sex": "M", "creatinine_mg_dl": 1.0}]
    )
    with pytest.raises(DataError, match=r"weight_kg \(patient X\): got -70.0"):
        check_eligibility(P, frame)
    frame = pd.DataFrame(
        [{"patient_id": "X", **base, "weight_kg": 70, "sex": "?", "creatinine_mg_dl": 1.0}]
    )
    with pytest.raises(DataError, match=r"sex \(patient X\): got '\?'; expected M or F"):
        check_eligibility(P, frame)


def test_two_columns_for_one_variable_is_an_error():
    with pytest.raises(
        DataError, match=r"columns for platelets: got \['platelets_per_ul', 'platelets_10e9_l'\]"
    ):
        check_eligibility(P, one(platelets_10e9_l=120))


def test_id_column_required_and_unique():
    with pytest.raises(DataError, match="patient id column"):
        check_eligibility(P, one().drop(columns="patient_id"))
    with pytest.raises(DataError, match="duplicate id"):
        check_eligibility(P, pd.concat([one(), one()]))
    usubjid = one().rename(columns={"patient_id": "USUBJID"})
    assert set(check_eligibility(P, usubjid).patient_id) == {"X"}


def test_boolean_spellings():
    for yes, no in (("Y", "N"), (True, False), (1, 0), ("yes", "no"), ("TRUE", "false")):
        results = check_eligibility(P, one(progressed_on_last_line=yes, prior_anti_cd38=no))
        assert status(results, "progressed-on-last-line").status == "pass"
        assert status(results, "no-prior-anti-cd38").status == "pass"


def test_vectorised_cockcroft_gault():
    out = cockcroft_gault(
        np.array([55, 65]),
        np.array([90, 60]),
        np.array([False, True], dtype=object),
        np.array([1.09, 85 / 88.42]),
    )
    np.testing.assert_allclose(
        out, [85 * 90 / (72 * 1.09), 75 * 60 * 0.85 / (72 * 85 / 88.42)], rtol=1e-12
    )
    assert math.isnan(float(cockcroft_gault(55, 90, None, 1.0)))
