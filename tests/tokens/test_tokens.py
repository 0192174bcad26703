"""API tokens as an admin and another system use them: created once, scoped, rate limited, rotated, revoked.

One server and one org per stack serve the whole module; each test makes the tokens it uses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
import websockets
from sqlalchemy import select, text, update

from podium.graphql.schema import schema
from podium.settings import TokenSettings
from podium.tokens.models import ApiToken
from podium.tokens.scopes import CAPABILITIES
from tests.conftest import Server, open_stack, start_server, stop_server
from tests.support import GraphQLClient, World, make_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

RATE = 20
FIELDS = "id name prefix scopes createdBy expiresAt revokedAt lastUsedAt lastUsedIp replacedById status"
CREATE = f"""
mutation C($input: CreateApiTokenInput!) {{
  createApiToken(input: $input) {{
    __typename ... on IssuedApiToken {{ secret token {{ {FIELDS} }} }} ... on OperationError {{ errors {{ field code }} }}
  }}
}}
"""
ROTATE = f"""
mutation R($input: RotateApiTokenInput!) {{
  rotateApiToken(input: $input) {{
    __typename ... on IssuedApiToken {{ secret token {{ {FIELDS} }} }} ... on OperationError {{ errors {{ field code }} }}
  }}
}}
"""
REVOKE = f"""
mutation V($id: ID!) {{
  revokeApiToken(id: $id) {{ __typename ... on RevokeApiTokenSuccess {{ token {{ {FIELDS} }} }} ... on OperationError {{ errors {{ field code }} }} }}
}}
"""
TOKENS = f"{{ apiTokens {{ {FIELDS} }} }}"
CUSTOMERS = "{ customers(first: 50) { id name } }"
PEOPLE = "{ people { id email } }"
ME = "{ me { email } }"
CHANGE_PERSON = """
mutation C($input: ChangePersonInput!) {
  changePerson(input: $input) { __typename ... on PersonSuccess { person { id role } } ... on OperationError { errors { field code } } }
}
"""


@dataclass
class Org:
    server: Server
    world: World
    admin: GraphQLClient
    manager: GraphQLClient
    rival_admin: GraphQLClient

    async def issue(self, scopes: list[str], by: GraphQLClient | None = None, **fields: Any) -> dict[str, Any]:
        data = {"name": "CRM sync", "scopes": scopes, "expiresInDays": 30, **fields}
        result = (await (by or self.admin).data(CREATE, {"input": data}))["createApiToken"]
        assert result["__typename"] == "IssuedApiToken", result
        return result

    async def call(self, secret: str, query: str, variables: dict[str, Any] | None = None, **headers: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.server.url, timeout=30) as http:
            return await http.post("/graphql", json={"query": query, "variables": variables or {}}, headers={"Authorization": f"Bearer {secret}", **headers})

    async def expire(self, token_id: str) -> None:
        env = self.server.runtime.env
        async with env.db() as session:
            await session.execute(update(ApiToken).where(ApiToken.id == int(token_id)).values(expires_at=env.clock() - timedelta(seconds=1)))
            await session.commit()


def codes(result: dict[str, Any]) -> dict[str | None, str]:
    assert result["__typename"] == "OperationError", result
    return {e["field"]: e["code"] for e in result["errors"]}


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Org]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("tokens"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            settings = dataclasses.replace(stack.settings, tokens=TokenSettings(requests_per_minute=RATE))
            server, uvicorn_server, task = await start_server(settings)
            world = await make_world(server.runtime.env)
            # The rival org's only person becomes its admin, to hold a token of another org.
            async with server.runtime.env.db() as session:
                await session.execute(text("UPDATE users SET role = 'admin' WHERE id = :id"), {"id": world.outsider.id})
                await session.commit()
            clients = []
            for person in (world.admin, world.manager, world.outsider):
                client = GraphQLClient(server.url)
                await client.login(person.email)
                clients.append(client)
            try:
                yield Org(server, world, *clients)
            finally:
                for client in clients:
                    await client.__aexit__(None, None, None)
                await stop_server(uvicorn_server, task)


async def test_a_token_is_shown_once_stored_hashed_and_listed_with_its_last_use(org: Org) -> None:
    issued = await org.issue(["customers:read"], name="Kingdee ERP")
    secret, token = issued["secret"], issued["token"]
    assert secret.startswith(token["prefix"] + "_") and len(secret) > 50
    assert token["status"] == "ACTIVE" and token["createdBy"] == "Ada Admin" and token["lastUsedAt"] is None

    answer = await org.call(secret, CUSTOMERS)
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    assert {c["name"] for c in answer.json()["data"]["customers"]} == {"Near Co", "Far Co"}

    listed = {t["id"]: t for t in (await org.admin.data(TOKENS))["apiTokens"]}[token["id"]]
    assert listed["lastUsedAt"] is not None and listed["lastUsedIp"] == "127.0.0.1"
    assert "secret" not in listed
    async with org.server.runtime.env.db() as session:
        row = await session.scalar(select(ApiToken).where(ApiToken.id == int(token["id"])))
        assert row is not None and secret not in (row.secret_hash, row.prefix, row.name)
        dumped = " ".join(str(v) for v in (await session.execute(text("SELECT * FROM api_tokens"))).all())
    assert secret not in dumped and secret.split("_")[-1] not in dumped


async def test_a_token_runs_what_its_scopes_open_and_nothing_else(org: Org) -> None:
    secret = (await org.issue(["customers:read", "people:read"]))["secret"]
    assert "errors" not in (await org.call(secret, PEOPLE)).json()

    # Writing needs people:write: refused before anything runs, with a coded error naming the scope.
    change = {"input": {"userId": str(org.world.rep.id), "role": "MANAGER"}}
    refused = (await org.call(secret, CHANGE_PERSON, change)).json()
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"] == {"code": "MISSING_SCOPE", "field": "changePerson"}
    assert "people:write" in refused["errors"][0]["message"]
    # One forbidden root field refuses the whole operation, even next to an allowed one.
    mixed = (await org.call(secret, "{ customers { id } pointRules { kind } }")).json()
    assert mixed["data"] is None and mixed["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"
    # Fields in no scope (a person's own screen, tokens themselves) are refused to every token.
    for query in (ME, "{ apiTokens { id } }", "{ myPoints { total } }"):
        closed = (await org.call(secret, query)).json()
        assert closed["errors"][0]["extensions"]["code"] == "FORBIDDEN", closed
    # Through a fragment too.
    sneaky = (await org.call(secret, "query { ...F } fragment F on Query { apiTokens { id } }")).json()
    assert sneaky["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    writer = (await org.issue(["people:write"]))["secret"]
    changed = (await org.call(writer, CHANGE_PERSON, change)).json()["data"]["changePerson"]
    assert changed["__typename"] == "PersonSuccess" and changed["person"]["role"] == "MANAGER"
    back = {"input": {"userId": str(org.world.rep.id), "role": "REP"}}
    assert (await org.call(writer, CHANGE_PERSON, back)).json()["data"]["changePerson"]["__typename"] == "PersonSuccess"


async def test_another_orgs_token_sees_nothing_of_this_org(org: Org) -> None:
    rival = (await org.issue(["customers:read", "people:read"], by=org.rival_admin))["secret"]
    customers = (await org.call(rival, CUSTOMERS)).json()["data"]["customers"]
    assert {c["name"] for c in customers} == {"Rival Client"}
    people = (await org.call(rival, PEOPLE)).json()["data"]["people"]
    assert {p["email"] for p in people} == {"rep@rival.test"}
    mine = {t["id"] for t in (await org.admin.data(TOKENS))["apiTokens"]}
    theirs = {t["id"] for t in (await org.rival_admin.data(TOKENS))["apiTokens"]}
    assert mine and theirs and not mine & theirs
    # Nor can one org's admin revoke another org's token.
    assert codes((await org.admin.data(REVOKE, {"id": next(iter(theirs))}))["revokeApiToken"]) == {"id": "NOT_FOUND"}


async def test_only_admins_manage_tokens_and_bad_input_is_refused(org: Org) -> None:
    manager = (await org.manager.data(CREATE, {"input": {"name": "x", "scopes": ["customers:read"], "expiresInDays": 30}}))["createApiToken"]
    assert codes(manager) == {None: "FORBIDDEN"}
    bad = {"name": " ", "scopes": ["customers:read", "everything:write"], "expiresInDays": 0}
    assert codes((await org.admin.data(CREATE, {"input": bad}))["createApiToken"]) == {"name": "REQUIRED", "scopes": "INVALID", "expiresInDays": "OUT_OF_RANGE"}
    assert (await org.manager.execute(TOKENS))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_unknown_expired_or_revoked_token_gets_401(org: Org) -> None:
    for secret in ("pod_nothing_here", "not-a-token", "pod_" + "x" * 300, "pod_x_"):
        answer = await org.call(secret, CUSTOMERS)
        assert answer.status_code == 401 and answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert answer.headers["www-authenticate"].startswith("Bearer")
    issued = await org.issue(["customers:read"])
    await org.expire(issued["token"]["id"])
    assert (await org.call(issued["secret"], CUSTOMERS)).status_code == 401
    assert {t["id"]: t for t in (await org.admin.data(TOKENS))["apiTokens"]}[issued["token"]["id"]]["status"] == "EXPIRED"

    kept = await org.issue(["customers:read"])
    assert (await org.call(kept["secret"], CUSTOMERS)).status_code == 200
    revoked = (await org.admin.data(REVOKE, {"id": kept["token"]["id"]}))["revokeApiToken"]
    assert revoked["token"]["status"] == "REVOKED"
    assert (await org.call(kept["secret"], CUSTOMERS)).status_code == 401


async def test_rotation_keeps_the_old_token_for_the_overlap_then_it_stops(org: Org) -> None:
    old = await org.issue(["customers:read"], name="Data warehouse")
    rotated = (await org.admin.data(ROTATE, {"input": {"id": old["token"]["id"], "overlapHours": 24, "expiresInDays": 90}}))["rotateApiToken"]
    assert rotated["__typename"] == "IssuedApiToken" and rotated["token"]["name"] == "Data warehouse"
    assert rotated["token"]["scopes"] == ["customers:read"] and rotated["secret"] != old["secret"]
    for secret in (old["secret"], rotated["secret"]):
        assert (await org.call(secret, CUSTOMERS)).status_code == 200
    listed = {t["id"]: t for t in (await org.admin.data(TOKENS))["apiTokens"]}
    assert listed[old["token"]["id"]]["status"] == "ROTATING" and listed[old["token"]["id"]]["replacedById"] == rotated["token"]["id"]
    # A rotated token cannot be rotated again.
    again = (await org.admin.data(ROTATE, {"input": {"id": old["token"]["id"], "overlapHours": 1, "expiresInDays": 9}}))["rotateApiToken"]
    assert codes(again) == {"id": "CLOSED"}
    await org.expire(old["token"]["id"])  # the overlap is over
    assert (await org.call(old["secret"], CUSTOMERS)).status_code == 401
    assert (await org.call(rotated["secret"], CUSTOMERS)).status_code == 200

    # Overlap 0: the old token stops at once.
    now = (await org.admin.data(ROTATE, {"input": {"id": rotated["token"]["id"], "overlapHours": 0, "expiresInDays": 30}}))["rotateApiToken"]
    assert (await org.call(rotated["secret"], CUSTOMERS)).status_code == 401
    assert (await org.call(now["secret"], CUSTOMERS)).status_code == 200
    too_long = (await org.admin.data(ROTATE, {"input": {"id": now["token"]["id"], "overlapHours": 169, "expiresInDays": 30}}))["rotateApiToken"]
    assert codes(too_long) == {"overlapHours": "OUT_OF_RANGE"}


async def test_a_token_is_rate_limited_with_429_and_retry_after(org: Org) -> None:
    secret = (await org.issue(["customers:read"]))["secret"]
    statuses = []
    async with httpx.AsyncClient(base_url=org.server.url, timeout=30) as http:
        for _ in range(2 * RATE + 1):  # a window may turn once in between, never twice
            answer = await http.post("/graphql", json={"query": CUSTOMERS}, headers={"Authorization": f"Bearer {secret}"})
            statuses.append(answer.status_code)
            if answer.status_code == 429:
                break
    assert statuses[-1] == 429, statuses
    assert 1 <= int(answer.headers["retry-after"]) <= 60
    assert answer.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # Another token of the same org is not held back.
    other = (await org.issue(["customers:read"]))["secret"]
    assert (await org.call(other, CUSTOMERS)).status_code == 200


async def test_the_websocket_refuses_a_bearer_token_and_the_token_wins_over_a_cookie(org: Org) -> None:
    secret = (await org.issue(["customers:read", "points:read"]))["secret"]
    with pytest.raises(websockets.exceptions.InvalidStatus, match="403"):
        async with websockets.connect(org.server.ws_url, subprotocols=["graphql-transport-ws"], additional_headers={"Authorization": f"Bearer {secret}"}):  # type: ignore[list-item]
            pass
    # With the admin's session cookie along, the token alone decides: `me` is refused, no cookie is set or cleared.
    cookie = f"podium_session={org.admin.session_cookie}"
    answer = await org.call(secret, ME, Cookie=cookie)
    assert answer.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN" and "set-cookie" not in answer.headers
    # A token is not a session for the cookie-only routes either (statements export).
    async with httpx.AsyncClient(base_url=org.server.url) as http:
        export = await http.get("/api/compensation/export", params={"period": "2026-11"}, headers={"Authorization": f"Bearer {secret}"})
    assert export.status_code == 401
    # A manager's session stays what it was: no token, no scopes.
    assert "errors" not in await org.manager.execute(ME)


def test_every_field_a_scope_opens_is_in_the_schema() -> None:
    """A renamed field would silently close to tokens: the table must name fields that exist."""
    graphql = schema._schema
    assert graphql.query_type is not None and graphql.mutation_type is not None
    for capability, (reads, writes) in CAPABILITIES.items():
        assert set(reads) <= set(graphql.query_type.fields), capability
        assert set(writes) <= set(graphql.mutation_type.fields), capability
