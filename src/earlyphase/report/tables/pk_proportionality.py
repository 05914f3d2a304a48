"""Dose proportionality of the NCA exposure parameters, by analyte and visit.

For each analyte (ADPP ``PARCAT1``), visit and exposure parameter (``CMAX`` and the partial
AUCs ``AUC1WK``/``AUC2WK``; ``AUCTAU`` only where neither exists) the table gives

* the power-model slope b of ln(value) = a + b ln(dose) with its 90% CI and the Smith et al.
  (2000) acceptance interval for the dose range (:func:`earlyphase.pk.proportionality.power_model`,
  one value per patient, the dose being the patient's dose level's nominal dose);
* the ratio of geometric means of each dose level to the one below it (ordered by
  ``TRT01AN``) with its 90% CI (:func:`earlyphase.pk.proportionality.geometric_mean_ratio`,
  pooled-variance t interval on ln values), e.g. DL3/DL2.

Dose of a dose level: the median administered dose of its patients at that visit (ADPC
``DOSEA``, the visit's reference dose), expressed per kg of baseline weight (``WEIGHTBL``) or
per m² of body surface area (``BSABL``) when that is what is constant within every dose level
(weight- or BSA-based dosing), else in mg.  Without ``DOSEA`` the slope is not estimable (NE)
and only the ratios are shown.  A cell needing at least 2 dose levels and 3 values (slope) or
2 values per group (ratio) that it does not have is NE.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from earlyphase.report.spec import ColumnSpec, RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables._common import Group, groups, population, require
from earlyphase.report.tables._pk import analyte_name, parameter_name

__all__ = ["REQUIRES", "dose_basis", "pk_proportionality_table"]

REQUIRES = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN"),
    "ADPP": ("USUBJID", "PARAMCD", "AVAL", "VISIT"),
}
#: Exposure parameters analysed, in display order.
EXPOSURE_PARAMETERS = ("CMAX", "AUC1WK", "AUC2WK")
_BASES = (("mg/kg", "WEIGHTBL"), ("mg/m²", "BSABL"))
_CONSTANT_CV = 0.02  # a dose is "constant" within a dose level when its CV is below 2%


def _cv(x: pd.Series) -> float:
    x = x.dropna()
    return float(x.std(ddof=0) / x.mean()) if len(x) and x.mean() > 0 else np.inf


def dose_basis(doses: pd.DataFrame, adsl: pd.DataFrame) -> tuple[str, pd.Series]:
    """The dosing basis and each patient's dose on it.

    ``doses``: USUBJID, TRT01AN, DOSEA (mg).  The basis is the first of mg, mg/kg
    (DOSEA / ADSL.WEIGHTBL), mg/m² (DOSEA / ADSL.BSABL) whose dose is constant (CV < 2%) in
    every dose level.  Returns (unit, dose per row of ``doses``); ("", NaN) when no basis is
    constant (no nominal dose per dose level: the slope is not estimable).
    """
    candidates = [("mg", doses["DOSEA"].astype(float))]
    for unit, var in _BASES:
        if var in adsl.columns:
            size = doses["USUBJID"].map(adsl.set_index("USUBJID")[var])
            candidates.append((unit, doses["DOSEA"].astype(float) / pd.to_numeric(size)))
    for unit, dose in candidates:
        if all(_cv(d) < _CONSTANT_CV for _, d in dose.groupby(doses["TRT01AN"])):
            return unit, dose
    return "", pd.Series(np.nan, index=doses.index)


def _visit_doses(adam: Mapping[str, pd.DataFrame], analyte: str, adsl: pd.DataFrame):  # type: ignore[no-untyped-def]
    """{visit: {group key: nominal dose}} and the dose unit; ({}, "") without ADPC.DOSEA."""
    adpc = adam.get("ADPC")
    if adpc is None or not {"DOSEA", "PARAMCD", "VISIT", "USUBJID"} <= set(adpc.columns):
        return {}, ""
    code = adpc["PARAMCD"].astype("string").str.upper().str[:6]
    rows = adpc[code.eq(analyte[:6].upper()).fillna(False) if analyte else slice(None)]
    rows = rows[["USUBJID", "VISIT", "DOSEA"]].dropna(subset=["DOSEA"])
    rows = rows.drop_duplicates(["USUBJID", "VISIT"]).merge(
        adsl[["USUBJID", "TRT01AN"]], on="USUBJID"
    )
    if rows.empty:
        return {}, ""
    unit, dose = dose_basis(rows, adsl)
    rows = rows.assign(_dose=dose.to_numpy())
    out: dict[str, dict[str, float]] = {}
    for (visit, number), d in rows.dropna(subset=["_dose"]).groupby(["VISIT", "TRT01AN"]):
        level = f"DL{float(str(number)):g}"
        out.setdefault(str(visit), {})[level] = float(d["_dose"].median())
    return out, unit


def _parameters(adpp: pd.DataFrame, parameters: Sequence[str]) -> list[str]:
    present = set(adpp["PARAMCD"])
    codes = [c for c in parameters if c in present]
    if not any(c.startswith("AUC") for c in codes) and "AUCTAU" in present:
        codes.append("AUCTAU")
    return codes


def _cell_records(
    key: str,
    values: dict[str, np.ndarray],
    doses: dict[str, float],
    pairs: list[tuple[Group, Group]],
) -> list[tuple[str, str, str, float]]:
    from earlyphase.pk.proportionality import geometric_mean_ratio, power_model  # scipy: lazy

    rec: list[tuple[str, str, str, float]] = []
    n = sum(len(v) for v in values.values())
    rec.append((key, "n", "n", float(n)))
    with_dose = [(doses[k], v) for k, v in values.items() if k in doses and len(v)]
    x = np.concatenate([np.full(len(v), d) for d, v in with_dose]) if with_dose else np.array([])
    y = np.concatenate([v for _, v in with_dose]) if with_dose else np.array([])
    if len(set(x.tolist())) >= 2 and len(x) >= 3:
        fit = power_model(x, y)
        rec += [
            (key, "slope", "slope", fit.slope),
            (key, "slope", "lower", fit.slope_lower),
            (key, "slope", "upper", fit.slope_upper),
            (key, "acceptance", "lower", fit.acceptance_lower),
            (key, "acceptance", "upper", fit.acceptance_upper),
            (key, "doses", "low", float(x.min())),
            (key, "doses", "high", float(x.max())),
        ]
    else:
        rec.append((key, "slope", "slope", np.nan))
    for high, low in pairs:
        column = f"gmr_{high.key}_{low.key}"
        a, b = values.get(high.key, np.array([])), values.get(low.key, np.array([]))
        if len(a) < 2 or len(b) < 2:
            continue
        gmr = geometric_mean_ratio(a, b)
        rec += [
            (key, column, "ratio", gmr.ratio),
            (key, column, "lower", gmr.lower),
            (key, column, "upper", gmr.upper),
        ]
        if high.key in doses and low.key in doses:
            rec.append((key, column, "dose_ratio", doses[high.key] / doses[low.key]))
    return rec


def pk_proportionality_table(
    adam: Mapping[str, pd.DataFrame], parameters: Sequence[str] = EXPOSURE_PARAMETERS
) -> TableResult:
    """Power-model slope (90% CI) and ratios of geometric means between adjacent dose levels,
    per analyte, visit and exposure parameter (PK population, ``PKFL`` = Y)."""
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "PKFL")
    grps = groups(adsl, overall=False)
    pairs = list(zip(grps[1:], grps[:-1], strict=False))
    adpp = adam["ADPP"][adam["ADPP"]["USUBJID"].isin(adsl["USUBJID"])]
    has_cat = "PARCAT1" in adpp.columns
    rec: list[tuple[str, str, str, float]] = []
    rows: list[tuple[str, str, str]] = []  # key, label, dose unit ("\n" for a heading)
    analyte_list = list(dict.fromkeys(adpp["PARCAT1"].astype(str))) if has_cat else [""]
    for analyte in analyte_list:
        part = adpp[adpp["PARCAT1"].astype(str) == analyte] if has_cat else adpp
        doses, unit = _visit_doses(adam, analyte, adsl)
        codes = _parameters(part, parameters)
        for visit in dict.fromkeys(part["VISIT"].astype(str)):
            at = part[(part["VISIT"].astype(str) == visit) & part["PARAMCD"].isin(codes)]
            vkey = visit.lower().replace(" ", "_")
            title = visit.title().replace(" Day", ", day")
            name = analyte_name(adam, analyte)
            rows.append((f"{analyte}:{vkey}", f"{name} — {title}" if name else title, "\n"))
            for code in codes:
                sub = at[at["PARAMCD"] == code].dropna(subset=["AVAL"])
                values = {
                    g.key: pd.to_numeric(sub.loc[sub["USUBJID"].isin(g.subjects), "AVAL"]).to_numpy(
                        float
                    )
                    for g in grps
                }
                if sum(len(v) for v in values.values()) == 0:
                    continue
                key = f"{analyte}:{vkey}:{code}"
                rec += _cell_records(key, values, doses.get(visit, {}), pairs)
                rows.append((key, parameter_name(part, code), unit))
    return _result(rec, rows, grps, pairs)


def _result(
    rec: list[tuple[str, str, str, float]],
    rows: list[tuple[str, str, str]],
    grps: list[Group],
    pairs: list[tuple[Group, Group]],
) -> TableResult:
    data = tidy(rec)
    shown = set(data["column"])
    columns = [
        ColumnSpec("n", "n"),
        ColumnSpec("doses", "Doses", "Power model"),
        ColumnSpec("slope", "Slope (90% CI)", "Power model"),
        ColumnSpec("acceptance", "Acceptance interval", "Power model"),
    ]
    templates = {
        "n": "{n}",
        "doses": "{low:3g}–{high:3g}",
        "slope": "{slope:2} ({lower:2}, {upper:2})",
        "acceptance": "{lower:2}, {upper:2}",
    }
    for high, low in pairs:
        column = f"gmr_{high.key}_{low.key}"
        if column in shown:
            columns.append(ColumnSpec(column, f"{high.key}/{low.key}", "Ratio of geometric means"))
            templates[column] = "{ratio:2} ({lower:2}, {upper:2})"

    fitted = set(data.loc[(data["column"] == "slope") & (data["stat"] == "lower"), "row"])

    def cells(key: str, unit: str) -> tuple[tuple[str, str], ...]:
        out = []
        for c in columns:
            template = templates[c.key]
            if c.key == "doses" and unit:
                template += f" {unit}"
            if c.key == "slope" and key not in fitted:
                template = "NE"
            out.append((c.key, template))
        return tuple(out)

    tpl_rows = tuple(
        RowSpec(key, label) if unit == "\n" else RowSpec(key, label, "{n}", 1, cells(key, unit))
        for key, label, unit in rows
    )
    foot = (
        "PK population (PKFL = Y); one value per patient. Power model ln(Y) = a + b ln(dose) "
        "fitted by least squares, the dose being the dose level's nominal dose; dose "
        "proportionality is concluded when the 90% CI of b lies within the acceptance "
        "interval 1 + ln(0.8)/ln(r), 1 + ln(1.25)/ln(r), r = highest/lowest dose "
        "(Smith et al., Pharm Res 2000;17:1278-83).",
        "Ratio of geometric means of a dose level to the one below it with its 90% CI "
        "(t interval on ln values, pooled variance). "
        + "; ".join(f"{g.key} = {g.label}" for g in grps)
        + ".",
        "NE: not estimable (fewer than 2 dose levels or 3 values for the slope; fewer than "
        "2 values per dose level for a ratio; no administered dose in ADPC.DOSEA, or no "
        "dosing basis (mg, mg/kg, mg/m²) constant within every dose level).",
    )
    spec = TableSpec(
        table_id="pk_proportionality",
        title="Dose Proportionality of Exposure Parameters",
        columns=tuple(columns),
        rows=tpl_rows,
        stub_header="Analyte, visit, parameter",
        footnotes=foot,
    )
    return TableResult(data, spec, notes=("Dose proportionality: power model and GMRs from ADPP.",))
