"""Solid-tumour disease course of simulated patients: lesion measurements -> TU / TR / RS.

Each patient gets 1-3 target lesions (one may be a lymph node, measured by its short axis,
>= 15 mm at baseline as RECIST 1.1 requires for a measurable node) and 0-2 non-target
lesions, a baseline scan 1-14 days before the first dose and a scan every
``interval_days`` after it. The sum of diameters follows the patient's best overall response
(the efficacy step's draw) so that :func:`earlyphase.clinical.recist.assess` gives back that
response with confirmation (Eisenhauer et al. 2009, §4.3.1, §4.6.1):

* CR: -40 to -60% at the first scan (a nodal target starts >= 25 mm so it is not yet normal),
  then every non-nodal target 0 mm and nodes 8 mm, non-targets absent; PR: -35 to -60%, held;
  SD: -25% to +15%, never >= 20% above the nadir; PD (best response): +35 to +80% (>= 5 mm)
  at the first scan.
* Progression (``pd_day``): the first scan on or after it shows a new lesion and the targets
  grow 35% above the nadir.
* NE (dropouts): baseline only.

The SDTM is written by :func:`earlyphase.cdisc.tumor.lesions_to_sdtm` (TU, TR) with RS from
the assessment itself, so investigator calls and measurements agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc.tumor import lesions_to_sdtm

__all__ = ["domains_from_plan", "lesion_table", "tumor_domains"]

_ORGANS = ("LUNG", "LIVER", "ADRENAL GLAND", "PERITONEUM", "BONE")


def _factors(best: str, rng: np.random.Generator) -> tuple[float, ...]:
    """Sum of diameters relative to baseline at scans 1, 2 (then held), keeping ``best``.

    Margins of >= 2% from every RECIST boundary survive rounding lesions to 0.1 mm.
    """
    if best == "CR":
        return (float(rng.uniform(0.4, 0.6)), 0.0)
    if best == "PR":
        first = float(rng.uniform(0.4, 0.65))
        return (first, min(0.68, first * float(rng.uniform(0.8, 1.1))))
    if best == "SD":
        first = float(rng.uniform(0.75, 1.15))
        return (
            first,
            max(0.72, min(first * float(rng.uniform(0.9, 1.12)), min(first, 1.0) * 1.15)),
        )
    if best == "PD":
        return (float(rng.uniform(1.35, 1.8)),)
    return (1.0,)


def _patient(
    sid: str, best: str, scan_days: list[int], pd_day: float, rng: np.random.Generator
) -> list[dict]:
    n_t = int(rng.integers(1, 4))
    node = rng.random() < 0.3
    base = rng.uniform(15, 50, n_t).round(0)
    if node:
        base[0] = max(base[0], 25.0)  # halved it stays >= 10 mm: a PR node is not normal
    organs = rng.choice(_ORGANS, n_t, replace=False)
    n_nt = int(rng.integers(0, 3))
    rows: list[dict] = []
    nadir_factor = 1.0
    progressed = False
    seq = _factors(best, rng)
    for k, day in enumerate(scan_days):
        if progressed:
            break
        if k == 0:
            factor = 1.0
        else:
            factor = seq[min(k - 1, len(seq) - 1)]
        progressing = k > 0 and not np.isnan(pd_day) and day >= pd_day
        if progressing:
            factor = max(nadir_factor * 1.35, nadir_factor + 0.25)
            progressed = True
        nadir_factor = min(nadir_factor, factor)
        cr = factor == 0.0
        for i in range(n_t):
            is_node = bool(node and i == 0)
            d = 8.0 if (cr and is_node) else round(float(base[i] * factor), 1)
            if is_node and progressing and d < base[i] * 1.35 * nadir_factor:
                d = round(max(d, 12.0), 1)
            rows.append(
                _row(
                    sid,
                    day,
                    f"T{i + 1:02d}",
                    "target",
                    is_node,
                    d,
                    None,
                    "LYMPH NODE" if is_node else organs[i],
                )
            )
        nt_status = "absent" if cr else "present"
        for j in range(n_nt):
            rows.append(
                _row(
                    sid,
                    day,
                    f"NT{j + 1:02d}",
                    "non-target",
                    False,
                    np.nan,
                    "present" if k == 0 else nt_status,
                    "BONE",
                )
            )
        if progressing:
            rows.append(_row(sid, day, "NEW01", "new", False, np.nan, "present", "LIVER"))
    return rows


def _row(sid, day, lid, cls, node, d, status, organ) -> dict:  # type: ignore[no-untyped-def]
    return {
        "subject_id": sid,
        "day": int(day),
        "lesion_id": lid,
        "lesion_class": cls,
        "is_node": node,
        "diameter_mm": d,
        "status": status,
        "organ": organ,
    }


def lesion_table(
    patients: pd.DataFrame, interval_days: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Lesion rows (input of ``recist.assess``) for ``patients``.

    ``patients`` has one row per patient: ``usubjid``, ``best`` (CR, PR, SD, PD or NE),
    ``pd_day`` (study day of progression, NaN if none) and ``last_day`` (last study day on
    study: scans after it are not done).
    """
    rows: list[dict] = []
    ids = patients["usubjid"].astype(str).to_numpy()
    bests = patients["best"].astype(str).to_numpy()
    pd_days = pd.to_numeric(patients["pd_day"]).to_numpy(dtype=float)
    last_days = pd.to_numeric(patients["last_day"]).to_numpy(dtype=int)
    for sid, best, pd_day, last in zip(ids, bests, pd_days, last_days, strict=True):
        baseline = 1 - int(rng.integers(1, 15))
        scans = [baseline] + (
            [] if best == "NE" else list(range(1 + interval_days, int(last) + 1, interval_days))
        )
        if best != "NE" and len(scans) == 1:
            scans.append(1 + interval_days)  # at least one post-baseline scan
        rows += _patient(sid, best, scans, float(pd_day), rng)
    return pd.DataFrame(rows)


def tumor_domains(
    patients: pd.DataFrame,
    first_dose: Mapping[Any, Any],
    interval_days: int,
    rng: np.random.Generator,
    studyid: str,
) -> dict[str, pd.DataFrame]:
    """SDTM TU, TR and RS of the simulated patients (``first_dose``: usubjid -> date)."""
    from earlyphase.clinical.recist import RECISTOptions, assess

    lesions = lesion_table(patients, interval_days, rng)
    result = assess(lesions, RECISTOptions(confirmation=True))
    return lesions_to_sdtm(lesions, first_dose, studyid=studyid, by_visit=result.by_visit)


def domains_from_plan(plan: pd.DataFrame, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """TU/TR/RS for the patient plan of a simulated trial (:mod:`earlyphase.twin.simulated_sdtm`).

    Reads ``subj``, ``first_dose``, ``best``, ``pd_cycle`` (progression on day 1 of that cycle,
    cycles of ``cycle_days``, default 28), ``end`` (``WITHDRAWN`` = dropout: NE), ``cutoff`` and
    ``assessment_days`` (scan interval, default 42).
    """
    cycle = int(plan["cycle_days"].iloc[0]) if "cycle_days" in plan and len(plan) else 28
    interval_days = (
        int(plan["assessment_days"].iloc[0]) if "assessment_days" in plan and len(plan) else 42
    )
    from earlyphase.cdisc import terms
    from earlyphase.twin._common import usubjid

    ids = plan["subj"].map(usubjid)
    pd_cycle = pd.to_numeric(plan["pd_cycle"], errors="coerce").to_numpy(dtype=float)
    patients = pd.DataFrame(
        {
            "usubjid": ids.to_numpy(),
            "best": np.where(plan["end"] == "WITHDRAWN", "NE", plan["best"].astype(str)),
            "pd_day": cycle * (pd_cycle - 1) + 1,
            "last_day": ((plan["cutoff"] - plan["first_dose"]).dt.days + 1).to_numpy(),
        }
    )
    first = dict(zip(ids.to_numpy(), plan["first_dose"], strict=True))
    return tumor_domains(patients, first, interval_days, rng, terms.STUDYID)
