"""PFS and OS: Kaplan–Meier medians with 95% CIs, 2-year OS, median follow-up.

Conventions: Kaplan–Meier product-limit estimate, Greenwood variance, log-log ("exponential
Greenwood") pointwise CI — the SAS PROC LIFETEST default; medians by the SAS rule with the
Brookmeyer–Crowley CI on the same transform; landmark survival read off the step function
(not estimable beyond the last observation, as SAS); follow-up by reverse Kaplan–Meier
(Schemper & Smith, Control Clin Trials 1996;17:343-346).  Times are months
(days / 30.4375; ``ADTTE.AVAL``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, describe_problem
from earlyphase.report._methods import KMCurve, kaplan_meier, median_followup
from earlyphase.report.options import ReportOptions
from earlyphase.report.spec import RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables._common import ARM_HEADER, column_specs, groups, population, require

__all__ = ["LANDMARK_MONTHS", "REQUIRES", "km_by_group", "time_to_event_table"]

REQUIRES = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN"),
    "ADTTE": ("USUBJID", "PARAMCD", "AVAL", "CNSR"),
}
LANDMARK_MONTHS = (12.0, 24.0)


_KNOWN = {"PFS": "Progression-free survival", "OS": "Overall survival"}


def _parameters(adtte: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(PARAMCD, label, unit) of every parameter in ADTTE: PFS and OS first, then the rest.

    The label is ``PARAM`` (else the PARAMCD); the unit is ``AVALU`` in lower case (else
    "AVAL units"), PFS/OS without AVALU in months (earlyphase's ADTTE convention).
    """
    codes = list(dict.fromkeys(adtte["PARAMCD"].dropna().astype("str")))
    codes = [c for c in _KNOWN if c in codes] + [c for c in codes if c not in _KNOWN]
    out = []
    for code in codes:
        rows = adtte[adtte["PARAMCD"] == code]
        label = _KNOWN.get(code) or (
            str(rows["PARAM"].dropna().iloc[0])
            if "PARAM" in rows and rows["PARAM"].notna().any()
            else code
        )
        units: list[str] = (
            list(rows["AVALU"].dropna().astype("str").unique()) if "AVALU" in rows else []
        )
        unit = (
            units[0].lower() if len(units) == 1 else ("months" if code in _KNOWN else "AVAL units")
        )
        out.append((code, label, unit))
    return out


def km_by_group(
    adam: Mapping[str, pd.DataFrame], paramcd: str, conf_type: str = "log-log"
) -> dict[str, KMCurve]:
    """Kaplan–Meier curve of ``paramcd`` per dose level and overall (safety population)."""
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "SAFFL")
    adtte = adam["ADTTE"]
    param = adtte[(adtte["PARAMCD"] == paramcd) & adtte["USUBJID"].isin(adsl["USUBJID"])]
    out = {}
    for g in groups(adsl):
        sub = param[param["USUBJID"].isin(g.subjects)]
        if sub.empty:
            continue
        t = pd.to_numeric(sub["AVAL"]).to_numpy(dtype=float)
        e = (1 - pd.to_numeric(sub["CNSR"])).to_numpy(dtype=int)
        out[g.key] = kaplan_meier(t, e, conf_type)
    return out


def time_to_event_table(
    adam: Mapping[str, pd.DataFrame], options: ReportOptions | None = None
) -> TableResult:
    """Compute the PFS/OS summary table by dose level and overall."""
    options = options or ReportOptions()
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "SAFFL")
    grps = groups(adsl)
    rec: list[tuple[str, str, str, float]] = []
    rows: list[RowSpec] = []
    for param, label, unit in _parameters(adam["ADTTE"]):
        curves = km_by_group(adam, param, options.km_conf_type)
        if not curves:
            continue
        rows.append(RowSpec(param, label))
        rows.append(RowSpec(f"{param}:events", "Events, No. (%)", "{n} ({pct:0})", 1))
        rows.append(
            RowSpec(
                f"{param}:median", f"Median (95% CI), {unit}", "{median:1} ({lcl:1}-{ucl:1})", 1
            )
        )
        for key, km in curves.items():
            rec += [
                (f"{param}:events", key, "n", float(km.events)),
                (f"{param}:events", key, "denom", float(km.n)),
                (f"{param}:events", key, "pct", 100.0 * km.events / km.n),
                (f"{param}:median", key, "median", km.median),
                (f"{param}:median", key, "lcl", km.median_lower),
                (f"{param}:median", key, "ucl", km.median_upper),
            ]
            for month in LANDMARK_MONTHS:
                est, lo, hi = km.survival_at(month)
                rk = f"{param}:rate{int(month)}"
                rec += [
                    (rk, key, "est", 100 * est),
                    (rk, key, "lcl", 100 * lo),
                    (rk, key, "ucl", 100 * hi),
                ]
        for month in LANDMARK_MONTHS if unit == "months" else ():
            rows.append(
                RowSpec(
                    f"{param}:rate{int(month)}",
                    f"{int(month)}-month rate (95% CI), %",
                    "{est:0} ({lcl:0}-{ucl:0})",
                    1,
                )
            )
    os_rows = adam["ADTTE"][adam["ADTTE"]["PARAMCD"] == "OS"]
    if not os_rows.empty:
        rows.append(RowSpec("followup", f"Follow-up ({options.followup_text})"))
        rows.append(
            RowSpec("followup:median", "Median (range), months", "{median:1} ({min:1}-{max:1})", 1)
        )
        for g in grps:
            sub = os_rows[os_rows["USUBJID"].isin(g.subjects)]
            if sub.empty:
                continue
            t = pd.to_numeric(sub["AVAL"]).to_numpy(dtype=float)
            e = (1 - pd.to_numeric(sub["CNSR"])).to_numpy(dtype=int)
            rec += [
                ("followup:median", g.key, "median", _followup_median(t, e, options)),
                ("followup:median", g.key, "min", float(np.min(t))),
                ("followup:median", g.key, "max", float(np.max(t))),
            ]
    if not rows:
        raise DataError(
            describe_problem("ADTTE", "no records of the safety population", "time-to-event data")
        )
    spec = TableSpec(
        table_id="time_to_event",
        title="Time-to-Event Endpoints",
        columns=column_specs(grps, ARM_HEADER),
        rows=tuple(rows),
        stub_header="Endpoint",
        footnotes=(
            f"Kaplan–Meier estimates; 95% CIs by the {options.km_conf_text}; median CI by "
            "Brookmeyer–Crowley on the same transform. NE, not estimable. Times in ADTTE.AVALU "
            "(months = days / 30.4375).",
            "PFS from first dose to progression or death, censored at the last adequate "
            "assessment; OS censored at the last known alive date.",
            "Follow-up: median of the reverse Kaplan–Meier (censoring as event); range of observed OS times.",
        ),
        zero_count_text=None,
    )
    return TableResult(tidy(rec), spec, notes=(f"KM {options.km_conf_type} CIs; SAS median rule.",))


def _followup_median(time: np.ndarray, event: np.ndarray, options: ReportOptions) -> float:
    """Median follow-up by the method the options name (see ``ReportOptions.followup_method``)."""
    if options.followup_method == "observed":
        return float(np.median(time))
    return median_followup(time, event, options.km_conf_type)
