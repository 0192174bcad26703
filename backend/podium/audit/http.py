"""GET /api/audit/export: the audit log as CSV or XLSX, with the page's filters (admins, session cookie)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import HTTPException
from litestar.response import Stream

from podium.audit import service
from podium.core.errors import DomainError, ErrorCode
from podium.core.sheets import MEDIA_TYPES, Column, Kind, Sheet, render
from podium.graphql.cookies import SESSION_COOKIE
from podium.orgs import service as orgs

COLUMNS = [
    Column("at", "When", "时间", Kind.DATETIME), Column("action", "Action", "操作"), Column("subject_type", "Subject", "对象"),
    Column("subject_id", "Subject id", "对象编号"), Column("actor_name", "Who", "操作人"), Column("actor_email", "Email", "邮箱"),
    Column("actor_token_id", "API token", "API 令牌", Kind.INT), Column("ip", "IP", "IP"), Column("user_agent", "Client", "客户端"),
    Column("before", "Before", "变更前"), Column("after", "After", "变更后"),
]
TEXT_KEYS = ("text", "actor", "action", "subjectType", "subjectId")


def _moment(request: Request[Any, Any, Any], key: str) -> datetime | None:
    raw = request.query_params.get(key)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=f"{key} is not a date and time.") from exc
    if moment.tzinfo is None:
        raise HTTPException(status_code=400, detail=f"{key} needs a time zone.")
    return moment


@get("/api/audit/export", include_in_schema=False)
async def export_audit(request: Request[Any, Any, Any]) -> Response[Any]:
    env = request.app.state.runtime.env
    # The session cookie only: an API token reads the log through GraphQL (audit:read), page by page.
    viewer = await orgs.viewer_for_token(env, request.cookies.get(SESSION_COOKIE))
    if viewer is None:
        raise HTTPException(status_code=401, detail="Sign in first.")
    fmt = request.query_params.get("format", "csv")
    if fmt not in MEDIA_TYPES:
        raise HTTPException(status_code=400, detail="format is csv or xlsx.")
    text = {k: request.query_params.get(k, "") for k in TEXT_KEYS}
    chosen = service.AuditFilter(
        actor=text["actor"], action=text["action"], subject_type=text["subjectType"], subject_id=text["subjectId"], text=text["text"],
        since=_moment(request, "since"), until=_moment(request, "until"),
    )
    try:
        await service.entries(env, viewer, chosen, first=1)  # checks the viewer and the filter before a byte is sent
    except DomainError as exc:
        status = 403 if exc.problems[0].code is ErrorCode.FORBIDDEN else 400
        raise HTTPException(status_code=status, detail=exc.problems[0].code.value) from exc
    async with env.db() as session:
        zone = await orgs.org_time_zone(session, viewer.org_id)

    async def rows() -> AsyncIterator[list[Any]]:
        async for e in service.each_entry(env, viewer, chosen):
            yield [e.at, e.action, e.subject_type, e.subject_id, e.actor_name, e.actor_email, e.actor_token_id, e.ip, e.user_agent, e.before, e.after]

    body = await render(fmt, [Sheet("Audit log", "审计日志", COLUMNS, rows())], viewer.locale, zone)
    filename = f"audit-log.{fmt}"
    return Stream(body, media_type=MEDIA_TYPES[fmt], headers={"content-disposition": f'attachment; filename="{filename}"', "cache-control": "no-store"})
