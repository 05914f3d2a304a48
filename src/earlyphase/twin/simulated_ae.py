"""AE and SUPPAE of a simulated trial: the DLTs of the escalation and expansion, and the
scenario's non-DLT adverse events by dose level.

Which patient has which event is the whole-trial simulation's draw (the same random numbers as
the trial's row in :func:`earlyphase.twin.simulate_trials`); this module only places the events
in time and grades them:

* a DLT is one of the scenario's ``dlt_terms`` (chosen uniformly), grade 3 (70 %) or 4, related,
  starting within the protocol's DLT window (study days 2 .. window); SUPPAE ``AEDLT = "Y"``;
* a non-DLT event is grade 1-2 with onset on treatment (study day 1 to the last dose day, at most
  one year), or — when drawn as grade >= 3 — grade 3 with onset after the DLT window (a grade 3
  event inside the window would have been a DLT); serious events have ``AESER = "Y"``;
  relatedness follows the scenario entry (RELATED / NOT RELATED).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from earlyphase.twin._common import usubjid
from earlyphase.twin.adverse_events import AE_COLUMNS

__all__ = ["simulated_adverse_events"]


def _row(studyid: str, subj: int, first: pd.Timestamp, term: Any, **kw: Any) -> dict[str, Any]:
    start = first + pd.Timedelta(days=int(kw["day"]) - 1)
    return {
        "STUDYID": studyid,
        "DOMAIN": "AE",
        "USUBJID": usubjid(subj),
        "AETERM": term.term.upper(),
        "AEDECOD": term.term,
        "AEBODSYS": term.soc,
        "AECAT": "",
        "AESER": kw.get("serious", "N"),
        "AEREL": kw["rel"],
        "AETOXGR": str(kw["grade"]),
        "AESTDTC": start.strftime("%Y-%m-%d"),
        "AEENDTC": (start + pd.Timedelta(days=int(kw["duration"]))).strftime("%Y-%m-%d"),
        "AESTDY": int(kw["day"]),
        "_DLT": kw.get("dlt", False),
    }


def simulated_adverse_events(
    plan: pd.DataFrame,
    draw: dict[str, Any],
    scenario: Any,
    window_days: int,
    last_dose: dict[int, int],
    studyid: str,
    rng: np.random.Generator,
) -> dict[str, pd.DataFrame]:
    """AE and SUPPAE of one simulated trial (``draw`` from ``draw_trials`` for that trial)."""
    rows: list[dict[str, Any]] = []
    for p in plan.to_dict("records"):
        subj, j, first = int(p["subj"]), int(p["slot"]), pd.Timestamp(p["first_dose"])
        last = max(1, min(int(last_dose.get(subj, 1)), 365))
        if draw["dlt"][0, j]:
            term = scenario.dlt_terms[int(rng.integers(len(scenario.dlt_terms)))]
            day = int(rng.integers(2, max(3, window_days + 1)))
            grade = 3 if rng.random() < 0.7 else 4
            rows.append(
                _row(
                    studyid,
                    subj,
                    first,
                    term,
                    day=day,
                    grade=grade,
                    rel="RELATED",
                    duration=int(rng.integers(3, 15)),
                    dlt=True,
                )  # fmt: skip
            )
        for k, ae in enumerate(scenario.adverse_events):
            if not draw["ae"][0, j, k]:
                continue
            severe = bool(draw["ae_grade3"][0, j, k])
            lo = window_days + 1 if severe else 1
            day = int(rng.integers(lo, max(lo + 1, last + 1)))
            rows.append(
                _row(
                    studyid,
                    subj,
                    first,
                    ae,
                    day=day,
                    grade=3 if severe else int(rng.integers(1, 3)),
                    rel="RELATED" if ae.related else "NOT RELATED",
                    serious="Y" if draw["ae_serious"][0, j, k] else "N",
                    duration=int(rng.integers(2, 29)),
                )
            )
    ae_df = pd.DataFrame(rows, columns=[*AE_COLUMNS, "_DLT"])
    ae_df = ae_df.sort_values(["USUBJID", "AESTDTC", "AEDECOD"], kind="stable")
    ae_df = ae_df.reset_index(drop=True)
    ae_df.insert(3, "AESEQ", ae_df.groupby("USUBJID").cumcount().astype(np.int64) + 1)
    dlt = ae_df[ae_df["_DLT"].astype(bool)]
    supp = pd.DataFrame(
        {
            "STUDYID": studyid,
            "RDOMAIN": "AE",
            "USUBJID": dlt["USUBJID"],
            "IDVAR": "AESEQ",
            "IDVARVAL": dlt["AESEQ"].astype(str),
            "QNAM": "AEDLT",
            "QLABEL": "Dose-Limiting Toxicity",
            "QVAL": "Y",
            "QORIG": "CRF",
        }
    ).reset_index(drop=True)
    return {"AE": ae_df.drop(columns="_DLT"), "SUPPAE": supp}
