"""Validate the visits table and arrange it as one baseline row plus the later assessments."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from earlyphase.clinical._validate import check_frame, flag_column, numeric_column, require_columns
from earlyphase.errors import DataError, describe_problem

__all__ = ["NUMERIC_MARKERS", "FLAG_MARKERS", "Prepared", "prepare_visits"]

#: Quantitative markers and their units (``earlyphase.cdisc.terms.LB_TESTS``).
NUMERIC_MARKERS = {
    "serum_m_protein": "g/dL",
    "urine_m_protein": "mg/24h",
    "kappa_flc": "mg/dL",
    "lambda_flc": "mg/dL",
    "bm_plasma_cells": "%",
    "plasmacytoma_spd": "mm2 (any area unit, consistent per patient)",
}
#: Positive/negative markers (1.0 = positive / present, 0.0 = negative / absent).
FLAG_MARKERS = ("serum_ife", "urine_ife", "clonal_pc", "new_lesion")


@dataclass(frozen=True)
class Prepared:
    """Sorted assessments: ``frame`` has one baseline row first per subject (``is_baseline``)."""

    frame: pd.DataFrame
    group: np.ndarray  # subject code per row (0..n_subjects-1)
    first: np.ndarray  # position of each row's baseline row
    markers: dict[str, np.ndarray]


def prepare_visits(visits: pd.DataFrame) -> Prepared:
    """Check ``visits`` and collapse the baseline assessments.

    Baseline: if a subject has rows with ``day <= 0`` these are the baseline assessments and,
    per marker, the last non-missing value among them is the baseline value (so screening
    and day-0 tests combine); otherwise the subject's earliest row is the baseline.
    """
    visits = check_frame(visits, "visits")
    require_columns(visits, ["subject_id", "day"], "visits")
    if len(visits) == 0:
        raise DataError(describe_problem("visits", "an empty table", "at least one assessment"))
    frame = pd.DataFrame({"subject_id": visits["subject_id"].to_numpy()})
    if frame["subject_id"].isna().any():
        raise DataError(
            describe_problem("visits.subject_id", "a missing value", "an identifier on every row")
        )
    day = numeric_column(visits, "day", "visits", allow_negative=True)
    if np.isnan(day).any():
        i = int(np.isnan(day).nonzero()[0][0])
        raise DataError(describe_problem(f"visits.day (row {i})", "missing", "a study day"))
    frame["day"] = day
    for name in NUMERIC_MARKERS:
        frame[name] = numeric_column(visits, name, "visits") if name in visits.columns else np.nan
    for name in FLAG_MARKERS:
        frame[name] = flag_column(visits, name, "visits") if name in visits.columns else np.nan
    dup = frame.duplicated(["subject_id", "day"], keep=False)
    if dup.any():
        row = frame[dup].iloc[0]
        raise DataError(
            describe_problem(
                "visits (subject_id, day)",
                (row["subject_id"], row["day"]),
                "one assessment per subject and day (merge the results of one day into one row)",
            )
        )

    try:
        frame = frame.sort_values(["subject_id", "day"], kind="stable").reset_index(drop=True)
    except TypeError as exc:
        kinds = sorted({type(v).__name__ for v in frame["subject_id"]})
        raise DataError(
            describe_problem(
                "visits.subject_id", kinds, "identifiers of one type (all text or all numbers)"
            )
        ) from exc
    has_pre = frame["day"].le(0).groupby(frame["subject_id"]).transform("any")
    first_in_subject = ~frame["subject_id"].duplicated()
    is_base = np.where(has_pre, frame["day"].le(0), first_in_subject)
    base = frame[is_base].groupby("subject_id", sort=True).last()  # last non-missing per marker
    base["day"] = frame[is_base].groupby("subject_id", sort=True)["day"].max()
    base = base.reset_index()
    base["is_baseline"] = True
    post = frame[~is_base].copy()
    post["is_baseline"] = False
    out = pd.concat([base, post], ignore_index=True)
    out = out.sort_values(
        ["subject_id", "is_baseline", "day"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)
    group = out["subject_id"].factorize(sort=False)[0]
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, len(out)]))
    markers = {name: out[name].to_numpy(dtype=float) for name in (*NUMERIC_MARKERS, *FLAG_MARKERS)}
    return Prepared(out, group, first, markers)
