"""Server-rendered pages (Jinja2 templates; plain HTML forms, no JavaScript needed).

Each handler validates, calls the same functions as the JSON API (:mod:`conduct`,
:mod:`design_compare`, :mod:`users`), and answers the page again with the message when the
input is wrong.  Successful posts redirect (post/redirect/get) with a one-time message.
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select

from earlyphase.app import conduct, design_compare
from earlyphase.app.audit import audit_frame, verify_chain
from earlyphase.app.db import Store
from earlyphase.app.exports import audit_csv, audit_pdf
from earlyphase.app.models import ROLES, TrialRow, User
from earlyphase.app.plots import escalation_png
from earlyphase.app.reports import list_runs, resolve_report_file
from earlyphase.app.security import check_csrf, page_user, require
from earlyphase.app.users import authenticate, create_user, may
from earlyphase.app.web import read_upload, render
from earlyphase.errors import DataError, EarlyphaseError, describe_problem
from earlyphase.protocol import builtin_protocols

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _flash(request: Request, text: str) -> None:
    request.session["flash"] = text


def _page(request: Request, template: str, user: User, status: int = 200, **ctx: Any) -> Response:
    ctx.setdefault("message", request.session.pop("flash", None))
    return render(request, template, status_code=status, user=user, **ctx)


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


@router.get("/")
def home(request: Request) -> Response:
    page_user(request)
    return _redirect("/trials")


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", next=next)


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    check_csrf(request, csrf_token)
    with _store(request).read() as session:
        user = authenticate(session, username, password)
    if user is None:
        return render(request, "login.html", 401, next=next, error="wrong user name or password")
    request.session.clear()
    request.session["uid"] = user.id
    safe = next if next.startswith("/") and not next.startswith("//") else "/"
    return _redirect(safe)


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    check_csrf(request, csrf_token)
    request.session.clear()
    return _redirect("/login")


# --- design page -------------------------------------------------------------------------


def _design_inputs(request: Request) -> design_compare.DesignInputs:
    return design_compare.parse_inputs(dict(request.query_params))


@router.get("/design")
def design_page(request: Request) -> Response:
    user = page_user(request)
    params = dict(request.query_params)
    defaults = design_compare.DesignInputs()
    result, error = None, None
    if "compute" in params:
        try:
            result = design_compare.compare(_design_inputs(request))
        except EarlyphaseError as exc:
            error = str(exc)
    n_doses = params.get("n_doses", str(defaults.n_doses))
    n_doses_int = int(n_doses) if n_doses.isdigit() and 2 <= int(n_doses) <= 10 else 5
    cells = {
        f"s{i}_{j}": params.get(f"s{i}_{j}", "" if "compute" in params else _default_cell(i, j))
        for i in range(8)
        for j in range(n_doses_int)
    }
    query = request.url.query
    return _page(
        request,
        "design.html",
        user,
        422 if error else 200,
        params=params,
        defaults=defaults,
        cells=cells,
        n_doses=n_doses_int,
        variants=design_compare.VARIANTS,
        result=result,
        error=error,
        query=query,
    )


def _default_cell(i: int, j: int) -> str:
    rows = design_compare.DEFAULT_SCENARIOS
    return f"{rows[i][j]:.2f}" if i < len(rows) and j < len(rows[i]) else ""


@router.get("/design/selection.png")
def design_plot(request: Request) -> Response:
    page_user(request)
    result = design_compare.compare(_design_inputs(request))
    import base64

    return Response(base64.b64decode(result.selection_png()), media_type="image/png")


@router.get("/design/oc.csv")
def design_csv(request: Request) -> Response:
    page_user(request)
    result = design_compare.compare(_design_inputs(request))
    return Response(
        result.oc.to_csv(index=False),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="operating_characteristics.csv"'},
    )


@router.get("/design/section.txt")
def design_text(request: Request) -> Response:
    page_user(request)
    text = design_compare.protocol_text(design_compare.compare(_design_inputs(request)))
    return Response(text, media_type="text/plain; charset=utf-8")


@router.get("/design/section.rtf")
def design_rtf(request: Request) -> Response:
    page_user(request)
    body = design_compare.protocol_rtf(design_compare.compare(_design_inputs(request)))
    return Response(
        body,
        media_type="application/rtf",
        headers={"Content-Disposition": 'attachment; filename="design_section.rtf"'},
    )


# --- trials ------------------------------------------------------------------------------


def _trials_page(request: Request, user: User, status: int = 200, **ctx: Any) -> Response:
    with _store(request).read() as session:
        trials = session.scalars(select(TrialRow).order_by(TrialRow.id)).all()
    return _page(
        request,
        "trials.html",
        user,
        status,
        trials=trials,
        builtins=builtin_protocols(),
        can_write=may(user.role, "write_trial"),
        **ctx,
    )


@router.get("/trials")
def trials(request: Request) -> Response:
    return _trials_page(request, page_user(request))


def _protocol_text(request: Request, builtin: str, upload: UploadFile | None) -> tuple[str, str]:
    content = read_upload(request, upload)
    if content is not None:
        try:
            return content.decode("utf-8"), str(upload.filename if upload else "upload")
        except UnicodeDecodeError:
            raise DataError(
                describe_problem("protocol file", "<binary>", "a UTF-8 YAML text file")
            ) from None
    if builtin not in builtin_protocols():
        raise DataError(
            describe_problem("protocol", builtin, f"one of {builtin_protocols()} or an upload")
        )
    ref = resources.files("earlyphase.protocol") / "builtin" / f"{builtin}.yaml"
    return ref.read_text(encoding="utf-8"), builtin


@router.post("/trials")
def create_trial_page(
    request: Request,
    name: str = Form(""),
    builtin: str = Form(""),
    protocol_file: Annotated[UploadFile | None, File()] = None,
    csrf_token: str = Form(""),
) -> Response:
    user = page_user(request)
    check_csrf(request, csrf_token)
    require(user, "write_trial")
    try:
        text, source = _protocol_text(request, builtin, protocol_file)
        with _store(request).write() as session:
            trial = conduct.create_trial(session, name, text, source, user.username)
            trial_id = trial.id
    except EarlyphaseError as exc:
        problems = [str(p) for p in getattr(exc, "problems", ())]
        return _trials_page(request, user, 422, error=str(exc), problems=problems, name=name)
    _flash(request, f"trial {name!r} created")
    return _redirect(f"/trials/{trial_id}")


def _trial_page(
    request: Request, user: User, trial_id: int, status: int = 200, **ctx: Any
) -> Response:
    with _store(request).read() as session:
        view = conduct.trial_view(session, trial_id)
        audit = audit_frame(session, "trial", trial_id)
    return _page(
        request,
        "trial.html",
        user,
        status,
        view=view,
        n_doses=view.summary["n_doses"],
        audit=audit.to_dict("records"),
        can_write=may(user.role, "write_trial"),
        can_decide=may(user.role, "decide"),
        **ctx,
    )


@router.get("/trials/{trial_id}")
def trial_page(request: Request, trial_id: int) -> Response:
    return _trial_page(request, page_user(request), trial_id)


@router.get("/trials/{trial_id}/history.png")
def trial_history(request: Request, trial_id: int) -> Response:
    page_user(request)
    with _store(request).read() as session:
        view = conduct.trial_view(session, trial_id)
    png = escalation_png([(c.dose, c.outcomes) for c in view.cohorts], int(view.summary["n_doses"]))
    return Response(png, media_type="image/png")


@router.post("/trials/{trial_id}/cohorts")
def add_cohort_page(
    request: Request,
    trial_id: int,
    dose: str = Form(""),
    outcomes: str = Form(""),
    dlt_file: Annotated[UploadFile | None, File()] = None,
    csrf_token: str = Form(""),
) -> Response:
    user = page_user(request)
    check_csrf(request, csrf_token)
    require(user, "write_trial")
    try:
        content = read_upload(request, dlt_file)
        source = "form"
        if content is not None:
            outcomes, source = conduct.dlt_file_outcomes(content), "earlyphase dlt file"
        with _store(request).write() as session:
            row = conduct.add_cohort(session, trial_id, dose, outcomes, user.username, source)
            text = f"cohort {row.seq} entered: dose {row.dose}, {row.outcomes}"
    except EarlyphaseError as exc:
        return _trial_page(request, user, trial_id, 422, error=str(exc), form=dict(dose=dose))
    _flash(request, text)
    return _redirect(f"/trials/{trial_id}")


@router.post("/trials/{trial_id}/decisions")
def decide_page(
    request: Request,
    trial_id: int,
    decision: str = Form(""),
    mtd: str = Form(""),
    justification: str = Form(""),
    attendees: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    user = page_user(request)
    check_csrf(request, csrf_token)
    require(user, "decide")
    try:
        with _store(request).write() as session:
            row = conduct.record_decision(
                session, trial_id, decision, justification, attendees, user.username, mtd
            )
            text = f"decision after cohort {row.after_cohort} recorded: {row.action}"
    except EarlyphaseError as exc:
        form = dict(justification=justification, attendees=attendees, decision=decision)
        return _trial_page(request, user, trial_id, 422, error=str(exc), form=form)
    _flash(request, text)
    return _redirect(f"/trials/{trial_id}")


# --- audit -------------------------------------------------------------------------------


def _audit(request: Request, trial: int | None) -> tuple[Any, str]:
    with _store(request).read() as session:
        frame = audit_frame(session, "trial" if trial else None, trial)
        report = verify_chain(session)
    return frame, str(report)


@router.get("/audit")
def audit_page(request: Request, trial: int | None = None) -> Response:
    user = page_user(request)
    frame, verification = _audit(request, trial)
    return _page(
        request,
        "audit.html",
        user,
        rows=frame.to_dict("records"),
        verification=verification,
        ok=verification.startswith("audit trail intact"),
        trial=trial,
    )


@router.get("/audit.csv")
def audit_csv_page(request: Request, trial: int | None = None) -> Response:
    page_user(request)
    frame, _ = _audit(request, trial)
    return Response(
        audit_csv(frame),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit_trail.csv"'},
    )


@router.get("/audit.pdf")
def audit_pdf_page(request: Request, trial: int | None = None) -> Response:
    page_user(request)
    frame, verification = _audit(request, trial)
    title = "earlyphase audit trail" + (f" - trial {trial}" if trial else "")
    return Response(
        audit_pdf(frame, title, verification),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="audit_trail.pdf"'},
    )


# --- users -------------------------------------------------------------------------------


def _users_page(request: Request, user: User, status: int = 200, **ctx: Any) -> Response:
    with _store(request).read() as session:
        people = session.scalars(select(User).order_by(User.username)).all()
    return _page(request, "users.html", user, status, people=people, roles=ROLES, **ctx)


@router.get("/users")
def users_page(request: Request) -> Response:
    user = page_user(request)
    require(user, "manage_users")
    return _users_page(request, user)


@router.post("/users")
def create_user_page(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    role: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    user = page_user(request)
    check_csrf(request, csrf_token)
    require(user, "manage_users")
    try:
        with _store(request).write() as session:
            create_user(session, username, password, role, user.username)
    except EarlyphaseError as exc:
        return _users_page(request, user, 422, error=str(exc))
    _flash(request, f"user {username} ({role}) created")
    return _redirect("/users")


# --- report viewer -----------------------------------------------------------------------


@router.get("/reports")
def reports_page(request: Request) -> Response:
    user = page_user(request)
    root = request.app.state.settings.reports_dir
    return _page(request, "reports.html", user, runs=list_runs(root), root=root)


@router.get("/reports/{run}/{path:path}")
def report_file(request: Request, run: str, path: str) -> Response:
    page_user(request)
    target = resolve_report_file(request.app.state.settings.reports_dir, run, path)
    return FileResponse(target)
