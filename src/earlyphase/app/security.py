"""Who is asking: session cookies and CSRF tokens for pages, bearer tokens for the API.

Pages use Starlette's signed session cookie (itsdangerous; ``HttpOnly``, ``SameSite=Strict``,
``Secure`` unless disabled) holding the user id and a CSRF token; every form posts the token
back (synchroniser-token pattern, OWASP CSRF cheat sheet).  The JSON API does not use the
cookie: scripts get a signed, expiring bearer token from ``POST /api/token``, so API writes
need no CSRF token and an API write without a token is answered 401.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from earlyphase.app.db import Store
from earlyphase.app.models import User
from earlyphase.app.users import may

__all__ = [
    "LoginRequired",
    "api_user",
    "check_csrf",
    "csrf_token",
    "issue_token",
    "page_user",
    "require",
]


class LoginRequired(Exception):
    """A page needs a logged-in user (answered by a redirect to the login page)."""


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def check_csrf(request: Request, submitted: str) -> None:
    """Refuse (403) a form whose CSRF token is missing or not the session's."""
    expected = request.session.get("csrf")
    if not expected or not secrets.compare_digest(str(expected), str(submitted or "")):
        raise HTTPException(403, "the form's security token is missing or expired; reload the page")


def _user(request: Request, user_id: Any) -> User | None:
    if not isinstance(user_id, int):
        return None
    with _store(request).read() as session:
        user = session.get(User, user_id)
    return user if user is not None and user.active else None


def page_user(request: Request) -> User:
    """The logged-in user of a page request, else :class:`LoginRequired`."""
    user = _user(request, request.session.get("uid"))
    if user is None:
        raise LoginRequired()
    return user


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret_key, salt="earlyphase-api")


def issue_token(request: Request, user: User) -> str:
    """A signed bearer token for ``user`` (expires with the session lifetime)."""
    return _serializer(request).dumps({"uid": user.id})


def api_user(request: Request) -> User:
    """The user of an API request from its ``Authorization: Bearer`` token, else 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and token:
        try:
            data = _serializer(request).loads(
                token.strip(), max_age=request.app.state.settings.session_max_age_s
            )
        except BadSignature:
            data = None
        if isinstance(data, dict):
            user = _user(request, data.get("uid"))
    if user is None:
        raise HTTPException(
            401,
            "authentication required: send 'Authorization: Bearer <token>' from POST /api/token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


def require(user: User, action: str) -> None:
    """403 unless ``user``'s role may perform ``action``."""
    if not may(user.role, action):
        words = {
            "decide": "only a statistician may record a dose-escalation decision",
            "write_trial": "viewers may not change trials",
            "manage_users": "only an admin may manage users",
        }
        raise HTTPException(403, f"{words.get(action, action)} (you are {user.role})")
