"""Profile photos over HTTP: PUT my photo as image bytes; GET a colleague's (session or paired TV)."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath

from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import parse_locale, translate
from podium.core.images import IMAGE_TYPES, PRIVATE_FOREVER, too_many_bytes
from podium.core.policies import Viewer
from podium.graphql.cookies import SESSION_COOKIE, origin_ok
from podium.orgs import photos
from podium.orgs import service as orgs


def _errors(exc: DomainError, locale: Any, status: int) -> Response[bytes]:
    body = {"errors": [{"field": p.field, "code": p.code.value, "message": translate(p.code.value, locale, **p.params)} for p in exc.problems]}
    return Response(json.dumps(body, ensure_ascii=False).encode(), status_code=status, media_type="application/json")


@put("/api/me/photo", include_in_schema=False, request_max_body_size=None, status_code=200)
async def put_photo(request: Request[Any, Any, Any]) -> Response[bytes]:
    env = request.app.state.runtime.env
    viewer = await orgs.viewer_for_token(env, request.cookies.get(SESSION_COOKIE))
    locale = viewer.locale if viewer else parse_locale(request.headers.get("accept-language"))
    if viewer is None:
        return _errors(DomainError.one(ErrorCode.UNAUTHENTICATED), locale, 401)
    if not origin_ok(request):
        return _errors(DomainError.one(ErrorCode.FORBIDDEN), locale, 403)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() not in IMAGE_TYPES:
        return _errors(DomainError.one(ErrorCode.INVALID, "photo"), locale, 415)
    limit, chunks, size = env.settings.visits.photo_max_bytes, [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return _errors(too_many_bytes("photo", limit), locale, 413)
        chunks.append(chunk)
    try:
        version = await photos.set_photo(env, viewer, b"".join(chunks))
    except DomainError as exc:
        return _errors(exc, locale, 400)
    body = {"photoUrl": f"/api/users/{viewer.user_id}/photo?v={version}"}
    return Response(json.dumps(body).encode(), media_type="application/json")


@get("/api/users/{user_id:int}/photo", include_in_schema=False)
async def get_photo(request: Request[Any, Any, Any], user_id: FromPath[int], caller: NamedDependency[Viewer | None]) -> Response[bytes]:
    # A paired TV shows faces too. Its token is displays' (a layer above orgs), so the app provides the
    # caller (graphql/http.py: the session, else the display's token) instead of this module reading both.
    if caller is None:
        return Response(b"", status_code=401)
    data = await photos.photo_of(request.app.state.runtime.env, caller, user_id)
    if data is None:
        return Response(b"", status_code=404)
    # The URL carries the photo's version: a new photo is a new URL, so this one may be kept for good.
    return Response(data, media_type="image/jpeg", headers={"cache-control": PRIVATE_FOREVER, "x-content-type-options": "nosniff"})
