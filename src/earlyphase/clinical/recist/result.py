"""The result of a RECIST 1.1 assessment: per-visit and per-subject tables."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from earlyphase.clinical.recist.options import RESPONSES, RECISTOptions

__all__ = ["RECISTResult"]


@dataclass(frozen=True)
class RECISTResult:
    """RECIST 1.1 response per assessment and per subject.

    Attributes
    ----------
    by_visit : DataFrame
        One row per subject and assessment day (baseline first, ``baseline`` True):
        ``subject_id, day, baseline, target_response, non_target_response, new_lesions``
        (``"YES"``, ``"NO"``, ``"EQUIVOCAL"`` = equivocal and not confirmed later),
        ``overall_response``, ``sld_mm`` (sum of diameters; NaN when a target was not
        measured), ``nadir_mm`` (smallest earlier sum, baseline included: the reference for
        PD at this visit), ``pct_change_baseline``, ``pct_change_nadir`` and ``rule`` (the rule
        that decided the overall response, with the paper's section or table). Responses are
        missing (None) at baseline, and target/non-target responses are missing for a subject
        without that kind of disease.
    best : DataFrame
        One row per subject: ``subject_id, best_response`` (CR, PR, SD, NON-CR/NON-PD, PD,
        NE), ``best_response_day`` (the assessment that gave it: first counted CR/PR, first
        SD/NON-CR/NON-PD after ``min_sd_days``, the PD; NaN for NE), ``progression_day`` (first PD; NaN if none), ``first_response_day`` (first CR/PR
        counted for the best response; NaN if none), ``has_target_disease``.
    options : RECISTOptions
    """

    by_visit: pd.DataFrame
    best: pd.DataFrame
    options: RECISTOptions

    def to_frame(self) -> pd.DataFrame:
        """Long tidy table: one row per subject and parameter.

        ``param`` is ``"OVR"`` (overall response per post-baseline assessment) or ``"BOR"``
        (best overall response, ``day`` = ``best_response_day``);
        ``response`` and ``rank`` (CR = 1 ... NE = 6).
        """
        visits = self.by_visit[~self.by_visit["baseline"]]
        ovr = visits[["subject_id", "day", "overall_response", "rule"]].rename(
            columns={"overall_response": "response"}
        )
        best = self.best.assign(day=self.best["best_response_day"], rule="")[
            ["subject_id", "day", "best_response", "rule"]
        ].rename(columns={"best_response": "response"})
        out = pd.concat([ovr.assign(param="OVR"), best.assign(param="BOR")], ignore_index=True)
        out["rank"] = out["response"].map({r: i + 1 for i, r in enumerate(RESPONSES)})
        return out[["subject_id", "param", "day", "response", "rank", "rule"]]
