"""The demo's deal history tells the stories the cockpit shows (issue 15): seasons, lead sources of different
quality, one team stalling at one stage, customers who stopped buying, and a rep who visits much and wins little.
Checked on the rows the demo writes, so a change to the generator that flattens a story fails here."""

from __future__ import annotations

import dataclasses
import random
import statistics
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from podium import demo as podium_demo
from podium.analytics import behaviour as behaviour_service
from podium.analytics import customers_service
from podium.core.events import transaction
from podium.core.policies import Role
from podium.customers.models import Customer
from podium.customers.names import name_key
from podium.orgs import service as orgs
from podium.orgs.models import Team
from podium.pipeline import demo
from podium.pipeline.models import Deal, StageChange
from podium.pipeline.service import ActivityKind, LeadSource
from podium.rebuild import rebuild
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


async def test_the_demo_gives_the_cockpit_an_activity_mix_and_a_region_under_its_potential(server, world: World) -> None:  # type: ignore[no-untyped-def]
    """As podium/demo.py builds it: two regions over three teams, each unit with its market potential, and the deals'
    activities. The year's saturation then shows Riverside far under its potential next to Central, and the
    behaviour table an activity mix, mostly calls for the rep who wins rarely."""
    env = dataclasses.replace(server.runtime.env, clock=lambda: NOW)
    async with transaction(env.db) as tx:
        s = tx.session
        teams = [await s.get(Team, world.team_a), await s.get(Team, world.team_b), await orgs.create_team(s, org_id=world.org_id, name="Team C")]
        regions = [await orgs.create_team(s, org_id=world.org_id, name=name) for name, _ in podium_demo.REGIONS]
        podium_demo.place_potentials(teams, regions)  # type: ignore[arg-type]
        people = [
            await orgs.create_user(s, env, org_id=world.org_id, email=f"mix{i}@acme.test", name=f"Mix {i}", password=PASSWORD,
                                   role=Role.REP, team_id=teams[i % 3].id)  # type: ignore[union-attr]
            for i in range(9)
        ]
        customers = [Customer(org_id=world.org_id, name=f"Mix Co {i}", name_key=name_key(f"Mix Co {i}"), address="1 Rd",
                              latitude=31.2, longitude=121.4, owner_id=people[i % 9].id) for i in range(60)]
        s.add_all(customers)
        await s.flush()
        reps, customer_ids, region_ids = [orgs.viewer_of(p) for p in people], [c.id for c in customers], [r.id for r in regions]
    await demo.seed(env, random.Random(7), world.org_id, reps, customer_ids, NOW, deals=900)
    await rebuild(env, only_org=world.org_id)
    admin = await orgs.viewer_by_id(env, world.admin.id)
    assert admin is not None

    year = await customers_service.saturation(env, admin, None, "FY2026")
    by_unit = {x.unit_id: x for x in year.items}
    riverside, central = by_unit[region_ids[0]], by_unit[region_ids[1]]
    assert riverside.penetration is not None and central.penetration is not None
    assert riverside.revenue > central.revenue  # the bigger region sells more …
    assert riverside.penetration < central.penetration / 2  # … and still reaches far less of its market
    assert Decimal("0.05") < riverside.penetration < Decimal("0.35") < central.penetration < Decimal("1.2")

    mix = await behaviour_service.behaviour(env, admin, None, "FY2026", first=50)
    total = mix.total.figures.activities
    assert set(total) == {k.value for k in ActivityKind} and sum(total.values()) > 500
    calls = {p.user_id: p.figures.activities.get("call", 0) / sum(p.figures.activities.values()) for p in mix.items if p.figures.activities}
    assert max(calls, key=lambda k: calls[k]) == reps[demo.FEW_WINS].user_id  # many calls, few proposals: the rep who wins rarely
