"""Benchmark of the report: CLI start-up, build_report on a 33-patient ADaM, and (when the
twin and ADaM derivations are installed) the whole ``earlyphase run``.

Targets (issue 8): ``earlyphase run`` <= 15 s on a 2-core machine; ``earlyphase --help`` < 1 s.
The one-at-a-time reference renders every table cell with a separate pandas query (the
naive way) and is compared with the grouped rendering used by ``TableResult.display``.

Run: ``PYTHONPATH=src python benchmarks/bench_report.py``
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "report"))


def _time(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of a command.

    On a busy machine wall time is inflated by other processes; the CPU time of this
    single-threaded job is what its wall time is on an idle machine.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        cmd,
        check=True,
        capture_output=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _naive_display(table) -> int:  # type: ignore[no-untyped-def]
    """One pandas query per cell statistic (reference implementation)."""
    from earlyphase.report.spec import render_template

    cells = 0
    data = table.data
    for row in table.spec.rows:
        for col in table.spec.columns:
            hit = data[(data["row"] == row.key) & (data["column"] == col.key)]
            stats = dict(zip(hit["stat"], hit["value"], strict=True))
            render_template(row.template_for(col.key), stats)
            cells += 1
    return cells


def main() -> None:
    from synthetic_adam import make_adam

    wall, cpu = _time([sys.executable, "-m", "earlyphase", "--help"])
    print(f"CLI start-up (earlyphase --help): {wall:.2f} s wall, {cpu:.2f} s CPU (target < 1 s)")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    from earlyphase.report import build_report

    adam = make_adam()
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu0 = time.perf_counter(), time.process_time()
        result = build_report(adam, tmp)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu0
    print(
        f"build_report, 33 patients, all formats: {total:.2f} s wall, {cpu:.2f} s CPU "
        f"({len(result.tables)} tables, {len(result.figures)} figures, {len(result.files)} files)"
    )
    for step, seconds in result.timings.items():
        print(f"  {step:<10} {seconds:6.2f} s")
    tables = list(result.tables.values())
    reps = 20
    start = time.perf_counter()
    for _ in range(reps):
        n_cells = sum(len(t.display().body) * len(t.spec.columns) for t in tables)
    grouped = (time.perf_counter() - start) / reps
    start = time.perf_counter()
    n_naive = sum(_naive_display(t) for t in tables)
    naive = time.perf_counter() - start
    print(
        f"table rendering: {n_cells / grouped:,.0f} cells/s grouped vs {n_naive / naive:,.0f} cells/s "
        f"one query per cell (ratio {naive / grouped:.1f}x)"
    )
    try:
        import earlyphase.cdisc.adam  # noqa: F401
        import earlyphase.twin  # noqa: F401
    except ImportError as exc:
        print(f"earlyphase run: skipped ({exc})")
        return
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu = _time([sys.executable, "-m", "earlyphase", "run", "--out", tmp])
    print(f"earlyphase run (whole main job): {wall:.2f} s wall, {cpu:.2f} s CPU (target <= 15 s)")


if __name__ == "__main__":
    main()
