"""Entry point of the IMWG assessment: validate, categorise, confirm, summarise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.clinical.imwg._prepare import prepare_visits
from earlyphase.clinical.imwg.categorise import PD, categorise
from earlyphase.clinical.imwg.confirm import confirm
from earlyphase.clinical.imwg.options import IMWGOptions
from earlyphase.clinical.imwg.result import IMWGResult
from earlyphase.clinical.vocabulary import RESPONSE_ORDER
from earlyphase.errors import OptionsError, describe_problem

__all__ = ["assess"]

_LABELS = np.array([*RESPONSE_ORDER, None], dtype=object)  # index -1 -> None (baseline)


def _labels(rank: np.ndarray) -> np.ndarray:
    return _LABELS[np.where(rank < 0, len(RESPONSE_ORDER), rank)]


def assess(visits: pd.DataFrame, options: IMWGOptions | None = None) -> IMWGResult:
    """Assess multiple-myeloma response by the IMWG uniform response criteria.

    Parameters
    ----------
    visits : DataFrame
        One row per subject and assessment: ``subject_id``, ``day`` (study day; rows with
        ``day <= 0`` are baseline, otherwise the earliest row) and any of
        ``serum_m_protein`` (g/dL), ``urine_m_protein`` (mg/24 h), ``kappa_flc`` and
        ``lambda_flc`` (mg/dL), ``serum_ife`` and ``urine_ife`` (positive/negative),
        ``bm_plasma_cells`` (%), ``clonal_pc`` (positive/negative), ``plasmacytoma_spd``
        (sum of products of diameters) and ``new_lesion`` (yes/no). Missing columns or cells
        mean "not assessed".
    options : IMWGOptions, optional
        Thresholds and conventions; default ``IMWGOptions()``.

    Returns
    -------
    IMWGResult
        ``by_visit`` and ``best`` tables (see :class:`IMWGResult`).

    Raises
    ------
    DataError
        Missing ``subject_id``/``day``, text in numeric columns, negative values, unknown
        positive/negative codes, or two assessments of one subject on one day.

    References
    ----------
    Kumar S et al. International Myeloma Working Group consensus criteria for response and
    minimal residual disease assessment in multiple myeloma. Lancet Oncol 2016;17:e328-46.
    Rajkumar SV et al. Blood 2011;117:4691-5 (minimal response adopted from EBMT).
    Bladé J et al. Br J Haematol 1998;102:1115-23 (EBMT criteria, minimal response).
    Durie BGM et al. Leukemia 2006;20:1467-73.
    """
    opts = IMWGOptions() if options is None else options
    if not isinstance(opts, IMWGOptions):
        raise OptionsError(describe_problem("options", type(opts).__name__, "an IMWGOptions"))
    prep = prepare_visits(visits)
    cat = categorise(prep, opts)
    frame = prep.frame
    day = frame["day"].to_numpy(dtype=float)
    n_subjects = int(prep.group.max()) + 1
    conf = confirm(prep.group, day, cat.rank, cat.pd_immediate, n_subjects, opts)

    reasons = cat.reasons.copy()
    is_base = frame["is_baseline"].to_numpy()
    reasons[is_base] = "baseline"
    unconfirmed_pd = (cat.rank == PD) & (conf.state != PD)
    reasons[unconfirmed_pd] = reasons[unconfirmed_pd] + "; PD not confirmed by the next assessment"
    by_visit = pd.DataFrame(
        {
            "subject_id": frame["subject_id"].to_numpy(),
            "day": day,
            "baseline": is_base,
            "category": _labels(cat.rank),
            "confirmed_category": _labels(conf.state),
            "pd_confirmed": conf.pd_confirmed,
            "reasons": reasons,
        }
    )
    by_visit = pd.concat([by_visit, cat.audit], axis=1)

    subjects = frame["subject_id"].to_numpy()[
        prep.first[np.r_[0, np.flatnonzero(np.diff(prep.group)) + 1]]
    ]
    best = pd.DataFrame(
        {
            "subject_id": subjects,
            "best_response": _LABELS[conf.best],
            "first_response_day": conf.first_response_day,
            "best_response_day": conf.best_response_day,
            "progression_day": conf.progression_day,
            "measurable": cat.measurable[np.r_[0, np.flatnonzero(np.diff(prep.group)) + 1]],
        }
    )
    if np.all(day == np.round(day)):
        by_visit["day"] = by_visit["day"].astype("int64")
        for col in ("first_response_day", "best_response_day", "progression_day"):
            best[col] = best[col].astype("Int64")
    return IMWGResult(by_visit=by_visit, best=best, options=opts)
