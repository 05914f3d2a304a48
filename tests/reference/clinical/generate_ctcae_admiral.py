"""Generate ``ctcae_admiral_grades.csv``: CTCAE grades computed by pharmaverse/admiral's own
grading metadata, evaluated in R, on a grid of values around every threshold.

Steps (run from the repository root; needs R >= 4 and a checkout of pharmaverse/admiral):

    python tests/reference/clinical/generate_ctcae_admiral.py /path/to/admiral [commit]

1. reads ``data-raw/adlb_grading/ncictcaev4.json`` and ``ncictcaev5.json`` of admiral (commit
   recorded in the output), and assembles each term's ``GRADE_CRITERIA_CODE`` exactly as
   admiral's ``data-raw/adlb_grading/atoxgr_sources.R`` does
   (``case_when(NA code, grade 4, 3, 2, 1, TRUE ~ "0")``);
2. writes the grid of lab values (AVAL, ANRLO, ANRHI, BASE, BNRIND) and the codes to a
   temporary folder;
3. runs ``generate_ctcae_admiral.R``, which evaluates the codes with base R (a minimal
   ``case_when``: first true clause wins, NA conditions count as false, as in dplyr) with
   ``signif_dig = 15`` (admiral's default ``signif_digits``) and ``high_indicator = "HIGH"``;
4. writes the grid and admiral's grades to ``ctcae_admiral_grades.csv`` (no admiral code or
   text is stored, only the computed grades).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
TERMS = {
    "Neutrophil count decreased": (
        "neutrophils",
        "10^9/L",
        [0.2, 0.5, 1.0, 1.5, 1.8, 2.0],
        [1.8, 2.0],
    ),
    "Platelet count decreased": ("platelets", "10^9/L", [10, 25, 50, 75, 150], [150.0]),
    "White blood cell decreased": ("wbc", "10^9/L", [0.5, 1, 2, 3, 4], [4.0]),
    "Lymphocyte count decreased": ("lymphocytes", "10^9/L", [0.1, 0.2, 0.5, 0.8, 1.0], [1.0]),
    "Anemia": ("hemoglobin", "g/L", [60, 80, 100, 120], [120.0, 130.0]),
    "Alanine aminotransferase increased": ("alt", "U/L", None, None),
    "Aspartate aminotransferase increased": ("ast", "U/L", None, None),
    "Blood bilirubin increased": ("bilirubin", "umol/L", None, None),
    "Creatinine increased": ("creatinine", "umol/L", None, None),
}


def grid() -> pd.DataFrame:
    rows = []
    for term, (test, unit, points, llns) in TERMS.items():
        if points is not None:  # low direction: values around absolute cut-offs and LLN
            values = sorted({v * f for v in points for f in (0.999, 1.0, 1.001)})
            for lln in [*llns, np.nan]:
                for v in values:
                    rows.append((term, test, unit, v, lln, np.nan, np.nan))
        else:  # high direction: multiples of ULN and of baseline
            mults = [
                0.9,
                1.0,
                1.01,
                1.2,
                1.5,
                1.51,
                2.0,
                3.0,
                3.01,
                4.0,
                5.0,
                5.01,
                6.0,
                6.01,
                10.0,
                10.01,
                15.0,
                20.0,
                20.01,
                25.0,
            ]
            uln = 40.0
            for base in (np.nan, 20.0, 40.0, 60.0, 100.0):
                for m in mults:
                    for ref in ("uln", "base"):
                        if ref == "base" and np.isnan(base):
                            continue
                        v = m * (uln if ref == "uln" else base)
                        rows.append((term, test, unit, v, np.nan, uln, base))
                rows.append((term, test, unit, 30.0, np.nan, np.nan, base))  # ULN missing
    df = pd.DataFrame(rows, columns=["term", "test", "unit", "value", "lln", "uln", "baseline"])
    return df.drop_duplicates().reset_index(drop=True)


def codes(admiral: Path, version: str) -> dict[str, str]:
    name = {"4.03": "ncictcaev4.json", "5.0": "ncictcaev5.json"}[version]
    meta = json.loads((admiral / "data-raw" / "adlb_grading" / name).read_text())
    out = {}
    for row in meta:
        if row["TERM"] not in TERMS:
            continue
        parts = [
            row.get(k)
            for k in (
                "GRADE_NA_CODE",
                "GRADE_4_CODE",
                "GRADE_3_CODE",
                "GRADE_2_CODE",
                "GRADE_1_CODE",
            )
        ]
        parts = [p for p in parts if p] + ['TRUE ~ "0"']
        out[row["TERM"]] = "case_when(" + ", ".join(parts) + ")"
    assert set(out) == set(TERMS), set(TERMS) - set(out)
    return out


def main(admiral: Path, commit: str | None = None) -> None:
    commit = (
        commit
        or subprocess.run(
            ["git", "-C", str(admiral), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )
    g = grid()
    frames = []
    with tempfile.TemporaryDirectory() as tmp:
        for version in ("4.03", "5.0"):
            c = codes(admiral, version)
            pd.DataFrame({"term": list(c), "code": list(c.values())}).to_csv(
                Path(tmp) / "codes.csv", index=False
            )
            g.to_csv(Path(tmp) / "grid.csv", index=False)
            subprocess.run(["Rscript", str(HERE / "generate_ctcae_admiral.R"), tmp], check=True)
            res = pd.read_csv(Path(tmp) / "graded.csv")
            res.insert(0, "version", version)
            res["admiral_grade"] = res["admiral_grade"].astype("Int64")
            frames.append(res)
    out = pd.concat(frames, ignore_index=True)
    header = (
        f"# CTCAE grades from pharmaverse/admiral metadata (commit {commit}) evaluated in "
        "R by generate_ctcae_admiral.R; signif_dig=15\n"
    )
    path = HERE / "ctcae_admiral_grades.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        out.to_csv(fh, index=False)
    print(f"wrote {len(out)} rows to {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)
