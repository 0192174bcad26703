"""Every type other systems may subscribe to, from the action that makes it to the payload docs/webhooks.md promises."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from podium.celebrations import service as celebrations
from podium.celebrations.events import Celebrated
from podium.compensation.events import StatementApproved
from podium.orgs import service as orgs
from podium.pipeline.events import PaymentRecorded
from podium.rewards.events import RedemptionDecided
from podium.webhooks import catalog
from podium.webhooks import service as webhooks
from podium.webhooks.catalog import EventType
from podium.webhooks.models import WebhookDelivery
from tests.compensation.test_statements import REFUND, REVERSE, collect
from tests.conftest import Server
from tests.customers.test_add_customer import add as add_customer
from tests.customers.test_add_customer import new_customer
from tests.pipeline.test_deals import login, move, open_deal, stage_ids
from tests.support import GraphQLClient, World
from tests.targets.test_targets import SET, current_quarter, team
from tests.webhooks.receiver import Receiver


async def messages(server: Server, count: int) -> dict[str, list[dict[str, Any]]]:
    """The queued messages' envelopes by type, once `count` are queued."""
    deadline = time.monotonic() + 10
    while True:
        async with server.runtime.env.db() as session:
            rows = (await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))).all()
        if len(rows) >= count:
            found: dict[str, list[dict[str, Any]]] = {}
            for row in rows:
                found.setdefault(row.event_type, []).append(json.loads(row.payload))
            return found
        assert time.monotonic() < deadline, ", ".join(r.event_type for r in rows)
        await asyncio.sleep(0.05)


def iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    return moment


async def test_each_action_queues_its_documented_message(server: Server, world: World, rep: GraphQLClient, receiver: Receiver) -> None:
    env = server.runtime.env
    admin = await orgs.viewer_by_id(env, world.admin.id)
    assert admin is not None
    await webhooks.create_endpoint(env, admin, webhooks.EndpointInput(url=receiver.url(), event_types=[t.value for t in EventType]))

    # Deals: one lost, one won, paid, refunded in part, then reversed by a manager
    stages = await stage_ids(rep)
    lost = await open_deal(rep, world, amount="800.00")
    await move(rep, lost, stages["lost"], reason="Price")
    won = (await move(rep, await open_deal(rep, world, amount="1000.00"), stages["won"], reason="Signed"))["deal"]
    payment_id = await collect(rep, won, "1000.00", "400.00", datetime.now(UTC))
    refund = {"clientId": str(uuid.uuid4()), "paymentId": payment_id, "amount": "150.00", "refundedAt": datetime.now(UTC).isoformat(), "note": "Returned"}
    assert (await rep.data(REFUND, {"input": refund}))["refundPayment"]["__typename"] == "OrderSuccess"
    async with await login(server, world.manager.email) as manager:
        reverse = {"id": won["id"], "version": won["version"], "reason": "Contract cancelled"}
        assert (await manager.data(REVERSE, {"input": reverse}))["reverseDeal"]["__typename"] == "DealSuccess"
        # a manager splits a quarter's target over team A's two reps
        quarter = await current_quarter(manager)
        target = {"node": team(world), "period": quarter, "metric": "REVENUE", "amount": "100000.00", "basis": "EQUAL"}
        assert (await manager.data(SET, {"input": target}))["setTarget"]["__typename"] == "SetTargetSuccess"
    # a rep adds a customer and visits another
    customer = await add_customer(rep, new_customer(world))
    visit = await rep.log_visit(world)
    # winning earned the first-deal badge; an admin's badge is announced the same way
    await celebrations.badge_earned(env, org_id=world.org_id, user_id=world.rep.id, badge_key="d7", name="拜访达人", period_key="2026-12", value=20)
    found = await messages(server, 12)

    assert {t: len(m) for t, m in found.items() if t != "badge.earned" and t != "deal.won"} == {
        "deal.lost": 1, "payment.collected": 1, "payment.refunded": 1, "deal.reversed": 1, "target.saved": 3, "customer.created": 1,
        "visit.verified": 1,
    }
    owner = {"ownerId": str(world.rep.id), "teamId": str(world.team_a), "customerId": str(world.customer_id)}
    (lost_message,) = found["deal.lost"]
    assert lost_message["type"] == "deal.lost" and iso(lost_message["timestamp"])
    assert lost_message["data"] == {**owner, "dealId": lost["id"], "amount": "800.00", "closedAt": lost_message["data"]["closedAt"], "reason": "Price"}
    (won_message,) = found["deal.won"]
    assert won_message["data"]["amount"] == "1000.00" and iso(won_message["data"]["closedAt"])
    (paid,) = found["payment.collected"]
    assert paid["data"] == {
        "paymentId": payment_id, "orderId": paid["data"]["orderId"], "dealId": won["id"], "ownerId": str(world.rep.id), "teamId": str(world.team_a),
        "amount": "400.00", "collectedAt": paid["data"]["collectedAt"],
    }
    (refunded,) = found["payment.refunded"]
    assert refunded["data"]["refundOf"] == payment_id and refunded["data"]["amount"] == "150.00" and refunded["data"]["paymentId"] != payment_id
    assert refunded["data"]["orderId"] == paid["data"]["orderId"] and iso(refunded["data"]["refundedAt"])
    (reversed_,) = found["deal.reversed"]
    assert reversed_["data"]["reason"] == "Contract cancelled" and reversed_["data"]["amount"] == "1000.00" and iso(reversed_["data"]["reversedAt"])
    targets = {(m["data"]["node"]["kind"], m["data"]["amount"]) for m in found["target.saved"]}
    assert targets == {("team", "100000.00"), ("user", "50000.00")} and len(found["target.saved"]) == 3
    team_target = next(m["data"] for m in found["target.saved"] if m["data"]["node"]["kind"] == "team")
    assert team_target == {
        "targetId": team_target["targetId"], "version": 1, "node": {"kind": "team", "id": str(world.team_a)}, "period": quarter,
        "metric": "revenue", "amount": "100000.00", "basis": "direct", "setById": str(world.manager.id), "setAt": team_target["setAt"],
    }
    assert found["customer.created"][0]["data"] == {"customerId": customer["customer"]["id"], "createdById": str(world.rep.id), "teamId": str(world.team_a)}
    (visited,) = found["visit.verified"]
    assert visited["data"] == {
        "visitId": visit["visit"]["id"], "userId": str(world.rep.id), "teamId": str(world.team_a), "customerId": str(world.customer_id),
        "occurredAt": visited["data"]["occurredAt"],
    }
    assert sorted(m["data"]["badge"] for m in found["badge.earned"]) == ["first_deal", "拜访达人"]
    assert {m["data"]["userId"] for m in found["badge.earned"]} == {str(world.rep.id)} and iso(found["badge.earned"][0]["data"]["earnedAt"])


async def test_events_without_a_stored_action_are_described_from_their_fields(server: Server, world: World) -> None:
    env = server.runtime.env
    at = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    statement = StatementApproved(
        org_id=world.org_id, statement=9, user=world.rep.id, period="2026-11", earned=Decimal("3000"), payable=Decimal("1200.5"),
        approved_by=world.manager.id, approved_at=at,
    )
    reward = RedemptionDecided(
        org_id=world.org_id, user=world.rep.id, redemption=5, approved=False, decider="Mia Manager", reward="咖啡券", quantity=2, points=400, note="Out",
    )
    statement_message = await catalog.describe(env, statement)
    reward_message = await catalog.describe(env, reward)

    assert statement_message is not None and statement_message.key == "statement.approved:9"
    assert statement_message.data == {
        "statementId": "9", "userId": str(world.rep.id), "period": "2026-11", "earned": "3000.00", "payable": "1200.50",
        "approvedById": str(world.manager.id), "approvedAt": "2026-11-30T16:00:00+00:00",
    }
    assert reward_message is not None and reward_message.type == "reward.decided"
    assert reward_message.data == {
        "redemptionId": "5", "userId": str(world.rep.id), "approved": False, "reward": "咖啡券", "quantity": 2, "points": 400, "note": "Out",
        "decidedBy": "Mia Manager",
    }
    # Not every event of a source type is a message: a celebration that is no badge, a payment stored before payments carried figures.
    assert await catalog.describe(env, Celebrated(org_id=world.org_id, id=1, user=world.rep.id, of_kind="milestone", open_url="/")) is None
    assert await catalog.describe(env, PaymentRecorded(org_id=world.org_id, deal=1, owner=world.rep.id, team=None)) is None
