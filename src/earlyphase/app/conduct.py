"""Trial conduct: trials from a protocol, cohorts as they accrue, the design's advice and the
dose-escalation meeting's decisions.

Every function that changes the database writes its audit row in the same transaction
(:func:`earlyphase.app.audit.append_event`), and validates everything before writing, so a
bad request changes nothing.  The pages and the JSON API both call these functions.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earlyphase.app.audit import append_event
from earlyphase.app.models import CohortRow, DecisionRow, TrialRow, utc_now
from earlyphase.designs import Decision, from_protocol
from earlyphase.errors import DataError, DesignError, OptionsError, describe_problem
from earlyphase.protocol import parse_protocol

__all__ = [
    "MAX_COHORT",
    "TrialView",
    "add_cohort",
    "create_trial",
    "design_for",
    "dlt_file_outcomes",
    "get_trial",
    "parse_cohort",
    "record_decision",
    "trial_view",
]

#: Most patients accepted in one cohort.
MAX_COHORT = 12
_LETTERS = re.compile(r"^[NT]+$")
_TOKEN = re.compile(r"^([0-9]+)([NT]+)$")
_NAME = re.compile(r"^[^\x00-\x1f<>]{1,200}$")


@lru_cache(maxsize=64)
def design_for(protocol_yaml: str) -> Any:
    """The design described by a protocol's YAML text (cached: the text is its identity)."""
    return from_protocol(parse_protocol(protocol_yaml, source="protocol"))


def _design_summary(protocol_yaml: str) -> dict[str, Any]:
    protocol = parse_protocol(protocol_yaml, source="protocol")
    d = protocol.design
    return {
        "protocol_id": protocol.id,
        "title": protocol.title,
        "design": d.name,
        "variant": d.variant,
        "n_doses": d.n_doses,
        "cohort_size": d.cohort_size,
        "target_dlt_rate": d.target_dlt_rate,
        "dose_levels": [f"{lv.id}: {lv.label}" for lv in protocol.dose_levels],
        "description": repr(design_for(protocol_yaml)),
    }


def create_trial(
    session: Session, name: str, protocol_yaml: str, source: str, actor: str
) -> TrialRow:
    """A new trial from protocol YAML (validated: every problem is listed with its line)."""
    name = (name or "").strip()
    if not _NAME.match(name):
        raise OptionsError(
            describe_problem("name", name, "1-200 printable characters without < or >")
        )
    design_for(protocol_yaml)  # raises ProtocolValidationError / DesignError first
    summary = _design_summary(protocol_yaml)
    if session.scalar(select(TrialRow).where(TrialRow.name == name)) is not None:
        raise OptionsError(describe_problem("name", name, "a trial name not already used"))
    trial = TrialRow(
        name=name,
        protocol_source=source[:255],
        protocol_yaml=protocol_yaml,
        design_json=json.dumps(summary),
        created_by=actor,
        created_at=utc_now(),
    )
    session.add(trial)
    session.flush()
    append_event(session, actor, "trial.create", "trial", trial.id, None, {"name": name, **summary})
    return trial


def get_trial(session: Session, trial_id: int) -> TrialRow:
    """The trial with this id; :class:`LookupError` (answered as 404) when there is none."""
    trial = session.get(TrialRow, trial_id)
    if trial is None:
        raise LookupError(describe_problem("trial", trial_id, "the id of an existing trial"))
    return trial


def parse_cohort(dose: Any, outcomes: str, n_doses: int) -> tuple[int, str]:
    """Validate one cohort: ``dose`` 1..n_doses and ``outcomes`` of ``T``/``N`` letters.

    ``outcomes`` may also carry the dose in the outcome-string grammar (``"2NTN"``), then
    ``dose`` may be empty.
    """
    text = (outcomes or "").strip().upper().replace(" ", "")
    token = _TOKEN.match(text)
    if token:
        if dose not in (None, "") and str(dose).strip() != token.group(1):
            raise DesignError(
                describe_problem("dose", dose, f"the dose written in the outcomes ({text})")
            )
        dose, text = token.group(1), token.group(2)
    if not _LETTERS.match(text) or len(text) > MAX_COHORT:
        raise DesignError(
            describe_problem(
                "outcomes",
                outcomes,
                f"1-{MAX_COHORT} letters T (DLT) or N (no DLT), e.g. NNT or 2NNT",
            )
        )
    dose_text = "" if dose is None else str(dose).strip()
    if not dose_text.isdigit() or not 1 <= int(dose_text) <= n_doses:
        raise DesignError(describe_problem("dose", dose, f"a dose level between 1 and {n_doses}"))
    level = int(dose_text)
    return level, text


def dlt_file_outcomes(content: bytes) -> str:
    """Outcome letters from the CSV written by ``earlyphase dlt --out FILE.csv`` (row order)."""
    try:
        frame = pd.read_csv(io.BytesIO(content))
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(describe_problem("file", "<upload>", f"a CSV file ({exc})")) from None
    if "dlt" not in frame.columns or "subject_id" not in frame.columns:
        raise DataError(
            describe_problem(
                "file columns",
                list(frame.columns)[:8],
                "the output of 'earlyphase dlt --out FILE.csv' (subject_id, dlt, ...)",
            )
        )
    words = {"true": "T", "1": "T", "yes": "T", "false": "N", "0": "N", "no": "N"}
    letters = []
    for i, value in enumerate(frame["dlt"].astype(str).str.strip().str.lower()):
        if value not in words:
            raise DataError(
                describe_problem(f"dlt (row {i + 1})", value, "True/False (or 1/0, yes/no)")
            )
        letters.append(words[value])
    if not letters:
        raise DataError(describe_problem("file", "no rows", "at least one patient"))
    return "".join(letters)


@dataclass(frozen=True)
class TrialView:
    """What the trial page shows: the trial, its cohorts and decisions, the design's advice."""

    trial: TrialRow
    summary: dict[str, Any]
    cohorts: tuple[CohortRow, ...]
    decisions: tuple[DecisionRow, ...]
    recommendation: Decision | None
    recommendation_note: str | None = None

    @property
    def outcome_string(self) -> str:
        """All cohorts in the outcome-string grammar (``"1NNN 2NTN"``)."""
        return " ".join(f"{c.dose}{c.outcomes}" for c in self.cohorts)

    @property
    def stopped(self) -> bool:
        """True once the meeting has decided to stop the trial."""
        return any(d.action == "stop" for d in self.decisions)

    @property
    def pending_decision(self) -> bool:
        """True when the last cohort has no recorded decision yet."""
        decided = {d.after_cohort for d in self.decisions}
        return bool(self.cohorts) and len(self.cohorts) not in decided

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view."""
        return {
            "id": self.trial.id,
            "name": self.trial.name,
            "protocol_source": self.trial.protocol_source,
            "design": self.summary,
            "outcomes": self.outcome_string,
            "cohorts": [
                {
                    "seq": c.seq,
                    "dose": c.dose,
                    "outcomes": c.outcomes,
                    "source": c.source,
                    "entered_by": c.entered_by,
                    "entered_at_utc": c.entered_at,
                }
                for c in self.cohorts
            ],
            "recommendation": None
            if self.recommendation is None
            else self.recommendation.to_dict(),
            "recommendation_note": self.recommendation_note,
            "decisions": [_decision_dict(d) for d in self.decisions],
            "stopped": self.stopped,
        }


def _decision_dict(d: DecisionRow) -> dict[str, Any]:
    return {
        "after_cohort": d.after_cohort,
        "action": d.action,
        "next_dose": d.next_dose,
        "mtd": d.mtd,
        "differs_from_design": d.differs,
        "justification": d.justification,
        "attendees": d.attendees,
        "recommended": json.loads(d.recommended_json),
        "decided_by": d.decided_by,
        "decided_at_utc": d.decided_at,
    }


def trial_view(session: Session, trial_id: int) -> TrialView:
    """Everything about one trial, with the design's decision after the cohorts so far."""
    trial = get_trial(session, trial_id)
    cohorts = tuple(
        session.scalars(
            select(CohortRow).where(CohortRow.trial_id == trial.id).order_by(CohortRow.seq)
        )
    )
    decisions = tuple(
        session.scalars(
            select(DecisionRow)
            .where(DecisionRow.trial_id == trial.id)
            .order_by(DecisionRow.after_cohort)
        )
    )
    design = design_for(trial.protocol_yaml)
    text = " ".join(f"{c.dose}{c.outcomes}" for c in cohorts)
    rec, note = None, None
    if cohorts:
        try:
            rec = design.decide(text)
        except DesignError as exc:  # the meeting deviated from rules that cannot follow
            note = f"the design's rules cannot continue this history: {exc}"
    return TrialView(trial, json.loads(trial.design_json), cohorts, decisions, rec, note)


def add_cohort(
    session: Session, trial_id: int, dose: Any, outcomes: str, actor: str, source: str = "form"
) -> CohortRow:
    """Append a cohort after checking it against the design (no skipped dose, trial open)."""
    view = trial_view(session, trial_id)
    design = design_for(view.trial.protocol_yaml)
    level, letters = parse_cohort(dose, outcomes, design.n_doses)
    if view.stopped:
        raise DesignError(
            describe_problem("cohort", f"{level}{letters}", "no new cohort: the trial has stopped")
        )
    _check_next_dose(view, design, level, letters)
    seq = (
        session.scalar(select(func.max(CohortRow.seq)).where(CohortRow.trial_id == trial_id)) or 0
    ) + 1
    row = CohortRow(
        trial_id=trial_id,
        seq=seq,
        dose=level,
        outcomes=letters,
        source=source,
        entered_by=actor,
        entered_at=utc_now(),
    )
    session.add(row)
    session.flush()
    append_event(
        session,
        actor,
        "cohort.add",
        "trial",
        trial_id,
        {"outcomes": view.outcome_string},
        {"cohort": seq, "dose": level, "outcomes": letters, "source": source},
    )
    return row


def _check_next_dose(view: TrialView, design: Any, level: int, letters: str) -> None:
    """The meeting's decision after the last cohort governs; without one, the design's rules."""
    decided = {d.after_cohort: d for d in view.decisions}.get(len(view.cohorts))
    if decided is not None and decided.next_dose is not None:
        if level != decided.next_dose:
            raise DesignError(
                describe_problem(
                    "dose",
                    level,
                    f"dose {decided.next_dose}, decided by the meeting after cohort "
                    f"{decided.after_cohort}",
                )
            )
        return
    if view.recommendation is None and view.cohorts:
        _check_no_skip(view, level)
        return
    try:
        design.decide(f"{view.outcome_string} {level}{letters}".strip())
    except DesignError as exc:
        raise DesignError(
            f"{exc}; to deviate from the design, record the meeting's decision first"
        ) from None


def _check_no_skip(view: TrialView, level: int) -> None:
    highest = max((c.dose for c in view.cohorts), default=1)
    if level > highest + 1:
        raise DesignError(
            describe_problem(
                "dose", level, f"at most {highest + 1}: untried doses cannot be skipped"
            )
        )


def _parse_choice(choice: str, n_doses: int) -> tuple[str, int | None]:
    text = (choice or "").strip().lower()
    if text == "stop":
        return "stop", None
    try:
        level = int(text)
    except ValueError:
        level = 0
    if not 1 <= level <= n_doses:
        raise DesignError(
            describe_problem("decision", choice, f"'stop' or a dose level between 1 and {n_doses}")
        )
    return "dose", level


def record_decision(
    session: Session,
    trial_id: int,
    choice: str,
    justification: str,
    attendees: str,
    actor: str,
    mtd: Any = None,
) -> DecisionRow:
    """Record the meeting's decision after the latest cohort.

    ``choice`` is the next dose level (``"2"``) or ``"stop"`` (then ``mtd`` may name the
    selected dose).  A justification is required when the decision differs from the design's
    recommendation; attendees are always required.
    """
    view = trial_view(session, trial_id)
    rec = view.recommendation
    if not view.cohorts:
        raise DesignError(describe_problem("decision", choice, "at least one cohort entered first"))
    if not view.pending_decision:
        raise DesignError(
            describe_problem(
                "decision", choice, f"a new cohort first: cohort {len(view.cohorts)} is decided"
            )
        )
    n_doses = design_for(view.trial.protocol_yaml).n_doses
    kind, next_dose = _parse_choice(choice, n_doses)
    mtd_level = None
    if kind == "stop" and mtd not in (None, ""):
        _k, mtd_level = _parse_choice(str(mtd), n_doses)
    if next_dose is not None:
        _check_no_skip(view, next_dose)
    attendees = (attendees or "").strip()
    justification = (justification or "").strip()
    if not attendees:
        raise OptionsError(describe_problem("attendees", attendees, "the names of the attendees"))
    if kind == "stop":
        action = "stop"
        differs = rec is None or not rec.stop or mtd_level != rec.mtd
    else:
        current = view.cohorts[-1].dose
        action = (
            "stay"
            if next_dose == current
            else "escalate"
            if (next_dose or 0) > current
            else "de-escalate"
        )
        differs = rec is None or rec.stop or next_dose != rec.next_dose
    if differs and not justification:
        raise OptionsError(
            describe_problem(
                "justification",
                justification,
                f"a reason, because the decision ({action} {next_dose or mtd_level or ''}) "
                f"differs from the design's recommendation "
                f"({rec or view.recommendation_note})".replace("\n  - ", "; "),
            )
        )
    recommended = rec.to_dict() if rec is not None else {"note": view.recommendation_note}
    row = DecisionRow(
        trial_id=trial_id,
        after_cohort=len(view.cohorts),
        recommended_json=json.dumps(recommended),
        action=action,
        next_dose=next_dose,
        mtd=mtd_level,
        differs=differs,
        justification=justification,
        attendees=attendees,
        decided_by=actor,
        decided_at=utc_now(),
    )
    session.add(row)
    session.flush()
    append_event(
        session,
        actor,
        "decision.record",
        "trial",
        trial_id,
        {"recommended": recommended},
        _decision_dict(row),
    )
    return row
