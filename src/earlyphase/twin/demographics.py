"""Demographics and baseline characteristics: DM, SUPPDM, VS, MH, SC (paper Table 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.twin._common import frame, iso_date, records, site_of, study_date, usubjid

__all__ = ["baseline_body", "demographics_domains"]

_RACE = {"W": "WHITE", "A": "ASIAN", "O": "OTHER"}
_ETHNIC = {"H": "HISPANIC OR LATINO", "N": "NOT HISPANIC OR LATINO"}
_MMTYPE = {"IGG": "IGG", "IGA": "IGA", "LC": "LIGHT CHAIN"}
DM_COLUMNS = [
    "STUDYID",
    "DOMAIN",
    "USUBJID",
    "SUBJID",
    "RFSTDTC",
    "RFENDTC",
    "RFICDTC",
    "DTHDTC",
    "DTHFL",
    "SITEID",
    "AGE",
    "AGEU",
    "SEX",
    "RACE",
    "ETHNIC",
    "ARMCD",
    "ARM",
    "ACTARMCD",
    "ACTARM",
    "COUNTRY",
]


def baseline_body(plan: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Height (cm), weight (kg) and Mosteller BSA (m²) per patient, by sex.

    Typical US myeloma-trial adults: men 176 ± 7 cm, women 163 ± 6 cm; BMI 27 ± 4 kg/m².
    """
    male = (plan["sex"] == "M").to_numpy()
    height = np.where(male, rng.normal(176, 7, len(plan)), rng.normal(163, 6, len(plan)))
    bmi = np.clip(rng.normal(27, 4, len(plan)), 19, 38)
    weight = bmi * (height / 100) ** 2
    return pd.DataFrame(
        {
            "height_cm": np.round(height, 1),
            "weight_kg": np.round(weight, 1),
            "bsa_m2": np.sqrt(np.round(height, 1) * np.round(weight, 1) / 3600),
        },
        index=plan.index,
    )


def demographics_domains(plan: pd.DataFrame, body: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """DM (reference dates completed later by disposition), SUPPDM, VS, MH and SC."""
    dm, supp, vs, mh, sc = [], [], [], [], []
    for i, r in zip(plan.index, records(plan), strict=True):
        uid = usubjid(r["subj"])
        first = r["first_dose"]
        consent = study_date(first, -14)
        arm = r.get("arm") or terms.DOSE_LEVEL_ARMS[r["dl"]]  # a simulated protocol's label
        dm.append(
            {
                "STUDYID": terms.STUDYID,
                "DOMAIN": "DM",
                "USUBJID": uid,
                "SUBJID": f"{r['subj']:03d}",
                "RFSTDTC": iso_date(first),
                "RFICDTC": iso_date(consent),
                "SITEID": site_of(r["subj"]),
                "AGE": int(r["age"]),
                "AGEU": "YEARS",
                "SEX": r["sex"],
                "RACE": _RACE[r["race"]],
                "ETHNIC": _ETHNIC[r["ethnic"]],
                "ARMCD": r["dl"],
                "ARM": arm,
                "ACTARMCD": r["dl"],
                "ACTARM": arm,
                "COUNTRY": "USA",
                "DTHDTC": "",
                "DTHFL": "",
                "RFENDTC": "",
            }
        )
        supp.append(
            {
                "STUDYID": terms.STUDYID,
                "RDOMAIN": "DM",
                "USUBJID": uid,
                "IDVAR": "",
                "IDVARVAL": "",
                "QNAM": "COHORT",
                "QLABEL": "Study Cohort",
                "QVAL": "ESCALATION" if r["cohort"] == "E" else "EXPANSION",
                "QORIG": "ASSIGNED",
            }
        )
        screening = iso_date(study_date(first, -7))
        for code, name, value, unit in (
            ("HEIGHT", "Height", float(body.loc[i, "height_cm"]), "cm"),
            ("WEIGHT", "Weight", float(body.loc[i, "weight_kg"]), "kg"),
        ):
            vs.append(
                {
                    "STUDYID": terms.STUDYID,
                    "DOMAIN": "VS",
                    "USUBJID": uid,
                    "VSTESTCD": code,
                    "VSTEST": name,
                    "VSORRES": f"{value:.1f}",
                    "VSORRESU": unit,
                    "VSSTRESC": f"{value:.1f}",
                    "VSSTRESN": float(value),
                    "VSSTRESU": unit,
                    "VSBLFL": "Y",
                    "VISIT": "SCREENING",
                    "VSDTC": screening,
                }
            )
        diag = first - pd.Timedelta(days=round(float(r["diag_years"]) * 365.25))
        mh.append(
            {
                "STUDYID": terms.STUDYID,
                "DOMAIN": "MH",
                "USUBJID": uid,
                "MHTERM": "MULTIPLE MYELOMA",
                "MHDECOD": "Plasma cell myeloma",
                "MHCAT": "PRIMARY DIAGNOSIS",
                "MHSTDTC": iso_date(diag),
            }
        )
        yn = {True: "Y", False: "N"}
        values = {
            "MMTYPE": _MMTYPE[r["mmtype"]],
            "PRIORLN": str(int(r["lines"])),
            "PRIORSCT": yn[bool(r["sct"])],
            "CYTORISK": r["cyto"],
            "GAIN1Q": r["gain1q"],
            "LENEXP": "Y",
            "LENREF": yn[bool(r["lenref"])],
            "POMEXP": yn[bool(r["pomexp"])],
            "POMREF": yn[bool(r["pomref"])],
            "BORTEXP": "Y",
            "BORTREF": yn[bool(r["bortref"])],
            "CARFEXP": yn[bool(r["kexp"])],
            "CARFREF": yn[bool(r["kref"])],
        }
        for code, value in values.items():
            sc.append(
                {
                    "STUDYID": terms.STUDYID,
                    "DOMAIN": "SC",
                    "USUBJID": uid,
                    "SCTESTCD": code,
                    "SCTEST": terms.SC_TESTS[code],
                    "SCORRES": value,
                    "SCSTRESC": value,
                    "SCSTRESN": float(value) if code == "PRIORLN" else np.nan,
                    "SCDTC": screening,
                }
            )
    return {
        "DM": frame(dm, DM_COLUMNS),
        "SUPPDM": frame(
            supp,
            [
                "STUDYID",
                "RDOMAIN",
                "USUBJID",
                "IDVAR",
                "IDVARVAL",
                "QNAM",
                "QLABEL",
                "QVAL",
                "QORIG",
            ],
        ),
        "VS": pd.DataFrame(vs),
        "MH": pd.DataFrame(mh),
        "SC": pd.DataFrame(sc),
    }
