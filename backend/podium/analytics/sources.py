"""Per lead source, for a node and a period: deals created, won, lost, win rate, sales cycle, average order and revenue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from podium.analytics import deals_read as read
from podium.analytics.results import CENT
from podium.core.env import Env
from podium.core.policies import Viewer
from podium.pipeline.service import LeadSource
from podium.targets.service import Node


@dataclass(frozen=True)
class SourceFigures:
    source: LeadSource
    deals: int
    won: int
    lost: int
    win_rate: float | None
    cycle_days_p50: float | None
    average_order_value: Decimal | None
    revenue: Decimal


async def sources(env: Env, viewer: Viewer, node: Node | None, period_key: str | None) -> list[SourceFigures]:
    """Every lead source, in the catalogue's order (zeros included, so charts keep their shape)."""
    now = env.clock()
    async with env.db() as session:
        w = await read.window(session, viewer, node, period_key, now)
        sums = await read.result_sums(session, w.place.org_id, w.grain, w.keys, [w.row], by=("lead_source",))
        cycles = await read.histograms(session, w.place.org_id, w.grain, w.keys, [w.row], "cycle:")
    found = []
    for source in LeadSource:
        s = sums.get((source.value,), read.Sums())
        won, lost = int(s["won"]), int(s["lost"])
        revenue = Decimal(s["won_amount"]) - Decimal(s["reversed_amount"])
        found.append(SourceFigures(
            source, int(s["created"]), won, lost, read.ratio(won, won + lost), read.percentile(cycles.get((f"cycle:{source.value}",), {}), 0.5),
            (revenue / won).quantize(CENT) if won else None, revenue,
        ))
    return found
