"""Serial myeloma labs (LB) and investigator responses (RS) written from the IMWG definitions.

Each patient's plan gives the intended best response, when the first response (>= PR) and the
best response are reached and when progression is documented. This module writes, visit by
visit, the laboratory values that *produce* that course under the IMWG criteria (Kumar et al.,
Lancet Oncol 2016;17:e328; minimal response per Bladé et al. 1998):

- serum-measurable disease (IgG/IgA myeloma): M-protein reduction >= 25% (MR), >= 50% (PR),
  >= 90% (VGPR); CR needs negative serum and urine immunofixation and < 5% marrow plasma cells;
  sCR adds a normal kappa/lambda ratio and no clonal plasma cells;
- urine-measurable disease (light-chain myeloma): reduction >= 50% (MR), >= 90% or < 200 mg/24 h
  (PR), < 100 mg/24 h (VGPR);
- progression: increase >= 25% and >= 0.5 g/dL (serum) or >= 200 mg/24 h (urine) from the
  nadir, confirmed by an unscheduled assessment two weeks later;
- every category is held on at least two consecutive assessments, so confirmation holds.

The response categories are never stored for the analysis: ``earlyphase.clinical.imwg`` derives
them from these values. RS holds the investigator's per-visit assessment, as a real trial would.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.twin._common import Row, iso_date, records, study_date, usubjid

__all__ = ["assessment_schedule", "category_at_week", "disease_domains"]

#: Fraction of the baseline serum M-protein kept at each level (reduction = 1 - fraction).
SERUM_FRACTION = {"SD": 0.85, "MR": 0.62, "PR": 0.30, "VGPR": 0.05, "CR": 0.0, "sCR": 0.0}
#: Urine M-protein (mg/24 h) at each level for light-chain disease (SD/MR as baseline fraction).
URINE_LEVEL = {
    "SD": ("frac", 0.80),
    "MR": ("frac", 0.30),
    "PR": ("abs", 150.0),
    "VGPR": ("abs", 50.0),
    "CR": ("abs", 0.0),
    "sCR": ("abs", 0.0),
}
_DEEPER = {"VGPR": "PR", "CR": "VGPR", "sCR": "VGPR"}


def category_at_week(row: Row, week: int) -> str:
    """The planned IMWG level at an assessment ``week`` weeks after the first dose."""
    best = row["best"]
    if best in ("SD", "PD"):  # PD best: stable until progression is documented
        return "SD"
    if best == "MR":
        return "MR" if week >= int(row["best_wk"]) else "SD"
    resp, best_wk, pre = int(row["resp_wk"]), int(row["best_wk"]), row["pre"]
    if week >= best_wk:
        return best
    if week >= resp:
        return pre if (pre and best != "PR") else _DEEPER.get(best, "PR")
    return pre if (pre and best == "PR") else "SD"


def assessment_schedule(row: Row) -> list[tuple[str, int, str]]:
    """(visit, study day, planned category) for every post-baseline response assessment."""
    cutoff_day = (pd.Timestamp(row["cutoff"]) - row["first_dose"]).days + 1
    if row["end"] == "ONGOING":
        last = (cutoff_day - 1) // 28 + 1
    elif row["end"] == "WITHDRAWN":
        last = 1
    else:
        last = int(row["pd_cycle"])
    out = []
    for c in range(2, last + 1):
        day = 28 * (c - 1) + 1
        if row["end"] == "PD" and c == last:
            out.append((f"CYCLE {c} DAY 1", day, "PD"))
            out.append(("UNSCHEDULED", day + 14, "PD"))
        else:
            out.append((f"CYCLE {c} DAY 1", day, category_at_week(row, 4 * (c - 1))))
    return out


def _baseline_markers(row: Row, rng: np.random.Generator) -> dict[str, float]:
    serum_type = row["mmtype"] in ("IGG", "IGA")
    kappa = rng.random() < 0.65  # about two thirds of myelomas are kappa
    if serum_type:
        m = {
            "serum": round(float(rng.uniform(1.2, 4.5)), 2),
            "urine": 0.0,
            "involved": round(float(rng.uniform(3.0, 8.0)), 2),
        }
    else:
        m = {
            "serum": 0.0,
            "urine": round(float(rng.uniform(2000, 4000))),
            "involved": round(float(rng.uniform(40, 120)), 1),
        }
    m["uninvolved"] = round(float(rng.uniform(0.6, 1.1)), 2)
    m["kappa_is_involved"] = float(kappa)
    return m


def _flc(base: dict[str, float], fraction: float, normal: bool) -> tuple[float, float]:
    """(kappa, lambda) in mg/dL; ``normal`` gives a ratio inside 0.26-1.65."""
    uninv = base["uninvolved"]
    inv = (
        round(uninv * 1.1, 2) if normal else round(max(base["involved"] * fraction, uninv * 4.0), 2)
    )
    return (inv, uninv) if base["kappa_is_involved"] else (uninv, inv)


def _values(
    row: Row, base: dict[str, float], level: str, nadir: dict[str, float], jitter: float
) -> dict[str, object]:
    """Marker values at one assessment for a planned level (PD rises from the nadir)."""
    serum_type = row["mmtype"] in ("IGG", "IGA")
    deep = level in ("CR", "sCR")
    if level == "PD":
        if serum_type:
            n = nadir["serum"]
            serum = round(n + max(0.5, 0.25 * n) + 0.4 + 0.1 * jitter, 2)
            urine, frac = 0.0, max(serum / base["serum"], 0.5)
        else:
            n = nadir["urine"]
            urine = round(n + max(200.0, 0.25 * n) + 150 + 20 * jitter)
            serum, frac = 0.0, max(urine / base["urine"], 0.5)
    elif serum_type:
        frac = SERUM_FRACTION[level] * (1 + 0.03 * jitter)
        serum, urine = round(base["serum"] * frac, 2), 0.0
    else:
        kind, v = URINE_LEVEL[level]
        urine = round(base["urine"] * v * (1 + 0.03 * jitter)) if kind == "frac" else v
        if kind == "abs" and v > 0:
            urine = round(v * (1 + 0.1 * jitter))
        serum, frac = 0.0, (urine / base["urine"])
    kappa, lam = _flc(base, max(frac, 0.02), normal=(level == "sCR"))
    out: dict[str, object] = {
        "serum_m_protein": serum,
        "urine_m_protein": urine,
        "kappa_flc": kappa,
        "lambda_flc": lam,
        "serum_ife": "NEGATIVE" if deep else "POSITIVE",
    }
    if deep or not serum_type:
        out["urine_ife"] = "NEGATIVE" if deep else "POSITIVE"
    return out


def disease_domains(plan: pd.DataFrame, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """LB rows for the myeloma markers and RS rows (investigator response) for every patient."""
    lb: list[dict[str, object]] = []
    rs: list[dict[str, object]] = []
    marrow_done: set[int] = set()
    for row in records(plan):
        uid, first = usubjid(row["subj"]), row["first_dose"]
        base = _baseline_markers(row, rng)
        serum_type = row["mmtype"] in ("IGG", "IGA")
        kappa, lam = _flc(base, 1.0, normal=False)
        visits: list[tuple[str, int, dict[str, object]]] = [
            (
                "SCREENING",
                -7,
                {
                    "serum_m_protein": base["serum"],
                    "urine_m_protein": base["urine"],
                    "kappa_flc": kappa,
                    "lambda_flc": lam,
                    "serum_ife": "POSITIVE",
                    "urine_ife": "NEGATIVE" if serum_type else "POSITIVE",
                    "bm_plasma_cells": float(row["bmpc"]),
                    "clonal_pc": "POSITIVE",
                },
            )
        ]
        nadir = {"serum": base["serum"], "urine": base["urine"]}
        for visit, day, level in assessment_schedule(row):
            vals = _values(row, base, level, nadir, float(rng.uniform(-1, 1)))
            if level in ("CR", "sCR") and row["subj"] not in marrow_done:
                vals["bm_plasma_cells"] = float(rng.choice([1.0, 2.0, 3.0]))
                vals["clonal_pc"] = "NEGATIVE" if level == "sCR" else "POSITIVE"
                marrow_done.add(row["subj"])
            if level != "PD":
                nadir["serum"] = min(nadir["serum"], float(vals["serum_m_protein"]))  # type: ignore[arg-type]
                nadir["urine"] = min(nadir["urine"], float(vals["urine_m_protein"]))  # type: ignore[arg-type]
            visits.append((visit, day, vals))
            rs.append(
                {
                    "STUDYID": terms.STUDYID,
                    "DOMAIN": "RS",
                    "USUBJID": uid,
                    "RSTESTCD": "OVRLRESP",
                    "RSTEST": "Overall Response",
                    "RSCAT": "IMWG 2016 WITH EBMT MINIMAL RESPONSE",
                    "RSORRES": level,
                    "RSSTRESC": level,
                    "RSEVAL": "INVESTIGATOR",
                    "VISIT": visit,
                    "RSDTC": iso_date(study_date(first, day)),
                    "RSDY": day,
                }
            )
        for visit, day, vals in visits:
            for key, value in vals.items():
                lb.append(_lb_row(uid, visit, day, first, key, value))
    return {"LB": pd.DataFrame(lb), "RS": pd.DataFrame(rs)}


_LB_NAMES = {
    "serum_m_protein": "M-Protein",
    "urine_m_protein": "M-Protein",
    "kappa_flc": "Kappa Light Chain, Free",
    "lambda_flc": "Lambda Light Chain, Free",
    "serum_ife": "Immunofixation",
    "urine_ife": "Immunofixation",
    "bm_plasma_cells": "Plasma Cells",
    "clonal_pc": "Clonal Plasma Cells",
}
_LB_RANGES = {"kappa_flc": (0.33, 1.94), "lambda_flc": (0.57, 2.63)}


def _lb_row(
    uid: str, visit: str, day: int, first: pd.Timestamp, key: str, value: object
) -> dict[str, object]:
    code, spec, unit = terms.LB_TESTS[key]
    numeric = not isinstance(value, str)
    lo, hi = _LB_RANGES.get(key, (np.nan, np.nan))
    return {
        "STUDYID": terms.STUDYID,
        "DOMAIN": "LB",
        "USUBJID": uid,
        "LBTESTCD": code,
        "LBTEST": _LB_NAMES[key],
        "LBCAT": "MYELOMA MARKERS",
        "LBSPEC": spec,
        "LBORRES": f"{value:g}" if numeric else value,
        "LBORRESU": unit if numeric else "",
        "LBSTRESC": f"{value:g}" if numeric else value,
        "LBSTRESN": float(value) if numeric else np.nan,  # type: ignore[arg-type]
        "LBSTRESU": unit if numeric else "",
        "LBSTNRLO": lo,
        "LBSTNRHI": hi,
        "LBBLFL": "Y" if day < 0 else "",
        "VISIT": visit,
        "LBDTC": iso_date(study_date(first, day)),
        "LBDY": day,
    }
