"""Table 1: demographics and baseline characteristics by arm and overall, for any trial.

The generic part (age, sex, race/ethnicity, baseline weight and ECOG when ADSL has them)
is followed by the disease block of the trial's disease module when ADSL carries its
variables (multiple myeloma: :mod:`.demographics_myeloma`).  Continuous variables: median
(range); categorical: n (%) of the column's N.  Layout of the shared rows as in Chari et
al., Cancer 2021;127:1816-1826, Table 1 (Hispanic or Latino its own category, the race
categories counting non-Hispanic patients).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.report._methods import describe
from earlyphase.report.spec import RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables import demographics_myeloma as myeloma
from earlyphase.report.tables._common import (
    ARM_HEADER,
    column_specs,
    count_pct,
    groups,
    population,
    require,
)

__all__ = ["REQUIRES", "demographics_table"]

REQUIRES = {"ADSL": ("USUBJID", "TRT01A", "TRT01AN", "AGE", "SEX", "RACE")}

_RACES = (
    ("WHITE", "White"),
    ("ASIAN", "Asian"),
    ("BLACK OR AFRICAN AMERICAN", "Black or African American"),
)
_OTHER = ("OTHER", "Other")
_NP = "{n} ({pct:0})"


def _races(adsl: pd.DataFrame) -> list[tuple[str, str]]:
    """The paper's race rows, then any other race present (title case), then Other."""
    known = {code for code, _ in (*_RACES, _OTHER)}
    present = sorted(set(adsl["RACE"].dropna().astype("str").str.upper()) - known - {""})
    return [*_RACES, *((r, r.title()) for r in present), _OTHER]


def _column(
    sub: pd.DataFrame, key: str, races: list[tuple[str, str]], rec: list, disease: bool
) -> None:
    n = len(sub)
    for stat, value in describe(pd.to_numeric(sub["AGE"], errors="coerce").to_numpy()).items():
        rec.append(("age", key, stat, value))
    male, female = float((sub["SEX"] == "M").sum()), float((sub["SEX"] == "F").sum())
    rec += [("sex", key, "male", male), ("sex", key, "female", female)]
    rec.append(("sex", key, "pct_male", 100.0 * male / n if n else np.nan))
    race = sub["RACE"].astype("string").str.upper().fillna("")
    hispanic = np.zeros(n, bool)
    if "ETHNIC" in sub.columns:
        ethnic = sub["ETHNIC"].astype("string").str.upper()
        hispanic = (ethnic == "HISPANIC OR LATINO").fillna(False).to_numpy(bool)
        count_pct(rec, "ethnic_hispanic", key, int(hispanic.sum()), n)
    for code, _ in races:
        hit = (race == code).to_numpy(bool) & ~hispanic
        count_pct(rec, f"race_{code}", key, int(hit.sum()), n)
    if "WEIGHTBL" in sub.columns:
        weight = pd.to_numeric(sub["WEIGHTBL"], errors="coerce").to_numpy()
        for stat, value in describe(weight).items():
            rec.append(("weightbl", key, stat, value))
    if "ECOGBL" in sub.columns:
        ecog = pd.to_numeric(sub["ECOGBL"], errors="coerce")
        for score in sorted(pd.to_numeric(sub["ECOGBL"], errors="coerce").dropna().unique()):
            count_pct(rec, f"ecog_{score:g}", key, int((ecog == score).sum()), n)
    if disease:
        myeloma.myeloma_records(sub, key, rec)


def _rows(adsl: pd.DataFrame, races: list[tuple[str, str]], disease: bool) -> list[RowSpec]:
    rows = [RowSpec("age", "Age, median (range), y", "{median:0} ({min:0}-{max:0})")]
    rows.append(RowSpec("sex", "Male/female, No.", "{male}/{female}"))
    rows.append(RowSpec("race", "Race/ethnicity, No. (%)"))
    rows += [RowSpec(f"race_{c}", label, _NP, 1) for c, label in races[:2]]
    if "ETHNIC" in adsl.columns:
        rows.append(RowSpec("ethnic_hispanic", "Hispanic or Latino", _NP, 1))
    rows += [RowSpec(f"race_{c}", label, _NP, 1) for c, label in races[2:]]
    if "WEIGHTBL" in adsl.columns and adsl["WEIGHTBL"].notna().any():
        rows.append(
            RowSpec("weightbl", "Weight, median (range), kg", "{median:1} ({min:1}-{max:1})")
        )
    if "ECOGBL" in adsl.columns:
        rows.append(RowSpec("ecog", "ECOG performance status, No. (%)"))
        scores = sorted(pd.to_numeric(adsl["ECOGBL"], errors="coerce").dropna().unique())
        rows += [RowSpec(f"ecog_{s:g}", f"{s:g}", _NP, 1) for s in scores]
    if disease:
        rows += myeloma.myeloma_rows()
    return rows


def demographics_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Compute Table 1 on the safety population (``SAFFL == "Y"``) of ``adam["ADSL"]``."""
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "SAFFL")
    disease = set(myeloma.VARIABLES) <= set(adsl.columns)
    grps = groups(adsl)
    races = _races(adsl)
    rec: list[tuple[str, str, str, float]] = []
    for g in grps:
        _column(adsl[adsl["USUBJID"].isin(g.subjects)], g.key, races, rec, disease)
    footnotes = [
        "Safety population (SAFFL = Y). Percentages use the column N unless stated.",
        "Race/ethnicity: Hispanic or Latino ethnicity (ETHNIC) is its own category; the race "
        "categories (RACE) count non-Hispanic patients.",
    ]
    if disease:
        footnotes += myeloma.FOOTNOTES
    spec = TableSpec(
        table_id="table1_demographics",
        title="Table 1. Patient Demographics and Baseline Characteristics",
        columns=column_specs(grps, ARM_HEADER),
        rows=tuple(_rows(adsl, races, disease)),
        stub_header="Characteristic",
        footnotes=tuple(footnotes),
    )
    block = "; multiple-myeloma block" if disease else "; no disease block"
    return TableResult(
        tidy(rec), spec, notes=(f"Table 1: safety population; medians are sample medians{block}.",)
    )
