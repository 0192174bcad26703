"""Office TVs: pairing with a code, a display token that only reads its own boards, revocation at once."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
import websockets
from sqlalchemy import update

from podium.core.events import transaction
from podium.core.policies import Role
from podium.displays.models import DisplayPairing
from podium.orgs import service as orgs
from tests.support import BOARD, BOARD_SUBSCRIPTION, PASSWORD, GraphQLClient, Subscriber, World

PAIR = """
mutation Pair($input: PairDisplayInput!) {
  pairDisplay(input: $input) {
    __typename
    ... on DisplaySuccess { display { id name rotateSeconds paired boards { period scope metric team { id name } } } }
    ... on OperationError { errors { field code message } }
  }
}
"""
REVOKE = """
mutation Revoke($id: ID!) {
  revokeDisplay(id: $id) {
    __typename
    ... on DisplaySuccess { display { id } }
    ... on OperationError { errors { field code } }
  }
}
"""
DISPLAYS = "query { displays { id name paired lastSeenAt boards { period scope metric } } }"
MY_DISPLAY = "query { me { email } myDisplay { id name rotateSeconds boards { period scope metric team { id } } } }"
TODAY_ORG = {"period": "TODAY", "scope": "ORG", "metric": "POINTS"}


async def _login(server, email: str) -> GraphQLClient:  # type: ignore[no-untyped-def]
    client = GraphQLClient(server.url)
    await client.login(email)
    return client


async def _start(tv: GraphQLClient) -> dict[str, Any]:
    response = await tv.http.post("/api/displays/pairings")
    assert response.status_code == 201, response.text
    return response.json()


async def _claim(tv: GraphQLClient, secret: str) -> dict[str, Any]:
    response = await tv.http.post("/api/displays/pairings/claim", json={"secret": secret})
    assert response.status_code == 200, response.text
    return response.json()


def _pair_input(code: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"code": code, "name": "Shanghai office lobby", "boards": [TODAY_ORG], "rotateSeconds": 20}
    data.update(overrides)
    return data


async def _paired_tv(server, manager: GraphQLClient, **overrides: Any) -> tuple[GraphQLClient, str]:  # type: ignore[no-untyped-def]
    """A TV client holding a display cookie, and the display's id."""
    tv = GraphQLClient(server.url)
    started = await _start(tv)
    result = (await manager.data(PAIR, {"input": _pair_input(started["code"], **overrides)}))["pairDisplay"]
    assert result["__typename"] == "DisplaySuccess", result
    assert (await _claim(tv, started["secret"]))["status"] == "paired"
    return tv, result["display"]["id"]


def _code(result: dict[str, Any]) -> str:
    return result["errors"][0]["extensions"]["code"]


async def test_a_tv_pairs_with_a_code_and_then_reads_its_board(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    await rep.log_visit(world)
    async with GraphQLClient(server.url) as tv, await _login(server, world.manager.email) as manager:
        started = await _start(tv)
        code = started["code"]
        assert len(code) == 6 and not set(code) & set("0O1IL")
        assert (await _claim(tv, started["secret"]))["status"] == "waiting"
        assert (await tv.data(MY_DISPLAY)) == {"me": None, "myDisplay": None}

        typed = f"{code[:3].lower()}-{code[3:]}"  # as read off the wall: dash and lower case are fine
        result = (await manager.data(PAIR, {"input": _pair_input(typed, boards=[TODAY_ORG, {"period": "MONTH", "scope": "TEAM"}])}))["pairDisplay"]
        assert result["__typename"] == "DisplaySuccess", result
        display = result["display"]
        assert display["paired"] is False
        assert display["boards"] == [
            {"period": "TODAY", "scope": "ORG", "metric": "POINTS", "team": None},
            {"period": "MONTH", "scope": "TEAM", "metric": "POINTS", "team": {"id": str(world.team_a), "name": "Team A"}},
        ]

        claimed = await tv.http.post("/api/displays/pairings/claim", json={"secret": started["secret"]})
        assert claimed.json()["status"] == "paired"
        cookie = claimed.headers["set-cookie"]
        assert "podium_display=" in cookie and "HttpOnly" in cookie
        assert tv.http.cookies.get("podium_session") is None
        # The token is handed over once.
        assert (await _claim(tv, started["secret"]))["status"] == "expired"

        mine = await tv.data(MY_DISPLAY)
        assert mine["me"] is None
        assert mine["myDisplay"]["name"] == "Shanghai office lobby" and mine["myDisplay"]["rotateSeconds"] == 20
        board = (await tv.data(BOARD, {"period": "TODAY", "scope": "ORG"}))["leaderboard"]
        assert (board["entries"][0]["user"]["name"], board["entries"][0]["points"]) == ("Rita Rep", 10)
        team = (await tv.data(BOARD, {"period": "MONTH", "scope": "TEAM", "teamId": str(world.team_a)}))["leaderboard"]
        assert {e["user"]["name"] for e in team["entries"]} == {"Rita Rep", "Rob Rep"}
        recent = await tv.data("query { recentCelebrations(first: 5) { id } }")
        assert isinstance(recent["recentCelebrations"], list)

        listed = (await manager.data(DISPLAYS))["displays"]
        assert [(d["id"], d["paired"]) for d in listed] == [(display["id"], True)]
        assert listed[0]["lastSeenAt"] is not None


async def test_unknown_and_expired_codes_pair_nothing(server, world: World, stack) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as tv, await _login(server, world.manager.email) as manager:
        started = await _start(tv)
        unknown = "X" * 6 if started["code"] != "XXXXXX" else "YYYYYY"
        for code in (unknown, "K7P", "", started["code"] + "99"):
            result = (await manager.data(PAIR, {"input": _pair_input(code)}))["pairDisplay"]
            assert result["__typename"] == "OperationError", (code, result)
            assert result["errors"][0]["field"] == "code"
            assert result["errors"][0]["code"] in {"NOT_FOUND", "INVALID"}
        env = server.runtime.env
        async with transaction(env.db) as tx:
            await tx.session.execute(update(DisplayPairing).values(expires_at=env.clock() - timedelta(seconds=1)))
        result = (await manager.data(PAIR, {"input": _pair_input(started["code"])}))["pairDisplay"]
        assert result["errors"] == [{"field": "code", "code": "NOT_FOUND", "message": result["errors"][0]["message"]}]
        assert (await _claim(tv, started["secret"]))["status"] == "expired"
        assert (await _claim(tv, "not-a-secret"))["status"] == "expired"
        assert (await manager.data(DISPLAYS))["displays"] == []


async def test_bad_pairing_input_is_refused_whole(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as tv, await _login(server, world.manager.email) as manager:
        started = await _start(tv)
        bad = _pair_input(started["code"], name=" ", rotateSeconds=3, boards=[])
        result = (await manager.data(PAIR, {"input": bad}))["pairDisplay"]
        assert {(e["field"], e["code"]) for e in result["errors"]} == {("name", "REQUIRED"), ("rotateSeconds", "OUT_OF_RANGE"), ("boards", "REQUIRED")}
        # A manager cannot put another team's board on a TV.
        other_team = {"period": "WEEK", "scope": "TEAM", "teamId": str(world.team_b)}
        result = (await manager.data(PAIR, {"input": _pair_input(started["code"], boards=[other_team])}))["pairDisplay"]
        assert result["errors"][0]["code"] == "FORBIDDEN"
        # The code is still good after refusals.
        result = (await manager.data(PAIR, {"input": _pair_input(started["code"])}))["pairDisplay"]
        assert result["__typename"] == "DisplaySuccess"


async def test_a_rep_cannot_pair_list_or_revoke(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as tv:
        started = await _start(tv)
        result = (await rep.data(PAIR, {"input": _pair_input(started["code"])}))["pairDisplay"]
        assert result["errors"][0]["code"] == "FORBIDDEN"
        assert _code(await rep.execute(DISPLAYS)) == "FORBIDDEN"
        assert _code(await rep.execute("query { displayTeams { id } }")) == "FORBIDDEN"
        assert (await rep.data(REVOKE, {"id": "1"}))["revokeDisplay"]["errors"][0]["code"] == "FORBIDDEN"
        assert (await _claim(tv, started["secret"]))["status"] == "waiting"
        anonymous = await tv.execute(PAIR, {"input": _pair_input(started["code"])})
        assert anonymous["data"]["pairDisplay"]["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_another_orgs_manager_neither_sees_nor_revokes(server, world: World) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    async with transaction(env.db) as tx:
        await orgs.create_user(
            tx.session, env, org_id=world.other_org_id, email="boss@rival.test", name="Rival Boss", password=PASSWORD, role=Role.ADMIN
        )
    async with await _login(server, world.manager.email) as manager, await _login(server, "boss@rival.test") as rival:
        tv, display_id = await _paired_tv(server, manager)
        async with tv:
            assert (await rival.data(DISPLAYS))["displays"] == []
            result = (await rival.data(REVOKE, {"id": display_id}))["revokeDisplay"]
            assert result["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
            assert (await tv.data(MY_DISPLAY))["myDisplay"]["id"] == display_id
        # Within the org: the admin sees it, the pairing manager too.
        async with await _login(server, world.admin.email) as admin:
            assert [d["id"] for d in (await admin.data(DISPLAYS))["displays"]] == [display_id]
            teams = (await admin.data("query { displayTeams { name } }"))["displayTeams"]
            assert [t["name"] for t in teams] == ["Team A", "Team B"]
        assert [t["name"] for t in (await manager.data("query { displayTeams { name } }"))["displayTeams"]] == ["Team A"]


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("mutation { logout }", {}),
        ('mutation { setLocale(locale: EN) { email } }', {}),
        ("mutation Pair($input: PairDisplayInput!) { pairDisplay(input: $input) { __typename } }", {"input": _pair_input("AAAAAA")}),
        ("mutation Revoke($id: ID!) { revokeDisplay(id: $id) { __typename } }", {"id": "1"}),
        ("query { myPoints { today } }", {}),
        ("query { customers { id name } }", {}),
        ("query { displays { id } }", {}),
        ("query { me { email } customers { id } }", {}),
        ("query { ...F } fragment F on Query { stages { id } }", {}),
        (BOARD, {"period": "WEEK", "scope": "ORG"}),
        (BOARD, {"period": "TODAY", "scope": "TEAM"}),
        ("query { leaderboard(period: TODAY, scope: ORG, metric: REVENUE) { version } }", {}),
        ("query { recentCelebrations(first: 100) { id } }", {}),
    ],
)
async def test_a_display_token_only_reads_what_it_was_paired_for(server, world: World, document: str, variables: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    async with await _login(server, world.manager.email) as manager:
        tv, _ = await _paired_tv(server, manager)
    async with tv:
        result = await tv.execute(document, variables)
        assert result["data"] is None, result
        assert _code(result) == "FORBIDDEN"
        assert (await tv.data(BOARD, {"period": "TODAY", "scope": "ORG"}))["leaderboard"]["period"] == "TODAY"


async def test_a_display_token_cannot_check_in(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with await _login(server, world.manager.email) as manager:
        tv, _ = await _paired_tv(server, manager)
    async with tv:
        result = await tv.execute(
            "mutation C($input: CheckInInput!) { checkIn(input: $input) { __typename } }",
            {"input": {"clientId": "c1", "customerId": str(world.customer_id), "latitude": 31.23, "longitude": 121.47,
                       "accuracyMeters": 10, "occurredAt": "2026-01-01T00:00:00Z"}},
        )
        assert result["data"] is None and _code(result) == "FORBIDDEN"


async def test_display_sockets_see_their_boards_only_and_close_when_revoked(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    async with await _login(server, world.manager.email) as manager:
        tv, display_id = await _paired_tv(server, manager)
        cookie = tv.http.cookies.get("podium_display")
        async with tv, Subscriber(server.ws_url, {"Cookie": f"podium_display={cookie}"}) as live:
            await live.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
            first = await live.next_data("board")
            assert first["leaderboardChanged"]["period"] == "TODAY"
            await live.subscribe("week", BOARD_SUBSCRIPTION, {"period": "WEEK", "scope": "ORG"})
            refused = await _message_for(live, "week")
            assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "FORBIDDEN"
            await live.subscribe("visits", "subscription { visitsChanged(day: \"2026-01-01\") { day } }")
            refused = await _message_for(live, "visits")
            assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "FORBIDDEN"
            await live.subscribe("party", "subscription { celebrations { id } }")
            await live.subscribe("move", "mutation { logout }")
            refused = await _message_for(live, "move")
            assert "FORBIDDEN" in json.dumps(refused)

            await rep.log_visit(world)
            moved = await live.until("board", lambda d: d["leaderboardChanged"]["entries"][0]["points"] > 0)
            assert moved["leaderboardChanged"]["entries"][0]["user"]["name"] == "Rita Rep"

            revoked = (await manager.data(REVOKE, {"id": display_id}))["revokeDisplay"]
            assert revoked["__typename"] == "DisplaySuccess"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(live.ws.recv(), 5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401

            # HTTP at once: the cookie is no one any more.
            assert (await tv.data(MY_DISPLAY)) == {"me": None, "myDisplay": None}
            assert _code(await tv.execute(BOARD, {"period": "TODAY", "scope": "ORG"})) == "UNAUTHENTICATED"
            assert (await manager.data(DISPLAYS))["displays"] == []
        # And a new socket with it is refused at the handshake.
        with pytest.raises(websockets.InvalidStatus):
            async with Subscriber(server.ws_url, {"Cookie": f"podium_display={cookie}"}):
                pass


async def _message_for(live: Subscriber, sub_id: str) -> dict[str, Any]:
    while True:
        message = await live.next()
        if message.get("id") == sub_id:
            return message


async def test_starting_pairings_is_rate_limited_per_address(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as tv:
        statuses = [(await tv.http.post("/api/displays/pairings")).status_code for _ in range(21)]
    assert statuses[:20] == [201] * 20
    assert statuses[20] == 429
