"""The demo's deal history tells the stories the cockpit shows (issue 15): seasons, lead sources of different
quality, one team stalling at one stage, customers who stopped buying, and a rep who visits much and wins little.
Checked on the rows the demo writes, so a change to the generator that flattens a story fails here."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from podium.core.events import transaction
from podium.core.policies import Role
from podium.customers.models import Customer
from podium.customers.names import name_key
from podium.orgs import service as orgs
from podium.pipeline import demo
from podium.pipeline.models import Deal, StageChange
from podium.pipeline.service import LeadSource
from tests.support import PASSWORD, World

NOW = datetime(2026, 12, 1, 4, tzinfo=UTC)


def _win_rate(deals: list[Deal]) -> float:
    closed = [d for d in deals if d.status in ("won", "lost")]
    return sum(d.status == "won" for d in closed) / len(closed)


async def test_the_demo_history_has_the_shapes_the_cockpit_shows(server, world: World) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    assert set(demo.SOURCE_WEIGHTS) == set(demo.SOURCE_QUALITY) == {s.value for s in LeadSource}
    async with transaction(env.db) as tx:
        s = tx.session
        teams = [world.team_a, world.team_b, world.team_a]
        people = [
            await orgs.create_user(s, env, org_id=world.org_id, email=f"story{i}@acme.test", name=f"Story {i}", password=PASSWORD,
                                   role=Role.REP, team_id=teams[i % 3])
            for i in range(9)
        ]
        customers = [Customer(org_id=world.org_id, name=f"Story Co {i}", name_key=name_key(f"Story Co {i}"), address="1 Rd",
                              latitude=31.2, longitude=121.4) for i in range(60)]
        s.add_all(customers)
        await s.flush()
        reps, customer_ids = [orgs.viewer_of(p) for p in people], [c.id for c in customers]
    await demo.seed(env, random.Random(7), world.org_id, reps, customer_ids, NOW, deals=900)

    async with env.db() as s:
        deals = list(await s.scalars(select(Deal).where(Deal.org_id == world.org_id)))
        changes = list(await s.scalars(select(StageChange).where(StageChange.org_id == world.org_id).order_by(StageChange.changed_at)))

    # More than two years, and the year-end push against the Spring Festival lull.
    assert min(d.created_at for d in deals) < NOW - timedelta(days=731)
    by_month = {m: sum(d.created_at.month == m for d in deals) for m in range(1, 13)}
    assert by_month[12] > 2 * by_month[2]

    # Referrals close far more often than cold outbound calls.
    by_source = {src: [d for d in deals if d.lead_source == src] for src in ("referral", "outbound")}
    assert _win_rate(by_source["referral"]) > _win_rate(by_source["outbound"]) + 0.25

    # One rep wins the least.
    few = reps[demo.FEW_WINS].user_id
    rates = {r.user_id: _win_rate([d for d in deals if d.owner_id == r.user_id]) for r in reps[:9]}
    assert min(rates, key=lambda k: rates[k]) == few

    # One team's deals stay long at one stage: its median stay there is far above the other teams'.
    stall_team = reps[2].team_id
    team_of = {d.id: d.team_id for d in deals}
    stages_in_order = sorted({c.to_stage_id for c in changes if c.from_stage_id is None})
    first = stages_in_order[0]
    stall_stage = first + demo.STALL_STAGE  # default stages are created in order, so their ids follow
    last_entry: dict[int, tuple[int, datetime]] = {}
    in_stage: dict[bool, list[float]] = {True: [], False: []}
    for c in changes:
        previous = last_entry.get(c.deal_id)
        if previous is not None and previous[0] == stall_stage:
            in_stage[team_of[c.deal_id] == stall_team].append((c.changed_at - previous[1]).total_seconds() / 86400)
        last_entry[c.deal_id] = (c.to_stage_id, c.changed_at)
    assert statistics.median(in_stage[True]) > 2.5 * statistics.median(in_stage[False])

    # Lapsed customers bought before and nothing in the last year.
    recent = {d.customer_id for d in deals if d.created_at > NOW - timedelta(days=380)}
    lapsed = {d.customer_id for d in deals} - recent
    assert len(lapsed) >= 4
