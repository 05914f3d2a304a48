"""Benchmark of the reconstruction (plain script: ``python benchmarks/bench_reconstruct.py``).

1. ``earlyphase.twin.reconstruct()`` wall and CPU time per call (target < 1 s), median of 5,
   with the machine's load average.
2. Its isatuximab integration (29 PK patients, Fau 2020 model, ETDRK4 over the union grid,
   stopping at the last sample) against scipy ``solve_ivp`` LSODA one patient at a time
   (rtol 1e-8) on the same inputs, in the same run; the largest relative difference is shown.
3. Its Table 3 calibration (``solve_log_values``: vectorised residuals, Levenberg-Marquardt)
   against the previous solver settings (scipy "trf" with LSMR steps and max 150 evaluations)
   on the same three problems, in the same run.
4. Its EX (``exposure_domains``: dosing calendars as column lists, planned schedules shared by
   the patients, times as integer nanoseconds) against a reference writer in the previous style
   (each patient's calendar as a DataFrame, read row by row with pandas timestamps) on the same
   inputs, CPU time per trial (median of 5); the two EX are checked equal.
"""

from __future__ import annotations

import importlib
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp
from scipy.optimize import least_squares

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import earlyphase.twin.pk_reconstruction as pk_reconstruction  # noqa: E402
import earlyphase.twin.pk_samples as pk_samples  # noqa: E402
from earlyphase.pk.models.isatuximab import derivatives  # noqa: E402
from earlyphase.twin import reconstruct  # noqa: E402
from earlyphase.twin._common import records, usubjid  # noqa: E402
from earlyphase.twin.exposure import (  # noqa: E402
    DEFAULT_INFUSION_MINUTES,
    GAP_MINUTES,
    _binary_hours,
    exposure_domains,
    patient_calendar,
)
from earlyphase.twin.pk_calibration import _Objective, _start, _unmet  # noqa: E402


def _capture():
    """One reconstruction, recording the integration's inputs and the calibration problems."""
    inputs, problems = [], []
    integrate, solve = pk_samples.integrate_isatuximab, pk_reconstruction.solve_log_values

    def keep_inputs(*args):
        inputs.append(args)
        return integrate(*args)

    def keep_problem(*args, **kwargs):
        problems.append(args)
        return solve(*args, **kwargs)

    pk_samples.integrate_isatuximab = keep_inputs
    pk_reconstruction.solve_log_values = keep_problem
    try:
        reconstruct()
    finally:
        pk_samples.integrate_isatuximab = integrate
        pk_reconstruction.solve_log_values = solve
    return inputs[0], problems, integrate, solve


def _lsoda(params, dose_times, amounts, durations, sample_times, i):
    """Patient ``i`` by LSODA, restarted at every infusion start/end and sample."""
    one = type(params)(**{k: getattr(params, k)[i : i + 1] for k in params.__dataclass_fields__})
    ends = dose_times + durations[i]
    give = amounts[i] > 0

    def rhs(t, y):
        on = give & (dose_times <= t) & (t < ends)
        rate = np.array([(amounts[i, on] / durations[i, on]).sum()])
        dac, flow = derivatives(t, y[:1], y[1:], rate, one)
        return np.concatenate([dac, flow])

    last = sample_times.max()
    breaks = np.unique(np.concatenate([[0.0], dose_times[give], ends[give], sample_times]))
    breaks = breaks[breaks <= last]
    y, out = np.zeros(2), {}
    for a, b in zip(breaks[:-1], breaks[1:], strict=True):
        out[a] = y[0] / one.vc[0]
        y = solve_ivp(rhs, (a, b), y, method="LSODA", rtol=1e-8, atol=1e-10).y[:, -1]
    out[breaks[-1]] = y[0] / one.vc[0]
    return np.array([out[t] for t in sample_times])


def _previous_solver(u0, quantities, contrasts, limits):
    """The solver settings before issue 14's speed-up: trf, LSMR steps, at most 150
    evaluations per start, up to 6 jittered starts."""
    objective = _Objective(u0, quantities, contrasts, limits, 30.0, 100.0)
    for attempt in range(6):
        jitter = np.random.default_rng(attempt).normal(0.0, 0.1 * attempt, len(u0))
        fit = least_squares(
            lambda u: objective(u)[0],
            _start(u0, quantities) + jitter,
            jac=lambda u: objective(u)[1],
            method="trf",
            xtol=1e-10,
            ftol=1e-10,
            gtol=1e-10,
            max_nfev=150,
            tr_solver="lsmr",
        )
        if not _unmet(fit.x, quantities, limits):
            break
    return fit.x


def _median_times(call, repeat: int = 5) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeat`` calls (after one warm-up call)."""
    call()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _exposure_inputs():
    """The arguments of the reconstruction's ``exposure_domains`` call."""
    inputs = []

    def keep_inputs(*args):
        inputs.append(args)
        return exposure_domains(*args)

    reconstruction = importlib.import_module("earlyphase.twin.reconstruct")
    reconstruction.exposure_domains = keep_inputs
    try:
        reconstruct()
    finally:
        reconstruction.exposure_domains = exposure_domains
    return inputs[0]


def _reference_ex(protocol, plan, body, studyid, histories) -> pd.DataFrame:
    """EX written in the previous style: each patient's calendar as a DataFrame
    (``patient_calendar``), its rows read one by one, times as pandas timestamps."""
    rows, given = [], []
    for i, row in zip(plan.index, records(plan), strict=True):
        subj = int(row["subj"])
        weight, height = float(body.loc[i, "weight_kg"]), float(body.loc[i, "height_cm"])
        cal = patient_calendar(protocol, row, weight, height, histories.get(subj))
        first, clock = pd.Timestamp(row["first_dose"]), {}
        for c in records(cal):
            day = int(c["study_day"])
            start = clock.get(day, first + pd.Timedelta(days=day - 1, hours=8, minutes=30))
            skipped = c["status"] == "skipped"
            minutes = 0.0 if skipped else c["infusion_minutes"]
            if not np.isfinite(minutes):
                minutes = DEFAULT_INFUSION_MINUTES
            end = start + pd.Timedelta(minutes=float(minutes))
            rows.append(
                {
                    "STUDYID": studyid,
                    "DOMAIN": "EX",
                    "USUBJID": usubjid(subj),
                    "EXTRT": c["cdisc_name"],
                    "EXDOSE": round(float(c["dose_mg"]), 1),
                    "EXDOSU": "mg",
                    "EXDOSFRM": "SOLUTION",
                    "EXROUTE": c["route"],
                    "EXSTDTC": start.strftime("%Y-%m-%dT%H:%M"),
                    "EXENDTC": end.strftime("%Y-%m-%dT%H:%M"),
                    "VISIT": f"CYCLE {c['cycle']} DAY {c['day']}",
                    "EXADJ": c["reason"],
                }
            )
            if not skipped:
                clock[day] = end + pd.Timedelta(minutes=GAP_MINUTES)
                t0 = _binary_hours((start - first).total_seconds() / 3600)
                end_h = t0 + _binary_hours(float(minutes) / 60)
                given.append({"drug": c["drug"], "subj": subj, "start_h": t0, "end_h": end_h})
    dict(iter(pd.DataFrame(given).groupby("drug")))  # the administrations per drug, for PK
    ex = pd.DataFrame(rows).sort_values(["USUBJID", "EXSTDTC"], kind="stable")
    ex = ex.reset_index(drop=True)
    ex.insert(3, "EXSEQ", ex.groupby("USUBJID").cumcount().astype(np.int64) + 1)
    return ex


def bench_exposure() -> None:
    """EX of the reconstruction against the previous-style reference writer."""
    args = _exposure_inputs()
    _, fast = _median_times(lambda: exposure_domains(*args))
    _, ref = _median_times(lambda: _reference_ex(*args), repeat=3)
    same = exposure_domains(*args)[0]["EX"].equals(_reference_ex(*args))
    print(
        f"EX ({len(args[1])} patients): {fast:.3f} s CPU per trial; previous-style reference "
        f"{ref:.3f} s; ratio {ref / fast:.1f}x; same EX: {same}"
    )


def main() -> None:
    wall, cpu = _median_times(reconstruct)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"reconstruct: {wall:.3f} s wall, {cpu:.3f} s CPU per call, median of 5 "
        f"(target < 1 s; load average {load})"
    )
    bench_exposure()

    args, problems, integrate, solve = _capture()
    params, dose_times, amounts, durations, sample_times = args[:5]
    durations = np.broadcast_to(durations, amounts.shape)
    t = time.perf_counter()
    fast = integrate(*args)
    fast_s = time.perf_counter() - t
    t = time.perf_counter()
    ref = np.array(
        [_lsoda(params, dose_times, amounts, durations, sample_times, i) for i in range(len(fast))]
    )
    ref_s = time.perf_counter() - t
    on = ref > 1e-3
    worst = float(np.max(np.abs(fast[on] / ref[on] - 1)))
    print(
        f"integration ({len(fast)} patients, {len(sample_times)} sample times): "
        f"{fast_s:.3f} s; LSODA per patient {ref_s:.3f} s; ratio {ref_s / fast_s:.1f}x; "
        f"max relative difference {worst:.1e}"
    )

    t = time.perf_counter()
    for p in problems:
        solve(*p)
    new_s = time.perf_counter() - t
    t = time.perf_counter()
    for p in problems:
        _previous_solver(*p)
    old_s = time.perf_counter() - t
    sizes = ", ".join(str(len(p[0])) for p in problems)
    print(
        f"calibration ({len(problems)} problems, {sizes} unknowns): {new_s:.3f} s; "
        f"previous trf/LSMR settings {old_s:.3f} s; ratio {old_s / new_s:.1f}x"
    )


if __name__ == "__main__":
    main()
