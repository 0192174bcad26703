"""Visit photos over plain HTTP: the phone uploads the image bytes as they are; viewers read JPEGs back."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery

from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import parse_locale, translate
from podium.core.images import IMAGE_TYPES, PRIVATE_FOREVER, too_many_bytes
from podium.graphql.cookies import SESSION_COOKIE, origin_ok
from podium.orgs import service as orgs
from podium.visits import service



def _errors(exc: DomainError, locale: Any, status: int) -> Response[bytes]:
    body = {"errors": [{"field": p.field, "code": p.code.value, "message": translate(p.code.value, locale, **p.params)} for p in exc.problems]}
    return Response(json.dumps(body, ensure_ascii=False).encode(), status_code=status, media_type="application/json")


def _status(exc: DomainError) -> int:
    code = exc.problems[0].code
    if code is ErrorCode.NOT_FOUND:
        return 404
    if code is ErrorCode.FORBIDDEN:
        return 403
    return 413 if code is ErrorCode.TOO_LARGE and exc.problems[0].field == "body" else 400


@post("/api/visits/photos", include_in_schema=False, request_max_body_size=None, status_code=201)
async def upload_photo(request: Request[Any, Any, Any], clientId: FromQuery[str] = "", visitClientId: FromQuery[str] = "") -> Response[bytes]:  # noqa: N803 - the query names are the API's
    env = request.app.state.runtime.env
    viewer = await orgs.viewer_for_token(env, request.cookies.get(SESSION_COOKIE))
    locale = viewer.locale if viewer else parse_locale(request.headers.get("accept-language"))
    if viewer is None:
        return _errors(DomainError.one(ErrorCode.UNAUTHENTICATED), locale, 401)
    if not origin_ok(request):
        return _errors(DomainError.one(ErrorCode.FORBIDDEN), locale, 403)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in IMAGE_TYPES:
        # Also what keeps a cross-site form from posting here: image types always need a CORS preflight.
        return _errors(DomainError.one(ErrorCode.INVALID, "photo"), locale, 415)
    limit = env.settings.visits.photo_max_bytes
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return _errors(too_many_bytes("body", limit), locale, 413)
        chunks.append(chunk)
    try:
        meta, replayed = await service.add_photo(env, viewer, client_id=clientId, visit_client_id=visitClientId, raw=b"".join(chunks))
    except DomainError as exc:
        return _errors(exc, locale, _status(exc))
    body = {
        "photo": {
            "id": str(meta.id), "clientId": meta.client_id, "width": meta.width, "height": meta.height, "bytes": meta.size,
            "url": f"/api/photos/{meta.id}", "thumbUrl": f"/api/photos/{meta.id}/thumb",
        },
        "replayed": replayed,
    }
    return Response(json.dumps(body).encode(), status_code=200 if replayed else 201, media_type="application/json")


async def _read(request: Request[Any, Any, Any], photo_id: int, thumb: bool) -> Response[bytes]:
    env = request.app.state.runtime.env
    viewer = await orgs.viewer_for_token(env, request.cookies.get(SESSION_COOKIE))
    if viewer is None:
        return Response(b"", status_code=401)
    try:
        data = await service.photo_bytes(env, viewer, photo_id, thumb=thumb)
    except DomainError:
        return Response(b"", status_code=404)
    return Response(data, media_type="image/jpeg", headers={"cache-control": PRIVATE_FOREVER, "x-content-type-options": "nosniff"})


@get("/api/photos/{photo_id:int}", include_in_schema=False)
async def read_photo(request: Request[Any, Any, Any], photo_id: FromPath[int]) -> Response[bytes]:
    return await _read(request, photo_id, thumb=False)


@get("/api/photos/{photo_id:int}/thumb", include_in_schema=False)
async def read_thumb(request: Request[Any, Any, Any], photo_id: FromPath[int]) -> Response[bytes]:
    return await _read(request, photo_id, thumb=True)
