"""Controlled terms and sponsor conventions shared by every module that reads or writes data.

The human-readable contract is ``docs/data_conventions.md``; this module holds the same
strings as constants so that the twin generator, the ADaM derivations and the report agree.
Sponsor-defined codes (not in CDISC controlled terminology) are marked as such.
"""

from __future__ import annotations

from types import MappingProxyType

STUDYID = "ISAK-PH1B"

#: Dose level code -> arm label (ARMCD -> ARM).
DOSE_LEVEL_ARMS = MappingProxyType(
    {
        "DL1": "Isa 10 mg/kg Q2W + K",
        "DL2": "Isa 10 mg/kg QW/Q2W + K",
        "DL3": "Isa 20 mg/kg QW/Q2W + K",
    }
)

#: Myeloma response categories, best first (IMWG 2016 with EBMT minimal response).
RESPONSE_ORDER = ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE")
RESPONDER_CATEGORIES = frozenset({"sCR", "CR", "VGPR", "PR"})
CLINICAL_BENEFIT_CATEGORIES = RESPONDER_CATEGORIES | {"MR"}

#: AEREL values counted as "at least possibly related" to study treatment.
RELATED_VALUES = frozenset(
    {"RELATED", "POSSIBLY RELATED", "PROBABLY RELATED", "DEFINITELY RELATED"}
)

#: Study drugs as written in EX.EXTRT and PC.PCTESTCD.
DRUGS = MappingProxyType({"isatuximab": "ISATUXIMAB", "carfilzomib": "CARFILZOMIB"})
PC_TESTCD = MappingProxyType({"ISATUXIMAB": "ISATUXIM", "CARFILZOMIB": "CARFILZO"})

#: LB test code, specimen, standard unit. Keys are the names used by earlyphase.clinical.
LB_TESTS = MappingProxyType(
    {
        # myeloma markers (IMWG); KAPPAFLC / LAMBDFLC / CLONPC are sponsor codes
        "serum_m_protein": ("MPROTEIN", "SERUM", "g/dL"),
        "urine_m_protein": ("MPROTEIN", "URINE", "mg/24h"),
        "kappa_flc": ("KAPPAFLC", "SERUM", "mg/dL"),
        "lambda_flc": ("LAMBDFLC", "SERUM", "mg/dL"),
        "serum_ife": ("IMFIX", "SERUM", ""),
        "urine_ife": ("IMFIX", "URINE", ""),
        "bm_plasma_cells": ("PLASMACL", "BONE MARROW", "%"),
        "clonal_pc": ("CLONPC", "BONE MARROW", ""),
        # haematology and chemistry for CTCAE grading
        "neutrophils": ("NEUT", "BLOOD", "10^9/L"),
        "platelets": ("PLAT", "BLOOD", "10^9/L"),
        "hemoglobin": ("HGB", "BLOOD", "g/L"),
        "wbc": ("WBC", "BLOOD", "10^9/L"),
        "lymphocytes": ("LYM", "BLOOD", "10^9/L"),
        "creatinine": ("CREAT", "SERUM", "umol/L"),
        "alt": ("ALT", "SERUM", "U/L"),
        "ast": ("AST", "SERUM", "U/L"),
        "bilirubin": ("BILI", "SERUM", "umol/L"),
    }
)

#: Sponsor-defined SC test codes for baseline disease characteristics.
SC_TESTS = MappingProxyType(
    {
        "MMTYPE": "Myeloma Type at Diagnosis",
        "PRIORLN": "Number of Prior Lines of Therapy",
        "PRIORSCT": "Prior Stem Cell Transplant",
        "CYTORISK": "Cytogenetic Risk (FISH)",
        "GAIN1Q": "1q21 Gain Without High-Risk Abnormality",
        "LENEXP": "Lenalidomide Exposed",
        "LENREF": "Lenalidomide Refractory",
        "POMEXP": "Pomalidomide Exposed",
        "POMREF": "Pomalidomide Refractory",
        "BORTEXP": "Bortezomib Exposed",
        "BORTREF": "Bortezomib Refractory",
        "CARFEXP": "Carfilzomib Exposed",
        "CARFREF": "Carfilzomib Refractory",
    }
)

#: Paper Table 2 display term -> MedDRA preferred term used in AE.AEDECOD.
TABLE2_TERMS = MappingProxyType(
    {
        "Neutropenia": "Neutropenia",
        "Anemia": "Anaemia",
        "Thrombocytopenia": "Thrombocytopenia",
        "Leukopenia": "Leukopenia",
        "Lymphopenia": "Lymphopenia",
        "Fatigue": "Fatigue",
        "Nausea": "Nausea",
        "Diarrhea": "Diarrhoea",
        "Constipation": "Constipation",
        "Hypertension": "Hypertension",
        "Headache": "Headache",
        "Muscle cramps": "Muscle spasms",
        "Insomnia": "Insomnia",
        "Dyspnea": "Dyspnoea",
        "URI": "Upper respiratory tract infection",
    }
)
HEMATOLOGIC_TERMS = frozenset(
    {"Neutropenia", "Anaemia", "Thrombocytopenia", "Leukopenia", "Lymphopenia"}
)
#: AEs excluded from the safety analyses in the paper (expected event), still tabulated.
EXCLUDED_FROM_ANALYSIS = frozenset({"Lymphopenia"})

DAYS_PER_MONTH = 30.4375
