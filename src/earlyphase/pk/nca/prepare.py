"""From tidy ``conc`` / ``doses`` tables to padded per-profile arrays ready for the engine.

A *profile* is one subject (x analyte) x interval. Each profile is tied to exactly one dose;
times become times after that dose. The steps, all vectorised across profiles:

1. validate columns and values (clear :class:`~earlyphase.errors.DataError` otherwise);
2. match every profile to its dose (by ``interval`` when present, else the subject's only dose);
3. build 2-D arrays (profiles x samples) padded with NaN;
4. pre-dose samples: the last one moves to dose time when no sample lies there (option);
5. BLQ rules by position (before first / between / after last measurable);
6. time zero (WinNonlin rules) and compaction (valid samples left-aligned, sorted by time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, describe_problem
from earlyphase.pk.nca.options import NCAOptions

__all__ = ["ProfileArrays", "prepare_profiles", "ROUTES"]

ROUTES = ("extravascular", "iv-bolus", "iv-infusion")


@dataclass(frozen=True)
class ProfileArrays:
    """Everything the engine needs, one row per profile.

    ``time``/``conc`` hold *all* usable samples of the profile (time after dose, NaN padded,
    left-aligned, increasing); ``in_window`` marks those inside the dosing interval
    ``[0, tau]`` (all of them when no tau is given); ``lz_include`` marks user-chosen
    terminal-phase points (manual λz), ``has_manual_lz`` the profiles that have some.
    """

    keys: pd.DataFrame
    time: np.ndarray
    conc: np.ndarray
    in_window: np.ndarray
    lz_include: np.ndarray
    has_manual_lz: np.ndarray
    route: np.ndarray
    amount: np.ndarray
    duration: np.ndarray
    tau: np.ndarray
    reason: np.ndarray
    time_unit: str
    conc_unit: str
    amount_unit: str


def _require(df: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            describe_problem(f"{name} columns", list(df.columns), f"columns including {missing}")
        )


def _numeric(df: pd.DataFrame, table: str, column: str, allow_nan: bool) -> np.ndarray:
    try:
        values = pd.to_numeric(df[column], errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(
            describe_problem(f"{table}.{column}", df[column].iloc[:3].tolist(), "numbers")
        ) from exc
    bad = ~np.isfinite(values) if not allow_nan else np.isinf(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            describe_problem(
                f"{table}.{column} (row {i}, subject {df['subject_id'].iloc[i]!r})",
                values[i],
                "a finite number",
            )
        )
    return values


def _unit(df: pd.DataFrame, column: str, default: str) -> str:
    if column not in df.columns:
        return default
    values = pd.unique(df[column].dropna().astype(str))
    if len(values) > 1:
        raise DataError(describe_problem(column, list(values), "a single unit for all rows"))
    return str(values[0]) if len(values) else default


def _check_order(conc: pd.DataFrame, keys: list[str], times: np.ndarray) -> None:
    diffs = (
        pd.Series(times, index=conc.index)
        .groupby([conc[k] for k in keys], sort=False, dropna=False)
        .diff()
        .to_numpy()
    )
    for bad, what in (
        (diffs == 0, "strictly increasing times (a duplicate time)"),
        (diffs < 0, "times sorted in increasing order within each profile"),
    ):
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            row = conc.iloc[i]
            where = ", ".join(f"{k}={row[k]!r}" for k in keys)
            raise DataError(describe_problem(f"conc.time ({where})", float(times[i]), what))


def _match_doses(
    conc: pd.DataFrame, doses: pd.DataFrame, keys: list[str], by_interval: bool, by_analyte: bool
) -> pd.DataFrame:
    """One row per profile with its dose columns.

    Doses are matched on the subject, plus the analyte when both tables have an ``analyte``
    column (two drugs given at the same visit) and the interval when conc has one.
    """
    profiles = conc[keys].reset_index(drop=True)
    dose_keys = (
        ["subject_id"] + (["analyte"] if by_analyte else []) + (["interval"] if by_interval else [])
    )
    counts = doses.groupby(dose_keys, sort=False, dropna=False).size()
    if (counts > 1).any():
        first = counts[counts > 1].index[0]
        hint = (
            ""
            if by_interval
            else "; give conc and doses an 'interval' column to say which dose each profile follows"
        )
        raise DataError(
            describe_problem(
                f"doses for {dict(zip(dose_keys, np.atleast_1d(first), strict=False))}",
                int(counts[counts > 1].iloc[0]),
                f"exactly one dose per profile{hint}",
            )
        )
    merged = profiles.merge(doses, on=dose_keys, how="left", validate="many_to_one")
    missing = merged["amount"].isna() & merged["dose_time"].isna()
    if missing.any():
        examples = merged.loc[missing, keys].head(5).to_dict("records")
        raise DataError(
            describe_problem(
                "doses",
                f"no dose for {int(missing.sum())} profile(s), e.g. {examples}",
                "one dose row (subject_id, time, amount, route) per profile",
            )
        )
    return merged


def _dose_table(doses: pd.DataFrame, by_interval: bool, by_analyte: bool) -> pd.DataFrame:
    """Validated doses: route, time, amount, infusion duration, tau, first dose of the subject
    (per analyte when both tables have one)."""
    route = doses["route"].astype(str).str.strip().str.lower()
    bad_route = ~route.isin(ROUTES)
    if bad_route.any():
        raise DataError(
            describe_problem("doses.route", doses["route"][bad_route].iloc[0], f"one of {ROUTES}")
        )
    dose_time = _numeric(doses, "doses", "time", allow_nan=False)
    amount = _numeric(doses, "doses", "amount", allow_nan=False)
    if (amount <= 0).any():
        raise DataError(
            describe_problem("doses.amount", float(amount[amount <= 0][0]), "a positive dose")
        )
    infusion = (route == "iv-infusion").to_numpy()
    duration = (
        _numeric(doses, "doses", "duration", allow_nan=True)
        if "duration" in doses.columns
        else np.full(len(doses), np.nan)
    )
    bad_dur = infusion & ~(duration > 0)
    if bad_dur.any():
        i = int(np.flatnonzero(bad_dur)[0])
        raise DataError(
            describe_problem(
                f"doses.duration (subject {doses['subject_id'].iloc[i]!r})",
                duration[i],
                "a positive infusion duration for route 'iv-infusion'",
            )
        )
    duration = np.where(infusion, duration, 0.0)
    tau = (
        _numeric(doses, "doses", "tau", allow_nan=True)
        if "tau" in doses.columns
        else np.full(len(doses), np.nan)
    )
    if (tau <= 0).any():
        raise DataError(
            describe_problem("doses.tau", float(tau[tau <= 0][0]), "a positive dosing interval")
        )
    first_keys = [doses["subject_id"].to_numpy()] + (
        [doses["analyte"].to_numpy()] if by_analyte else []
    )
    first_time = pd.Series(dose_time).groupby(first_keys).transform("min").to_numpy()
    dose_table = pd.DataFrame(
        {
            "subject_id": doses["subject_id"],
            "dose_time": dose_time,
            "amount": amount,
            "route": route.to_numpy(),
            "duration": duration,
            "tau": tau,
            "first_dose": dose_time == first_time,
        }
    )
    if by_interval:
        dose_table["interval"] = doses["interval"].to_numpy()
    if by_analyte:
        dose_table["analyte"] = doses["analyte"].to_numpy()
    return dose_table


def prepare_profiles(conc: pd.DataFrame, doses: pd.DataFrame, options: NCAOptions) -> ProfileArrays:
    """Validate the inputs and build :class:`ProfileArrays` (see the module docstring)."""
    if not isinstance(conc, pd.DataFrame) or not isinstance(doses, pd.DataFrame):
        raise DataError(describe_problem("conc/doses", type(conc).__name__, "pandas DataFrames"))
    _require(conc, "conc", ("subject_id", "time", "conc"))
    _require(doses, "doses", ("subject_id", "time", "amount", "route"))
    if conc.empty:
        raise DataError(describe_problem("conc", "0 rows", "at least one concentration"))
    conc = conc.reset_index(drop=True)
    doses = doses.reset_index(drop=True)
    by_interval = "interval" in conc.columns
    if by_interval and "interval" not in doses.columns:
        raise DataError(
            describe_problem(
                "doses columns",
                list(doses.columns),
                "an 'interval' column, since conc has one (which dose starts each interval)",
            )
        )
    keys = (
        ["subject_id"]
        + (["analyte"] if "analyte" in conc.columns else [])
        + (["interval"] if by_interval else [])
    )

    times = _numeric(conc, "conc", "time", allow_nan=False)
    values = _numeric(conc, "conc", "conc", allow_nan=True)
    if (values < 0).any():
        i = int(np.flatnonzero(values < 0)[0])
        raise DataError(
            describe_problem(
                f"conc.conc (subject {conc['subject_id'].iloc[i]!r}, time {times[i]:g})",
                float(values[i]),
                "a concentration >= 0 (BLQ as 0, a BLQ flag or NaN)",
            )
        )
    _check_order(conc, keys, times)

    by_analyte = "analyte" in conc.columns and "analyte" in doses.columns
    dose_table = _dose_table(doses, by_interval, by_analyte)
    group_index = conc.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    first_rows = np.unique(group_index, return_index=True)[1]
    profiles = _match_doses(conc.iloc[first_rows], dose_table, keys, by_interval, by_analyte)
    n = len(profiles)

    # --- 2-D arrays --------------------------------------------------------------------------
    profile_index = group_index
    order = np.lexsort((times, profile_index))
    p_sorted = profile_index[order]
    starts = np.searchsorted(p_sorted, np.arange(n))
    position = np.arange(len(order)) - starts[p_sorted]
    counts = np.bincount(p_sorted, minlength=n)
    m = int(counts.max())
    rel_time = times - profiles["dose_time"].to_numpy()[profile_index]
    if "blq" in conc.columns:
        blq = conc["blq"].fillna(False).astype(bool).to_numpy() | (values == 0)
    elif "lloq" in conc.columns:
        lloq_v = pd.to_numeric(conc["lloq"], errors="coerce").to_numpy(dtype=float)
        blq = (np.isnan(values) & ~np.isnan(lloq_v)) | (values < lloq_v) | (values == 0)
    else:
        blq = values == 0
    lloq = (
        pd.to_numeric(conc["lloq"], errors="coerce").to_numpy(dtype=float)
        if "lloq" in conc.columns
        else np.full(len(conc), np.nan)
    )
    include = (
        conc["lambda_z_include"].fillna(False).astype(bool).to_numpy()
        if "lambda_z_include" in conc.columns
        else np.zeros(len(conc), bool)
    )

    def grid(source: np.ndarray, fill: float | bool, dtype: type) -> np.ndarray:
        arr: np.ndarray = np.full((n, m), fill, dtype=dtype)
        arr[p_sorted, position] = source[order]
        return arr

    T = grid(rel_time, np.nan, float)
    C = grid(values, np.nan, float)
    B = grid(blq, False, bool)
    L = grid(lloq, np.nan, float)
    INC = grid(include, False, bool)
    present = grid(np.ones(len(conc), bool), False, bool)
    usable = present & (B | ~np.isnan(C))

    route_p = profiles["route"].to_numpy()
    bolus = route_p == "iv-bolus"
    first = profiles["first_dose"].to_numpy(bool)
    reason = np.full(n, None, dtype=object)

    # --- pre-dose samples --------------------------------------------------------------------
    no_post = ~(usable & (T >= 0)).any(axis=1)
    at_zero = (usable & (T == 0)).any(axis=1)
    pre = usable & (T < 0)
    if options.shift_predose:
        last_pre = np.where(pre, np.arange(m), -1).max(axis=1)
        gap = -T[np.arange(n), np.maximum(last_pre, 0)]
        limit = np.inf if options.max_predose_shift is None else options.max_predose_shift
        shift = (~at_zero) & (last_pre >= 0) & ~bolus & ~no_post & (gap <= limit)
        rows = np.flatnonzero(shift)
        T[rows, last_pre[rows]] = 0.0
        pre[rows, last_pre[rows]] = False
    usable &= ~pre
    # a bolus's sample at dose time before the first dose is the pre-dose blank, not C0
    usable &= ~(bolus[:, None] & first[:, None] & (T == 0) & (B | (C == 0)))

    # --- BLQ rules by position ----------------------------------------------------------------
    measurable = usable & ~B & (C > 0)
    idx = np.arange(m)
    has_meas = measurable.any(axis=1)
    first_meas = np.where(measurable, idx, m).min(axis=1)
    last_meas = np.where(measurable, idx, -1).max(axis=1)
    blq_u = usable & B
    C = np.where(usable & ~B, C, np.nan)
    for rule, where in (
        (options.blq_before_first, blq_u & (idx <= first_meas[:, None])),
        (options.blq_between, blq_u & (idx > first_meas[:, None]) & (idx < last_meas[:, None])),
        (options.blq_after_last, blq_u & (idx > last_meas[:, None]) & has_meas[:, None]),
    ):
        if rule == "zero":
            C = np.where(where, 0.0, C)
        elif rule in ("half-lloq", "lloq"):
            if (where & np.isnan(L)).any():
                raise DataError(
                    describe_problem(
                        "conc.lloq",
                        "missing for a BLQ sample",
                        f"an LLOQ for every BLQ sample (BLQ rule {rule!r})",
                    )
                )
            C = np.where(where, L * (0.5 if rule == "half-lloq" else 1.0), C)
    reason[~has_meas] = "no measurable concentration (all samples BLQ or missing)"
    reason[no_post] = "no sample at or after the dose"

    keep = ~np.isnan(C)
    T = np.where(keep, T, np.nan)
    INC &= keep
    T, C, INC = _compact(T, C, INC)

    # --- time zero ----------------------------------------------------------------------------
    tau_p = profiles["tau"].to_numpy(float)
    if options.time_zero == "winnonlin":
        has_zero = (T == 0).any(axis=1)
        need = ~has_zero & ~np.isnan(C).all(axis=1)
        c_zero = np.zeros(n)
        in_tau = ~np.isnan(C) & ~(T > tau_p[:, None])
        cmin = np.where(in_tau, C, np.inf).min(axis=1)
        later = need & ~first & ~bolus
        c_zero[later] = np.where(np.isfinite(cmin[later]), cmin[later], 0.0)
        c_zero[bolus] = _back_extrapolate(T[bolus], C[bolus])
        need &= ~np.isnan(c_zero)
        if need.any():
            T2 = np.full((n, m + 1), np.nan)
            C2 = np.full((n, m + 1), np.nan)
            I2 = np.zeros((n, m + 1), bool)
            T2[~need, :m], C2[~need, :m], I2[~need, :m] = T[~need], C[~need], INC[~need]
            T2[need, 1:], C2[need, 1:], I2[need, 1:] = T[need], C[need], INC[need]
            T2[need, 0], C2[need, 0] = 0.0, c_zero[need]
            T, C, INC = T2, C2, I2
    in_window = ~np.isnan(C) & ~(T > tau_p[:, None] + 1e-9 * np.maximum(tau_p[:, None], 1.0))

    keys_frame = profiles[keys + ["dose_time", "amount", "route", "duration", "tau", "first_dose"]]
    return ProfileArrays(
        keys=keys_frame,
        time=T,
        conc=C,
        in_window=in_window,
        lz_include=INC,
        has_manual_lz=np.asarray(INC.any(axis=1)),
        route=route_p,
        amount=profiles["amount"].to_numpy(float),
        duration=profiles["duration"].to_numpy(float),
        tau=tau_p,
        reason=reason,
        time_unit=_unit(conc, "time_unit", options.time_unit),
        conc_unit=_unit(conc, "conc_unit", options.conc_unit),
        amount_unit=_unit(doses, "amount_unit", options.amount_unit),
    )


def _compact(
    T: np.ndarray, C: np.ndarray, INC: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Move missing samples to the end of each row, keeping the time order of the others."""
    order = np.argsort(np.isnan(C), axis=1, kind="stable")
    return (
        np.take_along_axis(T, order, 1),
        np.take_along_axis(C, order, 1),
        np.take_along_axis(INC, order, 1),
    )


def _back_extrapolate(T: np.ndarray, C: np.ndarray) -> np.ndarray:
    """IV-bolus C0: log-linear back-extrapolation of the first two positive samples after the
    dose (WinNonlin rule); the first positive value when they do not decline."""
    n = T.shape[0]
    out: np.ndarray = np.full(n, np.nan)
    if n == 0:
        return out
    pos = (C > 0) & (T > 0)
    rank = np.cumsum(pos, axis=1)
    rows = np.arange(n)
    j1 = np.argmax(pos & (rank == 1), axis=1)
    j2 = np.argmax(pos & (rank == 2), axis=1)
    has1 = pos.any(axis=1)
    has2 = (rank[:, -1] >= 2) if T.shape[1] else np.zeros(n, bool)
    t1, c1 = T[rows, j1], C[rows, j1]
    t2, c2 = T[rows, j2], C[rows, j2]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        slope = (np.log(c2) - np.log(c1)) / (t2 - t1)
        c0 = np.exp(np.log(c1) - slope * t1)
    out[has1] = c1[has1]
    # guard against float overflow only: a back-extrapolated C0 above e^600 (~1e260) would
    # overflow the AUC and AUMC sums, so it falls back to C1 like a non-declining pair.
    # Every representable extrapolation below that is kept, as WinNonlin keeps it.
    with np.errstate(divide="ignore", invalid="ignore"):
        sane = np.log(c1) - slope * t1 <= 600.0
    use = has2 & (c2 < c1) & sane
    out[use] = c0[use]
    return out
