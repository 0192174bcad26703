"""Velocity of a node for a period (time in each stage, sales cycle) and its stalled deals now.

A stalled deal is an open deal whose current stay is longer than the org's own p90 for its stage: the limits are
the team pipeline's (pipeline/team.py stall_limits), so the cockpit and the team pipeline agree on what is stalled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics import deals_read as read
from podium.analytics.deals_models import DealFacts
from podium.analytics.deals_read import Place
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.policies import Viewer
from podium.customers import service as customers
from podium.orgs import people
from podium.pipeline import team
from podium.pipeline import facts as pipeline_facts
from podium.pipeline.facts import StageRow as Stage
from podium.targets.service import Node

MAX_PAGE = 200
MAX_OFFSET = 100_000


@dataclass(frozen=True)
class StageVelocity:
    stage: Stage
    stays: int
    p50_days: float | None
    p90_days: float | None
    stalled: int


@dataclass(frozen=True)
class Velocity:
    place: Place
    stages: list[StageVelocity]
    cycle_p50_days: float | None
    cycle_p90_days: float | None
    stalled: int


def _stalled_where(where: Place, limits: dict[int, int], now: datetime) -> list[ColumnElement[bool]]:
    owners = read.owners_of(where.scope, where.node)
    late = [(DealFacts.stage_id == sid) & (DealFacts.stage_entered_at < now - timedelta(days=days)) for sid, days in sorted(limits.items())]
    conditions = [DealFacts.org_id == where.org_id, DealFacts.status == "open", or_(*late) if late else DealFacts.deal_id.is_(None)]
    if owners is not None:
        conditions.append(DealFacts.owner_id.in_(sorted(owners)))
    return conditions


async def _limits(session: AsyncSession, org_id: int, stages: Sequence[Stage], now: datetime) -> dict[int, int]:
    return await team.stall_limits(session, org_id, [s.id for s in stages], now)


async def velocity(env: Env, viewer: Viewer, node: Node | None, period_key: str | None) -> Velocity:
    now = env.clock()
    async with env.db() as session:
        w = await read.window(session, viewer, node, period_key, now)
        where, grain, keys, rows = w.place, w.grain, w.keys, [w.row]
        stages = await read.open_stages(session, where.org_id)
        sums = await read.stage_sums(session, where.org_id, grain, keys, rows)
        stays = await read.histograms(session, where.org_id, grain, keys, rows, "stay:")
        cycles = await read.histograms(session, where.org_id, grain, keys, rows, "cycle:")
        limits = await _limits(session, where.org_id, stages, now)
        stalled = {
            int(sid): int(n)
            for sid, n in await session.execute(
                select(DealFacts.stage_id, func.count()).where(*_stalled_where(where, limits, now)).group_by(DealFacts.stage_id)
            )
        }
    cycle = read.merge_bins(cycles.values())
    rows = []
    for stage in stages:
        bins = stays.get((f"stay:{stage.id}",), {})
        rows.append(StageVelocity(stage, int(sums.get(stage.id, read.Sums())["stays"]), read.percentile(bins, 0.5), read.percentile(bins, 0.9), stalled.get(stage.id, 0)))
    return Velocity(where, rows, read.percentile(cycle, 0.5), read.percentile(cycle, 0.9), sum(stalled.values()))


@dataclass(frozen=True)
class StalledDeal:
    deal_id: int
    title: str
    owner_id: int
    owner_name: str
    customer_name: str
    stage: Stage
    amount: Decimal
    days_in_stage: int
    limit_days: int


@dataclass(frozen=True)
class StalledPage:
    total: int
    deals: list[StalledDeal]


async def stalled(env: Env, viewer: Viewer, node: Node | None, stage_id: int | None = None, first: int = 20, offset: int = 0) -> StalledPage:
    """The node's stalled deals, longest stay first (optionally of one stage)."""
    if not 1 <= first <= MAX_PAGE:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_PAGE)
    if not 0 <= offset <= MAX_OFFSET:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "offset", min=0, max=MAX_OFFSET)
    now = env.clock()
    async with env.db() as session:
        where = await read.place(session, viewer, node)
        stages = await read.open_stages(session, where.org_id)
        if stage_id is not None:
            stages = [s for s in stages if s.id == stage_id]
            if not stages:
                raise DomainError.one(ErrorCode.NOT_FOUND, "stageId")
        by_id = {s.id: s for s in stages}
        limits = await _limits(session, where.org_id, stages, now)
        conditions = _stalled_where(where, limits, now)
        total = int(await session.scalar(select(func.count()).select_from(DealFacts).where(*conditions)) or 0)
        rows = list(await session.execute(
            select(DealFacts.deal_id, DealFacts.owner_id, DealFacts.stage_id, DealFacts.amount, DealFacts.stage_entered_at)
            .where(*conditions).order_by(DealFacts.stage_entered_at, DealFacts.deal_id).offset(offset).limit(first)
        ))
        titles = await pipeline_facts.titles(session, where.org_id, [int(r[0]) for r in rows])
        names = await customers.names_of(session, where.org_id, {c for _, c in titles.values()})
    directory = await people.directory(env, where.org_id) if rows else {}
    deals = []
    for deal_id, owner_id, sid, amount, entered in rows:
        person = directory.get(int(owner_id))
        title, customer_id = titles.get(int(deal_id), ("", 0))
        deals.append(StalledDeal(
            int(deal_id), title, int(owner_id), person.name if person else "", names.get(customer_id, ""), by_id[int(sid)],
            Decimal(amount), int((now - entered).total_seconds() // 86400), limits[int(sid)],
        ))
    return StalledPage(total, deals)
