"""GET /api/analytics/{breakdown,stalled,sources}/export: the cockpit's pipeline tables as CSV or XLSX.

The same services and checks as the GraphQL queries (?node=team:12&period=2026-04): a node outside the viewer's
reach is NOT_FOUND (404) before the first byte, a bad period INVALID (400).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from podium.analytics import results, sources, velocity
from podium.analytics.exports import exporter
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import Locale
from podium.core.policies import Viewer
from podium.core.sheets import Column, Kind, Sheet
from podium.graphql.ids import int_id
from podium.orgs.downloads import Params
from podium.targets.service import Node, NodeKind

RESULT_COLUMNS = [
    Column("created", "Deals created", "新建商机", Kind.INT), Column("won", "Won", "赢单", Kind.INT), Column("lost", "Lost", "输单", Kind.INT),
    Column("win_rate", "Win rate", "赢率", Kind.PERCENT), Column("revenue", "Revenue", "收入", Kind.MONEY),
    Column("average_order_value", "Average order", "平均订单额", Kind.MONEY), Column("gross_margin", "Gross margin", "毛利", Kind.MONEY),
    Column("collections", "Collections", "回款", Kind.MONEY), Column("collection_rate", "Collection rate", "回款率", Kind.PERCENT),
    Column("dso_days", "DSO (days)", "应收账款周转天数", Kind.DECIMAL), Column("cycle_days_p50", "Cycle p50 (days)", "销售周期中位数（天）", Kind.DECIMAL),
    Column("target", "Target", "目标", Kind.MONEY), Column("pace", "Pace", "进度", Kind.PERCENT),
]
KINDS = {NodeKind.ORG: ("Company", "公司"), NodeKind.TEAM: ("Unit", "部门"), NodeKind.USER: ("Rep", "销售")}
SOURCE_NAMES = {
    Locale.EN: {"web": "Website", "event": "Event", "referral": "Referral", "outbound": "Outbound", "partner": "Partner",
                "inbound_call": "Inbound call", "existing_customer": "Existing customer"},
    Locale.ZH_CN: {"web": "官网", "event": "展会活动", "referral": "转介绍", "outbound": "主动开发", "partner": "合作伙伴",
                   "inbound_call": "来电咨询", "existing_customer": "老客户"},
}


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def node_param(params: Params) -> Node | None:
    """`org:1`, `team:12` or `user:7`; anything else names no node the viewer may see."""
    raw = params.text("node")
    if not raw:
        return None
    kind, _, ident = raw.partition(":")
    if kind.lower() not in {k.value for k in NodeKind}:
        raise DomainError.one(ErrorCode.NOT_FOUND, "node")
    return Node(NodeKind(kind.lower()), int_id(ident))


def _results_cells(r: results.Results) -> list[Any]:
    return [
        r.created, r.won, r.lost, _percent(r.win_rate), r.revenue, r.average_order_value, r.gross_margin, r.collections,
        _percent(r.collection_rate), None if r.dso_days is None else round(r.dso_days, 1),
        r.cycle_days_p50, r.target, _percent(r.pace),
    ]


async def _breakdown(params: Params, env: Env, viewer: Viewer) -> Sequence[Sheet]:
    node, period = node_param(params), params.text("period")
    params.checked()
    found = await results.breakdown(env, viewer, node, period)
    zh = viewer.locale is Locale.ZH_CN
    rows = [[KINDS[n.kind][1 if zh else 0], found.place.scope.label(n), *_results_cells(r)] for n, r in found.rows]
    columns = [Column("kind", "Level", "层级"), Column("name", "Name", "名称"), *RESULT_COLUMNS]
    return [Sheet(found.period.key, found.period.key, columns, rows)]



export_breakdown = exporter("/api/analytics/breakdown/export", "analytics-breakdown", _breakdown)


async def _stalled(params: Params, env: Env, viewer: Viewer) -> Sequence[Sheet]:
    node, stage_id = node_param(params), params.id("stageId")
    params.checked()
    zh = viewer.locale is Locale.ZH_CN
    deals = []
    offset = 0
    while offset <= velocity.MAX_OFFSET:
        page = await velocity.stalled(env, viewer, node, stage_id, velocity.MAX_PAGE, offset)
        deals += page.deals
        offset += velocity.MAX_PAGE
        if offset >= page.total:
            break
    columns = [
        Column("title", "Deal", "商机"), Column("customer", "Customer", "客户"), Column("owner", "Owner", "负责人"),
        Column("stage", "Stage", "阶段"), Column("amount", "Amount", "金额", Kind.MONEY),
        Column("days", "Days in stage", "停留天数", Kind.INT), Column("limit", "Limit (p90 days)", "上限（p90 天数）", Kind.INT),
    ]
    rows = [[d.title, d.customer_name, d.owner_name, d.stage.name_zh if zh else d.stage.name_en, d.amount, d.days_in_stage, d.limit_days] for d in deals]
    return [Sheet("Stalled deals", "停滞商机", columns, rows)]



export_stalled = exporter("/api/analytics/stalled/export", "analytics-stalled", _stalled)


async def _sources(params: Params, env: Env, viewer: Viewer) -> Sequence[Sheet]:
    node, period = node_param(params), params.text("period")
    params.checked()
    found = await sources.sources(env, viewer, node, period)
    names = SOURCE_NAMES[viewer.locale]
    columns = [
        Column("source", "Lead source", "线索来源"), Column("deals", "Deals created", "新建商机", Kind.INT), Column("won", "Won", "赢单", Kind.INT),
        Column("lost", "Lost", "输单", Kind.INT), Column("win_rate", "Win rate", "赢率", Kind.PERCENT),
        Column("cycle", "Cycle p50 (days)", "销售周期中位数（天）", Kind.DECIMAL), Column("aov", "Average order", "平均订单额", Kind.MONEY),
        Column("revenue", "Revenue", "收入", Kind.MONEY),
    ]
    rows = [
        [names.get(s.source.value, s.source.value), s.deals, s.won, s.lost, _percent(s.win_rate), s.cycle_days_p50, s.average_order_value, s.revenue]
        for s in found
    ]
    return [Sheet("Lead sources", "线索来源", columns, rows)]



export_sources = exporter("/api/analytics/sources/export", "analytics-sources", _sources)
