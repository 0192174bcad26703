"""Revenue boards rank people by what they won, exactly, live, beside untouched points boards."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select

from podium.core.env import Env
from podium.core.events import org_channel, transaction
from podium.pipeline.events import DealChanged
from podium.core.periods import PeriodKind, window
from podium.leaderboards import service
from podium.leaderboards.graphql import BoardLive
from podium.leaderboards.service import BoardRef, Metric
from podium.pipeline.models import Deal, Stage
from tests.support import BOARD, GraphQLClient, Person, World

REVENUE_BOARD = """
query RevenueBoard($period: Period!, $scope: BoardScope!, $teamId: ID) {
  leaderboard(period: $period, scope: $scope, teamId: $teamId, metric: REVENUE) {
    version metric currency entries { rank points amount dealsWon user { name } }
  }
}
"""

REVENUE_SUBSCRIPTION = """
subscription RevenueLive($period: Period!, $scope: BoardScope!) {
  leaderboardChanged(period: $period, scope: $scope, metric: REVENUE) {
    version metric changedUserIds entries { rank amount dealsWon user { id name } }
  }
}
"""


async def _win(env: Env, world: World, owner: Person, team_id: int | None, amount: str, *, publish: bool = False) -> None:
    """A won deal written as the pipeline would, then the after-commit board update (and, if asked, its event)."""
    now = env.clock()
    async with transaction(env.db) as tx:
        s = tx.session
        stage = await s.scalar(select(Stage.id).where(Stage.org_id == world.org_id, Stage.key == "won"))
        if stage is None:
            won = Stage(org_id=world.org_id, key="won", name_en="Won", name_zh="赢单", position=9, probability=100, outcome="won")
            s.add(won)
            await s.flush()
            stage = won.id
        s.add(
            Deal(
                org_id=world.org_id, client_id=str(uuid.uuid4()), created_by=owner.id, owner_id=owner.id, team_id=team_id,
                customer_id=world.customer_id, title="Order", amount=Decimal(amount), currency="CNY", margin=None,
                lead_source="referral", expected_close=now.date(), stage_id=stage, status="won", probability=100,
                closed_at=now, stage_entered_at=now, created_at=now, updated_at=now,
            )
        )
    await service.record_revenue(env, org_id=world.org_id, user_id=owner.id, team_id=team_id, occurred_at=now)
    if publish:
        await env.publisher.publish(org_channel(world.org_id), DealChanged(org_id=world.org_id, id=0, status="won", owner=owner.id, team=team_id).wire())


def _standing(board: dict) -> list[tuple[int, str, str, int]]:  # type: ignore[type-arg]
    return [(e["rank"], e["user"]["name"], e["amount"], e["dealsWon"]) for e in board["entries"]]


async def test_revenue_board_ranks_by_exact_amounts(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    await _win(env, world, world.rep, world.team_a, "1234.56")
    await _win(env, world, world.rep, world.team_a, "0.44")
    await _win(env, world, world.rep2, world.team_a, "99.50")
    await _win(env, world, world.rep3, world.team_b, "99.50")

    board = (await rep.data(REVENUE_BOARD, {"period": "MONTH", "scope": "ORG"}))["leaderboard"]

    assert _standing(board) == [(1, "Rita Rep", "1235.00", 2), (2, "Bea Rep", "99.50", 1), (2, "Rob Rep", "99.50", 1)]
    assert {e["points"] for e in board["entries"]} == {0}
    assert (board["version"], board["metric"], board["currency"]) == (4, "REVENUE", "CNY")


async def test_team_revenue_board_holds_only_the_team(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    await _win(env, world, world.rep2, world.team_a, "10.00")
    await _win(env, world, world.rep3, world.team_b, "5000.00")

    mine = (await rep.data(REVENUE_BOARD, {"period": "WEEK", "scope": "TEAM"}))["leaderboard"]
    async with GraphQLClient(server.url) as admin:
        await admin.login(world.admin.email)
        theirs = (await admin.data(REVENUE_BOARD, {"period": "WEEK", "scope": "TEAM", "teamId": str(world.team_b)}))["leaderboard"]

    assert _standing(mine) == [(1, "Rob Rep", "10.00", 1), (2, "Rita Rep", "0.00", 0)]
    assert _standing(theirs) == [(1, "Bea Rep", "5000.00", 1)]


async def test_points_boards_are_untouched_by_revenue(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    await _win(server.runtime.env, world, world.rep, world.team_a, "800.00")
    await rep.log_visit(world)

    points = (await rep.data(BOARD, {"period": "MONTH", "scope": "ORG"}))["leaderboard"]
    revenue = (await rep.data(REVENUE_BOARD, {"period": "MONTH", "scope": "ORG"}))["leaderboard"]

    assert points["version"] == 1 and points["entries"][0] == {"rank": 1, "points": 10, "user": {"id": str(world.rep.id), "name": "Rita Rep"}}
    assert revenue["version"] == 1 and _standing(revenue)[0] == (1, "Rita Rep", "800.00", 1)


async def test_live_revenue_board_moves_when_a_deal_is_won(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    async with rep.subscriber(server.ws_url) as live:
        await live.subscribe("rev", REVENUE_SUBSCRIPTION, {"period": "MONTH", "scope": "ORG"})
        snapshot = (await live.next_data("rev"))["leaderboardChanged"]
        assert (snapshot["version"], snapshot["metric"]) == (0, "REVENUE")
        assert {e["amount"] for e in snapshot["entries"]} == {"0.00"}

        await rep.log_visit(world)  # a points event: not this board's
        await _win(server.runtime.env, world, world.rep2, world.team_a, "4321.09", publish=True)
        changed = (await live.until("rev", lambda d: d["leaderboardChanged"]["version"] == 1))["leaderboardChanged"]

    assert changed["entries"][0] == {"rank": 1, "amount": "4321.09", "dealsWon": 1, "user": {"id": str(world.rep2.id), "name": "Rob Rep"}}
    assert changed["changedUserIds"] == [str(world.rep2.id)]


async def test_rebuilt_revenue_boards_equal_the_live_ones(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    await _win(env, world, world.rep, world.team_a, "0.01")
    await _win(env, world, world.rep3, world.team_b, "12345678.90")
    before = [(await rep.data(REVENUE_BOARD, {"period": p, "scope": s}))["leaderboard"] for p in ("TODAY", "MONTH") for s in ("ORG", "TEAM")]

    await service.rebuild_all(env)
    month = window(PeriodKind.MONTH, "Asia/Shanghai", env.clock())
    assert not await env.boards.is_built(BoardRef(world.org_id, PeriodKind.MONTH, None, Metric.REVENUE).key(month))
    after = [(await rep.data(REVENUE_BOARD, {"period": p, "scope": s}))["leaderboard"] for p in ("TODAY", "MONTH") for s in ("ORG", "TEAM")]

    assert after == before
    assert _standing(after[2])[0] == (1, "Bea Rep", "12345678.90", 1)


def test_a_board_listens_to_the_events_of_its_metric() -> None:
    points = BoardLive(None, BoardRef(1, PeriodKind.MONTH, 7))  # type: ignore[arg-type]
    revenue = BoardLive(None, BoardRef(1, PeriodKind.MONTH, 7, Metric.REVENUE))  # type: ignore[arg-type]
    won = {"kind": "deal", "status": "won", "owner": 3, "team": 7}

    assert revenue.relevant(won) and not points.relevant(won)
    assert points.relevant({"kind": "points", "user": 3, "team": 7}) and not revenue.relevant({"kind": "points", "user": 3, "team": 7})
    assert not revenue.relevant({**won, "status": "lost"}) and not revenue.relevant({**won, "team": 8})
    assert revenue.key != points.key
