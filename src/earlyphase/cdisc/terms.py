"""Controlled terms and sponsor conventions shared by every module that reads or writes data.

The human-readable contract is ``docs/data_conventions.md``; this module holds the same
strings as constants so that the twin generator, the ADaM derivations and the report agree.
Sponsor-defined codes (not in CDISC controlled terminology) are marked as such.
"""

from __future__ import annotations

from types import MappingProxyType

from earlyphase.clinical import vocabulary
from earlyphase.reference.study import reference_study

# The reference trial's data conventions (earlyphase/reference/isak_phase1b_study.yaml).
_REFERENCE = reference_study()
STUDYID = _REFERENCE.studyid
#: Dose level code -> arm label (ARMCD -> ARM).
DOSE_LEVEL_ARMS = _REFERENCE.dose_level_arms
#: Study drugs as written in EX.EXTRT, and their PC.PCTESTCD.
DRUGS = _REFERENCE.drugs
PC_TESTCD = _REFERENCE.pc_testcd

# Clinical vocabulary that CDISC variables take their values from (RS.RSSTRESC holds a
# response category, AE.AEREL a relatedness term): defined in earlyphase.clinical.
RESPONSE_ORDER = vocabulary.RESPONSE_ORDER
RESPONDER_CATEGORIES = vocabulary.RESPONDER_CATEGORIES
CLINICAL_BENEFIT_CATEGORIES = vocabulary.CLINICAL_BENEFIT_CATEGORIES
#: AEREL values counted as "at least possibly related" to study treatment.
RELATED_VALUES = vocabulary.RELATED_VALUES


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

#: Paper Table 2 display term -> MedDRA preferred term used in AE.AEDECOD (reference trial).
TABLE2_TERMS = _REFERENCE.table2_terms
HEMATOLOGIC_TERMS = _REFERENCE.hematologic_terms
#: AEs excluded from the safety analyses in the paper (expected event), still tabulated.
EXCLUDED_FROM_ANALYSIS = _REFERENCE.excluded_from_analysis

DAYS_PER_MONTH = 30.4375
