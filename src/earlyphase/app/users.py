"""Users, roles and password checks (argon2id through argon2-cffi).

Roles and what they may do:

============  ======  =====================  ================  ============
role          read    create trials/cohorts  record decisions  manage users
============  ======  =====================  ================  ============
viewer        yes     no                     no                no
investigator  yes     yes                    no                no
statistician  yes     yes                    yes               no
admin         yes     yes                    no                yes
============  ======  =====================  ================  ============

Only a statistician records a dose-escalation decision (the issue's rule); an admin manages
accounts but does not decide doses.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyphase.app.audit import append_event
from earlyphase.app.models import ROLES, User, utc_now
from earlyphase.errors import OptionsError, describe_problem

__all__ = [
    "PERMISSIONS",
    "authenticate",
    "create_user",
    "hash_password",
    "may",
    "verify_password",
]

#: Actions each role may perform.
PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"read"}),
    "investigator": frozenset({"read", "write_trial"}),
    "statistician": frozenset({"read", "write_trial", "decide"}),
    "admin": frozenset({"read", "write_trial", "manage_users"}),
}

_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_HASHER = PasswordHasher()
#: A valid hash of a random password: checked when the user does not exist, so that the
#: answer takes as long as for a wrong password (no user enumeration by timing).
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def may(role: str, action: str) -> bool:
    """Whether ``role`` may perform ``action`` (see :data:`PERMISSIONS`)."""
    return action in PERMISSIONS.get(role, frozenset())


def hash_password(password: str) -> str:
    """argon2id hash of ``password`` (argon2-cffi's RFC 9106 low-memory defaults)."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``."""
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(session: Session, username: str, password: str, role: str, actor: str) -> User:
    """Add a user (audited).  Raises :class:`OptionsError` on a bad name, role or password."""
    if not _USERNAME.match(username or ""):
        raise OptionsError(
            describe_problem("username", username, "1-64 letters, digits or the characters _ . @ -")
        )
    if role not in ROLES:
        raise OptionsError(describe_problem("role", role, "one of " + ", ".join(ROLES)))
    if len(password or "") < 8:
        raise OptionsError(describe_problem("password", "***", "at least 8 characters"))
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise OptionsError(describe_problem("username", username, "a name not already taken"))
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        active=True,
        created_at=utc_now(),
    )
    session.add(user)
    session.flush()
    append_event(
        session, actor, "user.create", "user", user.id, None, {"username": username, "role": role}
    )
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None
