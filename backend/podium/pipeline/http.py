"""GET /api/deals/team/export: the team pipeline as CSV or XLSX, with the list's own filters, sort and reach."""

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
from podium.pipeline import team, team_export
from podium.pipeline.service import Outcome

COLUMNS = [
    Column("title", "Deal", "商机"), Column("customer", "Customer", "客户"), *who_columns("owner", "Owner", "负责人"),
    Column("stage", "Stage", "阶段"), Column("status", "Status", "状态"), Column("amount", "Amount", "金额", Kind.MONEY),
    Column("currency", "Currency", "币种"), Column("probability", "Probability", "赢率", Kind.PERCENT),
    Column("lead_source", "Lead source", "线索来源"), Column("expected_close", "Expected close", "预计成交日期", Kind.DATE),
    Column("stage_entered", "In stage since", "进入阶段时间", Kind.DATETIME), Column("closed", "Closed", "关闭时间", Kind.DATETIME),
    Column("created", "Created", "创建时间", Kind.DATETIME), Column("updated", "Updated", "更新时间", Kind.DATETIME),
]
STATUS = {
    Locale.EN: {"open": "Open", "won": "Won", "lost": "Lost", "reversed": "Reversed"},
    Locale.ZH_CN: {"open": "进行中", "won": "赢单", "lost": "输单", "reversed": "已撤销"},
}
SOURCES = {
    Locale.EN: {"web": "Website", "event": "Event", "referral": "Referral", "outbound": "Outbound", "partner": "Partner",
                "inbound_call": "Inbound call", "existing_customer": "Existing customer"},
    Locale.ZH_CN: {"web": "官网", "event": "展会活动", "referral": "转介绍", "outbound": "主动开发", "partner": "合作伙伴",
                   "inbound_call": "来电咨询", "existing_customer": "老客户"},
}


def team_filter(params: Params) -> tuple[team.TeamFilter, team.TeamSort, bool]:
    """The team pipeline query's filter, sort and direction from the URL (enum values as GraphQL spells them)."""
    statuses = [s.lower() for s in params.texts("statuses")] or [Outcome.OPEN.value]
    amount_min, amount_max = params.decimal("amountMin"), params.decimal("amountMax")
    found = team.TeamFilter(
        owner_ids=params.ids("ownerIds"), team_id=params.id("teamId"), stage_ids=params.ids("stageIds"),
        lead_sources=[s.lower() for s in params.texts("leadSources")], close_from=params.text("closeFrom") or None,
        close_to=params.text("closeTo") or None, amount_min=amount_min, amount_max=amount_max, statuses=statuses,
        search=params.text("search") or "",
    )
    sort = params.choice("sort", team.TeamSort, team.TeamSort.EXPECTED_CLOSE)
    descending = bool(params.flag("descending"))
    params.checked()
    return found, sort, descending


@get("/api/deals/team/export", include_in_schema=False)
async def export_team_deals(request: Request[Any, Any, Any], format: FromQuery[str] = "csv") -> Response[Any]:
    params = Params(request)

    async def build(env: Env, viewer: Viewer) -> Sequence[Sheet]:
        rows = await team_export.export_rows(env, viewer, *team_filter(params))
        directory = await people.directory(env, viewer.org_id)
        zh = viewer.locale is Locale.ZH_CN
        status, sources = STATUS[viewer.locale], SOURCES[viewer.locale]

        async def cells() -> AsyncIterator[list[Any]]:
            async for d in rows:
                yield [
                    d.title, d.customer, *who_cells(directory, d.owner_id), d.stage.name_zh if zh else d.stage.name_en,
                    status.get(d.status, d.status), d.amount, d.currency, d.probability, sources.get(d.lead_source, d.lead_source),
                    d.expected_close, d.stage_entered_at, d.closed_at, d.created_at, d.updated_at,
                ]

        return [Sheet("Deals", "商机", COLUMNS, cells())]

    return await download(request, "deals", format, build)
