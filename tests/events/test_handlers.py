"""Handlers on their own: an event in, the state out; twice the same as once; failures kept for admins; rebuild."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from podium.badges.service import FIRST_DEAL
from podium.celebrations.models import Celebration
from podium.core.env import Env
from podium.core.events import DomainEvent, quietly, transaction
from podium.core.models import EventRow
from podium.core.periods import PeriodKind, window
from podium.core.outbox import Outbox
from podium.points import service as points
from podium.points.models import PointsEntry
from podium.push.models import PushJob
from podium.rebuild import rebuild
from tests.conftest import Server
from tests.leaderboards.test_revenue_boards import _win
from tests.support import GraphQLClient, World

ADJUST = """
mutation Adjust($input: AdjustPointsInput!) {
  adjustPoints(input: $input) { __typename }
}
"""
FAILURES = "{ eventFailures { id name attempts error givenUp } }"
RETRY = "mutation Retry($id: ID!) { retryEvent(id: $id) { __typename ... on OperationError { errors { code } } } }"


async def _state(server: Server, world: World) -> dict[str, Any]:
    env = server.runtime.env
    async with env.db() as session:
        celebrations = sorted(await session.scalars(select(Celebration.dedupe_key).where(Celebration.org_id == world.org_id)))
        pushes = int(await session.scalar(select(func.count()).select_from(PushJob)) or 0)
        ledger = int(await session.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(PointsEntry.org_id == world.org_id)) or 0)
    board = await server.runtime.env.boards.read(f"{world.org_id}:o:" + _month_key(env))
    return {"celebrations": celebrations, "pushes": pushes, "ledger": ledger, "board": sorted((s.member, s.points, s.entries) for s in board)}


def _month_key(env: Env) -> str:
    return window(PeriodKind.MONTH, "Asia/Shanghai", env.clock()).key  # the test world's zone


async def test_every_handler_run_twice_on_the_same_event_leaves_the_same_state(server: Server, world: World, rep: GraphQLClient) -> None:
    # Given a day's work that crossed a milestone and overtook someone
    async with GraphQLClient(server.url) as admin:
        await admin.login(world.admin.email)
        await admin.data(ADJUST, {"input": {"clientId": str(uuid.uuid4()), "userId": str(world.rep2.id), "points": 5, "reason": "earlier work"}})
        await admin.data(ADJUST, {"input": {"clientId": str(uuid.uuid4()), "userId": str(world.rep.id), "points": 92, "reason": "earlier work"}})
    for _ in range(2):
        await rep.log_visit(world)
    outbox: Outbox = server.runtime.outbox
    await outbox.flush()
    async with server.runtime.env.db() as session:
        rows = (await session.scalars(select(EventRow).order_by(EventRow.id))).all()
    assert {r.name for r in rows} >= {"points", "visit", "celebration"}
    assert all(r.done_at is not None for r in rows)
    before = await _state(server, world)
    assert any(key.startswith("m:") for key in before["celebrations"]) and any(key.startswith("o:") for key in before["celebrations"])
    assert (world.rep.id, 112, 3) in before["board"]

    # When every handler of every event runs again
    for row in rows:
        handled, error = await outbox.handle(DomainEvent.decode(row.name, row.payload))
        assert error is None
        assert handled == {name for name, _ in outbox.handlers_for(row.name)}

    # Then nothing changed
    assert await _state(server, world) == before


async def test_a_handler_that_keeps_failing_is_kept_for_admins_and_can_be_retried(server: Server, world: World, rep: GraphQLClient) -> None:
    outbox: Outbox = server.runtime.outbox
    calls: list[int] = []

    async def broken(env: Env, event: Any) -> None:
        calls.append(event.entry)
        raise RuntimeError("the board store is on fire")

    broken.__qualname__ = "broken"
    outbox._handlers["points"].insert(0, ("tests.broken", broken))
    outbox.max_attempts = 2
    try:
        await rep.log_visit(world)
        await outbox.run_due()  # nothing due yet: the head start
        # A write transaction from the start: on SQLite a read that turns into a write can find the lock taken.
        async with transaction(server.runtime.env.db) as tx:
            row = await tx.session.scalar(select(EventRow).where(EventRow.name == "points"))
            assert row is not None and row.attempts == 1 and row.done_at is None
            row.next_at = server.runtime.env.clock()
        await outbox.run_due()
        async with GraphQLClient(server.url) as admin:
            await admin.login(world.admin.email)
            failed = (await admin.data(FAILURES))["eventFailures"]
            assert len(failed) == 1 and failed[0]["name"] == "points" and failed[0]["givenUp"] is True
            assert failed[0]["attempts"] == 2 and "tests.broken: RuntimeError: the board store is on fire" in failed[0]["error"]
            assert (await rep.execute(FAILURES))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            outbox._handlers["points"].pop(0)
            retried = (await admin.data(RETRY, {"id": failed[0]["id"]}))["retryEvent"]
            assert retried["__typename"] == "RetryEventSuccess"
            await outbox.run_due()
            assert (await admin.data(FAILURES))["eventFailures"] == []
            missing = (await admin.data(RETRY, {"id": "999999"}))["retryEvent"]
            assert missing["errors"][0]["code"] == "NOT_FOUND"
    finally:
        if outbox._handlers["points"] and outbox._handlers["points"][0][0] == "tests.broken":
            outbox._handlers["points"].pop(0)
    assert len(calls) == 2


async def test_rebuild_awards_history_its_badges_once_and_pushes_nothing(server: Server, world: World, rep: GraphQLClient) -> None:
    env = server.runtime.env
    # Given history that arrived quietly (an import): a won deal and 150 points, no badge, no milestone
    from podium.orgs import service as orgs

    person = await orgs.viewer_by_id(env, world.rep.id)
    assert person is not None
    with quietly():
        async with transaction(env.db) as tx:
            await points.award_deal_won(tx, env, owner=person, deal_id=424242, amount=points.Decimal(150_000), occurred_at=env.clock())
    # and deals imported as won, which earned no points at all
    await _win(env, world, world.rep2, world.team_a, "5000.00")
    async with env.db() as session:
        assert await session.scalar(select(func.count()).select_from(Celebration)) == 0

    # When podium rebuild runs, twice
    first = await rebuild(env)
    second = await rebuild(env)

    # Then the first deal and the 100-point milestone are earned once, nothing pushed or announced
    async with env.db() as session:
        keys = sorted(await session.scalars(select(Celebration.dedupe_key)))
        pending = await session.scalar(select(func.count()).select_from(EventRow).where(EventRow.done_at.is_(None)))
        pushes = await session.scalar(select(func.count()).select_from(PushJob))
    assert any(k.startswith(f"m:{world.rep.id}:100:") for k in keys)
    assert {k for k in keys if FIRST_DEAL in k} == {f"b:{world.rep.id}:{FIRST_DEAL}:all", f"b:{world.rep2.id}:{FIRST_DEAL}:all"}
    assert first.badges >= 2 and first.milestones == 1
    assert second.badges == 0 and second.milestones == 0
    assert pending == 0 and pushes == 0


async def test_a_board_that_drifted_from_the_ledger_is_repaired_by_the_periodic_check(server: Server, world: World, rep: GraphQLClient) -> None:
    from podium.leaderboards import service as leaderboards
    from podium.orgs import service as orgs
    from tests.support import BOARD

    env = server.runtime.env
    await rep.log_visit(world)
    await rep.data(BOARD, {"period": "WEEK", "scope": "TEAM"})  # the team's week board is built too

    async def mine(period: str, scope: str) -> int | None:
        board = await rep.data(BOARD, {"period": period, "scope": scope})
        return next((e["points"] for e in board["leaderboard"]["entries"] if e["user"]["id"] == str(world.rep.id)), None)

    # Given a ledger entry whose board update never happened
    person = await orgs.viewer_by_id(env, world.rep.id)
    assert person is not None
    with quietly():
        async with transaction(env.db) as tx:
            await points.award_activity(tx, env, viewer=person, activity_id=987654, occurred_at=env.clock())
    assert await mine("MONTH", "ORG") == 10

    # When the periodic check runs
    repaired = await leaderboards.repair_drift(env)

    # Then every built board of the period equals the ledger again, and a second check finds nothing
    assert repaired >= 4  # today, week, month of the org; the team's week
    assert await mine("MONTH", "ORG") == await mine("TODAY", "ORG") == await mine("WEEK", "TEAM") == 12
    assert await leaderboards.repair_drift(env) == 0
