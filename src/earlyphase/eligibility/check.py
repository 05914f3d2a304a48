"""Evaluate a protocol's eligibility criteria on a table of baseline records.

Three-valued logic: each comparison is ``pass``, ``fail`` or ``unevaluable`` (value missing);
``any_of`` passes if one part passes, fails if every part fails, else is unevaluable;
``all_of`` fails if one part fails, passes if every part passes, else is unevaluable (Kleene).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pandas as pd

from earlyphase.eligibility.variables import resolve_variable
from earlyphase.errors import DataError, describe_problem
from earlyphase.protocol.criteria import Condition
from earlyphase.protocol.model import Protocol

__all__ = ["ID_COLUMNS", "RESULT_COLUMNS", "check_eligibility", "eligibility_summary"]

#: Accepted patient identifier columns, in order of preference.
ID_COLUMNS = ("patient_id", "USUBJID", "subject_id", "SUBJID")
RESULT_COLUMNS = (
    "patient_id",
    "criterion",
    "kind",
    "description",
    "status",
    "value",
    "threshold",
    "unit",
    "source",
)

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


def _leaves(cond: Condition) -> list[Condition]:
    if cond.is_comparison:
        return [cond]
    return [leaf for sub in (cond.any_of or cond.all_of) for leaf in _leaves(sub)]


def _fmt(value: object) -> object:
    if value is pd.NA or value is None:
        return None
    if isinstance(value, bool):
        return value
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return value
    return None if pd.isna(f) else f


def _evaluate(
    cond: Condition, row: int, data: dict[tuple[str, str], pd.Series]
) -> tuple[str, list[str]]:
    """Status of ``cond`` for one row and the ``variable=value`` texts seen."""
    if cond.is_comparison:
        series = data.get((str(cond.variable), cond.unit))
        value = None if series is None else _fmt(series.iloc[row])
        text = f"{cond.variable}={'missing' if value is None else value}"
        if value is None:
            return ("pass" if cond.if_missing == "pass" else "unevaluable"), [text]
        ok = _OPS[str(cond.op)](value, cond.value)
        return ("pass" if ok else "fail"), [text]
    parts = [_evaluate(c, row, data) for c in (cond.any_of or cond.all_of)]
    statuses = [p[0] for p in parts]
    seen = [s for p in parts for s in p[1]]
    if cond.any_of:
        status = (
            "pass"
            if "pass" in statuses
            else ("fail" if all(s == "fail" for s in statuses) else "unevaluable")
        )
    else:
        status = (
            "fail"
            if "fail" in statuses
            else ("pass" if all(s == "pass" for s in statuses) else "unevaluable")
        )
    return status, seen


def _threshold(cond: Condition) -> str:
    if cond.is_comparison:
        value = (
            str(cond.value).lower()
            if isinstance(cond.value, bool)
            else f"{cond.value:g}"
            if isinstance(cond.value, float | int)
            else str(cond.value)
        )
        return f"{cond.op} {value}"
    return cond.describe()


def check_eligibility(
    protocol: Protocol,
    patients: pd.DataFrame,
    *,
    missing_columns: Literal["error", "unevaluable"] = "error",
) -> pd.DataFrame:
    """Evaluate every eligibility criterion of ``protocol`` for every patient.

    Parameters
    ----------
    protocol : Protocol
        Its ``eligibility`` criteria are evaluated.
    patients : DataFrame
        One row per patient with an id column (one of :data:`ID_COLUMNS`) and one column per
        baseline variable, units in the column names (see :mod:`earlyphase.eligibility.variables`).
    missing_columns : {"error", "unevaluable"}
        When no column provides a criterion's variable: raise a :class:`DataError` naming every
        such variable and the columns expected (default; a misspelt column must not pass
        silently), or mark that criterion unevaluable for every patient.

    Returns
    -------
    DataFrame
        One row per patient and criterion (columns :data:`RESULT_COLUMNS`): ``status`` in
        pass / fail / unevaluable, ``value`` seen (in the criterion's unit; for combined
        criteria the ``variable=value`` list), ``threshold`` (``"> 50000"``), ``unit`` and the
        ``source`` column or derivation.
    """
    ids, data, sources = _prepare(protocol, patients, missing_columns)
    return _results_frame(protocol, ids, data, sources)


def _prepare(
    protocol: Protocol, patients: pd.DataFrame, missing_columns: str
) -> tuple[pd.Series, dict[tuple[str, str], pd.Series], dict[tuple[str, str], str]]:
    """Validate the table and resolve every criterion variable (ids, values, sources)."""
    if not isinstance(patients, pd.DataFrame):
        raise DataError(describe_problem("patients", type(patients).__name__, "a pandas DataFrame"))
    if missing_columns not in ("error", "unevaluable"):
        raise DataError(
            describe_problem("missing_columns", missing_columns, "'error' or 'unevaluable'")
        )
    id_col = next((c for c in ID_COLUMNS if c in patients.columns), None)
    if id_col is None:
        raise DataError(
            describe_problem(
                "patient id column", list(patients.columns), f"one of {list(ID_COLUMNS)}"
            )
        )
    frame = patients.reset_index(drop=True)
    ids = frame[id_col].astype(str)
    if ids.duplicated().any():
        raise DataError(
            describe_problem(
                id_col, ids[ids.duplicated()].iloc[0], "one row per patient (duplicate id)"
            )
        )

    data: dict[tuple[str, str], pd.Series] = {}
    sources: dict[tuple[str, str], str] = {}
    absent: list[str] = []
    for criterion in protocol.eligibility:
        for leaf in _leaves(criterion):
            key = (str(leaf.variable), leaf.unit)
            if key in data or str(leaf.variable) in absent:
                continue
            resolved = resolve_variable(frame, key[0], leaf.unit, isinstance(leaf.value, bool), ids)
            if resolved is None:
                absent.append(key[0])
            else:
                data[key], sources[key] = resolved.values, resolved.source
    unreadable = [c for c in protocol.eligibility if all(v in absent for v in c.variables())]
    if unreadable and missing_columns == "error":
        names = [v for c in unreadable for v in c.variables()]
        raise DataError(
            describe_problem(
                "patients columns",
                names,
                "a column for every criterion variable, named <variable> or <variable>_<unit> "
                "(e.g. platelets_per_ul, hemoglobin_g_dl, crcl_ml_min or creatinine_mg_dl + sex + "
                "weight_kg); pass missing_columns='unevaluable' to report them as unevaluable",
            )
        )

    return ids, data, sources


_STATUS = np.array(["fail", "unevaluable", "pass"], dtype=object)  # Kleene order: codes 0 < 1 < 2


def _as_values(series: pd.Series) -> pd.Series:
    """Values as Python objects (float or bool), missing as None, index 0..n-1."""
    series = series.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(series.dtype):
        out = series.astype(object)
    else:
        out = pd.to_numeric(series, errors="coerce").astype(float).astype(object)
    return out.where(series.notna(), None)


def _leaf_text(cond: Condition, data: dict[tuple[str, str], pd.Series], n: int) -> pd.Series:
    series = data.get((str(cond.variable), cond.unit))
    if series is None:
        return pd.Series([f"{cond.variable}=missing"] * n, dtype=object)
    present = series.reset_index(drop=True).notna()
    text = _as_values(series).astype(str).where(present, "missing")
    return f"{cond.variable}=" + text


def _codes(cond: Condition, data: dict[tuple[str, str], pd.Series], n: int) -> np.ndarray:
    """Vectorised status codes (0 fail, 1 unevaluable, 2 pass) of ``cond`` for every patient.

    Same logic as :func:`_evaluate`: ``any_of`` is the maximum and ``all_of`` the minimum of
    its parts in the order fail < unevaluable < pass (Kleene's three-valued logic).
    """
    if not cond.is_comparison:
        parts = np.vstack([_codes(c, data, n) for c in (cond.any_of or cond.all_of)])
        return parts.max(axis=0) if cond.any_of else parts.min(axis=0)
    missing_code = 2 if cond.if_missing == "pass" else 1
    series = data.get((str(cond.variable), cond.unit))
    if series is None:
        return np.full(n, missing_code, dtype=np.int8)
    missing = series.isna().to_numpy(dtype=bool)
    if isinstance(cond.value, bool):
        filled = series.astype("boolean").fillna(False).to_numpy(dtype=bool)
    else:
        filled = pd.to_numeric(series, errors="coerce").fillna(0.0).to_numpy(dtype=float)
    ok = _OPS[str(cond.op)](filled, cond.value)
    return np.where(missing, missing_code, np.where(ok, 2, 0)).astype(np.int8)


def _results_frame(
    protocol: Protocol,
    ids: pd.Series,
    data: dict[tuple[str, str], pd.Series],
    sources: dict[tuple[str, str], str],
) -> pd.DataFrame:
    """Patient-major result table built from (patients x criteria) arrays, no sorting."""
    criteria = protocol.eligibility
    n, m = len(ids), len(criteria)
    codes = np.empty((n, m), dtype=np.int8)
    values = np.empty((n, m), dtype=object)
    source = []
    for j, criterion in enumerate(criteria):
        codes[:, j] = _codes(criterion, data, n)
        key = (str(criterion.variable), criterion.unit)
        if criterion.is_comparison:
            values[:, j] = _as_values(data[key]).to_numpy() if key in data else None
            source.append(sources.get(key, "no column"))
        else:
            texts = [_leaf_text(leaf, data, n) for leaf in _leaves(criterion)]
            joined = texts[0]
            for text in texts[1:]:
                joined = joined + "; " + text
            values[:, j] = joined.to_numpy(dtype=object)
            source.append(
                ", ".join(
                    sources.get((str(leaf.variable), leaf.unit), f"{leaf.variable}: no column")
                    for leaf in _leaves(criterion)
                )
            )

    def per_criterion(items: list[str]) -> np.ndarray:
        return np.tile(np.array(items, dtype=object), n)

    return pd.DataFrame(
        {
            "patient_id": np.repeat(ids.to_numpy(dtype=object), m),
            "criterion": per_criterion([c.id for c in criteria]),
            "kind": per_criterion([c.kind for c in criteria]),
            "description": per_criterion([c.description for c in criteria]),
            "status": _STATUS[codes.ravel()],
            "value": values.ravel(),
            "threshold": per_criterion([_threshold(c) for c in criteria]),
            "unit": per_criterion([c.unit for c in criteria]),
            "source": per_criterion(source),
        },
        columns=list(RESULT_COLUMNS),
    )


def _check_one_at_a_time(
    protocol: Protocol, patients: pd.DataFrame, missing_columns: str = "error"
) -> list[str]:
    """Statuses patient by patient, criterion by criterion, with the scalar :func:`_evaluate`.

    The simple reference implementation the vectorised path is tested and benchmarked against.
    """
    ids, data, _ = _prepare(protocol, patients, missing_columns)
    return [_evaluate(c, i, data)[0] for i in range(len(ids)) for c in protocol.eligibility]


def eligibility_summary(results: pd.DataFrame) -> pd.DataFrame:
    """One row per patient from :func:`check_eligibility` output.

    Columns: ``patient_id``, ``eligible`` (True only when every criterion passes),
    ``status`` (eligible / not eligible / unevaluable: no failure but something unevaluable),
    ``n_failed``, ``n_unevaluable``, ``failed`` and ``unevaluable`` (criterion ids, ``;``-joined).
    """
    out = []
    for pid, rows in results.groupby("patient_id", sort=False):
        failed = rows.loc[rows.status == "fail", "criterion"].tolist()
        unknown = rows.loc[rows.status == "unevaluable", "criterion"].tolist()
        status = "not eligible" if failed else ("unevaluable" if unknown else "eligible")
        out.append(
            {
                "patient_id": pid,
                "eligible": status == "eligible",
                "status": status,
                "n_failed": len(failed),
                "n_unevaluable": len(unknown),
                "failed": "; ".join(failed),
                "unevaluable": "; ".join(unknown),
            }
        )
    return pd.DataFrame(out)
