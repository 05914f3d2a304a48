"""CTCAE grading of laboratory values (v4.03 and v5.0).

:func:`grade_labs` adds the CTCAE term, the grade (0-4, missing when not gradable) and the
criterion that produced the grade to a table of lab records. The thresholds are the data in
:mod:`earlyphase.clinical.ctcae_criteria`; the evaluation follows pharmaverse/admiral
``derive_var_atoxgr``: rules are tried from the highest grade down, both sides of every
comparison are rounded to ``signif_digits`` significant digits, and a value is not gradable
(grade missing) when the normal limit or baseline needed to rule out grade 1 is missing.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from earlyphase.clinical._validate import check_frame, numeric_column, require_columns
from earlyphase.clinical.ctcae_criteria import CRITERIA, CTCAE_VERSIONS, TERM_TO_TEST, LabTerm
from earlyphase.clinical.units import STANDARD_UNITS, to_standard
from earlyphase.errors import DataError, OptionsError, describe_problem

__all__ = ["grade_labs", "gradable_tests"]


def gradable_tests() -> tuple[str, ...]:
    """Test keys (``earlyphase.cdisc.terms.LB_TESTS``) that :func:`grade_labs` can grade."""
    return tuple(CRITERIA["4.03"])


def _signif(x: np.ndarray, digits: int) -> np.ndarray:
    """Round to ``digits`` significant digits (R ``signif``), NaN-safe."""
    out = np.array(x, dtype=float, copy=True)
    finite = np.isfinite(out) & (out != 0)
    mags = np.floor(np.log10(np.abs(out[finite])))
    scale = 10.0 ** (digits - 1 - mags)
    out[finite] = np.round(out[finite] * scale) / scale
    return out


def _resolve_tests(tests: pd.Series, unknown: str) -> pd.Series:
    keys = tests.astype(str).str.strip().str.lower()
    direct = set(CRITERIA["4.03"])
    resolved = keys.where(keys.isin(direct), keys.map(TERM_TO_TEST))
    bad = resolved.isna()
    if bad.any() and unknown == "error":
        raise DataError(
            describe_problem(
                "labs.test",
                tests[bad].iloc[0],
                f"one of {sorted(direct)} or a CTCAE term name such as "
                "'Neutrophil count decreased' (or pass unknown_tests='skip')",
            )
        )
    return resolved


def _grade_term(
    term: LabTerm,
    value: np.ndarray,
    lln: np.ndarray,
    uln: np.ndarray,
    base: np.ndarray,
    digits: int,
) -> tuple[np.ndarray, np.ndarray]:
    n = len(value)
    grade = np.full(n, -1, dtype=np.int64)  # -1: not yet decided
    criterion = np.full(n, "", dtype=object)
    unknown_g1 = np.zeros(n, dtype=bool)
    abnormal_base = np.isfinite(base) & np.isfinite(uln) & (base > uln)
    refs = {"abs": np.ones(n), "lln": lln, "uln": uln, "baseline": base}
    v = _signif(value, digits)
    unit = STANDARD_UNITS[term.test]
    for rule in term.rules:  # highest grade first
        if rule.condition == "baseline_abnormal":
            applies = abnormal_base
        elif rule.condition == "baseline_normal":
            applies = ~abnormal_base
        else:
            applies = np.ones(n, dtype=bool)
        ref = refs[rule.reference]
        known = np.isfinite(ref) if rule.reference != "abs" else np.ones(n, dtype=bool)
        threshold = _signif(rule.factor * ref, digits)
        with np.errstate(invalid="ignore"):
            if rule.op == "<":
                hit = v < threshold
            elif rule.op == ">":
                hit = v > threshold
            else:
                hit = v >= threshold
        todo = (grade < 0) & applies & np.isfinite(value)
        take = todo & known & hit
        grade[take] = rule.grade
        criterion[take] = rule.describe(unit)
        if rule.grade == 1:
            unknown_g1 |= todo & ~known
    missing_value = ~np.isfinite(value)
    undecided = grade < 0
    na = undecided & (unknown_g1 | missing_value)
    zero = undecided & ~na
    grade[zero] = 0
    criterion[zero] = "grade 0: no grade 1-4 criterion met"
    criterion[na & missing_value] = "not gradable: value missing"
    need = "LLN" if term.direction == "low" else "ULN or baseline"
    criterion[na & ~missing_value] = f"not gradable: {need} missing (grade 1 cannot be ruled out)"
    out = grade.astype(float)
    out[na] = np.nan
    return out, criterion


def grade_labs(
    labs: pd.DataFrame,
    version: Literal["4.03", "5.0"] = "4.03",
    *,
    unknown_tests: Literal["error", "skip"] = "error",
    signif_digits: int = 15,
) -> pd.DataFrame:
    """Grade laboratory records by NCI CTCAE.

    Parameters
    ----------
    labs : DataFrame
        One row per result with columns ``subject_id``, ``day`` or ``date``, ``test``, ``value``,
        ``unit`` and optionally ``lln``, ``uln`` (normal range, same unit as ``value``) and
        ``baseline`` (the patient's baseline value, same unit). ``test`` is a key of
        ``earlyphase.cdisc.terms.LB_TESTS`` (neutrophils, platelets, hemoglobin, wbc,
        lymphocytes, creatinine, alt, ast, bilirubin), an LBTESTCD (NEUT, PLAT, HGB, ...) or a
        CTCAE term name ("Neutrophil count decreased"), case-insensitive. Units may be SI or
        conventional (``/uL``, ``10^9/L``, ``g/dL``, ``g/L``, ``mg/dL``, ``umol/L``, ``U/L``...).
    version : {"4.03", "5.0"}
        CTCAE version. v5.0 differs for ALT/AST/bilirubin (baseline-abnormal branch) and
        creatinine (grade 1 by ULN only).
    unknown_tests : {"error", "skip"}
        What to do with tests that are not gradable here: raise, or keep the row ungraded with
        the reason in ``criterion``.
    signif_digits : int
        Significant digits both sides of each comparison are rounded to (admiral
        ``signif_digits``, default 15), so that e.g. 3 x 40 U/L compares equal to 120 U/L.

    Returns
    -------
    DataFrame
        The input columns plus ``test_key``, ``value_std``, ``unit_std``, ``ctcae_term``,
        ``ctcae_version``, ``grade`` (nullable Int64, 0-4) and ``criterion`` (the rule that gave
        the grade, with the CTCAE grade text, or why the row is not gradable).

    Raises
    ------
    DataError
        Missing columns, unknown tests or units, text in numeric columns, negative values.
    OptionsError
        Unknown CTCAE version.

    References
    ----------
    NCI CTCAE v4.03 (14 June 2010) and v5.0 (27 November 2017); see
    :mod:`earlyphase.clinical.ctcae_criteria`.
    """
    version_key = str(version)
    if version_key not in CTCAE_VERSIONS:
        raise OptionsError(describe_problem("version", version, f"one of {CTCAE_VERSIONS}"))
    if unknown_tests not in ("error", "skip"):
        raise OptionsError(describe_problem("unknown_tests", unknown_tests, "'error' or 'skip'"))
    labs = check_frame(labs, "labs")
    require_columns(labs, ["subject_id", "test", "value", "unit"], "labs")
    if "day" not in labs.columns and "date" not in labs.columns:
        raise DataError(
            describe_problem(
                "labs columns", list(labs.columns), "a 'day' (study day) or 'date' column"
            )
        )
    out = labs.copy().reset_index(drop=True)
    value = numeric_column(out, "value", "labs")
    lln = numeric_column(out, "lln", "labs") if "lln" in out else np.full(len(out), np.nan)
    uln = numeric_column(out, "uln", "labs") if "uln" in out else np.full(len(out), np.nan)
    base = (
        numeric_column(out, "baseline", "labs") if "baseline" in out else np.full(len(out), np.nan)
    )
    inverted = lln > uln  # NaN compares False: a missing bound is not an error here
    if inverted.any():
        i = int(inverted.nonzero()[0][0])
        raise DataError(
            describe_problem(
                f"labs.lln (row {i})", float(lln[i]), f"at most labs.uln ({float(uln[i]):g})"
            )
        )
    keys = _resolve_tests(out["test"], unknown_tests)

    n = len(out)
    grade = np.full(n, np.nan)
    criterion = np.full(n, "not a CTCAE lab term graded by earlyphase", dtype=object)
    term_name = np.full(n, None, dtype=object)
    value_std = np.full(n, np.nan)
    unit_std = np.full(n, None, dtype=object)
    criteria = CRITERIA[version_key]
    for key, idx in keys.groupby(keys, sort=False).groups.items():
        rows = np.asarray(out.index.get_indexer(idx))
        term = criteria[str(key)]
        factor = to_standard(term.test, out["unit"].iloc[rows])
        g, c = _grade_term(
            term,
            value[rows] * factor,
            lln[rows] * factor,
            uln[rows] * factor,
            base[rows] * factor,
            signif_digits,
        )
        grade[rows] = g
        criterion[rows] = c
        term_name[rows] = term.term
        value_std[rows] = value[rows] * factor
        unit_std[rows] = STANDARD_UNITS[term.test]
    out["test_key"] = keys.to_numpy(dtype=object)
    out["value_std"] = value_std
    out["unit_std"] = unit_std
    out["ctcae_term"] = term_name
    out["ctcae_version"] = version_key
    out["grade"] = pd.Series(grade, index=out.index).astype("Int64")
    out["criterion"] = criterion
    return out
