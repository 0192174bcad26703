"""Demo targets: every node of the tree gets this year's, quarter's and month's targets, split top-down."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from podium.core.env import Env
from podium.core.policies import Viewer
from podium.targets import service
from podium.targets.calendar import Grain
from podium.targets.service import Basis, Metric, Node, NodeKind

GROWTH = Decimal("1.15")
ROUND_TO = Decimal(10000)
# Used when last year has nothing to grow from.
FALLBACK = {Grain.YEAR: Decimal(24_000_000)}


async def seed(env: Env, admin: Viewer) -> None:
    """This year's target grows last year's revenue; quarters and months follow last year's season."""
    org = Node(NodeKind.ORG, admin.org_id)
    year = await service.attainment(env, admin, org, None, Grain.YEAR, Metric.REVENUE)
    async with env.db() as session:
        scope = await service.scope_of(session, admin)
    last_year = await service.attainment(env, admin, org, scope.calendar.same_period_last_year(year.period).key, Grain.YEAR, Metric.REVENUE)
    amount = (last_year.actual * GROWTH / ROUND_TO).to_integral_value(ROUND_CEILING) * ROUND_TO or FALLBACK[Grain.YEAR]
    await cascade(env, admin, org, year.period.key, Metric.REVENUE, amount, Basis.LAST_YEAR)
    season = await service.plan_decomposition(env, admin, org, year.period.key, Metric.REVENUE, Grain.MONTH, save=False)
    now = env.clock()
    current = {scope.calendar.period(Grain.QUARTER, now).key, scope.calendar.period(Grain.MONTH, now).key}
    for part, part_amount in season.parts:
        if part.key in current:
            # Below the org, quarters and months follow the accounts' potential: nobody starts at zero.
            await cascade(env, admin, org, part.key, Metric.REVENUE, part_amount, Basis.POTENTIAL)
    month = scope.calendar.period(Grain.MONTH, now)
    await cascade(env, admin, org, month.key, Metric.VISITS, Decimal(40 * 20), Basis.EQUAL)


async def cascade(env: Env, admin: Viewer, node: Node, period_key: str, metric: Metric, amount: Decimal, basis: Basis) -> None:
    """Set the node's target split by the basis, then do the same for every unit below it."""
    plan = await service.set_target(env, admin, service.SplitRequest(node, period_key, metric, amount, basis))
    for row in plan.rows:
        if row.node.kind is NodeKind.TEAM:
            await cascade(env, admin, row.node, period_key, metric, row.amount, basis)
