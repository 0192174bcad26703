"""The credential cookies and the Origin check that guards them, for /graphql and every capability's HTTP routes."""

from __future__ import annotations

from typing import Any

from litestar import Request

SESSION_COOKIE = "podium_session"
# A paired office TV's token (displays/http.py sets it); a person's session wins when a browser has both.
DISPLAY_COOKIE = "podium_display"


def origin_ok(request: Request[Any, Any, Any]) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin in {f"http://{host}", f"https://{host}"} or origin in request.app.state.runtime.settings.http.allowed_origins
