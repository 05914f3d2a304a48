"""Time-point response (paper §4.3-4.4.2, Tables 1 and 2), every subject and visit at once.

Arrays are ``(subjects, visits)``; column 0 is baseline. Response codes index
:data:`~earlyphase.clinical.recist.options.RESPONSES` (0 CR ... 5 NE); -1 = no visit or
baseline; non-target response -1 also means "no non-target disease".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from earlyphase.clinical.recist._prepare import (
    ABSENT,
    EQUIVOCAL,
    NEW,
    NON_TARGET,
    NOT_EVALUATED,
    PRESENT,
    TARGET,
    UPD,
    Lesions,
)

__all__ = ["RULES", "TimePoints", "time_points"]

CR, PR, SD, NONCRNONPD, PD, NE = range(6)
_EPS = 1e-9  # float noise only: 30.0% of 100 mm is a PR, 29.9% is not

#: Rule that decided each visit's overall response (index = rule code).
RULES: tuple[str, ...] = (
    "baseline",
    "new lesion (§4.3.5)",
    "equivocal new lesion confirmed later; PD dated at first sighting (§4.3.5)",
    "target PD: sum >= 20% and >= 5 mm above nadir (§4.3.1)",
    "target PD on the measured targets alone, others not assessed (§4.4.2)",
    "non-target unequivocal progression (§4.3.3)",
    "target lesion(s) not assessed (§4.4.2, Table 1)",
    "target CR and non-target CR or none (Table 1)",
    "target CR, non-target not CR or not evaluated (Table 1)",
    "target PR: sum >= 30% below baseline (§4.3.1, Table 1)",
    "target SD (§4.3.1, Table 1)",
    "non-target CR, no target disease (Table 2)",
    "non-target not evaluated, no target disease (Table 2)",
    "non-target lesions persist, no target disease (Table 2)",
)


@dataclass(frozen=True)
class TimePoints:
    """Per-visit results as ``(subjects, visits)`` arrays (see module docstring)."""

    exists: np.ndarray
    day: np.ndarray
    target: np.ndarray
    non_target: np.ndarray
    new: np.ndarray  # 0 none, 1 yes (incl. confirmed equivocal), 2 equivocal not confirmed
    overall: np.ndarray
    rule: np.ndarray
    sld: np.ndarray  # sum of diameters, NaN when a target is not measured
    nadir: np.ndarray  # reference for PD at the visit (smallest earlier complete sum)
    baseline_sld: np.ndarray  # (S,)
    has_target: np.ndarray  # (S,)


def _per_visit(les: Lesions, mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    n = len(les.visit_subject)
    w = None if weights is None else weights[mask]
    return np.bincount(les.row_visit[mask], weights=w, minlength=n)


def _grid(les: Lesions, flat: np.ndarray, fill: float) -> np.ndarray:
    out = np.full((len(les.subject_ids), les.n_visits), fill, dtype=float)
    out[les.visit_subject, les.visit_ordinal] = flat
    return out


def _confirmed_equivocal(les: Lesions) -> np.ndarray:
    """Per visit: an equivocal new lesion first seen there is present at a later visit."""
    new = les.row_class == NEW
    ordinal = les.visit_ordinal[les.row_visit]
    n_les = int(les.row_lesion.max()) + 1
    first_equivocal = np.full(n_les, np.iinfo(np.int64).max)
    eq = new & (les.row_status == EQUIVOCAL)
    np.minimum.at(first_equivocal, les.row_lesion[eq], ordinal[eq])
    last_present = np.full(n_les, -1)
    pres = new & (les.row_status == PRESENT)
    np.maximum.at(last_present, les.row_lesion[pres], ordinal[pres])
    confirmed_row = eq & (ordinal == first_equivocal[les.row_lesion])
    confirmed_row &= last_present[les.row_lesion] > ordinal
    return _per_visit(les, confirmed_row) > 0


def time_points(les: Lesions) -> TimePoints:
    """Target, non-target, new-lesion and overall response of every visit."""
    cls, d, st = les.row_class, les.row_diameter, les.row_status
    is_t = cls == TARGET
    measured = is_t & ~np.isnan(d)
    base_row = les.visit_ordinal[les.row_visit] == 0
    n_t = np.bincount(
        les.visit_subject[les.row_visit[is_t & base_row]], minlength=len(les.subject_ids)
    )
    n_nt = np.bincount(
        les.visit_subject[les.row_visit[(cls == NON_TARGET) & base_row]],
        minlength=len(les.subject_ids),
    )
    g = {
        "n_meas": _per_visit(les, measured),
        "sum": _per_visit(les, measured, d),
        "nonnodal_pos": _per_visit(les, measured & ~les.row_node & (d > 0)),
        "node_ge10": _per_visit(les, measured & les.row_node & (d >= 10)),
        "nt_rows": _per_visit(les, cls == NON_TARGET),
        "nt_upd": _per_visit(les, (cls == NON_TARGET) & (st == UPD)),
        "nt_ne": _per_visit(les, (cls == NON_TARGET) & (st == NOT_EVALUATED)),
        "nt_absent": _per_visit(les, (cls == NON_TARGET) & (st == ABSENT)),
        "new_yes": _per_visit(les, (cls == NEW) & (st == PRESENT)),
        "new_eq": _per_visit(les, (cls == NEW) & (st == EQUIVOCAL)),
    }
    grid = {k: _grid(les, v, 0.0) for k, v in g.items()}
    exists = _grid(les, np.ones(len(les.visit_subject)), 0.0) > 0
    day = _grid(les, les.visit_day.astype(float), np.nan)
    confirmed_eq = _grid(les, _confirmed_equivocal(les).astype(float), 0.0) > 0
    post = exists.copy()
    post[:, 0] = False
    target, sld, nadir, pd_rule = _target(grid, n_t[:, None], post)
    non_target = _non_target(grid, n_nt[:, None], post)
    new = np.where(
        grid["new_yes"] > 0, 1, np.where(confirmed_eq, 1, np.where(grid["new_eq"] > 0, 2, 0))
    )
    new = np.where(post, new, 0)
    overall, rule = _overall(
        target, non_target, new, grid["new_yes"] > 0, pd_rule, n_t[:, None] > 0
    )
    overall = np.where(post, overall, -1)
    rule = np.where(exists & ~post, 0, np.where(post, rule, -1))
    return TimePoints(
        exists=exists,
        day=day,
        target=np.where(post & (n_t[:, None] > 0), target, -1),
        non_target=np.where(post & (n_nt[:, None] > 0), non_target, -1),
        new=new,
        overall=overall,
        rule=rule,
        sld=np.where(exists, sld, np.nan),
        nadir=np.where(exists, nadir, np.nan),
        baseline_sld=sld[:, 0],
        has_target=n_t > 0,
    )


def _target(
    g: dict[str, np.ndarray], n_t: np.ndarray, post: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Target response (§4.3.1-4.3.2, §4.4.2), complete sums, nadirs, and which PD rule."""
    complete = (g["n_meas"] == n_t) & (n_t > 0)
    total = g["sum"]
    sld = np.where(complete, total, np.nan)
    running = np.fmin.accumulate(
        np.where(post | (np.arange(sld.shape[1]) == 0), sld, np.nan), axis=1
    )
    nadir = np.full_like(sld, np.nan)
    nadir[:, 1:] = running[:, :-1]
    nadir[:, 0] = sld[:, 0]
    baseline = sld[:, :1]
    rise = total - nadir
    pd_ = (rise >= 0.2 * nadir - _EPS) & (rise >= 5.0 - _EPS)
    cr = complete & (g["nonnodal_pos"] == 0) & (g["node_ge10"] == 0)
    pr = complete & (baseline - total >= 0.3 * baseline - _EPS)
    resp = np.select([cr, complete & pd_, pr, complete, pd_], [CR, PD, PR, SD, PD], NE)
    pd_rule = np.where(complete, 3, 4)
    return resp, sld, nadir, pd_rule


def _non_target(g: dict[str, np.ndarray], n_nt: np.ndarray, post: np.ndarray) -> np.ndarray:
    """Non-target response (§4.3.3): missing rows count as not evaluated.

    A subject without non-target disease comes out CR here (nothing persists), which is what
    Table 1 needs ("target CR, non-target none" is CR); the caller masks it for display.
    """
    missing = n_nt - g["nt_rows"]
    return np.select(
        [g["nt_upd"] > 0, (g["nt_ne"] + missing) > 0, g["nt_absent"] == n_nt],
        [PD, NE, CR],
        NONCRNONPD,
    )


def _overall(
    target: np.ndarray,
    non_target: np.ndarray,
    new: np.ndarray,
    unequivocal_new: np.ndarray,
    pd_rule: np.ndarray,
    has_target: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Overall response and deciding rule: Table 1 (targets) and Table 2 (non-target only)."""
    with_t = np.broadcast_to(has_target, target.shape)
    t_pd = with_t & (target == PD)
    conditions = [
        unequivocal_new,
        new == 1,
        t_pd,
        non_target == PD,
        with_t & (target == NE),
        with_t & (target == CR) & ((non_target == CR) | (non_target < 0)),
        with_t & (target == CR),
        with_t & (target == PR),
        with_t & (target == SD),
        ~with_t & (non_target == CR),
        ~with_t & (non_target == NE),
    ]
    responses = [PD, PD, PD, PD, NE, CR, PR, PR, SD, CR, NE]
    rules = [1, 2, -3, 5, 6, 7, 8, 9, 10, 11, 12]
    overall = np.select(conditions, responses, NONCRNONPD)
    rule = np.select(conditions, rules, 13)
    return overall, np.where(rule == -3, pd_rule, rule)
