"""A made-up baseline table: one fully eligible patient and variants around every threshold."""

import math

import pandas as pd

BASE = {
    "age_years": 65,
    "prior_lines": 3,
    "progressed_on_last_line": "Y",
    "days_since_last_carfilzomib": math.nan,  # K-naive
    "prior_anti_cd38": "N",
    "serum_m_protein_g_dl": 1.2,
    "urine_m_protein_mg_24h": 0.0,
    "kappa_flc_mg_dl": 1.5,  # ratio 1.0: normal, so FLC alone is not measurable disease
    "lambda_flc_mg_dl": 1.5,
    "serum_iga_igd_g_dl": 0.2,
    "anc_per_ul": 1500,
    "platelets_per_ul": 120_000,
    "hemoglobin_g_dl": 10.5,
    "crcl_ml_min": 70,
    "bilirubin_xuln": 0.8,
    "ecog": 1,
    "active_infection": "N",
    "significant_cardiac_disease": "N",
    "qtc_ms": 430,
    "nyha_class_2_or_worse": "N",
    "uncontrolled_hypertension": "N",
    "uncontrolled_hyperglycemia": "N",
    "painful_neuropathy_grade": 0,
    "amyloidosis": "N",
    "days_since_autologous_transplant": math.nan,
    "days_since_last_anticancer_therapy": 30,
    "days_since_investigational_therapy": math.nan,
    "other_active_malignancy": "N",
    "prednisone_equivalent_daily_mg_day": 0,
    "mucosal_or_internal_bleeding": "N",
    "days_since_major_surgery": math.nan,
}

#: patient id -> (changes to BASE, expected failed criteria)
VARIANTS = {
    "P00-eligible": ({}, set()),
    "P01-anc-1000": ({"anc_per_ul": 1000}, {"anc"}),  # "> 1000/uL": exactly 1000 fails
    "P02-anc-1001": ({"anc_per_ul": 1001}, set()),
    "P03-plt-50000": ({"platelets_per_ul": 50_000}, {"platelets"}),  # "> 50,000/uL"
    "P04-hb-8": ({"hemoglobin_g_dl": 8.0}, set()),  # ">= 8 g/dL": exactly 8 passes
    "P05-hb-7.9": ({"hemoglobin_g_dl": 7.9}, {"hemoglobin"}),
    "P06-crcl-30": ({"crcl_ml_min": 30}, set()),  # ">= 30 mL/min"
    "P07-crcl-29.9": ({"crcl_ml_min": 29.9}, {"creatinine-clearance"}),
    "P08-bili-1.5": ({"bilirubin_xuln": 1.5}, set()),  # "<= 1.5 x ULN"
    "P09-bili-1.51": ({"bilirubin_xuln": 1.51}, {"bilirubin"}),
    "P10-qtc-450": ({"qtc_ms": 450}, set()),  # "> 450 ms" excluded
    "P11-qtc-451": ({"qtc_ms": 451}, {"qtc"}),
    "P12-age-18": ({"age_years": 18}, set()),
    "P13-age-17": ({"age_years": 17}, {"age"}),
    "P14-ecog-2": ({"ecog": 2}, set()),
    "P15-ecog-3": ({"ecog": 3}, {"ecog"}),
    "P16-lines-1": ({"prior_lines": 1}, {"prior-lines"}),
    "P17-k-28d": ({"days_since_last_carfilzomib": 28}, {"carfilzomib-washout"}),  # "> 4 weeks"
    "P18-k-29d": ({"days_since_last_carfilzomib": 29}, set()),
    "P19-cd38": ({"prior_anti_cd38": "Y"}, {"no-prior-anti-cd38"}),
    "P20-serum-0.5": ({"serum_m_protein_g_dl": 0.5}, set()),  # ">= 0.5 g/dL"
    "P21-urine-200": ({"serum_m_protein_g_dl": 0.2, "urine_m_protein_mg_24h": 200}, set()),
    "P22-not-measurable": (
        {"serum_m_protein_g_dl": 0.49, "urine_m_protein_mg_24h": 199},
        {"measurable-disease"},
    ),
    "P23-asct-84d": ({"days_since_autologous_transplant": 84}, {"transplant-washout"}),
    "P24-several": (
        {"platelets_per_ul": 40_000, "ecog": 4, "qtc_ms": 470},
        {"platelets", "ecog", "qtc"},
    ),
}


def patients_frame() -> pd.DataFrame:
    """The table: one row per entry of VARIANTS."""
    rows = [{"patient_id": pid, **BASE, **changes} for pid, (changes, _) in VARIANTS.items()]
    return pd.DataFrame(rows)
