"""GET /api/compensation/export: a month's statements as CSV or XLSX for payroll (session cookie)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery
from litestar.exceptions import HTTPException

from podium.compensation import export, service
from podium.core.errors import DomainError
from podium.graphql.cookies import SESSION_COOKIE
from podium.orgs import service as orgs

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@get("/api/compensation/export", include_in_schema=False)
async def export_period(request: Request[Any, Any, Any], period: FromQuery[str], format: FromQuery[str] = "csv") -> Response[bytes]:
    env = request.app.state.runtime.env
    viewer = await orgs.viewer_for_token(env, request.cookies.get(SESSION_COOKIE))
    if viewer is None:
        raise HTTPException(status_code=401, detail="Sign in first.")
    if format not in TYPES:
        raise HTTPException(status_code=400, detail="format is csv or xlsx.")
    try:
        views = await service.statements(env, viewer, period)
    except DomainError as exc:
        status = 403 if exc.problems[0].code.value == "FORBIDDEN" else 400
        raise HTTPException(status_code=status, detail=exc.problems[0].code.value) from exc
    async with env.db() as session:
        zone = await orgs.org_time_zone(session, viewer.org_id)
    body = export.to_csv(views, viewer.locale, zone) if format == "csv" else export.to_xlsx(views, viewer.locale, zone)
    filename = f"statements-{period}.{format}"
    return Response(body, media_type=TYPES[format], headers={"content-disposition": f'attachment; filename="{filename}"', "cache-control": "no-store"})
