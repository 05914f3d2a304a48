"""RECIST 1.1 response from lesion measurements: :func:`assess`.

Eisenhauer EA et al., New response evaluation criteria in solid tumours: revised RECIST
guideline (version 1.1). Eur J Cancer 2009;45:228-247. Everything is vectorised across
subjects and visits (100,000 subjects x 8 assessments x 5 lesions in a few seconds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.clinical.recist._prepare import prepare
from earlyphase.clinical.recist.best import best_response
from earlyphase.clinical.recist.options import RESPONSES, RECISTOptions
from earlyphase.clinical.recist.result import RECISTResult
from earlyphase.clinical.recist.timepoint import RULES, TimePoints, time_points
from earlyphase.errors import OptionsError, describe_problem

__all__ = ["assess"]


def _cat(codes: np.ndarray, labels: tuple[str, ...]) -> pd.Categorical:
    """Categorical column from integer codes (-1 = missing)."""
    return pd.Categorical.from_codes(codes, categories=list(labels))  # type: ignore[call-overload]


def assess(lesions: pd.DataFrame, options: RECISTOptions | None = None) -> RECISTResult:
    """Assess RECIST 1.1 response from one row per lesion per assessment.

    Parameters
    ----------
    lesions : DataFrame
        Columns ``subject_id``, ``day`` (study day; each subject's first assessment is the
        baseline), ``lesion_id``, ``lesion_class`` (``target`` | ``non-target`` | ``new``),
        ``is_node`` (bool; nodes are measured by their short axis), ``diameter_mm`` (targets:
        longest diameter, or short axis for nodes; 0 = disappeared; NaN = not evaluable),
        ``status`` (non-target: ``present`` | ``absent`` | ``unequivocal-progression`` |
        ``not-evaluated``; new: ``present`` | ``equivocal``; ignored for targets) and
        optionally ``organ`` (then at most 2 targets per organ are allowed).
    options : RECISTOptions, optional
        Confirmation and minimum SD time; defaults ``RECISTOptions()``.

    Returns
    -------
    RECISTResult
        ``by_visit`` and ``best`` tables (see :class:`RECISTResult`).

    Notes
    -----
    Rules (sections of Eisenhauer 2009):

    * Sum of diameters (§4.2): non-nodal longest diameters plus nodal short axes; a node keeps
      adding its short axis after it shrinks below 10 mm.
    * Target response (§4.3.1): CR = every non-nodal target 0 and every nodal target < 10 mm
      (the sum may be > 0); PD = sum >= 20% above the nadir (smallest earlier sum, baseline
      included) and >= 5 mm above it; PR = sum >= 30% below baseline; otherwise SD. CR is
      checked first: nodes below 10 mm are normal (§4.3.2), so a rise among normal nodes is
      not PD. Comparisons are exact up to 1e-9 mm of float noise.
    * A target not measured (NaN or no row) makes the target response NE unless the measured
      targets alone already show PD (§4.4.2); such sums do not update the nadir.
    * Non-target (§4.3.3): any unequivocal progression = PD; else any lesion not evaluated
      (or without a row) = NE; all absent = CR (nodes: absent = normal size); else
      NON-CR/NON-PD.
    * New lesions (§4.3.5): a present new lesion is PD. An equivocal one is PD only when the
      same ``lesion_id`` is ``present`` at a later assessment, and the PD is then dated at the
      assessment where it was first seen.
    * Overall response: Table 1 with target disease, Table 2 without.
    * Best overall response: see :mod:`earlyphase.clinical.recist.best`.
    """
    if options is None:
        options = RECISTOptions()
    if not isinstance(options, RECISTOptions):
        raise OptionsError(describe_problem("options", type(options).__name__, "RECISTOptions"))
    les = prepare(lesions)
    tp = time_points(les)
    best = best_response(tp, options)
    return RECISTResult(
        by_visit=_by_visit(les.subject_ids, tp),
        best=pd.DataFrame(
            {
                "subject_id": les.subject_ids,
                "best_response": _cat(best["best"], RESPONSES),
                "best_response_day": best["best_response_day"],
                "progression_day": best["progression_day"],
                "first_response_day": best["first_response_day"],
                "has_target_disease": tp.has_target,
            }
        ),
        options=options,
    )


def _by_visit(subject_ids: np.ndarray, tp: TimePoints) -> pd.DataFrame:
    rows = np.nonzero(tp.exists)
    sld, nadir = tp.sld[rows], tp.nadir[rows]
    base = tp.baseline_sld[rows[0]]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct_base = 100.0 * (sld - base) / base
        pct_nadir = np.where(nadir > 0, 100.0 * (sld - nadir) / nadir, np.nan)
    return pd.DataFrame(
        {
            "subject_id": subject_ids[rows[0]],
            "day": tp.day[rows],
            "baseline": rows[1] == 0,
            "target_response": _cat(tp.target[rows], RESPONSES),
            "non_target_response": _cat(tp.non_target[rows], RESPONSES),
            "new_lesions": _cat(
                np.where(rows[1] == 0, -1, tp.new[rows]), ("NO", "YES", "EQUIVOCAL")
            ),
            "overall_response": _cat(tp.overall[rows], RESPONSES),
            "sld_mm": sld,
            "nadir_mm": nadir,
            "pct_change_baseline": pct_base,
            "pct_change_nadir": pct_nadir,
            "rule": _cat(tp.rule[rows], RULES),
        }
    )
