"""GET /api/points/export: the points ledger of a span of days (the month so far unless told) for my reach or
one person in it (`userId`), as CSV or XLSX; managers and admins."""

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
from podium.points import export

COLUMNS = [
    Column("occurred", "When", "时间", Kind.DATETIME), *who_columns("person", "Person", "人员"), Column("points", "Points", "积分", Kind.INT),
    Column("rule", "Rule", "规则"), Column("source", "For", "来源"), Column("source_id", "Source id", "来源编号", Kind.INT),
    Column("reason", "Reason", "原因"), *who_columns("by", "Adjusted by", "调整人"),
]
RULES = {
    Locale.EN: {"verified_visit": "Verified visit", "activity": "Activity", "deal_won": "Deal won", "payment_collected": "Payment collected",
                "new_customer": "New customer", "target_reached": "Target reached", "contest": "Contest prize", "adjustment": "Adjustment"},
    Locale.ZH_CN: {"verified_visit": "有效拜访", "activity": "跟进活动", "deal_won": "赢单", "payment_collected": "回款",
                   "new_customer": "新客户", "target_reached": "达成目标", "contest": "竞赛奖励", "adjustment": "手动调整"},
}


@get("/api/points/export", include_in_schema=False)
async def export_points(request: Request[Any, Any, Any], format: FromQuery[str] = "csv") -> Response[Any]:
    params = Params(request)
    first, last, user_id = params.day("from"), params.day("to"), params.id("userId")
    params.checked()

    async def build(env: Env, viewer: Viewer) -> Sequence[Sheet]:
        rows = await export.export_rows(env, viewer, first, last, user_id)
        directory = await people.directory(env, viewer.org_id)
        rules = RULES[viewer.locale]

        async def cells() -> AsyncIterator[list[Any]]:
            async for e in rows:
                yield [
                    e.occurred_at, *who_cells(directory, e.user_id), e.points, rules.get(e.rule_kind, e.rule_kind), e.source_type, e.source_id,
                    e.reason, *who_cells(directory, e.by_user_id),
                ]

        return [Sheet("Points", "积分", COLUMNS, cells())]

    return await download(request, "points", format, build)
