"""GET /api/visits/export: the visits of a span of days (the month so far unless told) in my reach or a node of
it (`nodeId` as the team map takes it), as CSV or XLSX; managers and admins."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery

from podium.core.env import Env
from podium.core.i18n import Locale
from podium.core.policies import Viewer
from podium.core.sheets import Column, Kind, Sheet
from podium.orgs import people
from podium.orgs.downloads import Params, download, who_cells, who_columns
from podium.visits import export, plausibility

COLUMNS = [
    Column("checked_in", "Checked in", "签到时间", Kind.DATETIME), Column("checked_out", "Checked out", "签退时间", Kind.DATETIME),
    *who_columns("person", "Person", "人员"), Column("customer", "Customer", "客户"), Column("status", "Status", "状态"),
    Column("flags", "Flags", "疑点"), Column("distance", "Distance (m)", "距离（米）", Kind.INT),
    Column("accuracy", "Accuracy (m)", "定位精度（米）", Kind.INT), Column("in_geofence", "In geofence", "在围栏内"),
    Column("latitude", "Latitude", "纬度", Kind.DECIMAL), Column("longitude", "Longitude", "经度", Kind.DECIMAL),
    Column("speed", "Speed (km/h)", "速度（公里/小时）", Kind.INT), Column("points", "Points", "积分", Kind.INT),
    Column("note", "Note", "备注"), *who_columns("reviewer", "Reviewed by", "审核人"), Column("reviewed", "Reviewed", "审核时间", Kind.DATETIME),
    Column("review_note", "Review note", "审核意见"),
]
STATUS = {
    Locale.EN: {"verified": "Verified", "approved": "Approved", "flagged": "Flagged", "rejected": "Rejected"},
    Locale.ZH_CN: {"verified": "已核实", "approved": "已批准", "flagged": "待审核", "rejected": "已驳回"},
}
FLAGS = {
    Locale.EN: {"outside_geofence": "outside geofence", "poor_accuracy": "poor accuracy", "impossible_speed": "impossible speed",
                "clock_mismatch": "clock mismatch", "left_open": "left open"},
    Locale.ZH_CN: {"outside_geofence": "超出围栏", "poor_accuracy": "定位不准", "impossible_speed": "速度异常", "clock_mismatch": "时钟不一致",
                   "left_open": "未签退"},
}
YES_NO = {Locale.EN: ("yes", "no"), Locale.ZH_CN: ("是", "否")}


def _coordinate(value: float) -> str:
    return f"{value:.6f}"  # a float's repr carries noise digits; six places is about 10 cm


@get("/api/visits/export", include_in_schema=False)
async def export_visits(request: Request[Any, Any, Any], format: FromQuery[str] = "csv") -> Response[Any]:
    params = Params(request)
    first, last, node = params.day("from"), params.day("to"), params.text("nodeId")
    params.checked()

    async def build(env: Env, viewer: Viewer) -> Sequence[Sheet]:
        rows = await export.export_rows(env, viewer, first, last, node)
        directory = await people.directory(env, viewer.org_id)
        status, flags, (yes, no) = STATUS[viewer.locale], FLAGS[viewer.locale], YES_NO[viewer.locale]

        async def cells() -> AsyncIterator[list[Any]]:
            async for v, customer in rows:
                doubts = "; ".join(flags.get(f.value, f.value) for f in plausibility.decode(v.flags))
                yield [
                    v.occurred_at, v.checked_out_at, *who_cells(directory, v.user_id), customer, status.get(v.status, v.status), doubts,
                    round(v.distance_m), round(v.accuracy_m), yes if v.within_geofence else no, _coordinate(v.latitude),
                    _coordinate(v.longitude), round(v.speed_kmh) if v.speed_kmh is not None else None, v.points_awarded, v.note,
                    *who_cells(directory, v.reviewed_by), v.reviewed_at, v.review_note,
                ]

        return [Sheet("Visits", "拜访", COLUMNS, cells())]

    return await download(request, "visits", format, build)
