"""Celebration cards over HTTP: for the signed-in org's feed, and for a notification's image fetch (signed URL)."""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery

from podium.celebrations import service as celebrations
from podium.core.i18n import Locale, parse_locale
from podium.graphql.cookies import SESSION_COOKIE
from podium.orgs import service as orgs
from podium.push import cards
from podium.push.service import card_signature

# A card never changes under its URL; `private`: it shows a person's name.
PRIVATE_FOREVER = "private, max-age=31536000, immutable"


@get("/api/celebrations/{celebration_id:int}/card.png", include_in_schema=False)
async def celebration_card(
    request: Request[Any, Any, Any], celebration_id: FromPath[int], lang: FromQuery[str] = "", sig: FromQuery[str] = ""
) -> Response[bytes]:
    env = request.app.state.runtime.env
    locale = Locale(lang) if lang in Locale._value2member_map_ else None
    org_id: int | None = None
    if sig and locale is not None:
        # The service worker's notification may fetch without our cookie: the signature is the permission.
        if hmac.compare_digest(sig, card_signature(env.settings.security.secret_key, celebration_id, locale)):
            org_id = await celebrations.org_of(env, celebration_id)
    if org_id is None:
        viewer = await orgs.viewer_for_token(env, request.cookies.get(SESSION_COOKIE))
        if viewer is None:
            return Response(b"", status_code=401)
        org_id = viewer.org_id
        locale = locale or viewer.locale or parse_locale(request.headers.get("accept-language"))
    assert locale is not None
    png = await cards.card_png(env, org_id, celebration_id, locale)
    if png is None:
        return Response(b"", status_code=404)
    return Response(png, media_type="image/png", headers={"cache-control": PRIVATE_FOREVER, "x-content-type-options": "nosniff"})
