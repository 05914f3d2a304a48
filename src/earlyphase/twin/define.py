"""A define-style description of the twin's SDTM variables (dataset, variable, label, type,
origin, controlled terms / units), as a tidy table written next to the data as ``define.csv``."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.cdisc.specs import spec_for

__all__ = ["LABELS", "define_table"]

#: Dataset labels.
LABELS = MappingProxyType(
    {
        "DM": "Demographics",
        "SUPPDM": "Supplemental Qualifiers for DM",
        "VS": "Vital Signs",
        "MH": "Medical History",
        "SC": "Subject Characteristics",
        "EX": "Exposure",
        "SUPPEX": "Supplemental Qualifiers for EX",
        "AE": "Adverse Events",
        "SUPPAE": "Supplemental Qualifiers for AE",
        "LB": "Laboratory Test Results",
        "RS": "Disease Response",
        "PC": "Pharmacokinetics Concentrations",
        "DS": "Disposition",
    }
)

_EXTRA_LABELS = {
    "AGEU": "Age Units",
    "VSORRESU": "Original Units",
    "VSSTRESC": "Character Result in Std Format",
    "VSBLFL": "Baseline Flag",
    "SCDTC": "Date/Time of Collection",
    "EXDOSFRM": "Dose Form",
    "AESTDY": "Study Day of Start of Adverse Event",
    "LBCAT": "Category for Lab Test",
    "LBORRESU": "Original Units",
    "LBBLFL": "Baseline Flag",
    "LBDY": "Study Day of Specimen Collection",
    "RSCAT": "Category for Assessment",
    "RSDY": "Study Day of Assessment",
    "PCSPEC": "Specimen Material Type",
    "PCORRESU": "Original Units",
    "PCDY": "Study Day of Specimen Collection",
}

_NOTES = {
    ("DM", "ARMCD"): "DL1, DL2, DL3 (sponsor)",
    ("DM", "ARM"): "; ".join(terms.DOSE_LEVEL_ARMS.values()),
    ("DM", "ETHNIC"): "Paper Table 1 'Hispanic' = ETHNIC HISPANIC OR LATINO (RACE OTHER)",
    ("SUPPDM", "QVAL"): "QNAM COHORT: ESCALATION / EXPANSION",
    ("SC", "SCTESTCD"): "sponsor codes: " + ", ".join(terms.SC_TESTS),
    ("EX", "EXTRT"): "ISATUXIMAB, CARFILZOMIB",
    ("EX", "EXDOSE"): "mg actually given; 0 = scheduled dose not given (reason in EXADJ)",
    ("SUPPEX", "QVAL"): "QNAM PLANDOSE: planned dose (mg)",
    ("AE", "AEDECOD"): "MedDRA PT; Table 2 terms per terms.TABLE2_TERMS",
    ("AE", "AECAT"): "INFUSION REACTION for infusion reactions, else blank",
    ("AE", "AEREL"): "RELATED, POSSIBLY RELATED, PROBABLY RELATED count as related",
    ("SUPPAE", "QVAL"): "QNAM IRDRUG: ISATUXIMAB / CARFILZOMIB",
    ("LB", "LBTESTCD"): "MPROTEIN (SERUM g/dL, URINE mg/24h), KAPPAFLC, LAMBDFLC (mg/dL), IMFIX, "
    "PLASMACL (%), CLONPC",
    ("RS", "RSSTRESC"): ", ".join(terms.RESPONSE_ORDER),
    ("PC", "PCTESTCD"): "ISATUXIM (ug/mL), CARFILZO (ng/mL)",
    ("PC", "PCTPTNUM"): "nominal hours from the start of that infusion",
    ("PC", "PCSTRESC"): "<LLOQ for samples below the limit of quantitation",
    ("DS", "DSDECOD"): "PROGRESSIVE DISEASE, DEATH, WITHDRAWAL BY SUBJECT, OTHER, ONGOING; "
    "LAST KNOWN ALIVE; DATA CUT-OFF",
}


def _label(domain: str, var: str) -> str:
    spec = spec_for(domain)
    if spec is not None:
        for v in spec.variables:
            if v.name == var:
                return v.label
    return _EXTRA_LABELS.get(var, var)


def define_table(domains: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per dataset variable: dataset, variable, label, type, length, origin, terms."""
    rows = []
    for name, df in domains.items():
        for order, var in enumerate(df.columns, start=1):
            numeric = pd.api.types.is_numeric_dtype(df[var])
            length = 8 if numeric else int(df[var].astype(str).str.len().max() or 1)
            rows.append(
                {
                    "dataset": name,
                    "dataset_label": LABELS.get(name, name),
                    "order": order,
                    "variable": var,
                    "label": _label(name, var),
                    "type": "Num" if numeric else "Char",
                    "length": length,
                    "origin": "Derived"
                    if var.endswith("SEQ") or var.endswith("DY")
                    else "Assigned (virtual trial)",
                    "terms_or_units": _NOTES.get((name, var), ""),
                }
            )
    return pd.DataFrame(rows)
