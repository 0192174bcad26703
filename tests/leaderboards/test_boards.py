"""Boards rank people correctly, respect who may see what, and can always be rebuilt from the ledger."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from podium.core.events import transaction
from podium.core.periods import PeriodKind, window
from podium.core.policies import Role
from podium.orgs import service as orgs
from podium.orgs.models import Team
from tests.support import BOARD, PASSWORD, GraphQLClient, World


async def _login(server, email: str) -> GraphQLClient:  # type: ignore[no-untyped-def]
    client = GraphQLClient(server.url)
    await client.login(email)
    return client


async def test_board_ranks_by_points_and_ties_share_a_rank(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    async with await _login(server, world.rep2.email) as rep2, await _login(server, world.rep3.email) as rep3:
        for _ in range(2):
            await rep.log_visit(world)
        await rep2.log_visit(world)
        await rep3.log_visit(world)
        board = (await rep.data(BOARD, {"period": "TODAY", "scope": "ORG"}))["leaderboard"]

    standing = [(e["rank"], e["user"]["name"], e["points"]) for e in board["entries"]]
    assert standing == [(1, "Rita Rep", 20), (2, "Bea Rep", 10), (2, "Rob Rep", 10)]
    assert board["version"] == 4


async def test_team_board_holds_only_the_team(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    board = (await rep.data(BOARD, {"period": "MONTH", "scope": "TEAM"}))["leaderboard"]
    assert {e["user"]["name"] for e in board["entries"]} == {"Rita Rep", "Rob Rep"}


@pytest.mark.parametrize(
    ("who", "team", "code"),
    [
        ("rep", "team_b", "FORBIDDEN"),
        ("manager", "team_b", "FORBIDDEN"),
        ("admin", "other_org", "NOT_FOUND"),
        ("rep", "garbage", "NOT_FOUND"),
    ],
)
async def test_boards_outside_ones_scope_are_refused(server, world: World, who: str, team: str, code: str) -> None:  # type: ignore[no-untyped-def]
    email = {"rep": world.rep.email, "manager": world.manager.email, "admin": world.admin.email}[who]
    team_id = {"team_b": str(world.team_b), "other_org": "999999", "garbage": "x1"}[team]
    async with await _login(server, email) as client:
        result = await client.execute(BOARD, {"period": "WEEK", "scope": "TEAM", "teamId": team_id})
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == code


async def test_an_admin_reads_any_team_of_their_org(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with await _login(server, world.admin.email) as admin:
        board = (await admin.data(BOARD, {"period": "WEEK", "scope": "TEAM", "teamId": str(world.team_b)}))["leaderboard"]
    assert [e["user"]["name"] for e in board["entries"]] == ["Bea Rep"]


async def test_a_lost_store_is_rebuilt_from_the_ledger(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await rep.log_visit(world)
    before = (await rep.data(BOARD, {"period": "MONTH", "scope": "ORG"}))["leaderboard"]

    await server.runtime.env.boards.clear()
    after = (await rep.data(BOARD, {"period": "MONTH", "scope": "ORG"}))["leaderboard"]

    assert after == before
    assert after["entries"][0]["points"] == 30


async def test_signed_out_callers_see_no_board(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as anonymous:
        result = await anonymous.execute(BOARD, {"period": "TODAY", "scope": "ORG"})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_periods_follow_the_org_zone_and_dst() -> None:
    late_sunday_utc = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)  # Monday 04:00 in Shanghai
    week = window(PeriodKind.WEEK, "Asia/Shanghai", late_sunday_utc)
    assert week.key == "w2026-11-23"
    assert week.start == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)

    dst_day = window(PeriodKind.TODAY, "Europe/Berlin", datetime(2026, 3, 29, 12, 0, tzinfo=UTC))
    assert (dst_day.end - dst_day.start).total_seconds() == 23 * 3600

    february = window(PeriodKind.MONTH, "Asia/Shanghai", datetime(2028, 2, 10, tzinfo=UTC))
    assert february.key == "m2028-02"
    assert (february.end - february.start).days == 29


async def test_a_manager_named_on_another_unit_reads_its_board_and_a_stranger_does_not(server, world: World) -> None:  # type: ignore[no-untyped-def]
    """Boards follow the org tree like every other read: Max manages Team A and is named manager of Team B, so
    Team B's board is his; a manager of a third team is neither and is refused with the coded error."""
    env = server.runtime.env
    async with transaction(env.db) as tx:
        third = await orgs.create_team(tx.session, org_id=world.org_id, name="Team C")
        await orgs.create_user(
            tx.session, env, org_id=world.org_id, email="carl@acme.test", name="Carl Manager", password=PASSWORD,
            role=Role.MANAGER, team_id=third.id,
        )
        await tx.session.execute(update(Team).where(Team.id == world.team_b).values(manager_id=world.manager.id))
    variables = {"period": "WEEK", "scope": "TEAM", "teamId": str(world.team_b)}
    async with await _login(server, world.manager.email) as manager, await _login(server, "carl@acme.test") as stranger:
        board = (await manager.data(BOARD, variables))["leaderboard"]
        refused = await stranger.execute(BOARD, variables)
    assert [e["user"]["name"] for e in board["entries"]] == ["Bea Rep"]
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
