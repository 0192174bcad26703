"""The funnel of a node for a period: per open stage, as flow (entries in the period) or as a cohort (deals created in it).

"Advanced" is a stay that moved on to a later stage or won (flow), or a deal of the cohort that got beyond the stage
(a won deal got beyond every stage); a move back or a loss is a drop-off. With the previous period and last year's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics import deals_nodes
from podium.analytics import deals_read as read
from podium.analytics.deals_read import Place
from podium.core.env import Env
from podium.core.policies import Viewer
from podium.pipeline.facts import StageRow as Stage
from podium.targets.calendar import FiscalPeriod
from podium.targets.service import Node


class FunnelBasis(StrEnum):
    COHORT = "cohort"
    FLOW = "flow"


@dataclass(frozen=True)
class Step:
    stage: Stage
    entered: int
    amount: Decimal
    advanced: int

    @property
    def conversion(self) -> float | None:
        return self.advanced / self.entered if self.entered else None

    @property
    def drop_off(self) -> int:
        return self.entered - self.advanced


@dataclass(frozen=True)
class Funnel:
    place: Place
    period: FiscalPeriod
    basis: FunnelBasis
    steps: list[Step]
    won: int
    lost: int
    previous: list[Step]
    last_year: list[Step]


async def _steps(session: AsyncSession, where: Place, stages: list[Stage], period: FiscalPeriod, basis: FunnelBasis) -> tuple[list[Step], int, int]:
    grain, keys = read.grain_keys(where.scope.calendar, period)
    rows = [deals_nodes.row_of(where.node)]
    sums = await read.stage_sums(session, where.org_id, grain, keys, rows)
    results = (await read.result_sums(session, where.org_id, grain, keys, rows)).get((), read.Sums())
    names = ("entered", "entered_amount", "advanced") if basis is FunnelBasis.FLOW else ("reached", "reached_amount", "reached_advanced")
    steps = []
    for stage in stages:
        s = sums.get(stage.id, read.Sums())
        steps.append(Step(stage, int(s[names[0]]), Decimal(s[names[1]]), int(s[names[2]])))
    if basis is FunnelBasis.FLOW:
        return steps, int(results["won"]), int(results["lost"])
    return steps, int(results["cohort_won"]), int(results["cohort_lost"])


async def funnel(env: Env, viewer: Viewer, node: Node | None, period_key: str | None, basis: FunnelBasis) -> Funnel:
    now = env.clock()
    async with env.db() as session:
        where = await read.place(session, viewer, node)
        calendar = where.scope.calendar
        period = read.period_of(calendar, period_key, now)
        stages = await read.open_stages(session, where.org_id)
        steps, won, lost = await _steps(session, where, stages, period, basis)
        previous, _, _ = await _steps(session, where, stages, calendar.previous(period), basis)
        last_year, _, _ = await _steps(session, where, stages, calendar.same_period_last_year(period), basis)
    return Funnel(where, period, basis, steps, won, lost, previous, last_year)
