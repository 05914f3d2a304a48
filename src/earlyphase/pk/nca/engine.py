"""The NCA engine: every parameter of every profile at once, from :class:`ProfileArrays`.

Formulas (Gabrielsson & Weiner 2016, ch. 2; Phoenix WinNonlin "NCA parameter formulas"):
AUCinf = AUClast + Clast/λz (obs) or + Clast,pred/λz (pred); AUC%extrap = 100 (1 - AUClast/AUCinf);
AUMCinf = AUMClast + Clast tlast/λz + Clast/λz²; MRT = AUMCinf/AUCinf (- Tinf/2 for a constant
infusion, Model 202); CL = Dose/AUCinf; Vz = CL/λz; Vss = CL x MRT (intravascular only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.pk.nca.auc import log_segments, segment_auc, segment_aumc, window_auc
from earlyphase.pk.nca.lambda_z import fit_lambda_z
from earlyphase.pk.nca.options import NCAOptions
from earlyphase.pk.nca.prepare import ProfileArrays
from earlyphase.pk.nca.units import volume_factor

__all__ = ["compute_parameters", "ROUTE_ONLY"]

#: Parameters reported only for some routes.
ROUTE_ONLY = {
    "C0": ("iv-bolus",),
    "MRTEVIFO": ("extravascular",),
    "CLFO": ("extravascular",),
    "VZFO": ("extravascular",),
    "MRTIVIFO": ("iv-bolus", "iv-infusion"),
    "CLO": ("iv-bolus", "iv-infusion"),
    "VZO": ("iv-bolus", "iv-infusion"),
    "VSSO": ("iv-bolus", "iv-infusion"),
}


class _Reasons:
    """Exclusion reasons per parameter; the first reason given wins."""

    def __init__(self, n: int, base: np.ndarray) -> None:
        self.n = n
        self.base = base
        self.by_code: dict[str, np.ndarray] = {}

    def add(self, code: str, mask: np.ndarray, text: str | np.ndarray) -> None:
        arr = self.by_code.setdefault(code, self.base.copy())
        put = mask & pd.isna(arr)
        if isinstance(text, np.ndarray):
            arr[put] = text[put]
        else:
            arr[put] = text

    def get(self, code: str) -> np.ndarray:
        return self.by_code.get(code, self.base)


def _last_positive(T, C):
    n, m = T.shape
    rows = np.arange(n)
    pos = C > 0
    j = np.where(pos, np.arange(m), -1).max(axis=1)
    has = j >= 0
    jj = np.maximum(j, 0)
    return np.where(has, T[rows, jj], np.nan), np.where(has, C[rows, jj], np.nan)


def compute_parameters(
    p: ProfileArrays, options: NCAOptions
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Values and exclusion reasons of every parameter, keyed by PPTESTCD."""
    n, m = p.conc.shape
    rows = np.arange(n)
    method = options.auc_method
    Tw = np.where(p.in_window, p.time, np.nan)
    Cw = np.where(p.in_window, p.conc, np.nan)
    valid = ~np.isnan(Cw)
    reasons = _Reasons(n, p.reason.copy())
    out: dict[str, np.ndarray] = {}

    bolus = p.route == "iv-bolus"
    # observed samples only: a bolus's back-extrapolated C0 is not an observation (WinNonlin)
    observed = valid & ~(bolus[:, None] & (Tw == 0))
    has_any = observed.any(axis=1)
    cmax = np.where(has_any, np.where(observed, Cw, -np.inf).max(axis=1), np.nan)
    jmax = np.argmax(np.where(observed, Cw, -np.inf), axis=1)
    out["CMAX"] = cmax
    out["TMAX"] = np.where(has_any, Tw[rows, jmax], np.nan)
    tlast, clast = _last_positive(Tw, Cw)
    out["CLST"], out["TLST"] = clast, tlast
    at0 = valid & (Tw == 0)
    out["C0"] = np.where(bolus & at0.any(axis=1), Cw[rows, np.argmax(at0, axis=1)], np.nan)
    reasons.add("C0", bolus & ~at0.any(axis=1), "no positive samples to back-extrapolate C0")

    # --- AUC / AUMC to tlast and over all samples ---------------------------------------------
    if m >= 2:
        t1, t2, c1, c2 = Tw[:, :-1], Tw[:, 1:], Cw[:, :-1], Cw[:, 1:]
        ok = ~np.isnan(c1) & ~np.isnan(c2)
        use_log = log_segments(c1, c2, method)
        auc_seg = np.where(ok, segment_auc(t1, c1, t2, c2, use_log), 0.0)
        aumc_seg = np.where(ok, segment_aumc(t1, c1, t2, c2, use_log), 0.0)
        to_last = ok & (t2 <= tlast[:, None])
        auclast = np.where(to_last, auc_seg, 0.0).sum(axis=1)
        aumclast = np.where(to_last, aumc_seg, 0.0).sum(axis=1)
        aucall = auc_seg.sum(axis=1)
    else:
        auclast = aumclast = aucall = np.zeros(n)
    no_pos = np.isnan(tlast)
    auclast = np.where(no_pos, np.nan, auclast)
    aumclast = np.where(no_pos, np.nan, aumclast)
    aucall = np.where(no_pos, np.nan, aucall)
    first_t = np.where(valid.any(axis=1), Tw[:, 0], np.nan)
    late_start = first_t > 0
    for code in ("AUCLST", "AUCALL", "AUMCLST", "AUCIFO", "AUCIFP", "AUMCIFO", "AUMCIFP"):
        reasons.add(
            code,
            late_start,
            "first sample after dose time and no time-zero concentration (time_zero='none')",
        )
        reasons.add(code, no_pos, "no positive concentration")
    out["AUCLST"], out["AUCALL"], out["AUMCLST"] = auclast, aucall, aumclast

    # --- lambda z --------------------------------------------------------------------------------
    include_cmax = options.lambda_z_include_cmax
    cmax_ok = bolus if include_cmax is None else np.full(n, bool(include_cmax))
    after_peak = np.where(cmax_ok[:, None], Tw >= out["TMAX"][:, None], Tw > out["TMAX"][:, None])
    after_eoi = Tw >= p.duration[:, None]
    eligible = valid & (Cw > 0) & (Tw > 0) & after_peak & after_eoi
    manual = p.lz_include & p.in_window
    fit = fit_lambda_z(
        Tw,
        Cw,
        eligible,
        manual,
        p.has_manual_lz,
        min_points=options.lambda_z_min_points,
        max_points=options.lambda_z_max_points,
        tolerance=options.lambda_z_tolerance,
        selection=options.lambda_z_selection,
    )
    lam = fit.lambda_z
    eoi_late = (p.route == "iv-infusion") & ~(Tw >= p.duration[:, None]).any(axis=1)
    lz_reason = fit.reason.copy()
    lz_reason[eoi_late] = "infusion ends after the last sample (no post-infusion data)"
    lz_codes = (
        "LAMZ",
        "LAMZHL",
        "LAMZNPT",
        "LAMZLL",
        "LAMZUL",
        "R2",
        "R2ADJ",
        "CORRXY",
        "CLSTP",
        "AUCIFO",
        "AUCIFP",
        "AUCPEO",
        "AUCPEP",
        "AUMCIFO",
        "AUMCIFP",
        "MRTEVIFO",
        "MRTIVIFO",
        "CLFO",
        "CLO",
        "VZFO",
        "VZO",
        "VSSO",
    )
    miss_lz = np.isnan(lam)
    for code in lz_codes:
        reasons.add(code, miss_lz, lz_reason)
    out["LAMZ"] = lam
    out["LAMZHL"] = np.log(2.0) / lam
    out["LAMZNPT"] = fit.n_points
    out["LAMZLL"], out["LAMZUL"] = fit.t_first, fit.t_last
    out["R2"], out["R2ADJ"], out["CORRXY"] = fit.r_squared, fit.adj_r_squared, fit.corr_xy
    with np.errstate(over="ignore", invalid="ignore"):
        clast_pred = np.exp(fit.intercept - lam * tlast)
    out["CLSTP"] = clast_pred

    with np.errstate(divide="ignore", invalid="ignore"):
        out["AUCIFO"] = auclast + clast / lam
        out["AUCIFP"] = auclast + clast_pred / lam
        out["AUCPEO"] = 100.0 * (1.0 - auclast / out["AUCIFO"])
        out["AUCPEP"] = 100.0 * (1.0 - auclast / out["AUCIFP"])
        out["AUMCIFO"] = aumclast + clast * tlast / lam + clast / lam**2
        out["AUMCIFP"] = aumclast + clast_pred * tlast / lam + clast_pred / lam**2
        mrt = out["AUMCIFO"] / out["AUCIFO"]
        out["MRTEVIFO"] = mrt
        out["MRTIVIFO"] = mrt - p.duration / 2.0
        factor = volume_factor(p.amount_unit, p.conc_unit) or 1.0
        cl = p.amount / out["AUCIFO"] * factor
        out["CLFO"] = out["CLO"] = cl
        out["VZFO"] = out["VZO"] = cl / lam
        out["VSSO"] = cl * out["MRTIVIFO"]

    # --- AUC over tau and partial AUCs (all samples of the profile, WinNonlin partial areas) ---
    tlast_full, clast_full = _last_positive(p.time, p.conc)
    with np.errstate(over="ignore", invalid="ignore"):
        clast_pred_full = np.exp(fit.intercept - lam * tlast_full)
    has_tau = ~np.isnan(p.tau)
    auc_tau, c_tau, needs = window_auc(
        p.time,
        p.conc,
        np.zeros(n),
        np.where(has_tau, p.tau, 0.0),
        method,
        lam,
        tlast_full,
        clast_full,
        clast_pred_full,
    )
    for code in ("AUCTAU", "CTAU"):
        reasons.add(code, ~has_tau, "no dosing interval (tau) given for this dose")
        reasons.add(
            code,
            late_start,
            "first sample after dose time and no time-zero concentration (time_zero='none')",
        )
        reasons.add(
            code,
            needs,
            np.array(
                [
                    "tau after the last positive sample and lambda-z not estimable: " + str(r)
                    for r in lz_reason
                ],
                dtype=object,
            ),
        )
    out["AUCTAU"] = np.where(has_tau, auc_tau, np.nan)
    out["CTAU"] = np.where(has_tau, c_tau, np.nan)
    for a, b in options.partial_aucs:
        code = f"AUCINT_{a:g}-{b:g}"
        auc_ab, _, needs_ab = window_auc(
            p.time,
            p.conc,
            np.full(n, a),
            np.full(n, b),
            method,
            lam,
            tlast_full,
            clast_full,
            clast_pred_full,
        )
        reasons.add(code, late_start & (a < first_t), "interval starts before the first sample")
        reasons.add(
            code,
            needs_ab,
            "interval ends after the last positive sample and lambda-z not estimable",
        )
        out[code] = np.where(late_start & (a < first_t), np.nan, auc_ab)

    # blank every value that has a reason, and give every missing value a reason
    final_reasons: dict[str, np.ndarray] = {}
    for code, values in out.items():
        r = reasons.get(code).copy()
        values = np.where(pd.isna(r), values, np.nan)
        r[np.isnan(values) & pd.isna(r)] = "not computable from these data"
        out[code] = values
        final_reasons[code] = r
    return out, final_reasons
