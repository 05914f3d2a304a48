"""Builders of lesion tables for the RECIST 1.1 tests (one row per lesion per assessment)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def targets(sid, days, diameters, nodes=(), organ=None):
    """Target rows: ``diameters[v][k]`` is lesion T<k+1> at ``days[v]``; ``nodes`` = node ids."""
    rows = []
    for day, values in zip(days, diameters, strict=True):
        for k, d in enumerate(values):
            lid = f"T{k + 1}"
            row = {
                "subject_id": sid,
                "day": day,
                "lesion_id": lid,
                "lesion_class": "target",
                "is_node": lid in nodes,
                "diameter_mm": np.nan if d is None else float(d),
                "status": None,
            }
            if organ is not None:
                row["organ"] = organ[k]
            rows.append(row)
    return rows


def non_targets(sid, days, statuses):
    """Non-target rows: ``statuses[v][k]`` is lesion NT<k+1> at ``days[v]`` (None = no row)."""
    return [
        {
            "subject_id": sid,
            "day": day,
            "lesion_id": f"NT{k + 1}",
            "lesion_class": "non-target",
            "is_node": False,
            "diameter_mm": np.nan,
            "status": s,
        }
        for day, row in zip(days, statuses, strict=True)
        for k, s in enumerate(row)
        if s is not None
    ]


def new(sid, day, status="present", lid="N1"):
    """One new-lesion row."""
    return [
        {
            "subject_id": sid,
            "day": day,
            "lesion_id": lid,
            "lesion_class": "new",
            "is_node": False,
            "diameter_mm": np.nan,
            "status": status,
        }
    ]


def frame(*parts):
    """Concatenate row lists into the lesion table."""
    return pd.DataFrame([r for part in parts for r in part])
