"""GET /api/people/export: the people admin list as CSV or XLSX (admins: the org; managers: their subtree)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery

from podium.core.env import Env
from podium.core.i18n import Locale
from podium.core.policies import Viewer
from podium.core.sheets import Column, Kind, Sheet
from podium.orgs import people
from podium.orgs.downloads import download, who_cells, who_columns

COLUMNS = [
    Column("name", "Name", "姓名"), Column("email", "Email", "邮箱"), Column("employee_number", "Employee no.", "工号"),
    Column("role", "Role", "角色"), Column("unit", "Unit", "部门"), *who_columns("manager", "Manager", "上级"),
    Column("active", "Active", "在职"), Column("last_sign_in", "Last sign-in", "最近登录", Kind.DATETIME),
    Column("created", "Added", "加入时间", Kind.DATETIME),
]
ROLES = {
    Locale.EN: {"admin": "Admin", "manager": "Manager", "rep": "Rep"},
    Locale.ZH_CN: {"admin": "管理员", "manager": "经理", "rep": "销售"},
}
YES_NO = {Locale.EN: ("yes", "no"), Locale.ZH_CN: ("是", "否")}


@get("/api/people/export", include_in_schema=False)
async def export_people(request: Request[Any, Any, Any], format: FromQuery[str] = "csv") -> Response[Any]:
    async def build(env: Env, viewer: Viewer) -> Sequence[Sheet]:
        rows = await people.people(env, viewer)
        directory = await people.directory(env, viewer.org_id)
        roles, (yes, no) = ROLES[viewer.locale], YES_NO[viewer.locale]
        cells = [
            [
                p.name, p.email, p.employee_number, roles.get(p.role.value, p.role.value), p.team_name, *who_cells(directory, p.manager_id),
                yes if p.active else no, p.last_login_at, p.created_at,
            ]
            for p in rows
        ]
        return [Sheet("People", "人员", COLUMNS, cells)]

    return await download(request, "people", format, build)
