"""JSON HTTP API (``/api``), documented by OpenAPI at ``/docs`` and ``/openapi.json``.

Scripts and EDC systems get a bearer token from ``POST /api/token`` and send it as
``Authorization: Bearer <token>``.  Every write needs a token (else 401) and the role's
permission (else 403); bad input is answered 422 ``{"detail": ...}`` and changes nothing.
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from earlyphase.app import conduct, design_compare
from earlyphase.app.audit import audit_frame, verify_chain
from earlyphase.app.db import Store
from earlyphase.app.models import TrialRow, User
from earlyphase.app.security import api_user, issue_token, require
from earlyphase.app.users import authenticate, create_user
from earlyphase.app.web import read_upload
from earlyphase.errors import DataError, describe_problem
from earlyphase.protocol import builtin_protocols

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])

#: The token's user (401 without a valid ``Authorization: Bearer`` token).
ApiUser = Annotated[User, Depends(api_user)]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(_Body):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class NewUser(Credentials):
    role: str


class NewTrial(_Body):
    name: str = Field(max_length=200)
    protocol: str | None = Field(None, description="A built-in protocol name, e.g. isak-phase1b.")
    protocol_yaml: str | None = Field(None, description="The protocol YAML text.")


class NewCohort(_Body):
    dose: int | None = Field(None, description="1-based dose level (or give it in outcomes).")
    outcomes: str = Field(max_length=64, description="T/N per patient, e.g. NNT, or 2NNT.")


class NewDecision(_Body):
    decision: str = Field(description="The next dose level ('2') or 'stop'.")
    mtd: int | None = Field(None, description="Selected MTD when stopping.")
    justification: str = Field("", max_length=5000)
    attendees: str = Field(max_length=2000)


class DesignRequest(_Body):
    n_doses: int = 5
    target: float = 0.30
    cohort_size: int = 3
    max_n: int = 30
    n_trials: int = 2000
    seed: int = 2026
    variant: str = "de-escalate"
    scenarios: list[list[float]] = Field(
        default_factory=lambda: [list(s) for s in design_compare.DEFAULT_SCENARIOS]
    )


@router.post("/token")
def token(request: Request, body: Credentials) -> dict[str, str]:
    """Exchange a user name and password for a bearer token."""
    with _store(request).read() as session:
        user = authenticate(session, body.username, body.password)
    if user is None:
        from fastapi import HTTPException

        raise HTTPException(401, "wrong user name or password")
    return {"access_token": issue_token(request, user), "token_type": "bearer"}


@router.get("/me")
def me(user: ApiUser) -> dict[str, str]:
    """The token's user and role."""
    return {"username": user.username, "role": user.role}


@router.post("/users", status_code=201)
def add_user(request: Request, body: NewUser, user: ApiUser) -> dict[str, Any]:
    """Create a user (admin only)."""
    require(user, "manage_users")
    with _store(request).write() as session:
        new = create_user(session, body.username, body.password, body.role, user.username)
        return {"id": new.id, "username": new.username, "role": new.role}


@router.get("/trials")
def list_trials(request: Request, user: ApiUser) -> list[dict[str, Any]]:
    """All trials (id, name, protocol source)."""
    with _store(request).read() as session:
        rows = session.scalars(select(TrialRow).order_by(TrialRow.id)).all()
    return [{"id": t.id, "name": t.name, "protocol_source": t.protocol_source} for t in rows]


@router.post("/trials", status_code=201)
def add_trial(request: Request, body: NewTrial, user: ApiUser) -> dict[str, Any]:
    """Create a trial from a built-in protocol or protocol YAML text (validated)."""
    require(user, "write_trial")
    if (body.protocol is None) == (body.protocol_yaml is None):
        raise DataError(
            describe_problem("protocol", None, "exactly one of 'protocol' or 'protocol_yaml'")
        )
    if body.protocol is not None:
        if body.protocol not in builtin_protocols():
            raise DataError(
                describe_problem("protocol", body.protocol, f"one of {builtin_protocols()}")
            )
        ref = resources.files("earlyphase.protocol") / "builtin" / f"{body.protocol}.yaml"
        text, source = ref.read_text(encoding="utf-8"), body.protocol
    else:
        text, source = str(body.protocol_yaml), "api upload"
    with _store(request).write() as session:
        trial = conduct.create_trial(session, body.name, text, source, user.username)
        trial_id = trial.id
    return _trial(request, trial_id)


def _records(frame: Any) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (missing values as null)."""
    clean = frame.astype(object).where(frame.notna(), None)
    records: list[dict[str, Any]] = clean.to_dict("records")
    return records


def _trial(request: Request, trial_id: int) -> dict[str, Any]:
    with _store(request).read() as session:
        return conduct.trial_view(session, trial_id).to_dict()


@router.get("/trials/{trial_id}")
def get_trial(request: Request, trial_id: int, user: ApiUser) -> dict[str, Any]:
    """A trial: cohorts, the design's recommendation with reasons, and decisions."""
    return _trial(request, trial_id)


@router.post("/trials/{trial_id}/cohorts", status_code=201)
def add_cohort(request: Request, trial_id: int, body: NewCohort, user: ApiUser) -> dict[str, Any]:
    """Append a cohort; answers the trial with the updated recommendation."""
    require(user, "write_trial")
    with _store(request).write() as session:
        conduct.add_cohort(session, trial_id, body.dose, body.outcomes, user.username, "api")
    return _trial(request, trial_id)


@router.post("/trials/{trial_id}/cohorts/dlt-file", status_code=201)
def add_cohort_from_dlt_file(
    request: Request,
    trial_id: int,
    user: ApiUser,
    dose: Annotated[int, Form(description="1-based dose level of the cohort.")],
    file: Annotated[UploadFile, File(description="CSV from 'earlyphase dlt --out FILE.csv'.")],
) -> dict[str, Any]:
    """Append a cohort from the output of ``earlyphase dlt`` (one patient per row)."""
    require(user, "write_trial")
    content = read_upload(request, file) or b""
    outcomes = conduct.dlt_file_outcomes(content)
    with _store(request).write() as session:
        conduct.add_cohort(session, trial_id, dose, outcomes, user.username, "earlyphase dlt file")
    return _trial(request, trial_id)


@router.post("/trials/{trial_id}/decisions", status_code=201)
def add_decision(
    request: Request, trial_id: int, body: NewDecision, user: ApiUser
) -> dict[str, Any]:
    """Record the meeting's decision after the latest cohort (statisticians only)."""
    require(user, "decide")
    with _store(request).write() as session:
        conduct.record_decision(
            session,
            trial_id,
            body.decision,
            body.justification,
            body.attendees,
            user.username,
            body.mtd,
        )
    return _trial(request, trial_id)


@router.get("/audit")
def audit(request: Request, user: ApiUser, trial: int | None = None) -> list[dict[str, Any]]:
    """Audit rows (optionally of one trial), oldest first."""
    with _store(request).read() as session:
        frame = audit_frame(session, "trial" if trial else None, trial)
    return _records(frame)


@router.get("/audit/verify")
def audit_verify(request: Request, user: ApiUser) -> dict[str, Any]:
    """Recompute the hash chain: ``ok``, rows checked and any problems."""
    with _store(request).read() as session:
        report = verify_chain(session)
    return {"ok": report.ok, "n_rows": report.n_rows, "problems": list(report.problems)}


@router.post("/design/compare")
def design(body: DesignRequest, user: ApiUser) -> dict[str, Any]:
    """Operating characteristics of 3+3 / BOIN / mTPI-2 / CRM under the scenarios."""
    result = design_compare.compare(design_compare.parse_inputs(body.model_dump()))
    return {
        "summary": _records(result.summary),
        "operating_characteristics": _records(result.oc),
    }
