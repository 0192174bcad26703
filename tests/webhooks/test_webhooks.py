"""Outbound webhooks end to end: signed deliveries a receiver verifies with the specification's own package, rotation,
retries on the schedule, 410, replay, org scope, refused private addresses, and who may manage them."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook

from podium.core.events import transaction
from podium.core.models import EventRow
from podium.core.policies import Role
from podium.orgs import service as orgs
from podium.pipeline.events import DealWon
from podium.webhooks import service as webhooks
from podium.webhooks.models import WebhookDelivery
from podium.webhooks.sender import WebhookWorker
from tests.conftest import Server, Stack, start_server, stop_server
from tests.pipeline.test_deals import login, move, open_deal, stage_ids
from tests.support import PASSWORD, GraphQLClient, World
from tests.webhooks.conftest import LOCAL
from tests.webhooks.receiver import Receiver

ENDPOINT = "id url description eventTypes enabled disabledReason previousSecretUntil"
DELIVERY = "id messageId eventType state attempts statusCode error responseExcerpt durationMs lastAttemptAt nextAttemptAt"
ENDPOINTS = f"{{ webhookEndpoints {{ {ENDPOINT} }} }}"
DELIVERIES = f"query D($id: ID!) {{ webhookDeliveries(endpointId: $id) {{ {DELIVERY} }} }}"
CREATE = f"""
mutation C($input: CreateWebhookEndpointInput!) {{
  createWebhookEndpoint(input: $input) {{
    __typename
    ... on WebhookSecretSuccess {{ secret endpoint {{ {ENDPOINT} }} }}
    ... on OperationError {{ errors {{ field code message }} }}
  }}
}}
"""
UPDATE = f"""
mutation U($input: UpdateWebhookEndpointInput!) {{
  updateWebhookEndpoint(input: $input) {{
    __typename ... on UpdateWebhookEndpointSuccess {{ endpoint {{ {ENDPOINT} }} }} ... on OperationError {{ errors {{ field code }} }}
  }}
}}
"""
ROTATE = f"""
mutation R($id: ID!, $hours: Int!) {{
  rotateWebhookSecret(id: $id, overlapHours: $hours) {{
    __typename ... on WebhookSecretSuccess {{ secret endpoint {{ {ENDPOINT} }} }} ... on OperationError {{ errors {{ field code }} }}
  }}
}}
"""
TEST = f"""
mutation T($id: ID!) {{
  sendTestWebhook(id: $id) {{ __typename ... on WebhookDeliverySuccess {{ delivery {{ {DELIVERY} }} }} ... on OperationError {{ errors {{ field code }} }} }}
}}
"""
REPLAY = f"""
mutation P($id: ID!) {{
  replayWebhookDelivery(id: $id) {{ __typename ... on WebhookDeliverySuccess {{ delivery {{ {DELIVERY} }} }} ... on OperationError {{ errors {{ field code }} }} }}
}}
"""
DELETE = """
mutation X($id: ID!) { deleteWebhookEndpoint(id: $id) { __typename ... on DeleteWebhookEndpointSuccess { removed } ... on OperationError { errors { field code } } } }
"""


async def create(client: GraphQLClient, url: str, types: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    data = {"clientId": str(uuid.uuid4()), "url": url, "description": "ERP", "eventTypes": types or ["DEAL_WON"], **extra}
    return (await client.data(CREATE, {"input": data}))["createWebhookEndpoint"]


async def created(client: GraphQLClient, url: str, types: list[str] | None = None) -> tuple[dict[str, Any], str]:
    result = await create(client, url, types)
    assert result["__typename"] == "WebhookSecretSuccess", result
    return result["endpoint"], result["secret"]


async def rows(server: Server) -> list[WebhookDelivery]:
    async with server.runtime.env.db() as session:
        return list((await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))).all())


async def settled(server: Server, count: int, done: Callable[[WebhookDelivery], bool] = lambda d: d.state != "pending") -> list[WebhookDelivery]:
    """Wait until `count` deliveries exist and each is `done` (by default: sent or failed)."""
    deadline = time.monotonic() + 10
    while True:
        found = await rows(server)
        if len(found) >= count and all(done(d) for d in found):
            return found
        assert time.monotonic() < deadline, [(d.state, d.attempts, d.last_status, d.last_error) for d in found]
        await asyncio.sleep(0.05)


def codes(result: dict[str, Any]) -> list[tuple[str | None, str]]:
    assert result["__typename"] == "OperationError", result
    return [(e["field"], e["code"]) for e in result["errors"]]


async def test_a_won_deal_reaches_the_receiver_signed_and_pinned_to_the_checked_address(
    server: Server, world: World, rep: GraphQLClient, receiver: Receiver, resolver: Callable[[str, list[str]], None]
) -> None:
    resolver("erp.example.test", ["127.0.0.1"])
    admin = await login(server, world.admin.email)
    try:
        endpoint, secret = await created(admin, receiver.url("erp.example.test"), ["DEAL_WON", "DEAL_LOST"])
        await created(admin, receiver.url(path="/payments"), ["PAYMENT_COLLECTED"])
        stages = await stage_ids(rep)
        deal = await open_deal(rep, world)
        won = await move(rep, deal, stages["won"], reason="Signed")
        (got,) = await receiver.wait_for(1)
        (delivery,) = await settled(server, 1)
        listed = (await admin.data(DELIVERIES, {"id": endpoint["id"]}))["webhookDeliveries"]
    finally:
        await admin.http.aclose()

    # The specification's own verifier accepts the body and headers exactly as received.
    message = Webhook(secret).verify(got.body, got.headers)
    assert message == {
        "type": "deal.won",
        "timestamp": message["timestamp"],
        "data": {
            "dealId": deal["id"], "ownerId": str(world.rep.id), "teamId": str(world.team_a), "customerId": str(world.customer_id),
            "amount": "120000.50", "closedAt": message["data"]["closedAt"],
        },
    }
    assert message["timestamp"].endswith("+00:00") and won["deal"]["status"] == "WON"
    assert got.headers["webhook-id"] == delivery.msg_id and got.headers["webhook-id"].startswith("msg_")
    assert abs(int(got.headers["webhook-timestamp"]) - time.time()) < 60
    # Connected to the address the name was checked at, with the name in the Host header.
    assert got.headers["host"] == f"erp.example.test:{receiver.port}" and got.path == "/hooks/podium"
    assert [(d["eventType"], d["state"], d["attempts"], d["statusCode"], d["responseExcerpt"], d["nextAttemptAt"]) for d in listed] == [
        ("deal.won", "SENT", 1, 200, '{"ok":true}', None)
    ]
    assert listed[0]["durationMs"] is not None and listed[0]["lastAttemptAt"] is not None
    # The handler run again (a dispatcher after a crash) queues nothing more.
    env = server.runtime.env
    again = DealWon(
        org_id=world.org_id, deal=int(deal["id"]), owner=world.rep.id, team=world.team_a, amount=Decimal("120000.50"), closed_at=env.clock(),
        customer=world.customer_id,
    )
    await webhooks.on_event(env, again)
    assert len(await rows(server)) == 1


async def test_a_rotated_secret_signs_beside_the_old_one_during_the_overlap(server: Server, world: World, receiver: Receiver) -> None:
    admin = await login(server, world.admin.email)
    try:
        endpoint, old = await created(admin, receiver.url())
        rotated = (await admin.data(ROTATE, {"id": endpoint["id"], "hours": 24}))["rotateWebhookSecret"]
        await admin.data(TEST, {"id": endpoint["id"]})
        await receiver.wait_for(1)
        cut = (await admin.data(ROTATE, {"id": endpoint["id"], "hours": 0}))["rotateWebhookSecret"]
        await admin.data(TEST, {"id": endpoint["id"]})
        first, second = await receiver.wait_for(2)
    finally:
        await admin.http.aclose()

    new = rotated["secret"]
    assert new.startswith("whsec_") and new != old and rotated["endpoint"]["previousSecretUntil"] is not None
    assert len(first.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Webhook(secret).verify(first.body, first.headers)["type"] == "webhook.test"
    # Without an overlap the old secret stops at once.
    assert cut["endpoint"]["previousSecretUntil"] is None and len(second.headers["webhook-signature"].split(" ")) == 1
    Webhook(cut["secret"]).verify(second.body, second.headers)
    with pytest.raises(Exception):
        Webhook(new).verify(second.body, second.headers)


async def test_failures_are_retried_on_the_schedule_until_410_then_replayed_with_the_same_id(
    server: Server, world: World, receiver: Receiver
) -> None:
    env = server.runtime.env
    real = env.clock
    receiver.answer((500, "boom"), (503, "busy"), (410, "gone"))
    admin = await login(server, world.admin.email)
    try:
        endpoint, _ = await created(admin, receiver.url())
        queued = (await admin.data(TEST, {"id": endpoint["id"]}))["sendTestWebhook"]["delivery"]
        (first,) = await settled(server, 1, lambda d: d.last_status == 500)
        worker = WebhookWorker(env)
        try:
            # Each retry comes due on the schedule (5 s, then 5 min), not before.
            waits = []
            for _ in range(2):
                (row,) = await rows(server)
                waits.append((row.next_attempt_at - row.last_attempt_at).total_seconds())  # type: ignore[operator]
                due = row.next_attempt_at
                env.clock = lambda due=due: due - timedelta(seconds=1)
                assert await worker.run_once() == 0
                env.clock = lambda due=due: due + timedelta(seconds=1)
                assert await worker.run_once() == 1
        finally:
            env.clock = real
        (gone,) = await rows(server)
        after = (await admin.data(ENDPOINTS))["webhookEndpoints"][0]
        refused = (await admin.data(REPLAY, {"id": queued["id"]}))["replayWebhookDelivery"]
        await admin.data(UPDATE, {"input": {"id": endpoint["id"], "enabled": True}})
        replayed = (await admin.data(REPLAY, {"id": queued["id"]}))["replayWebhookDelivery"]
        await receiver.wait_for(4)
        (done,) = await settled(server, 1)
    finally:
        await admin.http.aclose()

    assert (first.state, first.attempts, first.last_status) == ("pending", 1, 500)
    assert 4.5 <= waits[0] <= 5.5 and 270 <= waits[1] <= 330
    assert (gone.state, gone.attempts, gone.last_status, gone.response_excerpt) == ("failed", 3, 410, "gone")
    assert (after["enabled"], after["disabledReason"]) == (False, "GONE")  # 410: the endpoint is disabled, nothing more is sent
    assert codes(refused) == [("id", "CLOSED")]
    assert replayed["delivery"]["state"] == "PENDING"
    assert (done.state, done.attempts, done.last_status) == ("sent", 1, 200)
    ids = {r.headers["webhook-id"] for r in receiver.received}
    assert ids == {queued["messageId"]} and len(receiver.received) == 4


async def test_another_orgs_events_never_reach_this_orgs_endpoint(server: Server, world: World, receiver: Receiver) -> None:
    env = server.runtime.env
    admin = await login(server, world.admin.email)
    try:
        await created(admin, receiver.url(), ["DEAL_WON"])
    finally:
        await admin.http.aclose()
    theirs = DealWon(org_id=world.other_org_id, deal=99, owner=world.outsider.id, team=None, amount=Decimal(5), closed_at=env.clock(), customer=None)
    await webhooks.on_event(env, theirs)
    await asyncio.sleep(0.2)
    assert await rows(server) == [] and receiver.received == []


async def test_private_addresses_are_refused_after_resolution_when_saving_and_when_sending(
    stack: Stack, world: World, receiver: Receiver, resolver: Callable[[str, list[str]], None]
) -> None:
    """With the real rule (the development switch off): https only, to names that resolve to public addresses only."""
    for name, addresses in {
        "loopback.example.test": ["127.0.0.1"], "ten.example.test": ["93.184.216.34", "10.0.0.7"], "six.example.test": ["::1"],
        "metadata.example.test": ["169.254.169.254"], "mapped.example.test": ["::ffff:127.0.0.1"], "public.example.test": ["93.184.216.34"], "flaky.example.test": ["93.184.216.35"],
    }.items():
        resolver(name, addresses)
    running, uv_server, task = await start_server(dataclasses.replace(stack.settings, webhooks=dataclasses.replace(LOCAL, allow_private=False)))
    try:
        admin = await login(running, world.admin.email)
        try:
            refused = [
                "https://loopback.example.test/hook", "https://ten.example.test/hook", "https://six.example.test/hook",
                "https://metadata.example.test/latest/meta-data", "https://mapped.example.test/hook", "https://10.1.2.3/hook",
                "https://[::1]/hook", "https://127.0.0.1/hook", "https://nowhere.example.test/hook", "http://public.example.test/hook",
                "https://user:pw@public.example.test/hook", "https://public.example.test:99999/hook",
            ]
            results = {url: codes(await create(admin, url)) for url in refused}
            endpoint, _ = await created(admin, "https://public.example.test/hook")
            flaky, _ = await created(admin, "https://flaky.example.test/hook")
            # The name now resolves inside (DNS rebinding): the delivery is refused before any connection.
            resolver("public.example.test", ["127.0.0.1"])
            await admin.data(TEST, {"id": endpoint["id"]})
            (delivery,) = await settled(running, 1)
            # A name that stops resolving may come back: that delivery is retried.
            resolver("flaky.example.test", [])
            await admin.data(TEST, {"id": flaky["id"]})
            _, unresolved = await settled(running, 2, lambda d: d.attempts > 0 and d.last_error != "")
            listed = (await admin.data(ENDPOINTS))["webhookEndpoints"]
        finally:
            await admin.http.aclose()
    finally:
        await stop_server(uv_server, task)

    assert results == {url: [("url", "INVALID")] for url in refused}
    assert [e["id"] for e in listed] == [endpoint["id"], flaky["id"]]
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("failed", 1, None)
    assert delivery.last_error.startswith("refused: public.example.test resolves to a non-public address")
    assert (unresolved.state, unresolved.attempts) == ("pending", 1) and "flaky.example.test does not resolve" in unresolved.last_error


async def test_only_admins_of_the_org_manage_webhooks(server: Server, world: World, rep: GraphQLClient, receiver: Receiver) -> None:
    env = server.runtime.env
    async with transaction(env.db) as tx:
        await orgs.create_user(
            tx.session, env, org_id=world.other_org_id, email="admin@rival.test", name="Rolf Rival", password=PASSWORD, role=Role.ADMIN, team_id=None
        )
    admin = await login(server, world.admin.email)
    rival = await login(server, "admin@rival.test")
    manager = await login(server, world.manager.email)
    try:
        endpoint, _ = await created(admin, receiver.url())
        queued = (await admin.data(TEST, {"id": endpoint["id"]}))["sendTestWebhook"]["delivery"]
        await settled(server, 1)
        rep_list = await rep.execute(ENDPOINTS)
        manager_create = await create(manager, receiver.url())
        manager_deliveries = await manager.execute(DELIVERIES, {"id": endpoint["id"]})
        rival_list = (await rival.data(ENDPOINTS))["webhookEndpoints"]
        rival_deliveries = (await rival.data(DELIVERIES, {"id": endpoint["id"]}))["webhookDeliveries"]
        rival_calls = [
            (await rival.data(REPLAY, {"id": queued["id"]}))["replayWebhookDelivery"],
            (await rival.data(TEST, {"id": endpoint["id"]}))["sendTestWebhook"],
            (await rival.data(ROTATE, {"id": endpoint["id"], "hours": 1}))["rotateWebhookSecret"],
            (await rival.data(UPDATE, {"input": {"id": endpoint["id"], "enabled": False}}))["updateWebhookEndpoint"],
        ]
        rival_delete = (await rival.data(DELETE, {"id": endpoint["id"]}))["deleteWebhookEndpoint"]
        ours = (await admin.data(ENDPOINTS))["webhookEndpoints"]
        renamed = (await admin.data(UPDATE, {"input": {"id": endpoint["id"], "description": "Finance", "url": receiver.url(path="/v2")}}))
        rotated = (await admin.data(ROTATE, {"id": endpoint["id"], "hours": 2}))["rotateWebhookSecret"]
        deleted = (await admin.data(DELETE, {"id": endpoint["id"]}))["deleteWebhookEndpoint"]
    finally:
        for client in (admin, rival, manager):
            await client.http.aclose()
    async with env.db() as session:
        audit = (await session.execute(
            select(EventRow.name, EventRow.payload).where(EventRow.name.like("webhook%")).order_by(EventRow.id)
        )).all()

    assert rep_list["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert manager_deliveries["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert codes(manager_create) == [(None, "FORBIDDEN")]
    assert rival_list == [] and rival_deliveries == []
    assert [codes(r) for r in rival_calls] == [[("id", "NOT_FOUND")]] * 4
    assert rival_delete == {"__typename": "DeleteWebhookEndpointSuccess", "removed": False}
    assert [(e["id"], e["enabled"]) for e in ours] == [(endpoint["id"], True)]
    assert deleted["removed"] is True
    assert len(receiver.received) == 1
    # Each change an admin made is a domain event for the audit log (the rival's attempts changed nothing); never a secret or a path.
    assert [name for name, _ in audit] == ["webhook_endpoint_created", "webhook_endpoint_changed", "webhook_secret_rotated", "webhook_endpoint_deleted"]
    changed = json.loads(audit[1][1])
    assert (changed["fields"], changed["before"]["description"], changed["after"]["description"]) == (["url", "description"], "ERP", "Finance")
    assert changed["after"]["url"] == "127.0.0.1" and changed["by"] == world.admin.id
    assert json.loads(audit[2][1])["overlap_hours"] == 2
    seen = json.dumps([tuple(row) for row in audit])
    assert "whsec_" not in seen and "/hooks/podium" not in seen and "/v2" not in seen
    assert renamed["updateWebhookEndpoint"]["endpoint"]["description"] == "Finance" and rotated["secret"].startswith("whsec_")
