"""CTCAE grading against the published thresholds.

Reference values: NCI CTCAE v4.03 (14 June 2010) and v5.0 (27 Nov 2017), SOC Investigations
and Blood and lymphatic system disorders, term by term, as transcribed from the NCI
spreadsheets (CTCAE_4.03_2010-06-14.xlsx, CTCAE_v5.0_2017-11-27.xlsx) in pharmaverse/admiral
data-raw/adlb_grading/ncictcaev4.json and ncictcaev5.json @6eb5125. The grade text quoted in
each case is the CTCAE wording for that grade.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlyphase.clinical.ctcae import grade_labs
from earlyphase.errors import DataError, OptionsError


def one(test, value, unit, lln=np.nan, uln=np.nan, baseline=np.nan, version="4.03"):
    labs = pd.DataFrame(
        {
            "subject_id": ["S1"],
            "day": [8],
            "test": [test],
            "value": [value],
            "unit": [unit],
            "lln": [lln],
            "uln": [uln],
            "baseline": [baseline],
        }
    )
    out = grade_labs(labs, version)
    g = out["grade"].iloc[0]
    return None if pd.isna(g) else int(g)


# (test, value, unit, lln, uln, baseline, expected) -- CTCAE text of the deciding grade in comments
V403_CASES = [
    # Neutrophil count decreased: G4 "<0.5 x 10e9/L"; G3 "<1.0 - 0.5"; G2 "<1.5 - 1.0"; G1 "<LLN - 1.5"
    ("neutrophils", 0.49, "10^9/L", 2.0, None, None, 4),
    ("neutrophils", 0.5, "10^9/L", 2.0, None, None, 3),  # 0.5 is not < 0.5
    ("neutrophils", 1.0, "10^9/L", 2.0, None, None, 2),
    ("neutrophils", 1.5, "10^9/L", 2.0, None, None, 1),
    ("neutrophils", 2.0, "10^9/L", 2.0, None, None, 0),  # LLN itself is normal
    ("neutrophils", 499, "/uL", 2000, None, None, 4),  # "<500/mm3"
    ("neutrophils", 500, "cells/mm3", 2000, None, None, 3),
    # Platelet count decreased: G4 "<25.0 x 10e9/L"; G3 "<50.0 - 25.0"; G2 "<75.0 - 50.0"
    ("platelets", 24.9, "10^9/L", 150, None, None, 4),
    ("platelets", 25, "10^9/L", 150, None, None, 3),
    ("platelets", 50, "10^9/L", 150, None, None, 2),
    ("platelets", 75, "10^9/L", 150, None, None, 1),
    ("platelets", 74999, "/uL", 150000, None, None, 2),
    # White blood cell decreased: G4 "<1.0"; G3 "<2.0 - 1.0"; G2 "<3.0 - 2.0"
    ("wbc", 0.99, "10^9/L", 4.0, None, None, 4),
    ("wbc", 1.0, "10^9/L", 4.0, None, None, 3),
    ("wbc", 2.0, "10^9/L", 4.0, None, None, 2),
    ("wbc", 3.0, "10^9/L", 4.0, None, None, 1),
    # Lymphocyte count decreased: G4 "<0.2"; G3 "<0.5 - 0.2"; G2 "<0.8 - 0.5"
    ("lymphocytes", 0.19, "10^9/L", 1.0, None, None, 4),
    ("lymphocytes", 0.2, "10^9/L", 1.0, None, None, 3),
    ("lymphocytes", 0.5, "10^9/L", 1.0, None, None, 2),
    ("lymphocytes", 0.8, "10^9/L", 1.0, None, None, 1),
    # Anemia: G3 "Hgb <8.0 g/dL; <80 g/L"; G2 "<10.0 - 8.0 g/dL"; G1 "<LLN - 10.0 g/dL"; no lab G4
    ("hemoglobin", 5.0, "g/dL", 12, None, None, 3),
    ("hemoglobin", 7.99, "g/dL", 12, None, None, 3),
    ("hemoglobin", 8.0, "g/dL", 12, None, None, 2),
    ("hemoglobin", 100, "g/L", 120, None, None, 1),
    ("hemoglobin", 120, "g/L", 120, None, None, 0),
    # ALT/AST increased: G1 ">ULN - 3.0 x ULN"; G2 ">3.0 - 5.0"; G3 ">5.0 - 20.0"; G4 ">20.0"
    ("alt", 40, "U/L", None, 40, None, 0),
    ("alt", 41, "U/L", None, 40, None, 1),
    ("alt", 120, "U/L", None, 40, None, 1),  # exactly 3 x ULN is still grade 1
    ("alt", 121, "U/L", None, 40, None, 2),
    ("ast", 200, "IU/L", None, 40, None, 2),
    ("ast", 201, "U/L", None, 40, None, 3),
    ("ast", 801, "U/L", None, 40, None, 4),
    ("ast", 800, "U/L", None, 40, None, 3),
    # Blood bilirubin increased: G1 ">ULN - 1.5 x ULN"; G2 ">1.5 - 3.0"; G3 ">3.0 - 10.0"; G4 ">10.0"
    ("bilirubin", 30, "umol/L", None, 20, None, 1),
    ("bilirubin", 31, "umol/L", None, 20, None, 2),
    ("bilirubin", 61, "umol/L", None, 20, None, 3),
    ("bilirubin", 201, "umol/L", None, 20, None, 4),
    # Creatinine increased v4.03: G1 ">1 - 1.5 x baseline; >ULN - 1.5 x ULN"; G2 ">1.5 - 3.0 x
    # baseline; >1.5 - 3.0 x ULN"; G3 ">3.0 baseline; >3.0 - 6.0 x ULN"; G4 ">6.0 x ULN"
    ("creatinine", 0.9, "mg/dL", None, 1.2, 0.8, 1),  # above baseline, below ULN
    ("creatinine", 0.8, "mg/dL", None, 1.2, 0.8, 0),
    ("creatinine", 1.3, "mg/dL", None, 1.2, 0.8, 2),  # > 1.5 x baseline
    ("creatinine", 2.5, "mg/dL", None, 1.2, 0.8, 3),  # > 3 x baseline
    ("creatinine", 7.3, "mg/dL", None, 1.2, 0.8, 4),  # > 6 x ULN
    ("creatinine", 100, "umol/L", None, 106, None, None),  # no baseline: G1 cannot be ruled out
]


@pytest.mark.parametrize(("test", "value", "unit", "lln", "uln", "base", "expected"), V403_CASES)
def test_v403_thresholds(test, value, unit, lln, uln, base, expected):
    kw = {k: v for k, v in {"lln": lln, "uln": uln, "baseline": base}.items() if v is not None}
    assert one(test, value, unit, version="4.03", **kw) == expected


V50_CASES = [
    # ALT v5.0 baseline abnormal: G1 "1.5 - 3.0 x baseline"; G2 ">3.0 - 5.0 x baseline" ...
    ("alt", 120, "U/L", None, 40, 80, 1),  # exactly 1.5 x baseline (inclusive)
    ("alt", 119, "U/L", None, 40, 80, 0),
    ("alt", 241, "U/L", None, 40, 80, 2),
    ("alt", 1601, "U/L", None, 40, 80, 4),
    ("alt", 121, "U/L", None, 40, 30, 2),  # baseline normal: ULN branch as in v4.03
    # Bilirubin v5.0 baseline abnormal: G1 ">1.0 - 1.5 x baseline"; G2 ">1.5 - 3.0 x baseline"
    ("bilirubin", 31, "umol/L", None, 20, 30, 1),
    ("bilirubin", 30, "umol/L", None, 20, 30, 0),
    ("bilirubin", 46, "umol/L", None, 20, 30, 2),
    # Creatinine v5.0: G1 ">ULN - 1.5 x ULN" only; G2 ">1.5 - 3.0 x baseline; >1.5 - 3.0 x ULN"
    ("creatinine", 0.9, "mg/dL", None, 1.2, 0.8, 0),  # v4.03 gives 1 (above baseline)
    ("creatinine", 1.3, "mg/dL", None, 1.2, 0.8, 2),
    ("creatinine", 100, "umol/L", None, 106, None, 0),  # baseline not needed for G1 in v5.0
    # Counts unchanged in v5.0
    ("neutrophils", 0.49, "10^9/L", 2.0, None, None, 4),
    ("platelets", 49.9, "10^9/L", 150, None, None, 3),
]


@pytest.mark.parametrize(("test", "value", "unit", "lln", "uln", "base", "expected"), V50_CASES)
def test_v50_thresholds(test, value, unit, lln, uln, base, expected):
    kw = {k: v for k, v in {"lln": lln, "uln": uln, "baseline": base}.items() if v is not None}
    assert one(test, value, unit, version="5.0", **kw) == expected


def test_v4_alt_ignores_abnormal_baseline():
    # v4.03 ALT has no baseline branch: 120 U/L with ULN 40 is grade 1 whatever the baseline
    assert one("alt", 120, "U/L", uln=40, baseline=80, version="4.03") == 1
    assert one("alt", 241, "U/L", uln=40, baseline=80, version="4.03") == 3  # > 5 x ULN


def test_units_convert_to_the_same_grade():
    assert one("creatinine", 1.9, "mg/dL", uln=1.2) == one(
        "creatinine", 1.9 * 88.42, "umol/L", uln=1.2 * 88.42
    )
    assert one("bilirubin", 2.0, "mg/dL", uln=1.2) == 2  # 2.0 > 1.5 x 1.2
    assert one("hemoglobin", 4.8, "mmol/L", lln=7.5) == 3  # 4.8 mmol/L = 77 g/L
    assert one("platelets", 49, "10^3/uL", lln=150) == 3
    assert one("neutrophils", 0.9, "x10^9/L", lln=1.8) == 3


def test_missing_lln_grades_higher_grades_but_not_grade1():
    assert one("neutrophils", 0.4, "10^9/L") == 4
    assert one("neutrophils", 1.6, "10^9/L") is None
    assert one("alt", 100, "U/L") is None  # ULN needed for every ALT grade


def test_ctcae_term_names_and_output_columns():
    labs = pd.DataFrame(
        {
            "subject_id": [1, 1],
            "day": [1, 2],
            "test": ["Neutrophil count decreased", "PLAT"],
            "value": [0.7, 20],
            "unit": ["10^9/L", "10^9/L"],
            "lln": [1.8, 150],
        }
    )
    out = grade_labs(labs)
    assert list(out["ctcae_term"]) == ["Neutrophil count decreased", "Platelet count decreased"]
    assert list(out["grade"]) == [3, 4]
    assert out["grade"].dtype == "Int64"
    assert out["criterion"].iloc[0].startswith("grade 3: value < 1 10^9/L")
    assert "<1000 - 500/mm3" in out["criterion"].iloc[0]


def test_floating_point_boundary_uses_signif():
    # 0.1 + 0.2 != 0.3 in binary; the signif rounding makes 3 x 0.1 compare equal to 0.3
    assert one("alt", 0.1 + 0.2, "U/L", uln=0.1) == 1


@pytest.mark.parametrize(
    ("column", "value", "match"),
    [
        ("unit", "mg/furlong", "unit"),
        ("value", "abc", "value"),
        ("value", -1.0, "value"),
        ("test", "neutrophil", "test"),
        ("lln", "low", "lln"),
    ],
)
def test_bad_input_is_a_clear_data_error(column, value, match):
    labs = pd.DataFrame(
        {
            "subject_id": [1],
            "day": [1],
            "test": ["neutrophils"],
            "value": [1.0],
            "unit": ["10^9/L"],
            "lln": [1.8],
        }
    )
    labs[column] = labs[column].astype(object)
    labs.loc[0, column] = value
    with pytest.raises(DataError, match=match):
        grade_labs(labs)


def test_unknown_version_and_skip_option():
    labs = pd.DataFrame(
        {
            "subject_id": [1, 1],
            "day": [1, 1],
            "test": ["neutrophils", "sodium"],
            "value": [1.0, 140],
            "unit": ["10^9/L", "mmol/L"],
            "lln": [1.8, 135],
        }
    )
    with pytest.raises(OptionsError):
        grade_labs(labs, "6.0")
    out = grade_labs(labs, unknown_tests="skip")
    assert out["grade"].iloc[0] == 2 and pd.isna(out["grade"].iloc[1])
    assert out["criterion"].iloc[1].startswith("not a CTCAE lab term")
    with pytest.raises(DataError, match="day"):
        grade_labs(labs.drop(columns="day"))
