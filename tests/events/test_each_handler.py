"""Each handler on its own: an event in, the state out (and the same state when the event comes again)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from podium.badges import service as badges
from podium.celebrations import service as celebrations
from podium.celebrations.models import Celebration
from podium.core.events import quietly, transaction
from podium.core.periods import PeriodKind
from podium.leaderboards import service as leaderboards
from podium.orgs import service as orgs
from podium.pipeline.events import DealWon
from podium.points import service as points
from podium.points.events import PointsEntered
from tests.conftest import Server
from tests.support import World


async def _quiet_entry(server: Server, user_id: int, amount: int) -> PointsEntered:
    """A ledger entry whose handlers have not run: the event a dispatcher would hand them."""
    env = server.runtime.env
    person = await orgs.viewer_by_id(env, user_id)
    assert person is not None
    with quietly():
        async with transaction(env.db) as tx:
            # Any amount, past the daily caps: the ledger's own entry point, as a prize or an adjustment uses it.
            rule = points.PointRule(kind="verified_visit", points=amount, daily_cap=points.NO_DAILY_CAP, milestones="")
            await points._enter(tx, env, person, rule, amount, ("visit", 10_000 + amount), env.clock())
            (event,) = tx.events
    assert isinstance(event, PointsEntered)
    return event


async def _celebrations(server: Server, world: World) -> list[tuple[str, int, int | None, int | None]]:
    async with server.runtime.env.db() as session:
        rows = (await session.scalars(select(Celebration).where(Celebration.org_id == world.org_id).order_by(Celebration.id))).all()
    return [(c.kind, c.user_id, c.other_user_id, c.threshold) for c in rows]


async def test_points_entered_moves_every_board_it_counts_on(server: Server, world: World) -> None:
    env = server.runtime.env
    event = await _quiet_entry(server, world.rep.id, 30)
    for _ in range(2):
        await leaderboards.on_points_entered(env, event)
        for kind in PeriodKind:
            board = await leaderboards.read_board(env, leaderboards.BoardRef(world.org_id, kind))
            assert next(e.points for e in board.entries if e.user.id == world.rep.id) == 30
        team = await leaderboards.read_board(env, leaderboards.BoardRef(world.org_id, PeriodKind.MONTH, world.team_a))
        assert next(e.points for e in team.entries if e.user.id == world.rep.id) == 30


async def test_points_entered_celebrates_the_overtake_and_the_milestone_it_made(server: Server, world: World) -> None:
    env = server.runtime.env
    await celebrations.on_points_entered(env, await _quiet_entry(server, world.rep2.id, 60))
    crossing = await _quiet_entry(server, world.rep.id, 120)
    for _ in range(2):
        await celebrations.on_points_entered(env, crossing)
    assert await _celebrations(server, world) == [
        ("overtake", world.rep.id, world.rep2.id, None),
        ("milestone", world.rep.id, None, 100),
    ]


async def test_deal_won_is_celebrated_once_with_its_customer(server: Server, world: World) -> None:
    env = server.runtime.env
    won = DealWon(
        org_id=world.org_id, deal=777, owner=world.rep.id, team=world.team_a, amount=Decimal("88000.00"), closed_at=env.clock(), customer=world.customer_id
    )
    for _ in range(2):
        await celebrations.on_deal_won(env, won)
    (view,) = await celebrations.recent(env, await orgs.viewer_by_id(env, world.rep.id), 5)  # type: ignore[arg-type]
    assert (view.kind, view.subject, view.amount) == (celebrations.Kind.DEAL_WON, "Near Co", Decimal("88000.00"))


async def test_a_badge_is_awarded_once_for_the_entry_that_earned_it(server: Server, world: World) -> None:
    env = server.runtime.env
    won = PointsEntered(org_id=world.org_id, user=world.rep.id, team=world.team_a, entry=1, points=10, rule="deal_won", occurred_at=env.clock())
    for _ in range(2):
        await badges.on_points_entered(env, won)
    assert [k for k, *_ in await _celebrations(server, world)] == ["badge"]
    earned = await badges.earned(env, await orgs.viewer_by_id(env, world.rep.id))  # type: ignore[arg-type]
    assert [e.key for e in earned] == [badges.FIRST_DEAL]
