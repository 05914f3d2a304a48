"""Check and encode lesion rows for the vectorised RECIST 1.1 assessment.

Every problem the paper does not allow raises :class:`~earlyphase.errors.DataError` naming the
subject, the lesion, the day and what was expected: targets without a baseline measurement,
more than 5 targets (or 2 per organ when ``organ`` is given; paper §4.2), negative diameters,
a lesion changing class or node flag between visits, duplicate rows, new lesions at baseline,
target or non-target lesions first recorded after baseline, subjects without baseline disease.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from earlyphase.clinical._validate import check_frame, flag_column, numeric_column, require_columns
from earlyphase.clinical.recist.options import LESION_CLASSES, NEW_STATUSES, NON_TARGET_STATUSES
from earlyphase.errors import DataError, describe_problem

__all__ = ["REQUIRED", "Lesions", "prepare"]

REQUIRED = ("subject_id", "day", "lesion_id", "lesion_class", "is_node", "diameter_mm", "status")
_NAME = "lesions"
TARGET, NON_TARGET, NEW = 0, 1, 2
# status codes: non-target 0..3 as NON_TARGET_STATUSES, new: 0 present, 1 equivocal; -1 missing
PRESENT, ABSENT, UPD, NOT_EVALUATED = 0, 1, 2, 3
EQUIVOCAL = 1


@dataclass(frozen=True)
class Lesions:
    """Lesion rows as integer codes, with each subject's visits numbered from baseline (0)."""

    subject_ids: np.ndarray  # (S,) original ids, sorted
    visit_subject: np.ndarray  # (NV,) subject index of each visit
    visit_day: np.ndarray  # (NV,)
    visit_ordinal: np.ndarray  # (NV,) 0 = baseline
    n_visits: int  # max visits per subject
    row_visit: np.ndarray  # (N,) visit index of each row
    row_class: np.ndarray  # (N,) TARGET / NON_TARGET / NEW
    row_node: np.ndarray  # (N,) bool
    row_diameter: np.ndarray  # (N,) float, NaN = not measured
    row_status: np.ndarray  # (N,) status code, -1 missing
    row_lesion: np.ndarray  # (N,) lesion index (unique per subject and lesion_id)


def _codes(
    frame: pd.DataFrame,
    column: str,
    allowed: tuple[str, ...],
    rows: np.ndarray | None = None,
    factorized: tuple[np.ndarray, pd.Index] | None = None,
) -> np.ndarray:
    """Integer code of each value in ``allowed`` (case/space/underscore-insensitive), -1 if missing.

    Only the rows in ``rows`` (all when None) are checked; the others come back -1.
    """
    codes, uniques = factorized or pd.factorize(frame[column], use_na_sentinel=True)
    lookup = {a: i for i, a in enumerate(allowed)}
    mapped = np.empty(len(uniques) + 1, dtype=np.int64)
    mapped[-1] = -1
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    for i, value in enumerate(uniques):
        key = str(value).strip().lower().replace("_", "-").replace(" ", "-")
        mapped[i] = -1 if key in ("", "nan", "none", "<na>") else lookup.get(key, -2)
        bad[i] = mapped[i] == -2
    out = mapped[codes]
    if rows is not None:
        out = np.where(rows, out, -1)
    wrong = bad[codes] if rows is None else bad[codes] & rows
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        raise DataError(
            describe_problem(
                f"{_NAME}.{column} (row {row})", frame[column].iloc[row], f"one of {list(allowed)}"
            )
        )
    return out


def _numbers(frame: pd.DataFrame, column: str, *, allow_negative: bool) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(
        frame[column]
    ):
        values = frame[column].to_numpy(dtype=float, na_value=np.nan)
        if np.isinf(values).any() or (not allow_negative and (values < 0).any()):
            bad = np.isinf(values) | (~np.isnan(values) & (values < 0) & (not allow_negative))
            i = int(np.flatnonzero(bad)[0])
            expected = "a finite number" if np.isinf(values[i]) else "a value >= 0"
            raise DataError(
                describe_problem(f"{_NAME}.{column} (row {i})", float(values[i]), expected)
            )
        return values
    return numeric_column(frame, column, _NAME, allow_negative=allow_negative)


def _nodes(frame: pd.DataFrame) -> np.ndarray:
    col = frame["is_node"]
    if pd.api.types.is_bool_dtype(col) and not col.isna().any():
        return col.to_numpy(dtype=bool)
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    parsed = flag_column(pd.DataFrame({"is_node": uniques}), "is_node", _NAME)
    out = np.append(parsed, np.nan)[codes]
    if np.isnan(out).any():
        i = int(np.flatnonzero(np.isnan(out))[0])
        raise DataError(
            describe_problem(f"{_NAME}.is_node (row {i})", col.iloc[i], "True or False")
        )
    return out.astype(bool)


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds (for readable messages)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _where(frame: pd.DataFrame, row: int) -> str:
    r = frame.iloc[row]
    return (
        f"subject {_plain(r['subject_id'])!r}, lesion {_plain(r['lesion_id'])!r}, "
        f"day {_plain(r['day'])!r}"
    )


def _fail(frame: pd.DataFrame, rows: np.ndarray, field: str, value: object, expected: str) -> None:
    """Raise for the first flagged row; ``value`` None = the row's own ``field`` value."""
    if rows.any():
        i = int(np.flatnonzero(rows)[0])
        seen = _plain(frame[field].iloc[i]) if value is None else value
        raise DataError(describe_problem(f"{_NAME}.{field} ({_where(frame, i)})", seen, expected))


def prepare(frame: object) -> Lesions:
    """Validate ``frame`` (one row per lesion per assessment) and encode it."""
    df = check_frame(frame, _NAME)
    require_columns(df, REQUIRED, _NAME)
    if df.empty:
        raise DataError(describe_problem(_NAME, "an empty table", "at least one lesion row"))
    if df["subject_id"].isna().any() or df["lesion_id"].isna().any():
        col = "subject_id" if df["subject_id"].isna().any() else "lesion_id"
        i = int(np.flatnonzero(df[col].isna().to_numpy())[0])
        raise DataError(describe_problem(f"{_NAME}.{col} (row {i})", None, "an identifier"))
    day = _numbers(df, "day", allow_negative=True)
    if np.isnan(day).any():
        i = int(np.flatnonzero(np.isnan(day))[0])
        raise DataError(
            describe_problem(f"{_NAME}.day (row {i})", df["day"].iloc[i], "a study day")
        )
    diameter = _numbers(df, "diameter_mm", allow_negative=False)
    cls = _codes(df, "lesion_class", LESION_CLASSES)
    _fail(df, cls < 0, "lesion_class", None, f"one of {list(LESION_CLASSES)}")
    node = _nodes(df)
    statuses = pd.factorize(df["status"], use_na_sentinel=True)
    status = np.maximum(
        _codes(df, "status", NON_TARGET_STATUSES, cls == NON_TARGET, statuses),
        _codes(df, "status", NEW_STATUSES, cls == NEW, statuses),
    )
    subj, subject_ids = pd.factorize(df["subject_id"], sort=True)
    day_code, days = pd.factorize(day, sort=True)
    row_visit, visit_key = pd.factorize(subj.astype(np.int64) * len(days) + day_code, sort=True)
    visit_subject = visit_key // len(days)
    first = np.searchsorted(visit_subject, np.arange(len(subject_ids)))
    visit_ordinal = np.arange(len(visit_key)) - first[visit_subject]
    lesion_code, _ = pd.factorize(df["lesion_id"])
    lesion_key = subj.astype(np.int64) * (int(lesion_code.max()) + 1) + lesion_code
    row_lesion, _ = pd.factorize(lesion_key)
    _check_rows(df, row_visit, row_lesion, cls, node, status, diameter, visit_ordinal)
    if "organ" in df.columns:
        _check_organs(df, subj, row_visit, cls, visit_ordinal)
    return Lesions(
        subject_ids=np.asarray(subject_ids, dtype=object),
        visit_subject=visit_subject,
        visit_day=days[visit_key % len(days)],
        visit_ordinal=visit_ordinal,
        n_visits=int(visit_ordinal.max()) + 1,
        row_visit=row_visit,
        row_class=cls,
        row_node=node,
        row_diameter=diameter,
        row_status=status,
        row_lesion=row_lesion,
    )


def _constant(values: np.ndarray, lesion: np.ndarray, n: int) -> np.ndarray:
    """Rows whose value differs from another row of the same lesion."""
    last = np.empty(n, dtype=values.dtype)
    last[lesion] = values
    return last[lesion] != values


def _check_rows(
    df: pd.DataFrame,
    row_visit: np.ndarray,
    row_lesion: np.ndarray,
    cls: np.ndarray,
    node: np.ndarray,
    status: np.ndarray,
    diameter: np.ndarray,
    visit_ordinal: np.ndarray,
) -> None:
    n_les = int(row_lesion.max()) + 1
    n_vis = int(visit_ordinal.max()) + 1
    key = row_lesion.astype(np.int64) * n_vis + visit_ordinal[row_visit]
    _fail(
        df,
        np.bincount(key, minlength=n_les * n_vis)[key] > 1,
        "lesion_id",
        "a second row",
        "one row per subject, day and lesion",
    )
    _fail(
        df,
        _constant(cls, row_lesion, n_les),
        "lesion_class",
        "a change of class",
        "the same class at every assessment of a lesion",
    )
    _fail(
        df,
        _constant(node, row_lesion, n_les),
        "is_node",
        "a change of node flag",
        "the same node flag at every assessment of a lesion",
    )
    baseline = visit_ordinal[row_visit] == 0
    _fail(
        df,
        (cls == NEW) & baseline,
        "lesion_class",
        "new",
        "target or non-target at baseline (the first assessment); new lesions appear later",
    )
    seen = np.zeros(n_les, dtype=bool)
    seen[row_lesion[baseline]] = True
    _fail(
        df,
        (cls != NEW) & ~seen[row_lesion],
        "lesion_class",
        None,
        "target and non-target lesions identified at baseline (paper §4.2); "
        "a lesion first seen later is 'new'",
    )
    _fail(
        df,
        (cls == TARGET) & baseline & np.isnan(diameter),
        "diameter_mm",
        float("nan"),
        "a baseline measurement of every target lesion (paper §4.2)",
    )
    _fail(
        df,
        (cls != TARGET) & (status < 0),
        "status",
        None,
        "a status for every non-target and new lesion row",
    )
    subj = np.zeros(n_les, dtype=np.int64)
    subj_of_visit = np.cumsum(visit_ordinal == 0) - 1
    subj[row_lesion] = subj_of_visit[row_visit]
    n_subj = int(subj_of_visit.max()) + 1
    n_target = np.bincount(subj_of_visit[row_visit[(cls == TARGET) & baseline]], minlength=n_subj)
    _fail(
        df,
        n_target[subj_of_visit[row_visit]] > 5,
        "lesion_class",
        "more than 5 targets",
        "at most 5 target lesions per subject (paper §4.2)",
    )
    n_disease = np.bincount(subj_of_visit[row_visit[(cls != NEW) & baseline]], minlength=n_subj)
    _fail(
        df,
        n_disease[subj_of_visit[row_visit]] == 0,
        "lesion_class",
        "no baseline lesion",
        "at least one target or non-target lesion at the first assessment (baseline)",
    )


def _check_organs(
    df: pd.DataFrame, subj: np.ndarray, row_visit: np.ndarray, cls: np.ndarray, ordinal: np.ndarray
) -> None:
    organ = df["organ"].astype("string").str.strip().str.lower()
    rows = (cls == TARGET) & (ordinal[row_visit] == 0) & organ.notna().to_numpy()
    counts = pd.DataFrame({"s": subj[rows], "o": organ[rows].to_numpy()}).value_counts()
    over = counts[counts > 2]
    if len(over):
        (s, o), n = over.index[0], int(over.iloc[0])
        sid = pd.factorize(df["subject_id"], sort=True)[1][s]
        raise DataError(
            describe_problem(
                f"{_NAME}.organ (subject {sid!r})",
                f"{n} target lesions in {o!r}",
                "at most 2 target lesions per organ (paper §4.2)",
            )
        )
