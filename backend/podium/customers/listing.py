"""The customer list: search, filters, sort and pages over the viewer's reach, all in SQL on indexed columns.

The figures it filters and sorts on (last visit, open pipeline, lifetime revenue, at risk) are columns of
`customers` that accounts' handlers keep (docs/architecture.md, "Customers"): no join to visits or deals here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.policies import Viewer
from podium.db.like import LIKE_ESCAPE, contains
from podium.db.rows import stream_raw
from podium.customers import policies
from podium.customers.models import Customer, CustomerContact
from podium.customers.service import TIERS
from podium.orgs import tree as org_tree

MAX_LIST_PAGE = 200
MAX_OFFSET = 100_000
MAX_FILTER_IDS = 200


class Sort(StrEnum):
    NAME = "NAME"
    LAST_VISIT = "LAST_VISIT"
    OPEN_PIPELINE = "OPEN_PIPELINE"
    LIFETIME_REVENUE = "LIFETIME_REVENUE"
    TIER = "TIER"


@dataclass(frozen=True)
class ListQuery:
    search: str | None = None
    owner_ids: list[int] = field(default_factory=list)
    team_id: int | None = None
    tiers: list[str] = field(default_factory=list)
    city: str | None = None
    industry: str | None = None
    at_risk: bool | None = None
    last_visit_before: datetime | None = None
    last_visit_after: datetime | None = None
    has_open_pipeline: bool | None = None
    # True: the open pool (no owner) instead of the customers in reach; everyone but a TV may list it.
    pool: bool = False
    has_position: bool | None = None
    sort: Sort = Sort.NAME
    descending: bool = False
    offset: int = 0
    first: int = 50


@dataclass(frozen=True)
class Page:
    rows: list[Customer]
    total: int


def _check(q: ListQuery) -> None:
    problems = Problems()
    if not 1 <= q.first <= MAX_LIST_PAGE:
        problems.add(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_LIST_PAGE)
    if not 0 <= q.offset <= MAX_OFFSET:
        problems.add(ErrorCode.OUT_OF_RANGE, "offset", min=0, max=MAX_OFFSET)
    for name, value in (("search", q.search), ("city", q.city), ("industry", q.industry)):
        if value is not None and len(value) > 200:
            problems.add(ErrorCode.TOO_LONG, name, max=200)
    if len(q.owner_ids) > MAX_FILTER_IDS:
        problems.add(ErrorCode.TOO_MANY, "ownerIds", max=MAX_FILTER_IDS)
    if any(t not in TIERS for t in q.tiers):
        problems.add(ErrorCode.INVALID, "tiers")
    for name, moment in (("lastVisitBefore", q.last_visit_before), ("lastVisitAfter", q.last_visit_after)):
        if moment is not None and moment.tzinfo is None:
            problems.add(ErrorCode.INVALID, name)
    problems.raise_if_any()


def at_risk(now: datetime) -> ColumnElement[bool]:
    return or_(Customer.at_risk_from.is_(None), Customer.at_risk_from <= now)


def _filtered(q: ListQuery, viewer: Viewer, reach: org_tree.Reach, tree: org_tree.OrgTree, now: datetime) -> Select[tuple[Customer]]:
    scope = Customer.owner_id.is_(None) if q.pool else policies.in_reach(reach)
    conditions: list[ColumnElement[bool]] = [Customer.org_id == viewer.org_id, Customer.merged_into_id.is_(None), scope]
    if q.search and q.search.strip():
        pattern = contains(q.search.strip().lower())
        contact = exists().where(
            CustomerContact.customer_id == Customer.id,
            or_(func.lower(CustomerContact.name).like(pattern, escape=LIKE_ESCAPE), CustomerContact.phone.like(pattern, escape=LIKE_ESCAPE)),
        )
        conditions.append(or_(
            func.lower(Customer.name).like(pattern, escape=LIKE_ESCAPE), func.lower(Customer.address).like(pattern, escape=LIKE_ESCAPE),
            func.lower(Customer.city).like(pattern, escape=LIKE_ESCAPE), contact,
        ))
    if q.owner_ids:
        conditions.append(Customer.owner_id.in_(q.owner_ids))
    if q.team_id is not None:
        if q.team_id not in tree.units or not reach.sees_unit(q.team_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "teamId")
        people = sorted(m.id for m in tree.members_under(q.team_id))
        conditions.append(Customer.owner_id.in_(people) if people else Customer.id.is_(None))
    if q.tiers:
        conditions.append(Customer.tier.in_(q.tiers))
    if q.city and q.city.strip():
        conditions.append(Customer.city == q.city.strip())
    if q.industry and q.industry.strip():
        conditions.append(Customer.industry == q.industry.strip())
    if q.at_risk is not None:
        conditions.append(at_risk(now) if q.at_risk else Customer.at_risk_from > now)
    if q.last_visit_before is not None:
        conditions.append(or_(Customer.last_visit_at.is_(None), Customer.last_visit_at < q.last_visit_before))
    if q.last_visit_after is not None:
        conditions.append(Customer.last_visit_at >= q.last_visit_after)
    if q.has_open_pipeline is not None:
        conditions.append(Customer.open_pipeline > 0 if q.has_open_pipeline else Customer.open_pipeline <= 0)
    if q.has_position is not None:
        conditions.append(Customer.latitude.is_not(None) if q.has_position else Customer.latitude.is_(None))
    return select(Customer).where(and_(*conditions))


_KEYS = {
    Sort.NAME: Customer.name_key,
    Sort.LAST_VISIT: Customer.last_visit_at,
    Sort.OPEN_PIPELINE: Customer.open_pipeline,
    Sort.LIFETIME_REVENUE: Customer.lifetime_revenue,
    Sort.TIER: Customer.tier,
}


def _ordered(q: ListQuery, query: Select[tuple[Customer]]) -> Select[tuple[Customer]]:
    key = _KEYS[q.sort]
    # Never-visited customers sort last either way; the id keeps pages stable between equal keys.
    return query.order_by((key.desc() if q.descending else key.asc()).nulls_last(), Customer.id)


async def list_customers(env: Env, viewer: Viewer, q: ListQuery) -> Page:
    """A page of the customers in reach that match, and how many match in all."""
    _check(q)
    if viewer.is_display or (q.pool and not policies.sees_pool(viewer)):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    now = env.clock()
    async with env.db() as session:
        tree, reach = await org_tree.reach(session, viewer)
        query = _filtered(q, viewer, reach, tree, now)
        total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        rows = list(await session.scalars(_ordered(q, query).offset(q.offset).limit(q.first)))
    return Page(rows, int(total or 0))


EXPORTED = (
    Customer.id, Customer.name, Customer.tier, Customer.city, Customer.industry, Customer.address, Customer.owner_id,
    Customer.last_visit_at, Customer.last_order_at, Customer.open_pipeline, Customer.lifetime_revenue, Customer.potential,
    Customer.at_risk_from, Customer.created_at,
)


async def export_rows(env: Env, viewer: Viewer, q: ListQuery) -> AsyncIterator[list[tuple[Any, ...]]]:
    """Every customer the list would show with these filters, in its order (no page): checked and scoped now,
    read a batch at a time as the export is written, each row a tuple of `EXPORTED`'s columns."""
    _check(q)
    if viewer.is_display:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    async with env.db() as session:
        tree, reach = await org_tree.reach(session, viewer)
        query = _ordered(q, _filtered(q, viewer, reach, tree, env.clock()))
    return stream_raw(env.db, query.with_only_columns(*EXPORTED))


async def facets(env: Env, viewer: Viewer) -> tuple[list[str], list[str]]:
    """The cities and industries of the customers in reach: the filters' choices."""
    async with env.db() as session:
        reach = await policies.reach(session, viewer)
        base = (Customer.org_id == viewer.org_id, Customer.merged_into_id.is_(None), policies.in_reach(reach))
        cities = await session.scalars(select(Customer.city).where(*base, Customer.city != "").distinct().order_by(Customer.city).limit(500))
        industries = await session.scalars(select(Customer.industry).where(*base, Customer.industry != "").distinct().order_by(Customer.industry).limit(500))
        return list(cities), list(industries)
