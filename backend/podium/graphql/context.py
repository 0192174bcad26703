"""What every resolver gets: the services' Env, the caller, their language."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from podium.core.env import Env
from podium.core.i18n import Locale
from podium.core.policies import Viewer, require_viewer
from podium.realtime.ending import Credential
from podium.realtime.hub import Hub


@dataclass
class CookieChange:
    token: str | None  # None clears the cookie


@dataclass
class Context:
    env: Env
    hub: Hub
    viewer: Viewer | None
    locale: Locale
    client_address: str = "unknown"
    base_url: str = ""  # scheme://host[:port] the request came to: links in emails when PODIUM_PUBLIC_URL is unset
    session_token: str | None = None
    credential: Credential | None = None  # what a socket opened with this context lives no longer than
    cookie_changes: list[CookieChange] = field(default_factory=list)

    def require_viewer(self) -> Viewer:
        return require_viewer(self.viewer)


@dataclass
class LiveContext:
    """Context of a shared execution: no single caller, only what the whole group has in common."""

    env: Env
    hub: Hub
    locale: Locale
    viewer: None = None


Info = strawberry.Info[Context, None]
