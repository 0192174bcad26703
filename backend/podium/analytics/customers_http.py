"""GET /api/analytics/{contribution,churn,behaviour}/export: the customers-side tables as CSV or XLSX.

Same node, period and reach as the GraphQL queries (node as `nodeKind` + `nodeId`, `period`, `by`); every row of
the table, a page of MAX_PAGE at a time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar

from podium.analytics import behaviour as behaviour_service
from podium.analytics import contribution as contribution_service
from podium.analytics import customers_service
from podium.analytics.customers_common import MAX_PAGE
from podium.analytics.exports import exporter
from podium.core.env import Env
from podium.core.errors import ErrorCode
from podium.core.i18n import Locale
from podium.core.policies import Viewer
from podium.core.sheets import Column, Kind, Sheet
from podium.orgs import people
from podium.orgs.downloads import Params, who_cells, who_columns
from podium.targets.service import Node, NodeKind

T = TypeVar("T")

CONTRIBUTION = [
    Column("rank", "Rank", "排名", Kind.INT), Column("item", "Item", "对象"), Column("tier", "ABC tier", "ABC分级"),
    Column("revenue", "Revenue", "收入", Kind.MONEY), Column("share", "Share", "占比", Kind.PERCENT),
    Column("cumulative", "Cumulative share", "累计占比", Kind.PERCENT), Column("previous", "Previous period", "上期", Kind.MONEY),
    Column("last_year", "Same period last year", "去年同期", Kind.MONEY), Column("quantity", "Quantity", "数量", Kind.DECIMAL),
]
CHURN = [
    Column("customer", "Customer", "客户"), *who_columns("owner", "Owner", "负责人"), Column("lifetime", "Lifetime revenue", "累计成交", Kind.MONEY),
    Column("last_order", "Last order", "最近订单", Kind.DATETIME), Column("last_visit", "Last visit", "最近拜访", Kind.DATETIME),
    Column("reasons", "Reasons", "风险原因"),
]
BEHAVIOUR = [
    *who_columns("rep", "Rep", "销售"), Column("visits", "Visits", "拜访", Kind.INT), Column("counted", "Counted visits", "有效拜访", Kind.INT),
    Column("verified_share", "Verified share", "核验占比", Kind.PERCENT), Column("per_day", "Visits per working day", "日均拜访", Kind.DECIMAL),
    Column("converted", "Visits leading to a deal", "转化拜访", Kind.INT), Column("conversion", "Visit to deal conversion", "拜访转化率", Kind.PERCENT),
    Column("activities", "Activities", "活动", Kind.INT),
]
REASONS = {
    Locale.EN: {"overdue": "Order overdue ({days} days, usually {usual})", "falling_order_value": "Falling order value",
                "no_visit": "No visit for {days} days", "never_visited": "Never visited"},
    Locale.ZH_CN: {"overdue": "订单逾期（{days}天，通常{usual}天）", "falling_order_value": "订单金额下降",
                   "no_visit": "{days}天未拜访", "never_visited": "从未拜访"},
}


def _node(params: Params) -> Node | None:
    kind = params.text("nodeKind")
    ident = params.id("nodeId")
    if not kind and ident is None:
        return None
    try:
        found = NodeKind(kind.lower()) if kind else None
    except ValueError:
        found = None
    if found is None or ident is None:
        params.problems.add(ErrorCode.INVALID, "nodeKind")
        return None
    return Node(found, ident)


def _pct(value: Any) -> Any:
    return None if value is None else value * 100


async def _pages(fetch: Callable[[int], Awaitable[tuple[list[T], bool]]]) -> AsyncIterator[T]:
    offset = 0
    while True:
        items, more = await fetch(offset)
        for item in items:
            yield item
        if not more:
            return
        offset += MAX_PAGE


async def _contribution(params: Params, env: Env, viewer: Viewer) -> Sequence[Sheet]:
    node, period = _node(params), params.text("period") or None
    by = params.choice("by", contribution_service.By, contribution_service.By.CUSTOMER)
    params.checked()
    first = await contribution_service.contribution(env, viewer, node, period, by, first=MAX_PAGE)

    async def fetch(offset: int) -> tuple[list[contribution_service.Item], bool]:
        if offset == 0:
            return first.items, first.has_more
        page = await contribution_service.contribution(env, viewer, node, period, by, first=MAX_PAGE, offset=offset)
        return page.items, page.has_more

    async def cells() -> AsyncIterator[list[Any]]:
        async for i in _pages(fetch):
            yield [i.rank, i.label, i.tier.value, i.revenue, _pct(i.share), _pct(i.cumulative_share), i.previous, i.last_year, i.quantity]

    return [Sheet("Contribution", "贡献", CONTRIBUTION, cells())]



export_contribution = exporter("/api/analytics/contribution/export", "contribution", _contribution)


async def _churn(params: Params, env: Env, viewer: Viewer) -> Sequence[Sheet]:
    node = _node(params)
    params.checked()
    first = await customers_service.churn_risk(env, viewer, node, first=MAX_PAGE)
    directory = await people.directory(env, viewer.org_id)
    words = REASONS[viewer.locale]

    async def fetch(offset: int) -> tuple[list[customers_service.AtRisk], bool]:
        if offset == 0:
            return first.items, first.has_more
        page = await customers_service.churn_risk(env, viewer, node, first=MAX_PAGE, offset=offset)
        return page.items, page.has_more

    def worded(r: customers_service.RiskReason) -> str:
        if r.code is customers_service.Reason.NO_VISIT and r.days is None:
            return words["never_visited"]
        return words[r.code.value].format(days=r.days, usual=r.usual_days)

    async def cells() -> AsyncIterator[list[Any]]:
        async for c in _pages(fetch):
            yield [c.name, *who_cells(directory, c.owner_id), c.lifetime_revenue, c.last_order_at, c.last_visit_at,
                   "; ".join(worded(r) for r in c.reasons)]

    return [Sheet("Churn risk", "流失风险", CHURN, cells())]



export_churn = exporter("/api/analytics/churn/export", "churn-risk", _churn)


async def _behaviour(params: Params, env: Env, viewer: Viewer) -> Sequence[Sheet]:
    node, period = _node(params), params.text("period") or None
    params.checked()
    first = await behaviour_service.behaviour(env, viewer, node, period, first=MAX_PAGE)
    directory = await people.directory(env, viewer.org_id)

    async def fetch(offset: int) -> tuple[list[behaviour_service.PersonBehaviour], bool]:
        if offset == 0:
            return first.items, first.has_more
        page = await behaviour_service.behaviour(env, viewer, node, period, first=MAX_PAGE, offset=offset)
        return page.items, page.has_more

    async def cells() -> AsyncIterator[list[Any]]:
        async for p in _pages(fetch):
            f = p.figures
            yield [*who_cells(directory, p.user_id), f.visits, f.counted, _pct(p.verified_share), p.per_working_day, f.converted,
                   _pct(p.conversion), sum(f.activities.values())]

    return [Sheet("Behaviour", "行为", BEHAVIOUR, cells())]



export_behaviour = exporter("/api/analytics/behaviour/export", "behaviour", _behaviour)
