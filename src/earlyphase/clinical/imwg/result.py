"""The result of an IMWG assessment: per-visit and per-subject tables."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from earlyphase.clinical.imwg.options import IMWGOptions
from earlyphase.clinical.vocabulary import RESPONSE_ORDER

__all__ = ["IMWGResult"]


@dataclass(frozen=True)
class IMWGResult:
    """IMWG response per assessment and per subject.

    Attributes
    ----------
    by_visit : DataFrame
        One row per subject and assessment (the collapsed baseline first, ``baseline`` True):
        ``subject_id, day, baseline, category`` (unconfirmed, per assessment),
        ``confirmed_category`` (best confirmed category so far; "PD" from the first of the two
        assessments confirming progression; "NE" while nothing is confirmed),
        ``pd_confirmed`` (the first assessment of a confirmed progression), ``reasons``, and
        audit columns (percent reductions from baseline, nadirs, dFLC, FLC ratio).
    best : DataFrame
        One row per subject: ``subject_id, best_response, first_response_day,
        best_response_day, progression_day, measurable`` (which disease was measurable at
        baseline: serum+urine, serum, urine, flc, marrow or none).
    options : IMWGOptions
        The options used.
    """

    by_visit: pd.DataFrame
    best: pd.DataFrame
    options: IMWGOptions

    def to_frame(self) -> pd.DataFrame:
        """Long tidy table in ADRS style: one row per subject and parameter.

        ``param`` is ``"OVR"`` (per-assessment category), ``"CONFRESP"`` (confirmed category)
        or ``"BOR"`` (best overall response, ``day`` = best response day); ``category`` and
        ``rank`` (sCR = 1 ... NE = 8, as ADRS ``AVAL``).
        """
        visits = self.by_visit[~self.by_visit["baseline"]]
        ovr = visits[["subject_id", "day", "category", "reasons"]].assign(param="OVR")
        conf = (
            visits[["subject_id", "day", "confirmed_category"]]
            .rename(columns={"confirmed_category": "category"})
            .assign(param="CONFRESP", reasons="")
        )
        bor = (
            self.best[["subject_id", "best_response_day", "best_response"]]
            .rename(columns={"best_response_day": "day", "best_response": "category"})
            .assign(param="BOR", reasons="")
        )
        out = pd.concat([ovr, conf, bor], ignore_index=True)
        rank = {c: i + 1 for i, c in enumerate(RESPONSE_ORDER)}
        out["rank"] = out["category"].map(rank).astype("Int64")
        return out[["subject_id", "param", "day", "category", "rank", "reasons"]]
