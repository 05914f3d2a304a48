"""Speed of SDTM I/O and ADaM derivation at the size of the reference trial (33 patients).

Run: ``python benchmarks/bench_cdisc.py``.  Uses the twin's reconstruction of the reference
trial when ``earlyphase.twin`` is installed, else the synthetic test study replicated 9 times.
Prints subjects/second for ``derive_adam`` and for
writing + reading the SDTM folder in each format, and the ratio against a one-subject-at-a-time
reference (deriving each subject's ADaM separately), measured in the same run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "cdisc")]

from sdtm_fixture import make_study, replicate  # noqa: E402

from earlyphase.cdisc.adam import derive_adam  # noqa: E402
from earlyphase.cdisc.study import read_study, write_study  # noqa: E402


def _best(fn, repeat: int = 3, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def _study() -> tuple[dict, str]:
    try:  # the reconstructed reference trial (33 patients) once earlyphase.twin is installed
        from earlyphase.twin import reconstruct

        return reconstruct(), "twin reconstruction of the reference trial"
    except ImportError:
        return replicate(make_study(), 9), "synthetic test study x 9"


def main() -> None:
    study, what = _study()
    print(f"data: {what}, {sum(len(v) for v in study.values())} SDTM records")
    n = study["DM"].shape[0]
    derive_adam(study)  # warm-up (imports)
    batch = _best(lambda: derive_adam(study))
    cpu = _best(lambda: derive_adam(study), clock=time.process_time)
    subjects = list(study["DM"]["USUBJID"])

    def one_at_a_time() -> None:
        for sid in subjects[:6]:
            derive_adam({k: v[v["USUBJID"] == sid] for k, v in study.items()})

    single = _best(one_at_a_time, repeat=1) / 6
    print(
        f"derive_adam: {n} subjects in {batch:.3f} s wall, {cpu:.3f} s CPU = {n / batch:.0f} subjects/s; "
        f"one subject at a time {1 / single:.1f} subjects/s; ratio {single * n / batch:.1f}x"
    )
    for fmt in ("xpt", "json", "parquet", "csv"):
        with tempfile.TemporaryDirectory() as tmp:
            t = _best(
                lambda tmp=tmp, fmt=fmt: (write_study(study, tmp, format=fmt), read_study(tmp))
            )
            print(f"write + read + validate SDTM as {fmt:8s}: {t:.3f} s ({n / t:.0f} subjects/s)")


if __name__ == "__main__":
    main()
