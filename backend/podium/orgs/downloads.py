"""The HTTP side every list export shares: who asks (session cookie), which format, refusals, the streamed file.

Each capability's `http.py` says which sheets its list becomes (with the list's own filters and scope rules)
and hands them here; the bytes come from core/sheets.py. A refusal is a coded JSON error in the caller's
language before any byte of the file is sent: 401 signed out, 403 not allowed, 404 a filter naming
something out of reach, 400 bad input.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request, Response
from litestar.response import Stream

from podium.core import sheets
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import Locale, parse_locale, translate
from podium.core.policies import Viewer
from podium.graphql.cookies import SESSION_COOKIE
from podium.orgs import service as orgs

Build = Callable[[Env, Viewer], Awaitable[Sequence[sheets.Sheet]]]
STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.FORBIDDEN: 403, ErrorCode.NOT_FOUND: 404}


def refusal(exc: DomainError, locale: Locale) -> Response[bytes]:
    body = {"errors": [{"field": p.field, "code": p.code.value, "message": translate(p.code.value, locale, **p.params)} for p in exc.problems]}
    status = STATUS.get(exc.problems[0].code, 400)
    return Response(json.dumps(body, ensure_ascii=False).encode(), status_code=status, media_type="application/json")


async def download(request: Request[Any, Any, Any], stem: str, fmt: str, build: Build, *, dated: bool = True) -> Response[Any]:
    """`build`'s sheets as `stem-YYYY-MM-DD.csv|xlsx` (the day in the org's zone), or a coded refusal."""
    env: Env = request.app.state.runtime.env
    viewer = await orgs.viewer_for_token(env, request.cookies.get(SESSION_COOKIE))
    locale = viewer.locale if viewer else parse_locale(request.headers.get("accept-language"))
    try:
        if viewer is None:
            raise DomainError.one(ErrorCode.UNAUTHENTICATED)
        if viewer.is_display:
            raise DomainError.one(ErrorCode.FORBIDDEN)
        if fmt not in sheets.MEDIA_TYPES:
            raise DomainError.one(ErrorCode.INVALID, "format")
        book = await build(env, viewer)
    except DomainError as exc:
        return refusal(exc, locale)
    async with env.db() as session:
        zone = await orgs.org_time_zone(session, viewer.org_id)
    body = await sheets.render(fmt, book, viewer.locale, zone)
    name = f"{stem}-{env.clock().astimezone(ZoneInfo(zone)).date().isoformat()}" if dated else stem
    headers = {"content-disposition": f'attachment; filename="{name}.{fmt}"', "cache-control": "no-store"}
    return Stream(body, media_type=sheets.MEDIA_TYPES[fmt], headers=headers)
