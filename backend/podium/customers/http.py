"""GET /api/customers/export: the customer list as CSV or XLSX, with the list's own filters, sort and reach."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.policies import Viewer
from podium.core.sheets import Column, Kind, Sheet
from podium.customers import listing
from podium.orgs import people
from podium.orgs.downloads import Params, download, who_cells, who_columns

COLUMNS = [
    Column("name", "Customer", "客户"), Column("tier", "Tier", "等级"), Column("city", "City", "城市"), Column("industry", "Industry", "行业"),
    Column("address", "Address", "地址"), *who_columns("owner", "Owner", "负责人"),
    Column("last_visit", "Last visit", "最近拜访", Kind.DATETIME), Column("last_order", "Last order", "最近订单", Kind.DATETIME),
    Column("open_pipeline", "Open pipeline", "在谈金额", Kind.MONEY), Column("lifetime", "Lifetime revenue", "累计成交", Kind.MONEY),
    Column("potential", "Potential", "潜力", Kind.MONEY), Column("at_risk", "At risk", "流失风险"), Column("created", "Created", "创建时间", Kind.DATETIME),
]
YES_NO = {"en": ("yes", "no"), "zh-CN": ("是", "否")}


def list_query(params: Params) -> listing.ListQuery:
    """The filters and sort of the customer list's GraphQL query, from the URL."""
    query = listing.ListQuery(
        search=params.text("search"), owner_ids=params.ids("ownerIds"), team_id=params.id("teamId"), tiers=params.texts("tiers"),
        city=params.text("city"), industry=params.text("industry"), at_risk=params.flag("atRisk"),
        last_visit_before=params.moment("lastVisitBefore"), last_visit_after=params.moment("lastVisitAfter"),
        has_open_pipeline=params.flag("hasOpenPipeline"), pool=bool(params.flag("pool")), has_position=params.flag("hasPosition"),
        sort=params.choice("sort", listing.Sort, listing.Sort.NAME),
        descending=bool(params.flag("descending")),
    )
    params.checked()
    return query


async def customer_sheets(env: Env, viewer: Viewer, query: listing.ListQuery) -> list[Sheet]:
    """The customer list with these filters as one sheet, rows read as it is written."""
    # The list is a rep's too, but a file of every account walks out of the company: exports are managers' and admins'.
    if not viewer.is_manager_or_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    rows = await listing.export_rows(env, viewer, query)
    directory = await people.directory(env, viewer.org_id)
    now = env.clock()
    yes, no = YES_NO[viewer.locale.value]
    owners = {user_id: who_cells(directory, user_id) for user_id in directory}  # once per person, not per row
    nobody = who_cells(directory, None)

    async def cells() -> AsyncIterator[list[list[Any]]]:
        async for batch in rows:
            # EXPORTED's order: id, name, tier, city, industry, address, owner, last visit, last order, open pipeline,
            # lifetime revenue, potential, at risk from, created.
            yield [
                [name, tier, city, industry, address, *owners.get(owner, nobody), last_visit, last_order, pipeline, lifetime,
                 potential, yes if risk_from is None or risk_from <= now else no, created]
                for (_, name, tier, city, industry, address, owner, last_visit, last_order, pipeline, lifetime, potential, risk_from,
                     created) in batch
            ]

    return [Sheet("Customers", "客户", COLUMNS, cells(), batched=True)]


@get("/api/customers/export", include_in_schema=False)
async def export_customers(request: Request[Any, Any, Any], format: FromQuery[str] = "csv") -> Response[Any]:
    params = Params(request)

    async def build(env: Env, viewer: Viewer) -> Sequence[Sheet]:
        return await customer_sheets(env, viewer, list_query(params))

    return await download(request, "customers", format, build)
