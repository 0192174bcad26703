"""`podium rebuild` on history: the few days it checks award exactly what a check of every day would, and a badge
found in imported history pays no points."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from podium.badges import service as badges
from podium.badges.models import BadgeDefinition
from podium.celebrations.models import Celebration
from podium.core.env import Env
from podium.core.events import transaction
from podium.pipeline.models import Deal, Stage
from podium.points.models import PointsEntry
from podium.rebuild import rebuild
from podium.targets.models import Target
from tests.support import Person, World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: datetime, hour: int) -> datetime:
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


async def _won(env: Env, world: World, owner: Person, team_id: int, amount: str, at: datetime) -> None:
    async with transaction(env.db) as tx:
        stage = await tx.session.scalar(select(Stage.id).where(Stage.org_id == world.org_id, Stage.key == "won"))
        if stage is None:
            made = Stage(org_id=world.org_id, key="won", name_en="Won", name_zh="赢单", position=9, probability=100, outcome="won")
            tx.session.add(made)
            await tx.session.flush()
            stage = made.id
        tx.session.add(Deal(
            org_id=world.org_id, client_id=str(uuid.uuid4()), created_by=owner.id, owner_id=owner.id, team_id=team_id,
            customer_id=world.customer_id, title="Imported", amount=Decimal(amount), currency="CNY", margin=None,
            lead_source="referral", expected_close=at.date(), stage_id=stage, status="won", probability=100,
            closed_at=at, stage_entered_at=at, created_at=at - timedelta(days=20), updated_at=at,
        ))


async def _history(env: Env, world: World) -> None:
    """Each rule's day apart from the others', so a day left out shows: Rita wins once (her first deal), works
    Monday to Friday ten weeks ago (points: her streak), wins on the next Monday only (a won deal earns no
    points, yet her streak reads five that Monday: a new week's streak badge), then twice in one week a month
    later (an admin's weekly badge, on the first of the two). Rob wins once, then three times in one month
    against a revenue target the three reach together. A correction is never an achievement."""
    today = datetime.now(SHANGHAI)
    monday = _at(today - timedelta(days=today.weekday() + 70), 10)
    while monday.day > 18:  # her week and the Monday after it in one month, her first win in the one before
        monday -= timedelta(days=7)
    week = [monday + timedelta(days=i) for i in range(5)]
    next_monday = monday + timedelta(days=7)
    later = monday + timedelta(days=36)  # a Tuesday, next month
    rob_month = (monday + timedelta(days=49)).replace(day=1)
    async with transaction(env.db) as tx:
        for i, day in enumerate(week):
            for hour, points in ((9, 10), (15, 60 if i == 4 else 15)):
                tx.session.add(PointsEntry(
                    org_id=world.org_id, user_id=world.rep.id, team_id=world.team_a, points=points, rule_kind="activity",
                    source_type="activity", source_id=1000 + i * 10 + hour, occurred_at=_at(day, hour), created_at=_at(day, hour),
                ))
        tx.session.add(PointsEntry(
            org_id=world.org_id, user_id=world.rep3.id, team_id=world.team_b, points=50, rule_kind="adjustment",
            source_type="adjustment", source_id=1, occurred_at=_at(week[2], 11), created_at=_at(week[2], 11),
        ))
        for name, metric, period, threshold in (
            ("Two a week", "deals_won", "week", 2), ("Big month", "revenue_won", "month", 2500),
            ("Busy day", "points", "day", 20), ("Three wins a month", "deals_won", "month", 3), ("Never", "deals_won", "day", 50),
        ):
            tx.session.add(BadgeDefinition(org_id=world.org_id, name=name, metric=metric, period=period, threshold=threshold,
                                           active=True, created_at=env.clock()))
        tx.session.add(Target(org_id=world.org_id, node_kind="user", node_id=world.rep2.id, grain="month", period_key=f"{rob_month:%Y-%m}",
                              metric="revenue", amount=Decimal("3000"), basis="direct", updated_at=env.clock()))
    await _won(env, world, world.rep, world.team_a, "100.00", _at(monday - timedelta(days=19), 11))
    await _won(env, world, world.rep, world.team_a, "100.00", _at(next_monday, 11))
    await _won(env, world, world.rep, world.team_a, "500.00", _at(later, 10))
    await _won(env, world, world.rep, world.team_a, "500.00", _at(later + timedelta(days=2), 10))
    await _won(env, world, world.rep2, world.team_a, "100.00", _at(monday - timedelta(days=18), 11))
    for offset in (2, 9, 16):
        await _won(env, world, world.rep2, world.team_a, "1000.00", _at(rob_month + timedelta(days=offset), 14))


async def _celebrated(env: Env) -> set[tuple[str, str, datetime, int | None]]:
    async with env.db() as session:
        rows = await session.execute(select(Celebration.kind, Celebration.dedupe_key, Celebration.created_at, Celebration.threshold))
        return {(kind, key, at.astimezone(SHANGHAI), value) for kind, key, at, value in rows}


async def test_the_days_the_rebuild_checks_award_what_checking_every_day_awards(server, world: World) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    await _history(env, world)

    # When the rebuild checks only the days a badge can be earned on, then (from scratch) every day
    reduced = await rebuild(env)
    found = await _celebrated(env)
    async with transaction(env.db) as tx:
        await tx.session.execute(delete(Celebration))
    every_day = await rebuild(env, every_day=True)

    # Then the same badges and milestones, with the same dates and values, from far fewer checks
    assert await _celebrated(env) == found
    assert reduced.days_checked < every_day.days_checked
    keys = {key for _, key, _, _ in found}
    rita, rob = world.rep.id, world.rep2.id
    assert {f"b:{rita}:first_deal:all", f"b:{rob}:first_deal:all"} <= keys
    assert sum(key.startswith(f"b:{rita}:streak:") for key in keys) == 2  # her week, and the Monday after it
    assert not any(key.startswith(f"b:{world.rep3.id}:") for key in keys)
    assert any(key.startswith(f"b:{rob}:target_month:") for key in keys)
    assert any(key.startswith(f"m:{rita}:100:") for key in keys)
    async with env.db() as session:
        definitions = {d.name: d.id for d in await session.scalars(select(BadgeDefinition).where(BadgeDefinition.org_id == world.org_id))}
    for name, whose, count in (("Two a week", rita, 1), ("Big month", rob, 1), ("Busy day", rita, 5), ("Three wins a month", rob, 1), ("Never", rita, 0)):
        assert sum(key.startswith(f"b:{whose}:custom-{definitions[name]}:") for key in keys) == count, name
    # And a second rebuild finds nothing new
    again = await rebuild(env)
    assert again.badges == 0 and again.milestones == 0


async def test_a_target_reached_in_imported_history_is_a_dated_badge_without_points(server, world: World) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    await _history(env, world)

    await rebuild(env)

    async with env.db() as session:
        target = (await session.execute(
            select(Celebration.created_at).where(Celebration.dedupe_key.like(f"b:{world.rep2.id}:{badges.TARGET_MONTH}:%"))
        )).scalar_one()
        paid = list(await session.scalars(select(PointsEntry).where(PointsEntry.rule_kind == "target_reached")))
        first_win = await session.scalar(
            select(Deal.closed_at).where(Deal.owner_id == world.rep2.id, Deal.amount == Decimal("1000.00")).order_by(Deal.closed_at).limit(1)
        )
    # Dated on the month's first win (the month's attainment is the same whichever day asks), and no points
    assert first_win is not None and target == first_win
    assert paid == []
