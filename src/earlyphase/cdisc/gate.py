"""Validation before analysis: the same check for ``earlyphase adam`` and ``analyze``.

:func:`validate_for_analysis` checks every domain against its specification
(:func:`~earlyphase.cdisc.study.validate_study`: required variables, types, terms, keys,
subjects unknown to DM), the arms against the analysis plan (a DM ``ARMCD`` that is not
an arm of the protocol is an error: its subjects would be in no column) and the dates
(:mod:`earlyphase.cdisc.date_findings`: end before start is an error, a partial date a
warning saying how it is imputed).  The findings are
written to ``validation.csv`` when a folder is given.  Errors stop the run with
:class:`~earlyphase.errors.FindingsError` unless ``allow_findings`` is true; the outcome's
:meth:`~GateOutcome.methods_text` records the choice for the report's Methods.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from earlyphase._files import atomic_write
from earlyphase.cdisc.date_findings import date_findings
from earlyphase.cdisc.plan import not_assigned
from earlyphase.cdisc.specs import Finding, ValidationReport
from earlyphase.cdisc.study import validate_study
from earlyphase.errors import FindingsError
from earlyphase.protocol.analysis import AnalysisPlan

__all__ = ["GateOutcome", "plan_findings", "validate_for_analysis"]


@dataclass(frozen=True)
class GateOutcome:
    """Validation findings, whether the run proceeds despite errors, and where they are."""

    report: ValidationReport
    allow_findings: bool
    path: Path | None = None

    def methods_text(self) -> str:
        """One sentence for the report's Methods."""
        n_err, n_warn = len(self.report.errors), len(self.report.warnings)
        where = f" (listed in {self.path.name})" if self.path is not None else ""
        text = f"SDTM validation: {n_err} error(s), {n_warn} warning(s){where}."
        if n_err:
            text += " The analysis proceeded despite the errors (--allow-findings)."
        return text

    def to_frame(self) -> pd.DataFrame:
        """One row per finding: domain, variable, severity, message, n_rows."""
        return self.report.to_frame()


def plan_findings(study: Mapping[str, pd.DataFrame], plan: AnalysisPlan) -> list[Finding]:
    """DM arms the plan does not know (an error: those subjects would be in no arm)."""
    dm = study.get("DM")
    if dm is None or not {"ARMCD", "USUBJID"} <= set(dm.columns):
        return []
    known = set(plan.arm_numbers)
    assigned = dm[~not_assigned(dm)]
    out = []
    for code, rows in assigned.groupby(assigned["ARMCD"].astype("str")):
        if code not in known:
            subjects = ", ".join(sorted(rows["USUBJID"].astype("str"))[:5])
            out.append(
                Finding(
                    "DM",
                    "ARMCD",
                    "error",
                    f"got {code!r} (subjects {subjects}); expected an arm of the "
                    f"{plan.source} plan: {sorted(known)}",
                    len(rows),
                )
            )
    return out


def validate_for_analysis(
    study: Mapping[str, pd.DataFrame],
    plan: AnalysisPlan,
    *,
    allow_findings: bool = False,
    out_dir: str | Path | None = None,
) -> GateOutcome:
    """Validate ``study`` for analysis by ``plan``; see the module docstring.

    Raises
    ------
    FindingsError
        When there are errors and ``allow_findings`` is false (after writing the CSV).
    """
    base = validate_study(study)
    extra = (*plan_findings(study, plan), *date_findings(study))
    report = ValidationReport((*base.findings, *extra))
    path = None
    if out_dir is not None:
        path = Path(out_dir) / "validation.csv"
        with atomic_write(path) as handle:
            report.to_frame().to_csv(handle, index=False, lineterminator="\n")
    if report.errors and not allow_findings:
        first = "; ".join(f"{f.domain}.{f.variable}: {f.message}" for f in report.errors[:3])
        where = f" (all findings in {path})" if path is not None else ""
        raise FindingsError(
            f"SDTM validation found {len(report.errors)} error(s){where}: {first}. "
            "Fix the data, or pass --allow-findings to proceed and record them in the report."
        )
    return GateOutcome(report, allow_findings, path)
