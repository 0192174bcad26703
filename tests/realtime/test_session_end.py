"""A socket lives no longer than its session: sign-out, expiry and ending a person's sessions close it (4401)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import websockets
from sqlalchemy import update

from podium.core.events import transaction
from podium.orgs import service as orgs
from podium.orgs.models import Session
from podium.realtime.ending import FIRST_RECHECK_SECONDS
from tests.conftest import start_server, stop_server
from tests.support import BOARD_SUBSCRIPTION, GraphQLClient, Subscriber, World

ME = "{ me { email } }"
LOGOUT = "mutation { logout }"
# Well under the periodic re-check (30 s): a close this soon came from the event or the expiry timer.
SOON = 10.0


async def _watching(live: Subscriber) -> None:
    """A live board, then past the first database re-check, so only the path under test can close it soon."""
    await live.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
    await live.next_data("board")
    await asyncio.sleep(FIRST_RECHECK_SECONDS + 0.3)


async def _close_code(live: Subscriber, timeout: float = SOON) -> tuple[int | None, list[dict[str, Any]]]:
    """Read until the server closes the socket: its close code and what it sent before."""
    received: list[dict[str, Any]] = []
    with pytest.raises(websockets.ConnectionClosed) as closed:
        async with asyncio.timeout(timeout):
            while True:
                received.append(await live.next(timeout))
    return (closed.value.rcvd.code if closed.value.rcvd else None), received


async def test_logout_closes_that_sessions_open_socket(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as phone:
        await phone.login(world.rep.email)  # the same person on another device: another session
        async with rep.subscriber(server.ws_url) as live, phone.subscriber(server.ws_url) as other:
            await _watching(live)
            await other.subscribe("q", ME)
            assert (await other.next_data("q"))["me"]["email"] == world.rep.email

            assert (await rep.data(LOGOUT))["logout"] is True

            code, _ = await _close_code(live)
            assert code == 4401
            # The other device was not signed out: its socket still answers.
            await other.subscribe("q2", ME)
            assert (await other.next_data("q2"))["me"]["email"] == world.rep.email


@pytest.mark.parametrize("stack", ["production"], indirect=True)
async def test_logout_on_one_instance_closes_the_socket_held_on_another(stack, server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    second, uv_server, task = await start_server(stack.settings)
    try:
        async with rep.subscriber(second.ws_url) as live:
            await _watching(live)
            assert (await rep.data(LOGOUT))["logout"] is True  # on the first instance
            code, _ = await _close_code(live)
    finally:
        await stop_server(uv_server, task)
    assert code == 4401


async def test_a_socket_cannot_run_me_once_its_session_ended_while_the_bus_was_down(server, world: World, rep: GraphQLClient, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    async def bus_down(channel: str, message: str) -> None:
        raise ConnectionError("Redis is down")

    async with rep.subscriber(server.ws_url) as live:
        await _watching(live)
        await live.subscribe("before", ME)
        assert (await live.next_data("before"))["me"]["email"] == world.rep.email

        # The sign-out commits but its event is lost: no instance hears of it.
        monkeypatch.setattr(server.runtime.env.publisher, "publish", bus_down)
        assert (await rep.data(LOGOUT))["logout"] is True
        await live.subscribe("after", ME)
        code, received = await _close_code(live)

    assert code == 4401
    assert not [m for m in received if m.get("id") == "after"], received


async def test_a_session_expiring_closes_its_socket(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    found = await orgs.signed_in(env, rep.session_cookie)
    assert found is not None
    expires_at = datetime.now(UTC) + timedelta(seconds=FIRST_RECHECK_SECONDS + 2.5)
    async with transaction(env.db) as tx:
        await tx.session.execute(update(Session).where(Session.id == found.session_id).values(expires_at=expires_at))

    async with rep.subscriber(server.ws_url) as live:
        await _watching(live)  # the first re-check found the session valid: only its expiry is left
        code, _ = await _close_code(live)
        closed_at = datetime.now(UTC)

    assert code == 4401
    assert closed_at >= expires_at - timedelta(seconds=0.1)


async def test_ending_a_persons_sessions_closes_all_their_sockets(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    async with GraphQLClient(server.url) as phone, GraphQLClient(server.url) as colleague:
        await phone.login(world.rep.email)
        await colleague.login(world.rep2.email)
        async with rep.subscriber(server.ws_url) as laptop_live, phone.subscriber(server.ws_url) as phone_live, \
                colleague.subscriber(server.ws_url) as colleague_live:
            await _watching(laptop_live)
            await phone_live.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
            await phone_live.next_data("board")

            # What a password change or a deactivation does.
            async with transaction(env.db) as tx:
                assert await orgs.end_sessions(tx, env, world.rep.id) == 2

            assert (await _close_code(laptop_live))[0] == 4401
            assert (await _close_code(phone_live))[0] == 4401
            assert (await phone.data(ME))["me"] is None
            await colleague_live.subscribe("q", ME)
            assert (await colleague_live.next_data("q"))["me"]["email"] == world.rep2.email
