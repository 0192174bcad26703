"""GET /api/compensation/export: a month's statements as CSV or XLSX for payroll (session cookie)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery

from podium.compensation import export, service
from podium.core.env import Env
from podium.core.policies import Viewer
from podium.core.sheets import Sheet
from podium.orgs import people
from podium.orgs.downloads import download


@get("/api/compensation/export", include_in_schema=False)
async def export_period(request: Request[Any, Any, Any], period: FromQuery[str], format: FromQuery[str] = "csv") -> Response[Any]:
    async def build(env: Env, viewer: Viewer) -> Sequence[Sheet]:
        views = await service.statements(env, viewer, period)
        who = await people.directory(env, viewer.org_id)
        return export.statement_sheets(views, viewer.locale, who, lines_first=format == "csv")

    return await download(request, f"statements-{period}", format, build, dated=False)
