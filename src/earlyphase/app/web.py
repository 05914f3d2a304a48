"""The FastAPI application: middleware, error handling, and the page and API routers.

Errors are answered, never leaked: an :class:`~earlyphase.errors.EarlyphaseError` (bad
protocol, outcomes, settings) becomes 422 with its message, a missing trial 404, a missing
login 401 (API) or a redirect (pages), a role problem 403, an oversized body 413.  API
answers are JSON ``{"detail": ...}``; page answers are an HTML page with the message.
Anything unforeseen is logged and answered 500 with a generic message, without a traceback.
"""

from __future__ import annotations

import json
import logging
from importlib import resources
from typing import Any

from fastapi import FastAPI, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from earlyphase.app.db import Store, open_store
from earlyphase.app.security import LoginRequired, csrf_token
from earlyphase.app.settings import AppSettings
from earlyphase.errors import DataError, EarlyphaseError, describe_problem

__all__ = ["create_app", "read_upload", "render"]

_LOG = logging.getLogger("earlyphase.app")


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes with 413, before reading them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        too_big = not length.isdigit() or int(length) > self.limit
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, _too_large_text(self.limit))
            return message

        if too_big:
            await _too_large(self.limit)(scope, receive, send)
            return
        await self.app(scope, limited, send)


class SecurityHeaders:
    """Headers that keep pages out of frames and stop content-type sniffing."""

    HEADERS = (
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


def _too_large_text(limit: int) -> str:
    return f"request body: larger than the limit of {limit} bytes; upload a smaller file"


def _too_large(limit: int) -> Response:
    return JSONResponse({"detail": _too_large_text(limit)}, status_code=413)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """A page from ``templates/`` with the user, CSRF token and message context filled in."""
    templates: Jinja2Templates = request.app.state.templates
    context.setdefault("user", None)
    context.setdefault("error", None)
    context.setdefault("message", None)
    context["csrf"] = csrf_token(request)
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def read_upload(request: Request, upload: UploadFile | None) -> bytes | None:
    """The uploaded file's bytes (None when no file was chosen), within the size limit."""
    if upload is None or not upload.filename:
        return None
    limit = request.app.state.settings.max_upload_bytes
    content = upload.file.read(limit + 1)
    if len(content) > limit:
        raise DataError(describe_problem("file", upload.filename, f"at most {limit} bytes"))
    return content


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _answer(request: Request, status: int, detail: Any) -> Response:
    if _is_api(request) or status == 413:
        return JSONResponse({"detail": detail}, status_code=status)
    return render(request, "error.html", status_code=status, status=status, detail=detail)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        response = _answer(request, exc.status_code, exc.detail)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(EarlyphaseError)
    async def _domain(request: Request, exc: EarlyphaseError) -> Response:
        problems = [str(p) for p in getattr(exc, "problems", ())]
        detail: Any = {"error": str(exc), "problems": problems} if problems else str(exc)
        return _answer(request, 422, detail)

    @app.exception_handler(LookupError)
    async def _missing(request: Request, exc: LookupError) -> Response:
        return _answer(request, 404, str(exc.args[0]) if exc.args else "not found")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in exc.errors()
        ]
        return _answer(request, 422, problems)

    @app.exception_handler(IntegrityError)
    async def _conflict(request: Request, _exc: IntegrityError) -> Response:
        # e.g. two app processes appending to the audit chain at once (unique prev_hash)
        return _answer(request, 409, "the database changed meanwhile; nothing was saved, try again")

    @app.exception_handler(OperationalError)
    async def _busy(request: Request, _exc: OperationalError) -> Response:
        _LOG.warning("database unavailable on %s", request.url.path)
        return _answer(request, 503, "the database is busy or unreachable; nothing was saved")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        _LOG.exception("unexpected error on %s", request.url.path)
        return _answer(request, 500, "internal error; the request changed nothing")


def create_app(settings: AppSettings | None = None, store: Store | None = None) -> FastAPI:
    """The web application for ``settings`` (migrates the database on creation)."""
    from earlyphase.app import api, pages

    settings = settings or AppSettings()
    store = store or open_store(settings.db_url)
    app = FastAPI(
        title="earlyphase",
        summary="Dose-escalation design comparison and trial conduct with an audit trail.",
        version=_version(),
    )
    app.state.settings = settings
    app.state.store = store
    app.state.secret_key = store.secret_key()
    app.state.templates = Jinja2Templates(
        directory=str(resources.files("earlyphase.app") / "templates")
    )
    app.state.templates.env.filters["recommended"] = _recommended_text
    app.add_middleware(
        SessionMiddleware,
        secret_key=app.state.secret_key,
        session_cookie="earlyphase_session",
        max_age=settings.session_max_age_s,
        same_site="strict",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    _install_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/health", tags=["system"])
    def health() -> dict[str, str]:
        """Liveness: 200 with ``{"status": "ok"}``."""
        return {"status": "ok"}

    return app


def _recommended_text(recommended_json: str) -> str:
    """One line for a stored recommendation (the JSON of ``Decision.to_dict()``)."""
    rec = json.loads(recommended_json)
    if "note" in rec:
        return "no recommendation (the design's rules cannot continue this history)"
    if rec.get("stop"):
        return f"stop, MTD {rec['mtd']}" if rec.get("mtd") else "stop, no MTD"
    return f"{rec.get('action')} to dose {rec.get('next_dose')}"


def _version() -> str:
    from earlyphase import __version__

    return __version__
