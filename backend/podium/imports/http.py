"""POST /api/imports/file (the file as the raw body, streamed; refused past the size limit without reading the rest)
and GET /api/imports/{run}/report (the XLSX report). Session cookie; admins only."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from litestar import Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath, FromQuery
from litestar.response import File

from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import parse_locale, translate
from podium.graphql.cookies import SESSION_COOKIE, origin_ok
from podium.imports import engine
from podium.imports.report import write_report
from podium.orgs import service as orgs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(exc: DomainError, locale: Any, status: int) -> Response[bytes]:
    body = {"errors": [{"field": p.field, "code": p.code.value, "message": translate(p.code.value, locale, **p.params)} for p in exc.problems]}
    return Response(json.dumps(body, ensure_ascii=False).encode(), status_code=status, media_type="application/json")


_STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.FORBIDDEN: 403, ErrorCode.NOT_FOUND: 404, ErrorCode.FILE_TOO_LARGE: 413}


@post("/api/imports/file", include_in_schema=False, request_max_body_size=None, status_code=200)
async def upload_file(request: Request[Any, Any, Any], kind: FromQuery[str] = "customers", name: FromQuery[str] = "",
                      source: FromQuery[str] = "") -> Response[bytes]:
    env = request.app.state.runtime.env
    viewer = await orgs.viewer_for_token(env, request.cookies.get(SESSION_COOKIE))
    locale = viewer.locale if viewer else parse_locale(request.headers.get("accept-language"))
    if viewer is None:
        return _errors(DomainError.one(ErrorCode.UNAUTHENTICATED), locale, 401)
    if not origin_ok(request) or not viewer.is_admin:
        return _errors(DomainError.one(ErrorCode.FORBIDDEN), locale, 403)
    limit = env.settings.imports.max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return _errors(DomainError.one(ErrorCode.FILE_TOO_LARGE, "file", max=limit // 1_048_576), locale, 413)
    fd, raw_path = tempfile.mkstemp(prefix="podium-import-")
    path = Path(raw_path)
    try:
        size = 0
        with os.fdopen(fd, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    # Refused mid-stream: nothing more is read or kept.
                    return _errors(DomainError.one(ErrorCode.FILE_TOO_LARGE, "file", max=limit // 1_048_576), locale, 413)
                out.write(chunk)
        try:
            run = await engine.upload(env, viewer, kind, path, name.strip(), source)
        except DomainError as exc:
            return _errors(exc, locale, _STATUS.get(exc.problems[0].code, 400))
        return Response(json.dumps({"runId": str(run.id), "rows": run.total_rows}).encode(), media_type="application/json")
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


@get("/api/imports/{run_id:int}/report", include_in_schema=False)
async def download_report(request: Request[Any, Any, Any], run_id: FromPath[int]) -> Response[bytes] | File:
    env = request.app.state.runtime.env
    viewer = await orgs.viewer_for_token(env, request.cookies.get(SESSION_COOKIE))
    if viewer is None:
        return _errors(DomainError.one(ErrorCode.UNAUTHENTICATED), parse_locale(request.headers.get("accept-language")), 401)
    try:
        path, filename = await write_report(env, viewer, run_id)
    except DomainError as exc:
        return _errors(exc, viewer.locale, _STATUS.get(exc.problems[0].code, 400))
    return File(path=path, filename=filename, media_type=XLSX, headers={"cache-control": "no-store"},
                background=BackgroundTask(_remove, path))


async def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


