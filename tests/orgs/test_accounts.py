"""Invitations, passwords and people admin through the API, as admins, managers, reps and strangers use them.

One server and one org per stack serve the whole module; each test invites the people it changes.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
import websockets
from sqlalchemy import select, update

from podium.core.events import transaction
from podium.core.models import EventRow
from podium.customers.models import Customer
from podium.orgs.models import Invitation, User
from podium.pipeline.models import Deal
from tests.conftest import Server, open_stack, start_server, stop_server
from tests.pipeline.test_deals import move, open_deal, stage_ids
from tests.support import BOARD_SUBSCRIPTION, GraphQLClient, World, make_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

NEW_PASSWORD = "a brand new passphrase"
INVITE = """
mutation I($input: InviteInput!) {
  invitePerson(input: $input) {
    __typename
    ... on InviteSuccess { path code emailed invitation { id name email role teamId teamName managerId managerName invitedByName expiresAt } }
    ... on OperationError { errors { field code message } }
  }
}
"""
PENDING = "{ pendingInvitations { id name role teamId } }"
PREVIEW = "query P($token: String, $code: String) { invitation(token: $token, code: $code) { name orgName role email locale } }"
REVOKE = """
mutation R($id: ID!) {
  revokeInvitation(id: $id) { __typename ... on OperationError { errors { field code } } }
}
"""
ACCEPT = """
mutation A($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) {
    __typename
    ... on SignedInSuccess { me { email locale user { id name role team { id } } } }
    ... on OperationError { errors { field code message } }
  }
}
"""
CHANGE_PASSWORD = """
mutation C($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new) { __typename ... on OperationError { errors { field code } } }
}
"""
ISSUE_RESET = """
mutation I($id: ID!) {
  issuePasswordReset(userId: $id) { __typename ... on PasswordResetSuccess { path expiresAt } ... on OperationError { errors { field code } } }
}
"""
RESET = """
mutation R($token: String!, $password: String!) {
  resetPassword(token: $token, newPassword: $password) {
    __typename ... on SignedInSuccess { me { email } } ... on OperationError { errors { field code } }
  }
}
"""
PEOPLE = "{ people { id name email role teamId teamName managerId managerName active lastSignInAt } }"
UNITS = "{ peopleUnits { id name depth } }"
CHANGE_PERSON = """
mutation C($input: ChangePersonInput!) {
  changePerson(input: $input) {
    __typename ... on PersonSuccess { person { id role teamId managerId managerName } } ... on OperationError { errors { field code } }
  }
}
"""
DEACTIVATE = """
mutation D($id: ID!, $successor: ID!) {
  deactivatePerson(userId: $id, successorId: $successor) { __typename ... on OperationError { errors { field code } } }
}
"""
ME = "{ me { email user { id } } }"


@dataclass
class Org:
    server: Server
    world: World
    admin: GraphQLClient
    manager: GraphQLClient
    rep: GraphQLClient

    async def rows(self, query: Any) -> list[Any]:
        async with self.server.runtime.env.db() as session:
            return list((await session.execute(query)).all())

    async def invite(self, by: GraphQLClient | None = None, **fields: Any) -> dict[str, Any]:
        data = {"name": "Nina New", "role": "REP", "teamId": str(self.world.team_a), **fields}
        result = (await (by or self.admin).data(INVITE, {"input": data}))["invitePerson"]
        assert result["__typename"] == "InviteSuccess", result
        return result

    async def joined(self, email: str, **fields: Any) -> tuple[GraphQLClient, dict[str, Any]]:
        """A newly invited person, signed in on their own client."""
        invited = await self.invite(email=email, **fields)
        client = GraphQLClient(self.server.url)
        result = (await client.data(ACCEPT, {"input": {"token": token_of(invited), "password": "correct horse battery"}}))["acceptInvitation"]
        assert result["__typename"] == "SignedInSuccess", result
        return client, result["me"]


def token_of(invited: dict[str, Any]) -> str:
    return str(invited["path"]).removeprefix("/join/")


def codes(result: dict[str, Any]) -> dict[str | None, str]:
    assert result["__typename"] == "OperationError", result
    return {e["field"]: e["code"] for e in result["errors"]}


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Org]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("accounts"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            server, uvicorn_server, task = await start_server(dataclasses.replace(stack.settings))
            world = await make_world(server.runtime.env)
            clients = []
            for person in (world.admin, world.manager, world.rep):
                client = GraphQLClient(server.url)
                await client.login(person.email)
                clients.append(client)
            try:
                yield Org(server, world, *clients)
            finally:
                for client in clients:
                    await client.__aexit__(None, None, None)
                await stop_server(uvicorn_server, task)


async def test_an_invited_rep_accepts_the_link_and_is_signed_in_where_they_were_placed(org: Org) -> None:
    w = org.world
    invited = await org.invite(name="Ivy Invitee", managerId=str(w.manager.id), email="Ivy@Acme.test")
    assert invited["path"].startswith("/join/") and len(invited["code"]) == 9 and invited["code"][4] == "-"
    assert invited["emailed"] is False  # no SMTP configured: the admin shares the link and code
    assert invited["invitation"]["managerName"] == "Max Manager" and invited["invitation"]["invitedByName"] == "Ada Admin"
    assert invited["invitation"]["id"] in {i["id"] for i in (await org.admin.data(PENDING))["pendingInvitations"]}

    async with GraphQLClient(org.server.url) as phone:
        preview = (await phone.data(PREVIEW, {"token": token_of(invited)}))["invitation"]
        assert preview == {"name": "Ivy Invitee", "orgName": "Acme", "role": "REP", "email": "ivy@acme.test", "locale": "ZH_CN"}
        weak = (await phone.data(ACCEPT, {"input": {"token": token_of(invited), "password": "Ivy Invitee"}}))["acceptInvitation"]
        assert codes(weak) == {"password": "WEAK_PASSWORD"}
        accepted = (await phone.data(ACCEPT, {"input": {"token": token_of(invited), "password": "correct horse battery"}}))["acceptInvitation"]
        assert accepted["__typename"] == "SignedInSuccess", accepted
        assert accepted["me"]["email"] == "ivy@acme.test" and accepted["me"]["user"]["team"]["id"] == str(w.team_a)
        assert accepted["me"]["locale"] == "ZH_CN"  # no language given: the company's
        assert (await phone.data(ME))["me"]["email"] == "ivy@acme.test"
        again = (await phone.data(ACCEPT, {"input": {"token": token_of(invited), "password": "correct horse battery"}}))["acceptInvitation"]
        assert codes(again) == {"token": "USED"}

    (user,) = [u for (u,) in await org.rows(select(User).where(User.email == "ivy@acme.test"))]
    assert (user.role, user.team_id, user.manager_id, user.is_active) == ("rep", w.team_a, w.manager.id, True)
    assert invited["invitation"]["id"] not in {i["id"] for i in (await org.admin.data(PENDING))["pendingInvitations"]}
    # The audit trail has both steps, and no secret: neither the link's token nor the code is in any payload.
    events = {name: payload for name, payload in await org.rows(select(EventRow.name, EventRow.payload).where(EventRow.org_id == w.org_id))}
    assert {"person_invited", "person_joined"} <= set(events)
    assert all(token_of(invited) not in p and invited["code"].replace("-", "") not in p for p in events.values())
    (stored,) = [i for (i,) in await org.rows(select(Invitation).where(Invitation.id == int(invited["invitation"]["id"])))]
    assert token_of(invited) not in (stored.token_hash, stored.code_hash)


async def test_a_code_works_in_any_case_and_asks_for_the_email_the_invitation_lacks(org: Org) -> None:
    invited = await org.invite(name="Carl Code")
    code = invited["code"].lower().replace("-", " ")
    async with GraphQLClient(org.server.url) as phone:
        assert (await phone.data(PREVIEW, {"code": code}))["invitation"]["email"] is None
        no_email = (await phone.data(ACCEPT, {"input": {"code": code, "password": "correct horse battery"}}))["acceptInvitation"]
        taken = (await phone.data(ACCEPT, {"input": {"code": code, "password": "correct horse battery", "email": org.world.rep.email}}))["acceptInvitation"]
        done = (await phone.data(ACCEPT, {"input": {"code": code, "password": "correct horse battery", "email": "carl@acme.test", "locale": "EN"}}))["acceptInvitation"]
    assert codes(no_email) == {"email": "REQUIRED"}
    assert codes(taken) == {"email": "DUPLICATE"}
    assert done["__typename"] == "SignedInSuccess" and done["me"]["user"]["name"] == "Carl Code"
    assert done["me"]["locale"] == "EN"  # the language the invitation was read in, not the company's Chinese


async def test_revoked_expired_and_unknown_invitations_open_nothing(org: Org) -> None:
    revoked, expired = await org.invite(name="Rex Revoked"), await org.invite(name="Eve Expired")
    assert (await org.admin.data(REVOKE, {"id": revoked["invitation"]["id"]}))["revokeInvitation"]["__typename"] == "RevokeInvitationSuccess"
    async with transaction(org.server.runtime.env.db) as tx:
        await tx.session.execute(update(Invitation).where(Invitation.id == int(expired["invitation"]["id"])).values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    async with GraphQLClient(org.server.url) as phone:
        def accept(**how: str):  # type: ignore[no-untyped-def]
            return phone.data(ACCEPT, {"input": {**how, "password": "correct horse battery", "email": "who@acme.test"}})

        assert codes((await accept(token=token_of(revoked)))["acceptInvitation"]) == {"token": "REVOKED"}
        assert codes((await accept(code=expired["code"]))["acceptInvitation"]) == {"code": "EXPIRED"}
        assert codes((await accept(token="nope"))["acceptInvitation"]) == {"token": "NOT_FOUND"}
        assert codes((await accept(code=""))["acceptInvitation"]) == {"code": "REQUIRED"}
        preview = await phone.execute(PREVIEW, {"token": token_of(revoked)})
        assert preview["errors"][0]["extensions"]["code"] == "REVOKED"
    # Nobody but admins and managers withdraws; another org's admin sees nothing of it.
    assert codes((await org.rep.data(REVOKE, {"id": revoked["invitation"]["id"]}))["revokeInvitation"]) == {None: "FORBIDDEN"}
    assert codes((await org.admin.data(REVOKE, {"id": "999999"}))["revokeInvitation"]) == {"id": "NOT_FOUND"}
    pending = {i["id"] for i in (await org.admin.data(PENDING))["pendingInvitations"]}
    assert revoked["invitation"]["id"] not in pending and expired["invitation"]["id"] not in pending


async def test_wrong_codes_are_rate_limited_per_address(org: Org) -> None:
    env, limit = org.server.runtime.env, org.server.runtime.env.settings.accounts.code_attempts
    invited = await org.invite(name="Gus Guessed")
    await env.limiter.reset("code:addr:127.0.0.1")  # earlier tests' failed attempts came from this address too
    try:
        async with GraphQLClient(org.server.url) as guesser:
            for _ in range(limit):
                wrong = (await guesser.data(ACCEPT, {"input": {"code": "AAAA-AAAA", "password": "correct horse battery", "email": "g@acme.test"}}))["acceptInvitation"]
                assert codes(wrong) == {"code": "NOT_FOUND"}
            # Past the limit even the right code is refused: guessing stops here.
            right = (await guesser.data(ACCEPT, {"input": {"code": invited["code"], "password": "correct horse battery", "email": "g@acme.test"}}))["acceptInvitation"]
            assert codes(right) == {None: "RATE_LIMITED"}
    finally:
        await env.limiter.reset("code:addr:127.0.0.1")


async def test_invitations_are_refused_outside_the_inviters_reach_and_for_bad_input(org: Org) -> None:
    w = org.world

    async def refused(client: GraphQLClient, **fields: Any) -> dict[str | None, str]:
        data = {"name": "Pat", "role": "REP", "teamId": str(w.team_a), **fields}
        return codes((await client.data(INVITE, {"input": data}))["invitePerson"])

    assert await refused(org.manager, teamId=str(w.team_b)) == {"teamId": "FORBIDDEN"}  # not in the manager's subtree
    assert await refused(org.manager, role="ADMIN") == {"role": "FORBIDDEN"}
    assert await refused(org.manager, teamId=None) == {"teamId": "FORBIDDEN"}
    assert await refused(org.rep) == {None: "FORBIDDEN"}
    assert await refused(org.admin, name=" ", email="nope") == {"name": "REQUIRED", "email": "INVALID"}
    assert await refused(org.admin, name="x" * 201) == {"name": "TOO_LONG"}
    assert await refused(org.admin, email=w.rep.email) == {"email": "DUPLICATE"}
    assert await refused(org.admin, teamId="999999") == {"teamId": "NOT_FOUND"}
    assert await refused(org.admin, managerId=str(w.outsider.id)) == {"managerId": "NOT_FOUND"}  # another org's
    assert await refused(org.admin, managerId=str(w.rep2.id)) == {"managerId": "INVALID"}  # a rep manages nobody
    assert await refused(org.admin, role="DISPLAY") == {"role": "FORBIDDEN"}
    # A manager may invite a manager into their own unit.
    made = await org.invite(by=org.manager, name="Mia Manager", role="MANAGER")
    assert made["invitation"]["role"] == "MANAGER"
    assert made["invitation"]["id"] in {i["id"] for i in (await org.manager.data(PENDING))["pendingInvitations"]}
    assert (await org.rep.execute(PENDING))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_changing_my_password_ends_my_other_sessions_and_their_sockets_but_not_this_one(org: Org) -> None:
    laptop, me = await org.joined("pia@acme.test", name="Pia Password")
    phone = GraphQLClient(org.server.url)
    try:
        await phone.login("pia@acme.test", "correct horse battery")
        async with phone.subscriber(org.server.ws_url) as live:
            await live.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
            await live.next_data("board")

            wrong = (await laptop.data(CHANGE_PASSWORD, {"current": "not it", "new": NEW_PASSWORD}))["changePassword"]
            weak = (await laptop.data(CHANGE_PASSWORD, {"current": "correct horse battery", "new": "12345678"}))["changePassword"]
            assert codes(wrong) == {"currentPassword": "INVALID_CREDENTIALS"}
            assert codes(weak) == {"newPassword": "WEAK_PASSWORD"}
            done = (await laptop.data(CHANGE_PASSWORD, {"current": "correct horse battery", "new": NEW_PASSWORD}))["changePassword"]
            assert done["__typename"] == "DoneSuccess"

            with pytest.raises(websockets.ConnectionClosed) as closed:
                async with asyncio.timeout(10):
                    while True:
                        await live.next(10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        assert (await phone.data(ME))["me"] is None  # the other session ended
        assert (await laptop.data(ME))["me"]["email"] == "pia@acme.test"  # this one stays
        await phone.login("pia@acme.test", NEW_PASSWORD)
    finally:
        await phone.__aexit__(None, None, None)
        await laptop.__aexit__(None, None, None)
    names = [n for (n,) in await org.rows(select(EventRow.name).where(EventRow.org_id == org.world.org_id))]
    assert "password_changed" in names and "sessions_ended" in names
    assert me["user"]["id"]


async def test_an_admins_reset_link_works_once_and_ends_every_session(org: Org) -> None:
    w = org.world
    laptop, me = await org.joined("rosa@acme.test", name="Rosa Reset")
    user_id = me["user"]["id"]
    try:
        assert codes((await org.rep.data(ISSUE_RESET, {"id": user_id}))["issuePasswordReset"]) == {None: "FORBIDDEN"}
        assert codes((await org.manager.data(ISSUE_RESET, {"id": user_id}))["issuePasswordReset"]) == {None: "FORBIDDEN"}
        assert codes((await org.admin.data(ISSUE_RESET, {"id": str(w.outsider.id)}))["issuePasswordReset"]) == {"userId": "NOT_FOUND"}
        assert codes((await org.admin.data(ISSUE_RESET, {"id": "abc"}))["issuePasswordReset"]) == {"userId": "NOT_FOUND"}
        issued = (await org.admin.data(ISSUE_RESET, {"id": user_id}))["issuePasswordReset"]
        token = issued["path"].removeprefix("/reset/")
        async with GraphQLClient(org.server.url) as browser:
            assert codes((await browser.data(RESET, {"token": "nope", "password": NEW_PASSWORD}))["resetPassword"]) == {"token": "NOT_FOUND"}
            assert codes((await browser.data(RESET, {"token": token, "password": "rosa@acme.test"}))["resetPassword"]) == {"newPassword": "WEAK_PASSWORD"}
            done = (await browser.data(RESET, {"token": token, "password": NEW_PASSWORD}))["resetPassword"]
            assert done["me"]["email"] == "rosa@acme.test"
            assert (await browser.data(ME))["me"]["email"] == "rosa@acme.test"
            assert codes((await browser.data(RESET, {"token": token, "password": NEW_PASSWORD + "!"}))["resetPassword"]) == {"token": "USED"}
        assert (await laptop.data(ME))["me"] is None  # signed out everywhere else
    finally:
        await laptop.__aexit__(None, None, None)
        await org.server.runtime.env.limiter.reset("code:addr:127.0.0.1")
    names = [n for (n,) in await org.rows(select(EventRow.name).where(EventRow.org_id == w.org_id))]
    assert "password_reset_issued" in names


async def test_people_are_listed_within_reach_and_changed_by_policy(org: Org) -> None:
    w = org.world
    everyone = {p["email"]: p for p in (await org.admin.data(PEOPLE))["people"]}
    assert {w.admin.email, w.manager.email, w.rep.email, w.rep3.email} <= set(everyone) and w.outsider.email not in everyone
    assert everyone[w.rep.email]["lastSignInAt"] is not None
    team = {p["email"] for p in (await org.manager.data(PEOPLE))["people"]}
    assert {w.manager.email, w.rep.email, w.rep2.email} <= team and not {w.admin.email, w.rep3.email} & team
    assert (await org.rep.execute(PEOPLE))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert {u["id"] for u in (await org.manager.data(UNITS))["peopleUnits"]} == {str(w.team_a)}
    assert {u["id"] for u in (await org.admin.data(UNITS))["peopleUnits"]} == {str(w.team_a), str(w.team_b)}

    async def change(client: GraphQLClient, **fields: Any) -> dict[str, Any]:
        return (await client.data(CHANGE_PERSON, {"input": fields}))["changePerson"]

    _, mo = await org.joined("mo@acme.test", name="Mo Mover")
    mo_id = mo["user"]["id"]
    assert codes(await change(org.manager, userId=mo_id, role="ADMIN")) == {"role": "FORBIDDEN"}
    assert codes(await change(org.manager, userId=mo_id, teamId=str(w.team_b))) == {"teamId": "FORBIDDEN"}
    assert codes(await change(org.manager, userId=str(w.rep3.id), role="MANAGER")) == {"userId": "NOT_FOUND"}  # team B
    assert codes(await change(org.manager, userId=str(w.admin.id), role="REP")) == {"userId": "NOT_FOUND"}
    assert codes(await change(org.manager, userId=str(w.manager.id), role="REP")) == {"userId": "FORBIDDEN"}  # themselves
    assert codes(await change(org.rep, userId=mo_id, role="MANAGER")) == {None: "FORBIDDEN"}
    assert codes(await change(org.admin, userId=str(w.outsider.id), role="REP")) == {"userId": "NOT_FOUND"}
    assert codes(await change(org.admin, userId=mo_id, managerId=mo_id)) == {"managerId": "NOT_FOUND"}
    promoted = await change(org.manager, userId=mo_id, role="MANAGER", managerId=str(w.manager.id))
    assert promoted["person"] == {"id": mo_id, "role": "MANAGER", "teamId": str(w.team_a), "managerId": str(w.manager.id), "managerName": "Max Manager"}
    moved = await change(org.admin, userId=mo_id, teamId=str(w.team_b), clearManager=True)
    assert (moved["person"]["teamId"], moved["person"]["managerId"]) == (str(w.team_b), None)
    payloads = [p for n, p in await org.rows(select(EventRow.name, EventRow.payload).where(EventRow.org_id == w.org_id)) if n == "person_changed"]
    assert any('"role_before":"rep"' in p and '"role_after":"manager"' in p for p in payloads)
    assert any(f'"team_before":{w.team_a}' in p and f'"team_after":{w.team_b}' in p for p in payloads)


async def test_deactivating_a_rep_closes_their_socket_takes_them_off_the_board_and_hands_over_their_work(org: Org) -> None:
    w = org.world
    leaver, me = await org.joined("lea@acme.test", name="Lea Leaver")
    leaver_id = int(me["user"]["id"])
    try:
        visit = await leaver.log_visit(w)
        assert visit["visit"]["pointsAwarded"] > 0
        still_open = await open_deal(leaver, w, amount="5000")
        stages = await stage_ids(leaver)
        won = await open_deal(leaver, w, amount="9000")
        assert (await move(leaver, won, stages["won"], reason="Signed"))["deal"]["status"] == "WON"
        async with transaction(org.server.runtime.env.db) as tx:
            await tx.session.execute(update(Customer).where(Customer.id == w.far_customer_id).values(owner_id=leaver_id))

        async with org.admin.subscriber(org.server.ws_url) as board, leaver.subscriber(org.server.ws_url) as theirs:
            await board.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
            await board.until("board", lambda d: str(leaver_id) in {e["user"]["id"] for e in d["leaderboardChanged"]["entries"]})
            await theirs.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
            await theirs.next_data("board")

            assert codes((await org.rep.data(DEACTIVATE, {"id": str(leaver_id), "successor": str(w.rep2.id)}))["deactivatePerson"]) == {None: "FORBIDDEN"}
            assert codes((await org.admin.data(DEACTIVATE, {"id": str(leaver_id), "successor": str(leaver_id)}))["deactivatePerson"]) == {"successorId": "INVALID"}
            assert codes((await org.admin.data(DEACTIVATE, {"id": str(leaver_id), "successor": str(w.outsider.id)}))["deactivatePerson"]) == {"successorId": "NOT_FOUND"}
            assert codes((await org.admin.data(DEACTIVATE, {"id": str(w.outsider.id), "successor": str(w.rep2.id)}))["deactivatePerson"]) == {"userId": "NOT_FOUND"}
            assert codes((await org.manager.data(DEACTIVATE, {"id": str(leaver_id), "successor": str(w.rep3.id)}))["deactivatePerson"]) == {"successorId": "NOT_FOUND"}
            done = (await org.manager.data(DEACTIVATE, {"id": str(leaver_id), "successor": str(w.rep2.id)}))["deactivatePerson"]
            assert done["__typename"] == "DoneSuccess", done

            with pytest.raises(websockets.ConnectionClosed) as closed:
                async with asyncio.timeout(10):
                    while True:
                        await theirs.next(10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
            # The board re-reads without them, at once; their points stay in the ledger (history kept).
            await board.until("board", lambda d: str(leaver_id) not in {e["user"]["id"] for e in d["leaderboardChanged"]["entries"]})
        again = (await org.admin.data(DEACTIVATE, {"id": str(leaver_id), "successor": str(w.rep2.id)}))["deactivatePerson"]
        assert codes(again) == {"userId": "NOT_FOUND"}
    finally:
        await leaver.__aexit__(None, None, None)

    owners = dict(await org.rows(select(Deal.id, Deal.owner_id).where(Deal.id.in_([int(still_open["id"]), int(won["id"])]))))
    assert owners == {int(still_open["id"]): w.rep2.id, int(won["id"]): leaver_id}  # open handed over, won kept
    assert [o for (o,) in await org.rows(select(Customer.owner_id).where(Customer.id == w.far_customer_id))] == [w.rep2.id]
    (active,) = [a for (a,) in await org.rows(select(User.is_active).where(User.id == leaver_id))]
    assert active is False
    listed = {p["id"]: p["active"] for p in (await org.admin.data(PEOPLE))["people"]}
    assert listed[str(leaver_id)] is False
    # The handlers are idempotent: running them again (a crash after their effect) changes nothing.
    from podium.customers import service as customers
    from podium.orgs.events import PersonDeactivated
    from podium.pipeline import handovers

    event = PersonDeactivated(org_id=w.org_id, user=leaver_id, successor=w.rep2.id, team=w.team_a, by=w.manager.id)
    await customers.on_person_deactivated(org.server.runtime.env, event)
    await handovers.on_person_deactivated(org.server.runtime.env, event)
    assert dict(await org.rows(select(Deal.id, Deal.owner_id).where(Deal.id.in_([int(still_open["id"]), int(won["id"])])))) == owners
