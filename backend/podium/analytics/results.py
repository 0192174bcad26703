"""Results of a node for a period, against the previous period and the same one last year, and per child node.

Revenue is the won amount less reversals in the period they happen; gross margin likewise. Collections are payments
less refunds. Days sales outstanding: what was won (less reversals) and not yet collected by the period's end, over
the period's revenue, times the period's days so far. Pace: revenue over the target times the share of the period gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics import deals_nodes
from podium.analytics import deals_read as read
from podium.analytics.deals_read import Place, Sums
from podium.core.env import Env
from podium.core.policies import Viewer
from podium.targets.calendar import FiscalPeriod
from podium.targets import service as target_service
from podium.targets.service import Metric, Node

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Results:
    created: int
    won: int
    lost: int
    win_rate: float | None
    win_rate_amount: float | None
    revenue: Decimal
    average_order_value: Decimal | None
    gross_margin: Decimal
    collections: Decimal
    collection_rate: float | None
    dso_days: float | None
    cycle_days_p50: float | None
    target: Decimal | None
    pace: float | None


@dataclass(frozen=True)
class Comparison:
    place: Place
    period: FiscalPeriod
    previous_period: FiscalPeriod
    last_year_period: FiscalPeriod
    current: Results
    previous: Results
    last_year: Results


def results_of(sums: Sums, outstanding: Sums, cycle: dict[int, int], target: Decimal | None, days: float, elapsed: float) -> Results:
    revenue = Decimal(sums["won_amount"]) - Decimal(sums["reversed_amount"])
    won, lost = int(sums["won"]), int(sums["lost"])
    won_amount, lost_amount = Decimal(sums["won_amount"]), Decimal(sums["lost_amount"])
    collections = Decimal(sums["collections"])
    owed = Decimal(outstanding["won_amount"]) - Decimal(outstanding["reversed_amount"]) - Decimal(outstanding["collections"])
    pace = None
    if target and elapsed > 0:
        pace = float(revenue / target) / elapsed
    return Results(
        created=int(sums["created"]), won=won, lost=lost, win_rate=read.ratio(won, won + lost),
        win_rate_amount=read.ratio(won_amount, won_amount + lost_amount),
        revenue=revenue, average_order_value=(revenue / won).quantize(CENT) if won else None,
        gross_margin=Decimal(sums["won_margin"]) - Decimal(sums["reversed_margin"]), collections=collections,
        collection_rate=float(collections / revenue) if revenue > 0 else None,
        dso_days=float(owed / revenue) * days if revenue > 0 else None,
        cycle_days_p50=read.percentile(cycle, 0.5), target=target, pace=pace,
    )


async def results_for(session: AsyncSession, where: Place, nodes: Sequence[Node], period: FiscalPeriod, now: datetime) -> dict[Node, Results]:
    """Results of several nodes (a node's children) for one period: each node's own rows (units' and the org's node
    rows, people's rows), one read of each summed table grouped by row, so one row per node and key comes back."""
    scope = where.scope
    calendar = scope.calendar
    grain, keys = read.grain_keys(calendar, period)
    rows = {n: deals_nodes.row_of(n) for n in nodes}
    ids = set(rows.values())
    by_row = await read.result_sums(session, where.org_id, grain, keys, ids, by=("owner_id",))
    # Outstanding reads every period up to this one, but only the nodes' rows: tens of rows a year, not every owner's.
    owed_by_row = await read.result_sums(session, where.org_id, grain, keys, ids, by=("owner_id",), upto=keys[-1])
    cycles = await read.histograms(session, where.org_id, grain, keys, ids, "cycle:", by_owner=True)
    targets = await target_service.node_targets(session, where.org_id, period.key, Metric.REVENUE, nodes)
    start, end = period.bounds(calendar.time_zone)
    days = max(0.0, (min(now, end) - start).total_seconds() / 86400)
    elapsed = float(calendar.elapsed_fraction(period, now))
    found = {}
    for node, row in rows.items():
        cycle = read.merge_bins(bins for (owner, _series), bins in cycles.items() if int(owner) == row)
        found[node] = results_of(by_row.get((row,), Sums()), owed_by_row.get((row,), Sums()), cycle, targets.get(node), days, elapsed)
    return found


async def comparison(env: Env, viewer: Viewer, node: Node | None, period_key: str | None) -> Comparison:
    """The node's results for the period, the period before, and the same period last year."""
    now = env.clock()
    async with env.db() as session:
        where = await read.place(session, viewer, node)
        calendar = where.scope.calendar
        period = read.period_of(calendar, period_key, now)
        previous, last_year = calendar.previous(period), calendar.same_period_last_year(period)
        figures = [(await results_for(session, where, [where.node], p, now))[where.node] for p in (period, previous, last_year)]
    return Comparison(where, period, previous, last_year, *figures)


@dataclass(frozen=True)
class Breakdown:
    place: Place
    period: FiscalPeriod
    rows: list[tuple[Node, Results]]


async def breakdown(env: Env, viewer: Viewer, node: Node | None, period_key: str | None) -> Breakdown:
    """One row per child of the node (units, then reps directly in it), for drilling down."""
    now = env.clock()
    async with env.db() as session:
        where = await read.place(session, viewer, node)
        period = read.period_of(where.scope.calendar, period_key, now)
        children = where.scope.children(where.node)
        found = await results_for(session, where, children, period, now) if children else {}
    return Breakdown(where, period, [(c, found[c]) for c in children])
