"""Table 1: demographics and baseline characteristics by dose level and overall.

Layout follows Chari et al., Cancer 2021;127:1816-1826, Table 1.  Continuous variables:
median (range); categorical: n (%) of the column's N; exposed/refractory as counts
"exposed/refractory".  Cytogenetic percentages use the subjects with a known FISH result as
the denominator (stated in a footnote).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.report._methods import describe
from earlyphase.report.spec import RowSpec, TableResult, TableSpec, tidy
from earlyphase.report.tables._common import (
    column_specs,
    count_pct,
    groups,
    population,
    require,
    yes,
)

__all__ = ["REQUIRES", "demographics_table"]

REQUIRES = {
    "ADSL": (
        "USUBJID",
        "TRT01A",
        "TRT01AN",
        "AGE",
        "SEX",
        "RACE",
        "DIAGYRS",
        "MMTYPE",
        "PRIORLN",
        "PRIORSCT",
        "LENEXP",
        "LENREF",
        "POMEXP",
        "POMREF",
        "BORTEXP",
        "BORTREF",
        "CARFEXP",
        "CARFREF",
        "DUALREF",
        "BMPCBL",
        "CYTORISK",
        "GAIN1Q",
    ),
}

_CONTINUOUS = (
    ("age", "AGE", "Age, median (range), y", "{median:0} ({min:0}-{max:0})"),
    (
        "diagyrs",
        "DIAGYRS",
        "Time since diagnosis, median (range), y",
        "{median:1g} ({min:1g}-{max:1g})",
    ),
    (
        "priorln",
        "PRIORLN",
        "Prior lines of therapy, median (range), No.",
        "{median:1g} ({min:0}-{max:0})",
    ),
    (
        "bmpcbl",
        "BMPCBL",
        "Bone marrow plasma cells, median (range), %",
        "{median:1g} ({min:0}-{max:0})",
    ),
)
_RACES = (
    ("WHITE", "White"),
    ("ASIAN", "Asian"),
    ("BLACK OR AFRICAN AMERICAN", "Black or African American"),
    ("OTHER", "Other"),
)
_MMTYPES = (("IGG", "IgG"), ("IGA", "IgA"), ("LIGHT CHAIN", "Light chain only"))
_DRUGS = (
    ("len", "LEN", "Len"),
    ("pom", "POM", "Pom"),
    ("bort", "BORT", "Bort"),
    ("k", "CARF", "K"),
)
_NP = "{n} ({pct:0})"


def demographics_table(adam: Mapping[str, pd.DataFrame]) -> TableResult:
    """Compute Table 1 on the safety population (``SAFFL == "Y"``) of ``adam["ADSL"]``."""
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "SAFFL")
    grps = groups(adsl)
    rec: list[tuple[str, str, str, float]] = []
    for g in grps:
        sub = adsl[adsl["USUBJID"].isin(g.subjects)]
        n = len(sub)
        for key, var, _label, _tpl in _CONTINUOUS:
            for stat, value in describe(
                pd.to_numeric(sub[var], errors="coerce").to_numpy()
            ).items():
                rec.append((key, g.key, stat, value))
        rec.append(("sex", g.key, "male", float((sub["SEX"] == "M").sum())))
        rec.append(("sex", g.key, "female", float((sub["SEX"] == "F").sum())))
        rec.append(("sex", g.key, "pct_male", 100.0 * float((sub["SEX"] == "M").sum()) / n))
        race = sub["RACE"].astype("string").str.upper().fillna("")
        hispanic = np.zeros(n, bool)
        if "ETHNIC" in sub.columns:
            ethnic = sub["ETHNIC"].astype("string").str.upper()
            hispanic = (ethnic == "HISPANIC OR LATINO").fillna(False).to_numpy(bool)
            count_pct(rec, "ethnic_hispanic", g.key, int(hispanic.sum()), n)
        # the paper's race/ethnicity categories: Hispanic first, the others non-Hispanic
        for code, _ in _RACES:
            count_pct(
                rec,
                f"race_{code}",
                g.key,
                int(((race == code).to_numpy(bool) & ~hispanic).sum()),
                n,
            )
        mmtype = sub["MMTYPE"].astype("string").str.upper().fillna("")
        for code, _ in _MMTYPES:
            count_pct(rec, f"mmtype_{code}", g.key, int((mmtype == code).sum()), n)
        count_pct(rec, "priorsct", g.key, int(yes(sub["PRIORSCT"]).sum()), n)
        for key, var, _ in _DRUGS:
            rec.append((f"{key}_exp_ref", g.key, "exposed", float(yes(sub[f"{var}EXP"]).sum())))
            refractory = float(yes(sub[f"{var}REF"]).sum())
            rec.append((f"{key}_exp_ref", g.key, "refractory", refractory))
            rec.append((f"{key}_exp_ref", g.key, "refractory_pct", 100.0 * refractory / n))
        count_pct(rec, "dualref", g.key, int(yes(sub["DUALREF"]).sum()), n)
        cyto = sub["CYTORISK"].astype("string").str.upper().fillna("")
        known = int((cyto.isin(["HIGH", "STANDARD"])).sum())
        count_pct(rec, "cyto_high", g.key, int((cyto == "HIGH").sum()), known)
        gain = yes(sub["GAIN1Q"]) & (cyto != "HIGH").to_numpy(dtype=bool)
        count_pct(rec, "gain1q", g.key, int(gain.sum()), known)
    rows = [RowSpec(k, label, tpl) for k, _v, label, tpl in _CONTINUOUS[:1]]
    rows.append(RowSpec("sex", "Male/female, No.", "{male}/{female}"))
    rows.append(RowSpec("race", "Race/ethnicity, No. (%)"))
    rows += [RowSpec(f"race_{c}", label, _NP, 1) for c, label in _RACES[:2]]
    if "ETHNIC" in adsl.columns:
        rows.append(RowSpec("ethnic_hispanic", "Hispanic or Latino", _NP, 1))
    rows += [RowSpec(f"race_{c}", label, _NP, 1) for c, label in _RACES[2:]]
    rows.append(RowSpec(*_CONTINUOUS[1][0:1], _CONTINUOUS[1][2], _CONTINUOUS[1][3]))
    rows.append(RowSpec("mmtype", "Myeloma type at diagnosis, No. (%)"))
    rows += [RowSpec(f"mmtype_{c}", label, _NP, 1) for c, label in _MMTYPES]
    rows.append(RowSpec(_CONTINUOUS[2][0], _CONTINUOUS[2][2], _CONTINUOUS[2][3]))
    rows.append(RowSpec("priorsct", "Previous stem cell transplant, No. (%)", _NP))
    rows.append(RowSpec("refr", "Refractoriness to therapy, exposed/refractory, No."))
    rows += [RowSpec(f"{k}_exp_ref", label, "{exposed}/{refractory}", 1) for k, _v, label in _DRUGS]
    rows.append(RowSpec("dualref", "Dual refractory (IMiD + PI), No. (%)", _NP))
    rows.append(RowSpec(_CONTINUOUS[3][0], _CONTINUOUS[3][2], _CONTINUOUS[3][3]))
    rows.append(RowSpec("cyto", "Cytogenetics/FISH at study entry, No. (%)"))
    rows.append(RowSpec("cyto_high", "High risk (del(17p), t(4;14), t(14;16))", _NP, 1))
    rows.append(RowSpec("gain1q", "1q gain (without high-risk abnormality)", _NP, 1))
    spec = TableSpec(
        table_id="table1_demographics",
        title="Table 1. Patient Demographics and Baseline Characteristics",
        columns=column_specs(grps, "Isatuximab dose"),
        rows=tuple(rows),
        stub_header="Characteristic",
        footnotes=(
            "Safety population (SAFFL = Y). Percentages use the column N except cytogenetics, "
            "whose denominator is the patients with a known FISH result.",
            "Race/ethnicity as in the paper: Hispanic or Latino ethnicity (ETHNIC) is its own "
            "category; the race categories (RACE) count non-Hispanic patients.",
            "Abbreviations: Bort, bortezomib; IMiD, immunomodulatory drug; K, carfilzomib; "
            "Len, lenalidomide; PI, proteasome inhibitor; Pom, pomalidomide.",
        ),
    )
    return TableResult(
        tidy(rec), spec, notes=("Table 1: safety population; medians are sample medians.",)
    )
