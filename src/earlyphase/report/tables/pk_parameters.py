"""Table 3: isatuximab noncompartmental PK parameters by regimen and cycle.

Format of Chari et al. 2021, Table 3: "mean ± SD (geometric mean) [CV%]" with three
significant figures, tmax as "median (range)".  CV% is the arithmetic coefficient of
variation (SD / mean x 100), which reproduces the paper's bracketed values (e.g. Cmax
155 ± 32.1 -> 21%).  Parameters that could not be computed (``AVAL`` missing, reason in
``EXCLREAS``) are left out of the summaries and counted in a footnote.  Row labels are the
parameter's name (ADPP ``PARAM`` without its unit, else the NCA registry's short name) and
its unit from ADPP ``AVALU`` as a table prints it ("Cmax, μg/mL", "AUC1week, μg·h/mL",
"tmax, median (range), h", "Rac Cmax"), so an analyte measured in ng/mL is labelled in ng/mL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from earlyphase.pk.nca.units import display_unit
from earlyphase.report._methods import describe
from earlyphase.report.spec import RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables._common import column_specs, groups, population, require
from earlyphase.report.tables._pk import parameter_name, parameter_unit

__all__ = ["REQUIRES", "TABLE3_PARAMETERS", "parameter_label", "pk_parameters_table"]

REQUIRES = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN"),
    "ADPP": ("USUBJID", "PARAMCD", "AVAL", "VISIT"),
}

#: The parameters of the paper's Table 3 (the default selection).
TABLE3_PARAMETERS = ("TMAX", "CMAX", "AUC1WK", "AUC2WK", "RACCMAX", "RACAUC")
_MEAN_FMT = "{mean:3s} ± {sd:3s} ({geomean:3s}) [{cv:0}]"
_MEDIAN_FMT = "{median:2} ({min:2}-{max:2})"


def parameter_label(adpp: pd.DataFrame, code: str) -> str:
    """Row label of ``code``: name, "median (range)" for tmax, display unit (none for a
    ratio), comma-separated: "Cmax, μg/mL", "tmax, median (range), h", "Rac Cmax"."""
    unit = display_unit(parameter_unit(adpp, code))
    parts = [parameter_name(adpp, code), *(["median (range)"] if _is_median(code) else [])]
    return ", ".join([*parts, unit] if unit else parts)


def _is_median(code: str) -> bool:
    return code.startswith("TMAX")


def _analyte_rows(adpp: pd.DataFrame, analyte: str) -> pd.DataFrame:
    if "PARCAT1" not in adpp.columns:
        return adpp
    cat = adpp["PARCAT1"].astype("string").str.upper().fillna("")
    return adpp[cat.str.startswith(analyte[:6].upper()).fillna(False)]


def pk_parameters_table(
    adam: Mapping[str, pd.DataFrame],
    analyte: str = "ISATUXIMAB",
    parameters: Sequence[str] = TABLE3_PARAMETERS,
) -> TableResult:
    """Compute Table 3 for ``analyte`` (matched on the first 6 letters of ``PARCAT1``).

    ``parameters`` are the ADPP ``PARAMCD`` rows shown, in order (default: the paper's).
    """
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "PKFL")
    grps = groups(adsl, overall=False)
    adpp = _analyte_rows(adam["ADPP"], analyte)
    adpp = adpp[adpp["USUBJID"].isin(adsl["USUBJID"])]
    visits = list(dict.fromkeys(adpp["VISIT"].astype(str)))
    codes = [c for c in parameters if c in set(adpp["PARAMCD"])]
    adpp = adpp[adpp["PARAMCD"].isin(codes)]
    labels = {code: parameter_label(adpp, code) for code in codes}
    rec: list[tuple[str, str, str, float]] = []
    rows: list[RowSpec] = []
    n_missing = int(adpp["AVAL"].isna().sum())
    for visit in visits:
        vkey = visit.lower().replace(" ", "_")
        at_visit = adpp[adpp["VISIT"].astype(str) == visit]
        rows.append(RowSpec(vkey, visit.title().replace("Cycle", "Cycle").replace(" Day", ", day")))
        rows.append(RowSpec(f"{vkey}:n", "No.", "{n}", 1))
        for g in grps:
            sub = at_visit[at_visit["USUBJID"].isin(g.subjects)]
            with_value = sub.loc[sub["AVAL"].notna(), "USUBJID"].nunique()
            if with_value:
                rec.append((f"{vkey}:n", g.key, "n", float(with_value)))
            for code in codes:
                values = pd.to_numeric(sub.loc[sub["PARAMCD"] == code, "AVAL"], errors="coerce")
                summary = describe(values.to_numpy())
                if summary["n"] == 0:
                    continue
                for stat, value in summary.items():
                    rec.append((f"{vkey}:{code}", g.key, stat, value))
        for code in codes:
            if any(r[0] == f"{vkey}:{code}" for r in rec):
                tpl = _MEDIAN_FMT if _is_median(code) else _MEAN_FMT
                rows.append(RowSpec(f"{vkey}:{code}", labels[code], tpl, 1))
    foot = [
        "Continuous variables are summarized as mean ± SD (geometric mean) [CV%] unless "
        "otherwise stated; three significant figures.",
        "PK population (PKFL = Y). AUC1week, AUC2weeks: AUC from the dose to 168 h / 336 h, "
        "shown where the dosing interval reaches that time; Rac AUC1week = AUC1week after the "
        "cycle 3 day 1 dose / AUC1week after the cycle 1 day 1 dose; Rac Cmax likewise.",
    ]
    if n_missing:
        foot.append(
            f"{n_missing} parameter value(s) not computable (see ADPP.EXCLREAS) are excluded."
        )
    spec = TableSpec(
        table_id="table3_pk_parameters",
        title=f"Table 3. Pharmacokinetic Parameters of {analyte.title()}",
        columns=column_specs(grps, f"{analyte.title()} dosing regimen"),
        rows=tuple(rows),
        stub_header="Parameter",
        footnotes=tuple(foot),
    )
    return TableResult(tidy(rec), spec, notes=("Table 3: NCA parameters from ADPP.",))
