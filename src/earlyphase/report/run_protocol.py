"""``earlyphase run --protocol NAME``: simulate one trial of a protocol, then analyse it.

For a protocol other than the reference trial the run simulates one virtual trial under the
protocol's built-in scenario (:func:`earlyphase.twin.builtin_scenarios.builtin_scenario`) with
:func:`earlyphase.twin.simulated_sdtm.simulate_trial_sdtm`, writes its SDTM to ``OUT/sdtm``
and runs :func:`earlyphase.report.pipeline.analyze` on it with the protocol.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from earlyphase.report.pipeline import DEFAULT_FORMATS, Progress, ReportResult, analyze

__all__ = ["run_protocol"]


def run_protocol(
    protocol: str,
    out_dir: str | Path = "earlyphase-output",
    *,
    seed: int | None = None,
    formats: Iterable[str] = DEFAULT_FORMATS,
    progress: Progress | None = None,
) -> ReportResult:
    """Simulate trial 0 of ``protocol`` (seed default 1) and write its full report."""
    from earlyphase.protocol import load_protocol
    from earlyphase.twin import write_sdtm
    from earlyphase.twin.builtin_scenarios import builtin_scenario
    from earlyphase.twin.simulated_sdtm import simulate_trial_sdtm

    say = progress or (lambda _msg: None)
    proto = load_protocol(protocol)
    scenario = builtin_scenario(proto.id)
    say(f"Simulating one trial of {proto.id} ({scenario.name})")
    sdtm = simulate_trial_sdtm(proto, scenario, seed=1 if seed is None else seed)
    out = Path(out_dir)
    write_sdtm(sdtm, out / "sdtm", formats=("xpt",))
    return analyze(out / "sdtm", proto, out, formats=formats, progress=progress)
