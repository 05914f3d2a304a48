"""Finding a criterion's variable in a patient table, converting units, deriving, checking.

Column naming (``docs/data_conventions.md``: units explicit in column names):

* ``<variable>_<unit suffix>`` for any unit of the criterion's dimension, e.g. ``platelets_per_ul``
  or ``platelets_10e9_l``, ``hemoglobin_g_dl`` or ``hemoglobin_g_l``; converted to the
  criterion's unit;
* bare ``<variable>`` (taken to be in the criterion's unit, the only choice for booleans,
  scores and counts).

Derived when no column gives them directly:

* ``crcl`` (mL/min): Cockcroft & Gault (Nephron 1976;16:31):
  ``(140 - age) x weight_kg x (0.85 if female) / (72 x creatinine mg/dL)``, with creatinine from
  ``creatinine_mg_dl`` or ``creatinine_umol_l`` / 88.42 (the factor admiral ``compute_egfr`` uses)
  and ``sex`` in M/F;
* ``bilirubin`` (xULN): ``bilirubin_<unit>`` / ``bilirubin_uln_<unit>``;
* ``involved_flc`` (mg/dL) and ``flc_ratio_abnormal``: from ``kappa_flc_<unit>`` and
  ``lambda_flc_<unit>``; the involved chain is kappa when kappa/lambda >= 1, else lambda; the
  ratio is abnormal outside 0.26-1.65 (IMWG).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyphase.clinical.units import SUBSTANCES
from earlyphase.errors import DataError, describe_problem
from earlyphase.units import UNITS, convert, convert_array, normalize_unit

__all__ = ["PLAUSIBLE", "Resolved", "cockcroft_gault", "resolve_variable"]

CREATININE_MG_DL_PER_UMOL_L = 1 / SUBSTANCES["creatinine"][1]  # 1 mg/dL = 88.42 umol/L
FLC_RATIO_NORMAL = (0.26, 1.65)

#: Plausible ranges (in the given unit) of common variables: outside them the value is
#: impossible or in the wrong unit, and a DataError names it.
PLAUSIBLE: dict[str, tuple[float, float, str]] = {
    "age": (0, 120, "years"),
    "weight": (1, 650, "kg"),
    "height": (40, 272, "cm"),
    "anc": (0, 200_000, "/uL"),
    "platelets": (1000, 5_000_000, "/uL"),
    "hemoglobin": (1, 25, "g/dL"),
    "crcl": (0, 500, "mL/min"),
    "creatinine": (0.05, 40, "mg/dL"),
    "bilirubin": (0, 100, "xULN"),
    "qtc": (200, 800, "ms"),
    "ecog": (0, 5, "score"),
    "prior_lines": (0, 40, "count"),
    "serum_m_protein": (0, 20, "g/dL"),
    "urine_m_protein": (0, 100_000, "mg/24h"),
}

_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}


@dataclass(frozen=True)
class Resolved:
    """A variable's values for every patient, in the criterion's unit, and where they came from."""

    values: pd.Series
    source: str


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    raw = frame[column]
    out = pd.to_numeric(raw, errors="coerce")
    bad = raw.notna() & out.isna()
    if bad.any():
        value = raw[bad].iloc[0]
        raise DataError(describe_problem(f"{column} (row {bad.idxmax()})", value, "a number"))
    return out.astype(float)


def _boolean(frame: pd.DataFrame, column: str) -> pd.Series:
    raw = frame[column]
    if pd.api.types.is_bool_dtype(raw.dtype):
        return raw.astype("boolean")
    text = raw.astype("string").str.strip().str.lower()
    table = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False), "": pd.NA}
    parsed = text.map(table)
    bad = text.notna() & parsed.isna() & (text != "")
    if bad.any():
        value = raw[bad].iloc[0]
        raise DataError(describe_problem(column, value, "a yes/no value (true/false, Y/N, 1/0)"))
    return parsed.astype("boolean")


def _check_range(name: str, column: str, values: pd.Series, unit: str, ids: pd.Series) -> None:
    if name not in PLAUSIBLE:
        if values.dropna().lt(0).any():
            bad = values[values < 0]
            raise DataError(
                describe_problem(
                    f"{column} (patient {ids[bad.index[0]]})", float(bad.iloc[0]), "a value >= 0"
                )
            )
        return
    lo, hi, base = PLAUSIBLE[name]
    if unit in UNITS and base in UNITS and UNITS[unit].dimension == UNITS[base].dimension:
        lo, hi = convert(lo, base, unit), convert(hi, base, unit)
    bad = values[(values < lo) | (values > hi)]
    if len(bad):
        value = float(bad.iloc[0])
        hint = ""
        if name == "height" and 0 < value < 3:
            hint = " (the value looks like metres)"
        elif value < 0:
            hint = " (must not be negative)"
        elif name == "platelets" and unit == "/uL" and value < 2000:
            hint = " (the value looks like 10^9/L; name the column platelets_10e9_l)"
        elif name == "hemoglobin" and unit == "g/dL" and value > 25:
            hint = " (the value looks like g/L; name the column hemoglobin_g_l)"
        raise DataError(
            describe_problem(
                f"{column} (patient {ids[bad.index[0]]})", value, f"{lo:g} to {hi:g} {unit}{hint}"
            )
        )


def _find(frame: pd.DataFrame, name: str, unit: str) -> tuple[str, str] | None:
    """Column holding ``name`` and the unit its values are in, or None."""
    unit = normalize_unit(unit)
    dimension = UNITS[unit].dimension if unit in UNITS else None
    same = [u for u in UNITS.values() if u.dimension == dimension and u.suffix]
    ordered = sorted(same, key=lambda u: u.symbol != unit)
    found = [
        (f"{name}_{u.suffix}", u.symbol) for u in ordered if f"{name}_{u.suffix}" in frame.columns
    ]
    if name in frame.columns:
        found.append((name, unit))
    if len(found) > 1:
        columns = [c for c, _ in found]
        raise DataError(
            describe_problem(f"columns for {name}", columns, "exactly one column per variable")
        )
    return found[0] if found else None


def _age(frame: pd.DataFrame, ids: pd.Series) -> pd.Series | None:
    found = _find(frame, "age", "years")
    if found is None:
        return None
    values = _numeric(frame, found[0])
    _check_range("age", found[0], values, "years", ids)
    return values


def _crcl(frame: pd.DataFrame, ids: pd.Series) -> Resolved | None:
    age = _age(frame, ids)
    weight = _find(frame, "weight", "kg")
    sex_col = next((c for c in ("sex", "SEX") if c in frame.columns), None)
    if "creatinine_mg_dl" in frame.columns:
        scr_col, scr = "creatinine_mg_dl", _numeric(frame, "creatinine_mg_dl")
    elif "creatinine_umol_l" in frame.columns:
        scr_col = "creatinine_umol_l"
        scr = _numeric(frame, scr_col) * CREATININE_MG_DL_PER_UMOL_L
    else:
        return None
    if age is None or weight is None or sex_col is None:
        return None
    wt = _numeric(frame, weight[0])
    _check_range("weight", weight[0], wt, "kg", ids)
    _check_range("creatinine", scr_col, scr, "mg/dL", ids)
    sex = frame[sex_col].astype("string").str.strip().str.upper()
    bad = sex.notna() & ~sex.isin(["M", "F", "MALE", "FEMALE"])
    if bad.any():
        raise DataError(
            describe_problem(
                f"{sex_col} (patient {ids[bad[bad].index[0]]})",
                frame[sex_col][bad].iloc[0],
                "M or F",
            )
        )
    female = sex.map(lambda s: s in ("F", "FEMALE") if isinstance(s, str) else pd.NA)
    values = pd.Series(
        cockcroft_gault(age, wt, female.to_numpy(dtype=object), scr), index=frame.index
    )
    return Resolved(values, f"Cockcroft-Gault from age, {weight[0]}, {sex_col}, {scr_col}")


def cockcroft_gault(
    age_years: npt.ArrayLike,
    weight_kg: npt.ArrayLike,
    female: npt.ArrayLike,
    creatinine_mg_dl: npt.ArrayLike,
) -> npt.NDArray[np.float64]:
    """Creatinine clearance (mL/min), Cockcroft DW, Gault MH. Nephron 1976;16:31-41.

    ``(140 - age) x weight x (0.85 if female) / (72 x serum creatinine mg/dL)``; vectorised;
    a missing input (None/NaN in ``female``) gives NaN.
    """
    sex = np.asarray(female, dtype=object)
    factor = np.array(
        [
            np.nan
            if f is None or f is pd.NA or (isinstance(f, float) and np.isnan(f))
            else (0.85 if f else 1.0)
            for f in sex.ravel()
        ]
    ).reshape(sex.shape)
    age = np.asarray(age_years, dtype=float)
    return (
        (140 - age)
        * np.asarray(weight_kg, dtype=float)
        * factor
        / (72 * np.asarray(creatinine_mg_dl, dtype=float))
    )


def _ratio_to_uln(frame: pd.DataFrame, name: str) -> Resolved | None:
    for u in UNITS.values():
        if u.dimension in ("mass concentration", "molar concentration") and u.suffix:
            value_col, uln_col = f"{name}_{u.suffix}", f"{name}_uln_{u.suffix}"
            if value_col in frame.columns and uln_col in frame.columns:
                return Resolved(
                    _numeric(frame, value_col) / _numeric(frame, uln_col),
                    f"{value_col} / {uln_col}",
                )
    return None


def _flc(frame: pd.DataFrame, want: str, unit: str) -> Resolved | None:
    kappa = _find(frame, "kappa_flc", "mg/dL")
    lam = _find(frame, "lambda_flc", "mg/dL")
    if kappa is None or lam is None:
        return None
    k = pd.Series(convert_array(_numeric(frame, kappa[0]), kappa[1], "mg/dL"), index=frame.index)
    lm = pd.Series(convert_array(_numeric(frame, lam[0]), lam[1], "mg/dL"), index=frame.index)
    ratio = k / lm
    source = f"from {kappa[0]} and {lam[0]}"
    if want == "flc_ratio_abnormal":
        lo, hi = FLC_RATIO_NORMAL
        abnormal = ((ratio < lo) | (ratio > hi)).astype("boolean")
        return Resolved(
            abnormal.mask(ratio.isna(), pd.NA), f"kappa/lambda outside {lo}-{hi} {source}"
        )
    involved = k.where(ratio >= 1, lm)
    return Resolved(
        pd.Series(convert_array(involved, "mg/dL", unit), index=frame.index),
        f"involved FLC {source}",
    )


def resolve_variable(
    frame: pd.DataFrame, name: str, unit: str, is_boolean: bool, ids: pd.Series
) -> Resolved | None:
    """Values of ``name`` in ``unit`` for every row of ``frame``; None when nothing provides it.

    Raises
    ------
    DataError
        Impossible values (negative, out of range, in the wrong unit) or unparsable cells.
    """
    if is_boolean:
        if name in frame.columns:
            return Resolved(_boolean(frame, name), name)
        if name == "flc_ratio_abnormal":
            return _flc(frame, name, unit)
        return None
    found = _find(frame, name, unit)
    if found is not None:
        column, col_unit = found
        raw = _numeric(frame, column)
        _check_range(name, column, raw, col_unit, ids)
        values = (
            raw
            if col_unit == unit
            else pd.Series(convert_array(raw, col_unit, unit), index=raw.index)
        )
        return Resolved(values.astype(float), column)
    if name == "crcl":
        return _crcl(frame, ids)
    if normalize_unit(unit) == "xULN":
        return _ratio_to_uln(frame, name)
    if name == "involved_flc":
        return _flc(frame, name, unit)
    return None
