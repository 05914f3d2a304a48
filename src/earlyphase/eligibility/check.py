"""Evaluate a protocol's eligibility criteria on a table of baseline records.

Three-valued logic: each comparison is ``pass``, ``fail`` or ``unevaluable`` (value missing);
``any_of`` passes if one part passes, fails if every part fails, else is unevaluable;
``all_of`` fails if one part fails, passes if every part passes, else is unevaluable (Kleene).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Literal

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

    rows = []
    for i, pid in enumerate(ids):
        for criterion in protocol.eligibility:
            status, seen = _evaluate(criterion, i, data)
            if criterion.is_comparison:
                value: object = (
                    _fmt(data[(str(criterion.variable), criterion.unit)].iloc[i])
                    if (str(criterion.variable), criterion.unit) in data
                    else None
                )
                source = sources.get((str(criterion.variable), criterion.unit), "no column")
            else:
                value = "; ".join(seen)
                source = ", ".join(
                    sources.get((str(leaf.variable), leaf.unit), f"{leaf.variable}: no column")
                    for leaf in _leaves(criterion)
                )
            rows.append(
                {
                    "patient_id": pid,
                    "criterion": criterion.id,
                    "kind": criterion.kind,
                    "description": criterion.description,
                    "status": status,
                    "value": value,
                    "threshold": _threshold(criterion),
                    "unit": criterion.unit,
                    "source": source,
                }
            )
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS))


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
