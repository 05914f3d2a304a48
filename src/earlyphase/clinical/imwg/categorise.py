"""Per-assessment IMWG category (before confirmation), vectorised over all subjects.

Order of evaluation (IMWG 2016, Kumar et al. Lancet Oncol 2016;17:e328, Table "response
criteria"; MR per Bladé 1998 / Rajkumar 2011): progression first, then missing data (NE), then
the quantitative level of each measurable marker (the overall level is the *lowest* of the
levels of the markers that apply), then CR and sCR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from earlyphase.clinical.imwg._prepare import Prepared
from earlyphase.clinical.imwg.options import IMWGOptions
from earlyphase.clinical.vocabulary import RESPONSE_ORDER

__all__ = ["Categorised", "categorise", "SCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE"]

SCR, CR, VGPR, PR, MR, SD, PD, NE = range(8)
assert RESPONSE_ORDER[NE] == "NE" and RESPONSE_ORDER[SCR] == "sCR"

_TOL = 1e-9  # absolute tolerance for g/dL, mg/24 h, mg/dL and % differences


@dataclass(frozen=True)
class Categorised:
    """Per-row rank (index into RESPONSE_ORDER; -1 for the baseline row) and audit columns."""

    rank: np.ndarray
    pd_immediate: np.ndarray  # PD from imaging or marrow: needs no confirmation
    reasons: np.ndarray
    measurable: np.ndarray  # per row, the subject's measurable disease
    audit: pd.DataFrame


def _ge(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.asarray(a - b >= -_TOL)


def _gt(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.asarray(a - b > _TOL)


def _lt(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.asarray(b - a > _TOL)


def _nadir_before(x: np.ndarray, group: np.ndarray, confirmed: bool) -> np.ndarray:
    """Lowest value over the earlier rows of the same subject (the baseline row included)."""
    s = pd.Series(x)
    g = pd.Series(group)
    if confirmed:
        # a post-baseline level counts once held on two consecutive measured assessments
        prev = s.groupby(g).ffill().groupby(g).shift(1)
        first_row = ~g.duplicated()
        held = np.fmax(prev.to_numpy(), x)  # fmax: NaN previous -> x only at the first row
        held = np.where(first_row, x, np.where(np.isnan(prev.to_numpy()), np.nan, held))
        held = np.where(np.isnan(x), np.nan, held)
        s = pd.Series(held)
    running = s.groupby(g).cummin().groupby(g).ffill()
    return running.groupby(g).shift(1).to_numpy(dtype=float)


def _locf_post(x: np.ndarray, group: np.ndarray, is_base: np.ndarray) -> np.ndarray:
    """Last post-baseline value on or before each row (baseline values excluded)."""
    s = pd.Series(np.where(is_base, np.nan, x))
    return s.groupby(pd.Series(group)).ffill().to_numpy(dtype=float)


def _pct_reduction(base: np.ndarray, x: np.ndarray, decimals: int) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        red = np.where(base > 0, 100.0 * (base - x) / base, np.nan)
    return np.round(red, decimals)


class _Reasons:
    def __init__(self, n: int) -> None:
        self.text = np.full(n, "", dtype=object)

    def add(self, mask: np.ndarray, message: str) -> None:
        if mask.any():
            cur = self.text[mask]
            self.text[mask] = np.where(cur == "", message, cur + "; " + message)


def _describe_levels(
    why: _Reasons, mask: np.ndarray, name: str, value: np.ndarray, red: np.ndarray, unit: str
) -> None:
    """Append e.g. 'serum 0.9 g/dL (-55% from baseline)' to the rows in ``mask``."""
    rows = np.flatnonzero(mask & np.isfinite(value) & np.isfinite(red))
    if len(rows) == 0:
        return
    text = [
        f"{name} {v:.4g} {unit} ({-r:+.4g}% from baseline)"
        for v, r in zip(value[rows], red[rows], strict=True)
    ]
    cur = why.text[rows]
    why.text[rows] = np.where(cur == "", text, cur.astype(str) + "; " + np.array(text, object))


def categorise(prep: Prepared, opts: IMWGOptions) -> Categorised:
    """Assign sCR/CR/VGPR/PR/MR/SD/PD/NE to every post-baseline assessment."""
    m, g, first = prep.markers, prep.group, prep.first
    n = len(g)
    is_base = prep.frame["is_baseline"].to_numpy()
    post = ~is_base
    dec = opts.percent_decimals
    lo_ratio, hi_ratio = opts.flc_ratio_normal
    why = _Reasons(n)

    serum, urine = m["serum_m_protein"], m["urine_m_protein"]
    kappa, lam = m["kappa_flc"], m["lambda_flc"]
    bm, spd = m["bm_plasma_cells"], m["plasmacytoma_spd"]
    s0, u0, k0, l0, bm0, spd0 = (a[first] for a in (serum, urine, kappa, lam, bm, spd))

    # --- baseline measurability (IMWG; thresholds are options) -------------------------
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio0 = k0 / l0
        ratio = kappa / lam
    kappa_inv = ratio0 > hi_ratio
    lambda_inv = ratio0 < lo_ratio
    inv0 = np.where(kappa_inv, k0, np.where(lambda_inv, l0, np.nan))
    s_meas = _ge(s0, opts.serum_measurable)
    u_meas = _ge(u0, opts.urine_measurable)
    su = s_meas | u_meas
    f_meas = ~su & (kappa_inv | lambda_inv) & _ge(inv0, opts.flc_measurable)
    b_meas = ~su & ~f_meas & _ge(bm0, opts.marrow_measurable)
    has_pct = spd0 > 0
    measurable = np.select(
        [s_meas & u_meas, s_meas, u_meas, f_meas, b_meas],
        ["serum+urine", "serum", "urine", "flc", "marrow"],
        "none",
    ).astype(object)

    dflc = np.where(kappa_inv, kappa - lam, np.where(lambda_inv, lam - kappa, np.nan))
    dflc0 = dflc[first]

    # --- progression from the nadir ---------------------------------------------------
    conf = opts.nadir == "lowest_confirmed"
    nad_s = _nadir_before(serum, g, conf)
    nad_u = _nadir_before(urine, g, conf)
    nad_d = _nadir_before(dflc, g, conf)
    nad_b = _nadir_before(bm, g, conf)
    nad_p = _nadir_before(spd, g, False)
    inc_s, inc_u, inc_d, inc_b = serum - nad_s, urine - nad_u, dflc - nad_d, bm - nad_b
    pd_serum = post & (
        (_ge(inc_s, 0.5) & _ge(inc_s, 0.25 * nad_s))  # >= 25% and >= 0.5 g/dL
        | (_ge(nad_s, 5.0) & _ge(inc_s, 1.0))  # >= 1 g/dL when the nadir was >= 5 g/dL
    )
    pd_urine = post & _ge(inc_u, 200.0) & _ge(inc_u, 0.25 * nad_u)
    pd_flc = post & ~su & _gt(inc_d, 10.0) & _ge(inc_d, 0.25 * np.fmax(nad_d, 0.0))
    marrow_rule = np.ones(n, bool) if opts.marrow_pd == "always" else ~(su | f_meas)
    pd_marrow = post & marrow_rule & _ge(inc_b, 10.0) & _ge(inc_b, 0.25 * nad_b)
    pd_spd = post & _gt(spd, 0.0) & (_ge(spd - nad_p, 0.5 * nad_p) | (nad_p == 0))
    pd_new = post & (m["new_lesion"] == 1.0)
    why.add(
        pd_serum,
        "PD: serum M-protein up >= 25% and >= 0.5 g/dL (or >= 1 g/dL from a "
        "nadir >= 5 g/dL) from the nadir",
    )
    why.add(pd_urine, "PD: urine M-protein up >= 25% and >= 200 mg/24h from the nadir")
    why.add(pd_flc, "PD: dFLC up >= 25% and > 10 mg/dL from the nadir")
    why.add(pd_marrow, "PD: marrow plasma cells up >= 25% and >= 10 points from the nadir")
    why.add(pd_spd, "PD: plasmacytoma SPD up >= 50% from the nadir")
    why.add(pd_new, "PD: new lesion")
    any_pd = pd_serum | pd_urine | pd_flc | pd_marrow | pd_spd | pd_new
    pd_immediate = pd_spd | pd_new | pd_marrow

    # --- quantitative level per marker --------------------------------------------------
    r_s = _pct_reduction(s0, serum, dec)
    r_u = _pct_reduction(u0, urine, dec)
    r_d = _pct_reduction(dflc0, dflc, dec)
    r_b = _pct_reduction(bm0, bm, dec)
    literal = opts.boundaries == "literal"
    level = np.full(n, SD, dtype=np.int64)
    missing = np.zeros(n, bool)

    def mr_band(red: np.ndarray, low: float, high: float) -> np.ndarray:
        band = _ge(red, low)
        return band & ~_gt(red, high) if literal else band

    # serum (when measurable at baseline)
    lev_s = np.select([_ge(r_s, 90), _ge(r_s, 50), mr_band(r_s, 25, 49)], [VGPR, PR, MR], SD)
    use_s = post & s_meas
    miss_s = use_s & np.isnan(serum)
    why.add(miss_s, "NE: serum M-protein not assessed")
    # urine (when measurable at baseline)
    lev_u = np.select(
        [_lt(urine, 100), _ge(r_u, 90) | _lt(urine, 200), mr_band(r_u, 50, 89)], [VGPR, PR, MR], SD
    )
    use_u = post & u_meas
    miss_u = use_u & np.isnan(urine)
    why.add(miss_u, "NE: urine M-protein not assessed")
    # urine not measurable at baseline but measured now
    lev_u_abs = np.select([_lt(urine, 100), _lt(urine, 200)], [VGPR, PR], SD)
    use_u_abs = (
        post & s_meas & ~u_meas & ~np.isnan(urine) & (opts.urine_not_measurable == "require")
    )
    level = np.where(use_s & ~miss_s, lev_s, level)
    level = np.where(use_u & ~miss_u & ~use_s, lev_u, level)
    level = np.where(use_u & ~miss_u & use_s, np.maximum(level, lev_u), level)
    level = np.where(use_u_abs, np.maximum(level, lev_u_abs), level)
    why.add(
        post & s_meas & u_meas & ~miss_s & ~miss_u & (lev_u > lev_s),
        "urine response below the serum response limits the category",
    )
    # FLC-only disease
    use_f = post & f_meas
    miss_f = use_f & np.isnan(dflc)
    why.add(miss_f, "NE: free light chains not assessed")
    lev_f = np.select([_ge(r_d, 90), _ge(r_d, 50)], [VGPR, PR], SD)
    level = np.where(use_f & ~miss_f, lev_f, level)
    # marrow-only disease
    use_b = post & b_meas
    miss_b = use_b & np.isnan(bm)
    why.add(miss_b, "NE: marrow plasma cells not assessed (only marrow disease measurable)")
    level = np.where(use_b & ~miss_b, np.where(_ge(r_b, 50), PR, SD), level)
    no_disease = post & (measurable == "none")
    why.add(no_disease, "NE: no measurable disease at baseline")
    missing = miss_s | miss_u | miss_f | miss_b | no_disease
    if not opts.include_mr:
        level = np.where(level == MR, SD, level)
    level = np.where((level == MR) & ~su, SD, level)  # MR is defined for serum/urine only

    # plasmacytoma present at baseline: its reduction caps the category (imaging, LOCF)
    spd_now = _locf_post(spd, g, is_base)
    spd_now = np.where(np.isnan(spd_now), spd0, spd_now)
    r_p = _pct_reduction(spd0, spd_now, dec)
    cap = np.select([spd_now == 0, _ge(r_p, 50), mr_band(r_p, 25, 49)], [SCR, VGPR, MR], SD)
    cap = np.where((cap == MR) & ~(su & opts.include_mr), SD, cap)
    capped = post & has_pct & (cap > level)
    why.add(capped, "plasmacytoma reduction limits the category")
    level = np.where(post & has_pct, np.maximum(level, cap), level)

    # --- CR and sCR ----------------------------------------------------------------------
    bm_now = _locf_post(bm, g, is_base)
    clonal_now = _locf_post(m["clonal_pc"], g, is_base)
    ife_neg = m["serum_ife"] == 0.0
    uife_ok = (m["urine_ife"] == 0.0) if opts.cr_requires_urine_ife else np.ones(n, bool)
    ratio_normal = _ge(ratio, lo_ratio) & ~_gt(ratio, hi_ratio)
    # marrow-only disease has no VGPR level: its CR rests on IFE and marrow alone
    cand = post & ((level == VGPR) | (b_meas & (level == PR))) & ife_neg
    flc_ok = ~f_meas | ratio_normal
    marrow_ok = _lt(bm_now, 5.0)
    no_marrow = np.isnan(bm_now) & opts.cr_requires_marrow
    pct_ok = ~has_pct | (spd_now == 0)
    cr = cand & uife_ok & flc_ok & pct_ok & (marrow_ok | (np.isnan(bm_now) & ~no_marrow))
    why.add(cand & ~uife_ok, "CR not assigned: urine immunofixation not negative/not done")
    why.add(cand & uife_ok & no_marrow, "CR not assigned: no post-baseline bone marrow (VGPR)")
    why.add(
        cand & uife_ok & ~np.isnan(bm_now) & ~marrow_ok,
        "CR not assigned: marrow plasma cells >= 5%",
    )
    why.add(cand & uife_ok & ~flc_ok, "CR not assigned: FLC ratio abnormal (FLC-only disease)")
    scr = cr & ratio_normal & (clonal_now == 0.0)
    why.add(cr & ~ratio_normal, "sCR not assigned: FLC ratio abnormal or not assessed")
    why.add(
        cr & ratio_normal & (clonal_now != 0.0),
        "sCR not assigned: clonal plasma cells present or not assessed",
    )
    level = np.where(scr, SCR, np.where(cr, CR, level))

    _describe_levels(why, post & s_meas, "serum", serum, r_s, "g/dL")
    _describe_levels(why, post & u_meas, "urine", urine, r_u, "mg/24h")
    _describe_levels(why, post & f_meas, "dFLC", dflc, r_d, "mg/dL")
    _describe_levels(why, post & b_meas, "marrow PC", bm, r_b, "%")
    rank = np.where(any_pd, PD, np.where(missing, NE, level))
    rank = np.where(is_base, -1, rank)
    audit = pd.DataFrame(
        {
            "serum_reduction_pct": r_s,
            "urine_reduction_pct": r_u,
            "dflc": dflc,
            "dflc_reduction_pct": r_d,
            "serum_nadir": nad_s,
            "urine_nadir": nad_u,
            "dflc_nadir": nad_d,
            "flc_ratio": ratio,
        }
    )
    return Categorised(rank, pd_immediate & post, why.text, measurable, audit)
