"""Adverse events (AE, SUPPAE): Table 2 by dose level, infusion reactions (Figure 1), SAEs.

Constructive assignment, seeded only for *who* and *when*: the per-dose-level counts of Table 2
(patients with a treatment-related event of the term, any grade and grade >= 3), the grouping of
grade >= 3 events into 16 patients, the grade >= 2 counts quoted in the text, 18 infusion
reactions (17 isatuximab at C1D1, one carfilzomib at C1D2, one grade 3 with isatuximab), three
grade 1 peripheral neuropathies (one leading to the carfilzomib dose reduction) and 12 serious
AEs in 10 patients (URI 6, gastroenteritis 2, pneumonia 2, febrile neutropenia 1, DVT 1).
Grade >= 3 events start after day 35, so no escalation patient has a DLT (none was observed).
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.twin._common import usubjid
from earlyphase.twin.calibration import (
    GRADE2_CAP_OTHER,
    GRADE2PLUS_TARGETS,
    GRADE3_GROUPS,
    TABLE2_TARGETS,
)
from earlyphase.twin.dose_history import K_REDUCTION

__all__ = ["adverse_event_domains"]

_SOC = {
    "Neutropenia": "Blood and lymphatic system disorders",
    "Anaemia": "Blood and lymphatic system disorders",
    "Thrombocytopenia": "Blood and lymphatic system disorders",
    "Leukopenia": "Blood and lymphatic system disorders",
    "Lymphopenia": "Blood and lymphatic system disorders",
    "Febrile neutropenia": "Blood and lymphatic system disorders",
    "Fatigue": "General disorders and administration site conditions",
    "Nausea": "Gastrointestinal disorders",
    "Diarrhoea": "Gastrointestinal disorders",
    "Constipation": "Gastrointestinal disorders",
    "Hypertension": "Vascular disorders",
    "Deep vein thrombosis": "Vascular disorders",
    "Headache": "Nervous system disorders",
    "Peripheral sensory neuropathy": "Nervous system disorders",
    "Muscle spasms": "Musculoskeletal and connective tissue disorders",
    "Insomnia": "Psychiatric disorders",
    "Dyspnoea": "Respiratory, thoracic and mediastinal disorders",
    "Upper respiratory tract infection": "Infections and infestations",
    "Gastroenteritis": "Infections and infestations",
    "Pneumonia": "Infections and infestations",
    "Infusion related reaction": "Injury, poisoning and procedural complications",
}
_RELATED = ("RELATED", "POSSIBLY RELATED", "PROBABLY RELATED")
_SAES = (
    ("Upper respiratory tract infection", 6),
    ("Gastroenteritis", 2),
    ("Pneumonia", 2),
    ("Febrile neutropenia", 1),
    ("Deep vein thrombosis", 1),
)
AE_COLUMNS = [
    "STUDYID",
    "DOMAIN",
    "USUBJID",
    "AETERM",
    "AEDECOD",
    "AEBODSYS",
    "AECAT",
    "AESER",
    "AEREL",
    "AETOXGR",
    "AESTDTC",
    "AEENDTC",
    "AESTDY",
]


def _table2_grades(plan: pd.DataFrame, rng: np.random.Generator) -> list[tuple[int, str, int]]:
    """(subj, paper term, max grade) for every treatment-related Table 2 event."""
    events: list[tuple[int, str, int]] = []
    has_ae: set[int] = set()
    chosen: dict[str, dict[int, int]] = {t: {} for t in TABLE2_TARGETS}  # term -> subj -> grade
    for dl in ("DL1", "DL2", "DL3"):
        subjects = list(rng.permutation(plan.loc[plan["dl"] == dl, "subj"].to_numpy()))
        expansion = set(plan.loc[(plan["dl"] == dl) & (plan["cohort"] == "X"), "subj"])
        # grade >= 3 groups: one patient each (expansion patients first for variety)
        order = [s for s in subjects if s in expansion] + [
            s for s in subjects if s not in expansion
        ]
        for subj, group in zip(order, GRADE3_GROUPS[dl], strict=False):
            for term in group:
                chosen[term][subj] = (
                    int(rng.choice([3, 3, 3, 4]))
                    if term in ("Neutropenia", "Thrombocytopenia")
                    else 3
                )
                has_ae.add(int(subj))
        n_lym_g3 = TABLE2_TARGETS["Lymphopenia"][dl][1]
        for subj in subjects[:n_lym_g3]:
            chosen["Lymphopenia"][subj] = int(rng.choice([3, 4]))
        for term, by_dl in TABLE2_TARGETS.items():
            n_any = by_dl[dl][0]
            have = [s for s in subjects if s in chosen[term]]
            spare = [s for s in subjects if s not in chosen[term]]
            spare.sort(key=lambda s: s in has_ae)  # patients without an AE yet come first
            for subj in spare[: n_any - len(have)]:
                chosen[term][subj] = 1
                has_ae.add(int(subj))
    for term, subj_grade in chosen.items():
        low = [s for s, g in subj_grade.items() if g < 3]
        n_g3 = sum(1 for g in subj_grade.values() if g >= 3)
        if term in GRADE2PLUS_TARGETS:
            n2 = GRADE2PLUS_TARGETS[term] - n_g3
        elif term == "Lymphopenia":
            n2 = len(low) // 2
        else:
            n2 = min(GRADE2_CAP_OTHER, int(round(0.3 * len(low))))
        for s in rng.permutation(np.array(sorted(low), dtype=int))[:n2]:
            subj_grade[int(s)] = 2
        events.extend((int(s), term, g) for s, g in subj_grade.items())
    return events


def adverse_event_domains(
    plan: pd.DataFrame, infusions: pd.DataFrame, ex: pd.DataFrame, rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """AE and SUPPAE."""
    first = dict(zip(plan["subj"], plan["first_dose"], strict=True))
    cohort = dict(zip(plan["subj"], plan["cohort"], strict=True))
    last_dose = _last_dose_days(plan, ex)
    rows: list[dict[str, object]] = []

    def add(
        subj: int,
        decod: str,
        grade: int,
        rel: str,
        day: int,
        duration: int,
        category: str = "",
        serious: str = "N",
        start: object = None,
        term: str | None = None,
    ) -> None:
        start_dt = start if start is not None else first[subj] + pd.Timedelta(days=day - 1)
        start_dt = pd.Timestamp(start_dt)  # type: ignore[arg-type]
        end_dt = start_dt + pd.Timedelta(days=duration)
        rows.append(
            {
                "STUDYID": terms.STUDYID,
                "DOMAIN": "AE",
                "USUBJID": usubjid(subj),
                "AETERM": (term or decod).upper(),
                "AEDECOD": decod,
                "AEBODSYS": _SOC[decod],
                "AECAT": category,
                "AESER": serious,
                "AEREL": rel,
                "AETOXGR": str(grade),
                "AESTDTC": pd.Timestamp(start_dt).strftime(
                    "%Y-%m-%dT%H:%M" if start is not None else "%Y-%m-%d"
                ),
                "AEENDTC": end_dt.strftime("%Y-%m-%d"),
                "AESTDY": int((pd.Timestamp(start_dt).normalize() - first[subj]).days) + 1,
            }
        )

    hem = {"Neutropenia", "Anemia", "Thrombocytopenia", "Leukopenia", "Lymphopenia"}
    for subj, term, grade in _table2_grades(plan, rng):
        lo = 36 if grade >= 3 else (8 if term in hem else 2)
        hi = max(lo + 1, min(last_dose[subj], 200 if term in hem else 400))
        day = int(rng.integers(lo, hi))
        add(
            subj,
            terms.TABLE2_TERMS[term],
            grade,
            str(rng.choice(_RELATED)),
            day,
            int(rng.integers(5, 29)),
        )

    # infusion reactions (Figure 1): 17 with Isa at C1D1 (one grade 3), one with K at C1D2
    subjects = list(rng.permutation(plan["subj"].to_numpy()))
    g3_patients = {
        r["USUBJID"] for r in rows if r["AETOXGR"] in ("3", "4") and r["AEDECOD"] != "Lymphopenia"
    }
    ir_g3 = next(s for s in subjects if cohort[s] == "X" and usubjid(s) in g3_patients)
    isa_ir = [ir_g3] + [s for s in subjects if s != ir_g3][:16]
    k_ir = next(s for s in subjects if s not in isa_ir)
    grades = [3] + [1] * 9 + [2] * 7
    c1d1 = infusions[(infusions["cycle"] == 1) & (infusions["day"] == 1)].set_index("subj")
    ir_rows: list[tuple[int, str]] = []
    for subj, grade in zip(isa_ir, grades, strict=True):
        start = first[subj] + pd.Timedelta(hours=float(c1d1.loc[subj, "start_h"]) + 1.5)
        add(
            subj,
            "Infusion related reaction",
            grade,
            "RELATED",
            1,
            0,
            "INFUSION REACTION",
            start=start,
        )
        ir_rows.append((len(rows) - 1, terms.DRUGS["isatuximab"]))
    start = first[k_ir] + timedelta(days=1, hours=8, minutes=35)
    add(k_ir, "Infusion related reaction", 1, "RELATED", 2, 0, "INFUSION REACTION", start=start)
    ir_rows.append((len(rows) - 1, terms.DRUGS["carfilzomib"]))

    # peripheral neuropathy: 3 patients, grade 1, one of them the K dose reduction
    pn = [K_REDUCTION[0]] + [s for s in subjects if s != K_REDUCTION[0]][20:22]
    for subj in pn:
        day = (
            28 * (K_REDUCTION[1] - 1) - 10
            if subj == K_REDUCTION[0]
            else int(rng.integers(30, max(31, last_dose[subj])))
        )
        add(subj, "Peripheral sensory neuropathy", 1, "POSSIBLY RELATED", day, 90)

    # serious AEs: 12 events in 10 patients, all resolved, none treatment-related
    long_treated = [s for s in subjects if last_dose[s] > 120]
    sae_subjects = long_treated[:10] + long_treated[:2]
    decods = [d for d, n in _SAES for _ in range(n)]
    for subj, decod in zip(sae_subjects, decods, strict=True):
        day = int(rng.integers(36, last_dose[subj]))
        rel = "UNLIKELY RELATED" if decod == "Febrile neutropenia" else "NOT RELATED"
        add(subj, decod, 3, rel, day, int(rng.integers(4, 15)), serious="Y")

    ae = pd.DataFrame(rows, columns=AE_COLUMNS)
    ae["_IRDRUG"] = ""
    for idx, drug in ir_rows:
        ae.loc[idx, "_IRDRUG"] = drug
    ae = ae.sort_values(["USUBJID", "AESTDTC", "AEDECOD"], kind="stable").reset_index(drop=True)
    ae.insert(3, "AESEQ", ae.groupby("USUBJID").cumcount().astype(np.int64) + 1)
    ir = ae[ae["_IRDRUG"] != ""]
    supp = pd.DataFrame(
        {
            "STUDYID": terms.STUDYID,
            "RDOMAIN": "AE",
            "USUBJID": ir["USUBJID"],
            "IDVAR": "AESEQ",
            "IDVARVAL": ir["AESEQ"].astype(str),
            "QNAM": "IRDRUG",
            "QLABEL": "Drug Attributed to Infusion Reaction",
            "QVAL": ir["_IRDRUG"],
            "QORIG": "CRF",
        }
    ).reset_index(drop=True)
    return {"AE": ae.drop(columns="_IRDRUG"), "SUPPAE": supp}


def _last_dose_days(plan: pd.DataFrame, ex: pd.DataFrame) -> dict[int, int]:
    """Study day of each patient's last administration."""
    out = {}
    given = ex[ex["EXDOSE"] > 0]
    last = pd.to_datetime(given.groupby("USUBJID")["EXSTDTC"].max().str[:10])
    for subj, start in zip(plan["subj"], plan["first_dose"], strict=True):
        out[int(subj)] = int((last[usubjid(subj)] - start).days) + 1
    return out
