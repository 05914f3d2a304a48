"""PK concentrations (PC) of isatuximab and carfilzomib at the protocol's sampling times.

Isatuximab: a linear two-compartment model with zero-order infusions, closed form by
superposition (Gibaldi & Perrier, Pharmacokinetics, 2nd ed., ch. 2), with parameters per kg
(so concentrations do not depend on body weight when the dose is in mg/kg) and log-normal
between-subject variability. The typical values of each regimen were fitted to the geometric
means of Table 3 (C1D1 Cmax and AUC1week; C3D1 Cmax and AUC2weeks) by
``tests/reference/twin/fit_isa_pk.py``; the published population model (Fau et al., CPT
Pharmacometrics Syst Pharmacol 2020, time-varying and Michaelis-Menten clearance) is not used:
``earlyphase.pk`` has no model simulator yet, and the paper's less-than-proportional first-dose
exposure (x1.5 for a 2-fold dose) is reproduced here only by regimen-specific typical values.
The fit puts a small central volume with fast distribution for DL2/DL3 (it is what makes a
5-8 h infusion reach the published Cmax with the published AUC): an empirical description of the
concentration-time data, not physiological volumes.

Carfilzomib: a fast two-compartment model (half-life under an hour; Kyprolis label) at 20/27
mg/m², sampled pre-dose and 10 min, 30 min, 1, 2 and 3 h after the end of the 10-minute infusion.

Samples: pre-dose, mid-infusion, end of infusion, 3, 24 and 48 h after the end of infusion, and
pre-dose of the infusions 168 and 336 h after the start, at C1D1 and C3D1; pre-dose on day 1 of
cycles 2-8. As in Table 3, some patients have no PK: 4 of 24 at DL2 on C1D1, and at C3D1 only 16
DL2 and 6 DL3 patients; DL1 has no C3D1 profile.
"""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.twin._common import records, usubjid

__all__ = ["ISA_TYPICAL", "ISA_BSV", "two_compartment_infusion", "pk_domain"]

#: Typical isatuximab parameters per regimen (CL and Q in L/h/kg, V1 and V2 in L/kg), fitted to
#: Table 3 geometric means by tests/reference/twin/fit_isa_pk.py.
ISA_TYPICAL = MappingProxyType(
    {
        "DL1": {"cl": 1.248e-4, "v1": 0.0648, "q": 9.738e-5, "v2": 0.05742},
        "DL2": {"cl": 1.562e-4, "v1": 0.006356, "q": 0.02429, "v2": 0.09517},
        "DL3": {"cl": 1.512e-4, "v1": 0.006466, "q": 0.01968, "v2": 0.1233},
    }
)
#: Between-subject SD of log parameters, and proportional residual SD.
ISA_BSV = MappingProxyType({"cl": 0.45, "v1": 0.25, "q": 0.20, "v2": 0.20, "residual": 0.08})
#: Carfilzomib typical parameters (L/h, L) for a 1.9 m² patient, scaled by BSA.
CARF_TYPICAL = MappingProxyType({"cl": 135.0, "v1": 4.0, "q": 30.0, "v2": 20.0})
ISA_LLOQ_UG_ML = 0.0005  # 0.500 ng/mL (Methods) in ug/mL
CARF_LLOQ_NG_ML = 0.25


def two_compartment_infusion(
    t: np.ndarray,
    starts: np.ndarray,
    durations: np.ndarray,
    amounts: np.ndarray,
    cl: float,
    v1: float,
    q: float,
    v2: float,
) -> np.ndarray:
    """Central concentration of a linear 2-compartment model after zero-order infusions.

    Parameters
    ----------
    t : array
        Times (h) at which to evaluate.
    starts, durations, amounts : array
        Infusion start times (h), durations (h) and amounts (mg); one entry per infusion.
    cl, v1, q, v2 : float
        Clearance, central volume, inter-compartmental clearance, peripheral volume.

    Returns
    -------
    array
        Concentrations (mg/L) at ``t``; superposition of every infusion started before ``t``.
    """
    k10, k12, k21 = cl / v1, q / v1, q / v2
    s = k10 + k12 + k21
    root = np.sqrt(s * s - 4 * k10 * k21)
    alpha, beta = (s + root) / 2, (s - root) / 2
    coef = np.array([(alpha - k21) / (v1 * (alpha - beta)), (k21 - beta) / (v1 * (alpha - beta))])
    lam = np.array([alpha, beta])
    tt = np.asarray(t, float)[:, None] - np.asarray(starts, float)[None, :]  # time since start
    dur = np.asarray(durations, float)[None, :]
    rate = np.asarray(amounts, float)[None, :] / dur
    out = np.zeros(tt.shape)
    for a, lm in zip(coef, lam, strict=True):
        during = np.clip(tt, 0, dur)
        after = np.clip(tt - dur, 0, None)
        out += rate * a / lm * (1 - np.exp(-lm * during)) * np.exp(-lm * after)
    return np.where(tt > 0, out, 0.0).sum(axis=1)


def _isa_times(start: float, duration: float) -> list[tuple[str, float, float]]:
    """(label, nominal h from infusion start, actual h from infusion start) of an intensive day."""
    return [
        ("PRE-DOSE", 0.0, -0.25),
        ("MID-INFUSION", round(duration / 2, 2), duration / 2),
        ("END OF INFUSION", round(duration, 2), duration),
        ("3 H POST END OF INFUSION", round(duration + 3, 2), duration + 3),
        ("24 H POST END OF INFUSION", round(duration + 24, 2), duration + 24),
        ("48 H POST END OF INFUSION", round(duration + 48, 2), duration + 48),
        ("168 H POST-DOSE", 168.0, 167.75),
        ("336 H POST-DOSE", 336.0, 335.75),
    ]


def _groups(infusions: pd.DataFrame) -> tuple[list[Any], list[pd.DataFrame]]:
    """Infusion rows grouped by plan patient number."""
    keys, frames = [], []
    for key, frame in infusions.groupby("subj"):
        keys.append(key)
        frames.append(frame)
    return keys, frames


def _pk_subjects(plan: pd.DataFrame, reached_c3: set[int]) -> tuple[set[int], set[int]]:
    """Patients with a C1D1 profile and with a C3D1 profile (Table 3 numbers)."""
    dl2 = plan.loc[plan["dl"] == "DL2", "subj"].tolist()
    c1 = set(plan["subj"]) - set(dl2[-4:])  # last four DL2 expansion patients: no C1D1 PK
    dl2_c3 = [s for s in dl2 if s in reached_c3 and s in c1][:16]
    c3 = set(dl2_c3) | {s for s in plan.loc[plan["dl"] == "DL3", "subj"] if s in reached_c3}
    return c1, c3


def pk_domain(
    plan: pd.DataFrame,
    body: pd.DataFrame,
    infusions: pd.DataFrame,
    ex: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """PC rows for both analytes."""
    rows: list[dict[str, object]] = []
    c3d1 = (infusions["cycle"] == 3) & (infusions["day"] == 1)
    reached_c3 = set(infusions.loc[c3d1, "subj"])  # C3D1 infusion given (not missed)
    by_subj: dict[int, pd.DataFrame] = {int(s): g for s, g in zip(*_groups(infusions), strict=True)}
    k_all = ex[(ex["EXTRT"] == terms.DRUGS["carfilzomib"]) & (ex["EXDOSE"] > 0)].copy()
    k_all["_t"] = pd.to_datetime(k_all["EXSTDTC"])
    k_by_uid = dict(tuple(k_all.groupby("USUBJID")))
    c1_pk, c3_pk = _pk_subjects(plan, reached_c3)
    for i, row in zip(plan.index, records(plan), strict=True):
        subj = int(row["subj"])
        if subj not in c1_pk:
            continue
        uid, first, dl = usubjid(subj), row["first_dose"], row["dl"]
        weight = float(body.loc[i, "weight_kg"])
        eta = {k: rng.normal(0, ISA_BSV[k]) for k in ("cl", "v1", "q", "v2")}
        par = {k: ISA_TYPICAL[dl][k] * weight * np.exp(eta[k]) for k in eta}
        inf = by_subj[subj]
        starts, durs = inf["start_h"].to_numpy(), (inf["end_h"] - inf["start_h"]).to_numpy()
        amounts = inf["dose_mg"].to_numpy()
        day1 = {
            int(c): (float(a), float(b))
            for c, d, a, b in zip(
                inf["cycle"], inf["day"], inf["start_h"], inf["end_h"], strict=True
            )
            if d == 1
        }
        samples: list[tuple[str, str, float, float]] = []  # visit, label, nominal, actual h
        for cycle in (1, 3):
            if cycle == 3 and (subj not in c3_pk):
                continue
            if cycle not in day1:
                continue
            s0, d0 = day1[cycle][0], day1[cycle][1] - day1[cycle][0]
            for label, nominal, actual in _isa_times(s0, d0):
                samples.append((f"CYCLE {cycle} DAY 1", label, nominal, s0 + actual))
        for cycle in (2, 4, 5, 6, 7, 8):
            if cycle in day1:
                samples.append((f"CYCLE {cycle} DAY 1", "PRE-DOSE", 0.0, day1[cycle][0] - 0.25))
        times = np.array([s[3] for s in samples])
        conc = two_compartment_infusion(times, starts, durs, amounts, **par)
        conc = conc * np.exp(rng.normal(0, ISA_BSV["residual"], len(conc)))
        for (visit, label, nominal, actual), c in zip(samples, conc, strict=True):
            rows.append(
                _pc_row(
                    uid,
                    first,
                    "ISATUXIMAB",
                    visit,
                    label,
                    nominal,
                    actual,
                    float(c),
                    ISA_LLOQ_UG_ML,
                    "ug/mL",
                )
            )
        rows.extend(
            _carfilzomib_rows(
                uid,
                first,
                k_by_uid[uid],
                float(body.loc[i, "bsa_m2"]),
                subj in c3_pk or dl == "DL1",
                rng,
            )
        )
    pc = pd.DataFrame(rows)
    pc = pc.sort_values(["USUBJID", "PCTESTCD", "PCDTC"], kind="stable").reset_index(drop=True)
    pc.insert(3, "PCSEQ", pc.groupby("USUBJID").cumcount().astype(np.int64) + 1)
    return pc


def _carfilzomib_rows(
    uid: str,
    first: pd.Timestamp,
    k: pd.DataFrame,
    bsa: float,
    with_c3: bool,
    rng: np.random.Generator,
) -> list[dict[str, object]]:
    hours = ((k["_t"] - first).dt.total_seconds() / 3600).to_numpy()
    doses = k["EXDOSE"].to_numpy(dtype=float)
    first_of_visit: dict[str, float] = {}
    for v, h in zip(k["VISIT"], hours, strict=True):
        first_of_visit.setdefault(v, float(h))
    scale = bsa / 1.9
    par = {n: CARF_TYPICAL[n] * scale * np.exp(rng.normal(0, 0.25)) for n in CARF_TYPICAL}
    out = []
    for cycle in (1, 3) if with_c3 else (1,):
        visit = f"CYCLE {cycle} DAY 1"
        if visit not in first_of_visit:
            continue
        s0 = first_of_visit[visit]
        tinf = 10 / 60
        points = [
            ("PRE-DOSE", 0.0, -0.1),
            ("10 MIN POST END OF INFUSION", tinf + 1 / 6, tinf + 1 / 6),
            ("30 MIN POST END OF INFUSION", tinf + 0.5, tinf + 0.5),
            ("1 H POST END OF INFUSION", tinf + 1, tinf + 1),
            ("2 H POST END OF INFUSION", tinf + 2, tinf + 2),
            ("3 H POST END OF INFUSION", tinf + 3, tinf + 3),
        ]
        times = np.array([s0 + p[2] for p in points])
        conc = (
            two_compartment_infusion(times, hours, np.full(len(hours), tinf), doses, **par) * 1000
        )  # ng/mL
        conc = conc * np.exp(rng.normal(0, 0.10, len(conc)))
        for (label, nominal, actual), c in zip(points, conc, strict=True):
            out.append(
                _pc_row(
                    uid,
                    first,
                    "CARFILZOMIB",
                    visit,
                    label,
                    round(nominal, 3),
                    s0 + actual,
                    float(c),
                    CARF_LLOQ_NG_ML,
                    "ng/mL",
                )
            )
    return out


def _pc_row(
    uid: str,
    first: pd.Timestamp,
    drug: str,
    visit: str,
    label: str,
    nominal: float,
    hours: float,
    conc: float,
    lloq: float,
    unit: str,
) -> dict[str, object]:
    when = first.to_pydatetime() + timedelta(hours=hours)
    blq = conc < lloq
    value = np.nan if blq else float(f"{conc:.4g}")
    return {
        "STUDYID": terms.STUDYID,
        "DOMAIN": "PC",
        "USUBJID": uid,
        "PCTESTCD": terms.PC_TESTCD[drug],
        "PCTEST": drug.capitalize(),
        "PCSPEC": "PLASMA",
        "PCORRES": "<LLOQ" if blq else f"{value:g}",
        "PCORRESU": unit,
        "PCSTRESC": "<LLOQ" if blq else f"{value:g}",
        "PCSTRESN": value,
        "PCSTRESU": unit,
        "PCLLOQ": lloq,
        "VISIT": visit,
        "PCTPT": label,
        "PCTPTNUM": float(nominal),
        "PCDTC": when.strftime("%Y-%m-%dT%H:%M"),
        "PCDY": int((when.date() - first.date()).days) + 1,
    }
