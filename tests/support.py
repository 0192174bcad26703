"""Test helpers: a small org, a GraphQL client that logs in like the PWA does, a WebSocket subscriber."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import websockets

from podium.core.env import Env
from podium.core.events import transaction
from podium.core.passwords import hash_password
from podium.core.policies import Role
from podium.customers.models import Customer
from podium.customers.names import name_key
from podium.orgs import service as orgs

PASSWORD = "correct horse battery"
SHANGHAI = (31.2304, 121.4737)

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on LoginSuccess { me { email user { id name } } }
    ... on OperationError { errors { field code message } }
  }
}
"""

LOG_VISIT = """
mutation CheckIn($input: CheckInInput!) {
  checkIn(input: $input) {
    __typename
    ... on CheckInSuccess { replayed visit { id clientId distanceMeters withinGeofence pointsAwarded note status flags } points { today month } }
    ... on OperationError { errors { field code message } }
  }
}
"""

BOARD = """
query Board($period: Period!, $scope: BoardScope!, $teamId: ID) {
  leaderboard(period: $period, scope: $scope, teamId: $teamId) {
    version period scope entries { rank points user { id name } }
  }
}
"""

BOARD_SUBSCRIPTION = """
subscription Live($period: Period!, $scope: BoardScope!, $teamId: ID) {
  leaderboardChanged(period: $period, scope: $scope, teamId: $teamId) {
    version period scope changedUserIds entries { rank points user { id name } }
  }
}
"""


@dataclass
class Person:
    id: int
    email: str
    name: str


@dataclass
class World:
    org_id: int
    other_org_id: int
    team_a: int
    team_b: int
    admin: Person
    manager: Person
    rep: Person
    rep2: Person
    rep3: Person
    outsider: Person
    customer_id: int
    far_customer_id: int
    other_org_customer_id: int
    customer_position: tuple[float, float]


_HASHES: list[str] = []


async def _password_hash() -> str:
    """One real argon2id hash of PASSWORD per run: hashing costs 0.2 s, tests create many people."""
    if not _HASHES:
        _HASHES.append(await asyncio.to_thread(hash_password, PASSWORD))
    return _HASHES[0]


async def make_world(env: Env) -> World:
    """Org A with two teams (manager and two reps in A, one rep in B) and Org B with one rep."""
    async with transaction(env.db) as tx:
        s = tx.session
        org = await orgs.create_org(s, env, name="Acme", slug=f"acme-{uuid.uuid4().hex[:6]}", time_zone="Asia/Shanghai")
        other = await orgs.create_org(s, env, name="Rival", slug=f"rival-{uuid.uuid4().hex[:6]}", time_zone="Europe/Berlin")
        team_a = await orgs.create_team(s, org_id=org.id, name="Team A")
        team_b = await orgs.create_team(s, org_id=org.id, name="Team B")
        other_team = await orgs.create_team(s, org_id=other.id, name="Rival Team")

        async def person(email: str, name: str, role: Role, org_id: int, team_id: int | None) -> Person:
            user = await orgs.create_user(
                s, env, org_id=org_id, email=email, name=name, password=PASSWORD, role=role, team_id=team_id,
                password_hash=await _password_hash(),
            )
            return Person(user.id, user.email, user.name)

        admin = await person("admin@acme.test", "Ada Admin", Role.ADMIN, org.id, None)
        manager = await person("manager@acme.test", "Max Manager", Role.MANAGER, org.id, team_a.id)
        rep = await person("rep@acme.test", "Rita Rep", Role.REP, org.id, team_a.id)
        rep2 = await person("rep2@acme.test", "Rob Rep", Role.REP, org.id, team_a.id)
        rep3 = await person("rep3@acme.test", "Bea Rep", Role.REP, org.id, team_b.id)
        outsider = await person("rep@rival.test", "Olga Outsider", Role.REP, other.id, other_team.id)
        near = Customer(org_id=org.id, name="Near Co", name_key=name_key("Near Co"), address="1 Nanjing Rd", latitude=SHANGHAI[0], longitude=SHANGHAI[1])
        far = Customer(org_id=org.id, name="Far Co", name_key=name_key("Far Co"), address="99 Far Rd", latitude=SHANGHAI[0] + 0.1, longitude=SHANGHAI[1])
        foreign = Customer(org_id=other.id, name="Rival Client", name_key=name_key("Rival Client"), address="Berlin", latitude=52.52, longitude=13.40)
        s.add_all([near, far, foreign])
        await s.flush()
        return World(org.id, other.id, team_a.id, team_b.id, admin, manager, rep, rep2, rep3, outsider,
                     near.id, far.id, foreign.id, SHANGHAI)


def visit_input(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "clientId": str(uuid.uuid4()),
        "customerId": str(world.customer_id),
        "latitude": world.customer_position[0] + 0.0005,
        "longitude": world.customer_position[1],
        "accuracyMeters": 12.5,
        "occurredAt": datetime.now(UTC).isoformat(),
        "note": "Met the buyer",
    }
    data.update(overrides)
    return data


class GraphQLClient:
    """Talks to /graphql like the PWA: JSON over HTTP with the session cookie, subscriptions over WebSocket."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30)

    async def __aenter__(self) -> GraphQLClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def execute(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        result = await self.execute(query, variables)
        assert "errors" not in result, result
        return result["data"]

    async def login(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        result = await self.data(LOGIN, {"email": email, "password": password})
        assert result["login"]["__typename"] == "LoginSuccess", result
        return result["login"]

    @property
    def session_cookie(self) -> str | None:
        return self.http.cookies.get("podium_session")

    async def log_visit(self, world: World, **overrides: Any) -> dict[str, Any]:
        return (await self.data(LOG_VISIT, {"input": visit_input(world, **overrides)}))["checkIn"]

    def subscriber(self, ws_url: str, **headers: str) -> Subscriber:
        cookie = self.session_cookie
        if cookie:
            headers.setdefault("Cookie", f"podium_session={cookie}")
        return Subscriber(ws_url, headers)


class Subscriber:
    """A graphql-transport-ws client."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = headers
        self.ws: Any = None

    async def __aenter__(self) -> Subscriber:
        self.ws = await websockets.connect(self.url, subprotocols=["graphql-transport-ws"], additional_headers=self.headers)  # type: ignore[list-item]
        await self.ws.send(json.dumps({"type": "connection_init"}))
        ack = json.loads(await asyncio.wait_for(self.ws.recv(), 5))
        assert ack["type"] == "connection_ack", ack
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def subscribe(self, sub_id: str, query: str, variables: dict[str, Any] | None = None) -> None:
        await self.ws.send(json.dumps({"id": sub_id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}))

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def next_data(self, sub_id: str, timeout: float = 5.0) -> dict[str, Any]:
        while True:
            message = await self.next(timeout)
            if message.get("id") == sub_id:
                assert message["type"] == "next", message
                assert "errors" not in message["payload"], message
                return message["payload"]["data"]

    async def until(self, sub_id: str, predicate: Any, timeout: float = 5.0) -> dict[str, Any]:
        """Frames for sub_id until one satisfies predicate (coalescing may skip intermediate ones)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError("no matching frame")
            data = await self.next_data(sub_id, remaining)
            if predicate(data):
                return data
