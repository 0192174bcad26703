"""Pairing over plain HTTP: an unpaired TV has no session, only the secret of the code it shows.

POST /api/displays/pairings        → 201 {"code", "secret", "expiresAt", "pollSeconds"}   (429 when rate-limited)
POST /api/displays/pairings/claim  {"secret"} → 200 {"status": "waiting" | "paired" | "expired"}
    "paired" comes once, with the display token in the HttpOnly cookie `podium_display`, which the
    GraphQL endpoint and the WebSocket read like a session cookie.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, post
from litestar.datastructures import Cookie

from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import parse_locale, translate
from podium.displays import service
from podium.graphql.cookies import DISPLAY_COOKIE, origin_ok

# Browsers cap cookie lifetimes at about 400 days; a TV's token lives until it is revoked.
DISPLAY_COOKIE_SECONDS = 400 * 86400
NO_STORE = {"cache-control": "no-store"}


def _json(body: dict[str, Any], status: int) -> Response[bytes]:
    return Response(json.dumps(body, ensure_ascii=False).encode(), status_code=status, media_type="application/json", headers=NO_STORE)


def _error(request: Request[Any, Any, Any], code: ErrorCode, status: int) -> Response[bytes]:
    locale = parse_locale(request.headers.get("accept-language"))
    return _json({"errors": [{"field": None, "code": code.value, "message": translate(code.value, locale)}]}, status)


def _client(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


@post("/api/displays/pairings", include_in_schema=False, status_code=201, request_max_body_size=4096)
async def start_pairing(request: Request[Any, Any, Any]) -> Response[bytes]:
    if not origin_ok(request):
        return _error(request, ErrorCode.FORBIDDEN, 403)
    env = request.app.state.runtime.env
    try:
        pairing = await service.start_pairing(env, client_address=_client(request))
    except DomainError:
        return _error(request, ErrorCode.RATE_LIMITED, 429)
    body = {
        "code": pairing.code,
        "secret": pairing.secret,
        "expiresAt": pairing.expires_at.isoformat(),
        "pollSeconds": service.POLL_SECONDS,
    }
    return _json(body, 201)


@post("/api/displays/pairings/claim", include_in_schema=False, status_code=200, request_max_body_size=4096)
async def claim_pairing(request: Request[Any, Any, Any]) -> Response[bytes]:
    if not origin_ok(request):
        return _error(request, ErrorCode.FORBIDDEN, 403)
    if not request.headers.get("content-type", "").startswith("application/json"):
        # JSON only: a cross-site form can never plant a display cookie.
        return _error(request, ErrorCode.INVALID, 415)
    try:
        secret = (json.loads(await request.body()) or {}).get("secret")
    except (ValueError, AttributeError):
        secret = None
    if not isinstance(secret, str):
        return _error(request, ErrorCode.INVALID, 400)
    claim = await service.claim(request.app.state.runtime.env, secret)
    body: dict[str, Any] = {"status": claim.status}
    if claim.expires_at is not None:
        body["expiresAt"] = claim.expires_at.isoformat()
    response = _json(body, 200)
    if claim.token is not None:
        settings = request.app.state.runtime.settings
        response.set_cookie(
            Cookie(
                key=DISPLAY_COOKIE,
                value=claim.token,
                max_age=DISPLAY_COOKIE_SECONDS,
                httponly=True,
                samesite="lax",
                secure=settings.http.secure_cookies,
                path="/",
            )
        )
    return response
