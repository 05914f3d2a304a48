"""The earlyphase web app: design comparison, dose-escalation meetings and their audit trail.

Start it with ``earlyphase app`` (see ``docs/app.md``).  Needs the ``app`` extra
(``pip install "earlyphase[app]"``); nothing else in earlyphase imports this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["AppSettings", "create_app"]

if TYPE_CHECKING:
    from earlyphase.app.settings import AppSettings


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from earlyphase.app.web import create_app

        return create_app
    if name == "AppSettings":
        from earlyphase.app.settings import AppSettings

        return AppSettings
    raise AttributeError(name)
