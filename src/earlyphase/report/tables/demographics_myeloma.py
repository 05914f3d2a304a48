"""The multiple-myeloma block of Table 1 (disease module ``"multiple-myeloma"``).

Layout follows Chari et al., Cancer 2021;127:1816-1826, Table 1: time since diagnosis,
myeloma type, prior lines, prior transplant, exposed/refractory counts, dual refractoriness,
marrow plasma cells and cytogenetics (denominator: patients with a known FISH result).
The block is added to Table 1 when ADSL carries its variables (:data:`VARIABLES`).
"""

from __future__ import annotations

import pandas as pd

from earlyphase.report._methods import describe
from earlyphase.report.spec import RowSpec
from earlyphase.report.tables._common import count_pct, yes

__all__ = ["FOOTNOTES", "VARIABLES", "myeloma_records", "myeloma_rows"]

VARIABLES = (
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
)
_CONTINUOUS = (
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
_MMTYPES = (("IGG", "IgG"), ("IGA", "IgA"), ("LIGHT CHAIN", "Light chain only"))
_DRUGS = (
    ("len", "LEN", "Len"),
    ("pom", "POM", "Pom"),
    ("bort", "BORT", "Bort"),
    ("k", "CARF", "K"),
)
_NP = "{n} ({pct:0})"
FOOTNOTES = (
    "Cytogenetic percentages use the patients with a known FISH result as denominator.",
    "Abbreviations: Bort, bortezomib; IMiD, immunomodulatory drug; K, carfilzomib; "
    "Len, lenalidomide; PI, proteasome inhibitor; Pom, pomalidomide.",
)


def myeloma_records(sub: pd.DataFrame, key: str, rec: list[tuple[str, str, str, float]]) -> None:
    """Append the block's statistics for one column (``sub``: its ADSL rows)."""
    n = len(sub)
    for row, var, _label, _tpl in _CONTINUOUS:
        for stat, value in describe(pd.to_numeric(sub[var], errors="coerce").to_numpy()).items():
            rec.append((row, key, stat, value))
    mmtype = sub["MMTYPE"].astype("string").str.upper().fillna("")
    for code, _ in _MMTYPES:
        count_pct(rec, f"mmtype_{code}", key, int((mmtype == code).sum()), n)
    count_pct(rec, "priorsct", key, int(yes(sub["PRIORSCT"]).sum()), n)
    for row, var, _ in _DRUGS:
        rec.append((f"{row}_exp_ref", key, "exposed", float(yes(sub[f"{var}EXP"]).sum())))
        refractory = float(yes(sub[f"{var}REF"]).sum())
        rec.append((f"{row}_exp_ref", key, "refractory", refractory))
        rec.append((f"{row}_exp_ref", key, "refractory_pct", 100.0 * refractory / n))
    count_pct(rec, "dualref", key, int(yes(sub["DUALREF"]).sum()), n)
    cyto = sub["CYTORISK"].astype("string").str.upper().fillna("")
    known = int((cyto.isin(["HIGH", "STANDARD"])).sum())
    count_pct(rec, "cyto_high", key, int((cyto == "HIGH").sum()), known)
    gain = yes(sub["GAIN1Q"]) & (cyto != "HIGH").to_numpy(dtype=bool)
    count_pct(rec, "gain1q", key, int(gain.sum()), known)


def myeloma_rows() -> list[RowSpec]:
    """The block's rows in the paper's order."""
    diag, priorln, bmpc = (RowSpec(k, label, tpl) for k, _v, label, tpl in _CONTINUOUS)
    rows = [diag, RowSpec("mmtype", "Myeloma type at diagnosis, No. (%)")]
    rows += [RowSpec(f"mmtype_{c}", label, _NP, 1) for c, label in _MMTYPES]
    rows.append(priorln)
    rows.append(RowSpec("priorsct", "Previous stem cell transplant, No. (%)", _NP))
    rows.append(RowSpec("refr", "Refractoriness to therapy, exposed/refractory, No."))
    rows += [RowSpec(f"{k}_exp_ref", label, "{exposed}/{refractory}", 1) for k, _v, label in _DRUGS]
    rows.append(RowSpec("dualref", "Dual refractory (IMiD + PI), No. (%)", _NP))
    rows.append(bmpc)
    rows.append(RowSpec("cyto", "Cytogenetics/FISH at study entry, No. (%)"))
    rows.append(RowSpec("cyto_high", "High risk (del(17p), t(4;14), t(14;16))", _NP, 1))
    rows.append(RowSpec("gain1q", "1q gain (without high-risk abnormality)", _NP, 1))
    return rows
