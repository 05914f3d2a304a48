"""``earlyphase run --protocol NAME``: simulate one trial of a protocol, then analyse it.

For a protocol other than the reference trial the run simulates one virtual trial under the
protocol's built-in scenario (:func:`earlyphase.twin.builtin_scenarios.builtin_scenario`) with
:func:`earlyphase.twin.simulated_sdtm.simulate_trial_sdtm`, writes its SDTM to ``OUT/sdtm``
and runs :func:`earlyphase.report.pipeline.analyze` on it with the protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from earlyphase._staging import staged_folder
from earlyphase.report.pipeline import (
    DEFAULT_FORMATS,
    Progress,
    ReportResult,
    _analyze_into,
    _relocate,
    check_formats,
)

__all__ = ["run_protocol"]


def run_protocol(
    protocol: str,
    out_dir: str | Path = "earlyphase-output",
    *,
    seed: int | None = None,
    formats: Iterable[str] = DEFAULT_FORMATS,
    progress: Progress | None = None,
    overwrite: bool = False,
    argv: Sequence[str] | None = None,
) -> ReportResult:
    """Simulate trial 0 of ``protocol`` (seed default 1) and write its full report.

    The folder (``sdtm/`` and the report) is written whole, as by
    :func:`earlyphase.report.pipeline.run_reference`: staged beside ``out_dir``, the manifest
    last, then moved into place; a non-empty ``out_dir`` that is not an earlier ``run`` output
    is refused unless ``overwrite``.
    """
    from earlyphase.protocol import load_protocol
    from earlyphase.twin import write_sdtm
    from earlyphase.twin.builtin_scenarios import builtin_scenario
    from earlyphase.twin.simulated_sdtm import simulate_trial_sdtm

    say = progress or (lambda _msg: None)
    proto = load_protocol(protocol)
    scenario = builtin_scenario(proto.id)
    say(f"Simulating one trial of {proto.id} ({scenario.name})")
    sdtm = simulate_trial_sdtm(proto, scenario, seed=1 if seed is None else seed)
    chosen = check_formats(formats)
    target = Path(out_dir)
    with staged_folder(
        target, command="run", overwrite=overwrite, argv=argv, extra={"seed": seed}
    ) as staged:
        write_sdtm(sdtm, staged.path / "sdtm", formats=("xpt",))
        result = _analyze_into(
            staged.path / "sdtm", proto, staged.path, chosen, progress, None, False
        )
    return _relocate(result, staged.path, target)
