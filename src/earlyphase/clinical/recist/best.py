"""Best overall response across time points (paper §4.4.3 and Table 3; §4.6 confirmation).

Only assessments up to and including the first PD count. Without confirmation the best
time-point response wins (CR > PR > SD > NON-CR/NON-PD > PD > NE), SD and NON-CR/NON-PD only
once ``min_sd_days`` have passed since the start of treatment. With confirmation a CR needs a
later CR, a PR a later CR or PR, at least ``confirm_days`` after it with only responses of the
same kind (or at most ``max_ne_between`` NE) in between -- admiralonco's
``derive_param_confirmed_bor`` conventions; an unconfirmed CR or PR counts as SD (Table 3).
"""

from __future__ import annotations

import numpy as np

from earlyphase.clinical.recist.options import RECISTOptions
from earlyphase.clinical.recist.timepoint import CR, NE, NONCRNONPD, PD, PR, SD, TimePoints

__all__ = ["best_response"]


def _elapsed(day: np.ndarray) -> np.ndarray:
    """Days since the start of treatment: study day d >= 1 is d - 1 days after day 1."""
    return np.where(day >= 1, day - 1, day)


def _confirmed(
    resp: np.ndarray, day: np.ndarray, first: tuple[int, ...], options: RECISTOptions
) -> np.ndarray:
    """(S, V) mask: a response in ``first`` confirmed by a later one in ``first``."""
    s, v = resp.shape
    ok = np.isin(resp, first)
    out = np.zeros((s, v), dtype=bool)
    for i in range(1, v):
        alive = ok[:, i].copy()
        n_ne = np.zeros(s, dtype=int)
        for j in range(i + 1, v):
            if not alive.any():
                break
            far = day[:, j] - day[:, i] >= options.confirm_days
            out[:, i] |= alive & ok[:, j] & far
            n_ne += resp[:, j] == NE
            alive &= (ok[:, j] | (resp[:, j] == NE)) & (n_ne <= options.max_ne_between)
    return out


def best_response(tp: TimePoints, options: RECISTOptions) -> dict[str, np.ndarray]:
    """Best overall response code and its day, progression day and first response day."""
    resp = tp.overall
    is_pd = resp == PD
    any_pd = is_pd.any(axis=1)
    first_pd = np.where(any_pd, is_pd.argmax(axis=1), resp.shape[1])
    cols = np.arange(resp.shape[1])[None, :]
    valid = (cols <= first_pd[:, None]) & (resp >= 0)
    resp = np.where(valid, resp, -1)
    late = _elapsed(tp.day) >= options.min_sd_days
    has_t = tp.has_target[:, None]
    stable = np.where(has_t, np.isin(resp, (CR, PR, SD)), np.isin(resp, (CR, NONCRNONPD)))
    if options.confirmation:
        cr = _confirmed(resp, tp.day, (CR,), options)
        pr = _confirmed(resp, tp.day, (CR, PR), options) & has_t
    else:
        cr = resp == CR
        pr = resp == PR
    stable_late = (stable & late).any(axis=1)
    best = np.select(
        [
            cr.any(axis=1),
            pr.any(axis=1),
            stable_late & tp.has_target,
            stable_late & ~tp.has_target,
            any_pd,
        ],
        [CR, PR, SD, NONCRNONPD, PD],
        NE,
    )
    responding = cr | pr
    first_resp = np.where(
        responding.any(axis=1) & np.isin(best, (CR, PR)),
        tp.day[np.arange(len(best)), responding.argmax(axis=1)],
        np.nan,
    )
    rows = np.arange(len(best))
    stable_hit = stable & late
    best_day = np.select(
        [np.isin(best, (CR, PR)), np.isin(best, (SD, NONCRNONPD)), best == PD],
        [first_resp, tp.day[rows, stable_hit.argmax(axis=1)], np.nan],
        np.nan,
    )
    progression = np.where(
        any_pd, tp.day[np.arange(len(best)), np.minimum(first_pd, resp.shape[1] - 1)], np.nan
    )
    best_day = np.where(best == PD, progression, best_day)
    return {
        "best": best,
        "best_response_day": best_day,
        "progression_day": progression,
        "first_response_day": first_resp,
    }
