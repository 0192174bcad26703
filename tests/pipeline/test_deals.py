"""Deals the way the phone drives them: open, move, win, collect; and every way it can go wrong."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import Server
from tests.support import GraphQLClient, World

STAGES = "{ stages { id key outcome probability } }"

CREATE = """
mutation Create($input: CreateDealInput!) {
  createDeal(input: $input) {
    __typename
    ... on DealSuccess { replayed deal { id version amount margin status stage { key } owner { id } } }
    ... on OperationError { errors { field code message } }
  }
}
"""

MOVE = """
mutation Move($input: MoveDealInput!) {
  moveDeal(input: $input) {
    __typename
    ... on DealSuccess { replayed pointsAwarded deal { id version status closeReason stage { key } } }
    ... on OperationError { errors { field code message } }
  }
}
"""

UPDATE = """
mutation Update($input: UpdateDealInput!) {
  updateDeal(input: $input) {
    __typename
    ... on DealSuccess { deal { id version title amount } }
    ... on OperationError { errors { field code message } }
  }
}
"""

DETAIL = """
query Deal($id: ID!) {
  deal(id: $id) {
    deal { id title status version }
    history { stage { key } seconds leftAt }
    dwell { stage { key } seconds }
    orders { id amount collected outstanding collectedShare payments { amount } }
    collected
    activities { kind outcome note user { name } }
    canEdit
  }
}
"""

PIPELINE = """
query Pipeline($owner: ID) { pipeline(ownerId: $owner) { stage { key } count amount deals { id } } }
"""

ORDER = """
mutation Order($input: RecordOrderInput!) {
  recordOrder(input: $input) {
    __typename
    ... on OrderSuccess { replayed order { id amount collected collectedShare } }
    ... on OperationError { errors { field code message } }
  }
}
"""

PAYMENT = """
mutation Pay($input: RecordPaymentInput!) {
  recordPayment(input: $input) {
    __typename
    ... on OrderSuccess { replayed order { id collected outstanding collectedShare } }
    ... on OperationError { errors { field code message } }
  }
}
"""

ACTIVITY = """
mutation Act($input: LogActivityInput!) {
  logActivity(input: $input) {
    __typename
    ... on ActivitySuccess { replayed activity { kind outcome user { name } } }
    ... on OperationError { errors { field code message } }
  }
}
"""

MY_POINTS = "{ myPoints { month } recentCelebrations(first: 5) { kind subject amount } }"


def deal_input(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "clientId": str(uuid.uuid4()),
        "customerId": str(world.customer_id),
        "title": "Forklift fleet",
        "leadSource": "REFERRAL",
        "expectedClose": (date.today() + timedelta(days=30)).isoformat(),
        "amount": "120000.50",
    }
    data.update(overrides)
    return data


async def stage_ids(client: GraphQLClient) -> dict[str, str]:
    return {s["key"]: s["id"] for s in (await client.data(STAGES))["stages"]}


async def open_deal(client: GraphQLClient, world: World, **overrides: object) -> dict[str, object]:
    result = (await client.data(CREATE, {"input": deal_input(world, **overrides)}))["createDeal"]
    assert result["__typename"] == "DealSuccess", result
    return result["deal"]


async def move(client: GraphQLClient, deal: dict[str, object], stage_id: str, **extra: object) -> dict[str, object]:
    payload = {"id": deal["id"], "version": deal["version"], "stageId": stage_id, **extra}
    return (await client.data(MOVE, {"input": payload}))["moveDeal"]


async def login(server: Server, email: str) -> GraphQLClient:
    client = GraphQLClient(server.url)
    await client.login(email)
    return client


async def test_a_deal_opens_in_the_first_stage_and_a_replay_returns_it(rep: GraphQLClient, world: World) -> None:
    data = deal_input(world)
    first = (await rep.data(CREATE, {"input": data}))["createDeal"]
    again = (await rep.data(CREATE, {"input": data}))["createDeal"]

    assert first["deal"]["stage"]["key"] == "first_contact"
    assert first["deal"]["amount"] == "120000.50"
    assert first["replayed"] is False and again["replayed"] is True
    assert again["deal"]["id"] == first["deal"]["id"]
    board = (await rep.data(PIPELINE))["pipeline"]
    assert [c["stage"]["key"] for c in board][:4] == ["first_contact", "needs_assessment", "proposal", "negotiation"]
    assert board[0]["count"] == 1 and board[0]["amount"] == "120000.50"


async def test_winning_needs_a_reason_then_awards_points_once_and_celebrates(rep: GraphQLClient, world: World) -> None:
    stages = await stage_ids(rep)
    deal = await open_deal(rep, world, amount="48000")
    moved = await move(rep, deal, stages["proposal"])
    assert moved["deal"]["stage"]["key"] == "proposal"

    no_reason = await move(rep, moved["deal"], stages["won"])
    assert no_reason["__typename"] == "OperationError"
    assert no_reason["errors"][0]["field"] == "reason"
    assert no_reason["errors"][0]["code"] == "REQUIRED"

    client_id = str(uuid.uuid4())
    won = await move(rep, moved["deal"], stages["won"], reason="Best service terms", clientId=client_id)
    replay = await move(rep, moved["deal"], stages["won"], reason="Best service terms", clientId=client_id)

    assert won["deal"]["status"] == "WON"
    assert won["pointsAwarded"] == 48  # one point per 1,000, between 10 and 200
    assert replay["replayed"] is True and replay["pointsAwarded"] == 0
    state = await rep.data(MY_POINTS)
    assert state["myPoints"]["month"] == 48
    assert {"kind": "DEAL_WON", "subject": "Near Co", "amount": "48000.00"} in state["recentCelebrations"]


async def test_a_closed_deal_cannot_move_again(rep: GraphQLClient, world: World) -> None:
    stages = await stage_ids(rep)
    deal = await open_deal(rep, world)
    lost = await move(rep, deal, stages["lost"], reason="Price")

    again = await move(rep, lost["deal"], stages["proposal"])

    assert lost["deal"]["status"] == "LOST" and lost["deal"]["closeReason"] == "Price"
    assert again["errors"][0]["code"] == "CLOSED"


async def test_the_second_writer_gets_a_conflict_naming_the_field(server: Server, rep: GraphQLClient, world: World) -> None:
    stages = await stage_ids(rep)
    deal = await open_deal(rep, world)
    manager = await login(server, world.manager.email)
    async with manager:
        moved = await move(manager, deal, stages["needs_assessment"])
        assert moved["__typename"] == "DealSuccess"

        stale = await move(rep, deal, stages["proposal"])
        stale_edit = (await rep.data(UPDATE, {"input": {"id": deal["id"], "version": deal["version"], "amount": "1.00"}}))["updateDeal"]

    assert stale["errors"][0]["code"] == "CONFLICT"
    assert stale["errors"][0]["field"] == "stageId"
    assert "stage" in stale["errors"][0]["message"].lower() or "阶段" in stale["errors"][0]["message"]
    assert stale_edit["errors"][0] == {**stale_edit["errors"][0], "code": "CONFLICT", "field": "stageId"}
    detail = (await rep.data(DETAIL, {"id": deal["id"]}))["deal"]
    assert [h["stage"]["key"] for h in detail["history"]] == ["first_contact", "needs_assessment"]


async def test_edits_with_the_current_version_apply_and_lines_decide_the_amount(rep: GraphQLClient, world: World) -> None:
    deal = await open_deal(rep, world)
    edited = (await rep.data(UPDATE, {"input": {"id": deal["id"], "version": deal["version"], "title": "Fleet of 12"}}))["updateDeal"]

    assert edited["deal"]["title"] == "Fleet of 12"
    assert edited["deal"]["version"] == deal["version"] + 1


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"amount": "-5"}, "amount", "OUT_OF_RANGE"),
        ({"amount": "10.001"}, "amount", "TOO_PRECISE"),
        ({"amount": None}, "amount", "REQUIRED"),
        ({"stageId": "999999"}, "stageId", "NOT_FOUND"),
        ({"title": " "}, "title", "REQUIRED"),
        ({"customerId": "999999"}, "customerId", "NOT_FOUND"),
        ({"clientId": "x"}, "clientId", "INVALID"),
        ({"expectedClose": "2099-01-01"}, "expectedClose", "OUT_OF_RANGE"),
    ],
)
async def test_bad_deals_are_refused_with_the_field_named(
    rep: GraphQLClient, world: World, overrides: dict[str, object], field: str, code: str
) -> None:
    result = (await rep.data(CREATE, {"input": deal_input(world, **overrides)}))["createDeal"]

    assert result["__typename"] == "OperationError"
    assert (result["errors"][0]["field"], result["errors"][0]["code"]) == (field, code)
    assert (await rep.data(PIPELINE))["pipeline"][0]["count"] == 0


async def test_moving_to_an_unknown_stage_changes_nothing(rep: GraphQLClient, world: World) -> None:
    deal = await open_deal(rep, world)
    result = await move(rep, deal, "424242")

    assert result["errors"][0]["field"] == "stageId"
    detail = (await rep.data(DETAIL, {"id": deal["id"]}))["deal"]
    assert detail["deal"]["version"] == deal["version"]


async def test_a_rep_cannot_read_or_move_another_reps_deal_and_a_manager_sees_their_subtree(
    server: Server, rep: GraphQLClient, world: World
) -> None:
    stages = await stage_ids(rep)
    deal = await open_deal(rep, world)
    rep2 = await login(server, world.rep2.email)
    rep3_manager_view = await login(server, world.manager.email)
    outsider = await login(server, world.outsider.email)
    async with rep2, rep3_manager_view, outsider:
        read = await rep2.execute(DETAIL, {"id": deal["id"]})
        moved = await move(rep2, deal, stages["proposal"])
        board = await rep2.execute(PIPELINE, {"owner": str(world.rep.id)})
        foreign = await outsider.execute(DETAIL, {"id": deal["id"]})
        manager_read = await rep3_manager_view.data(DETAIL, {"id": deal["id"]})
        manager_of_b = await rep3_manager_view.execute(PIPELINE, {"owner": str(world.rep3.id)})

    assert read["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert moved["errors"][0]["code"] == "NOT_FOUND"
    assert board["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert manager_read["deal"]["canEdit"] is True
    assert manager_of_b["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # team B is not under team A's manager


async def test_orders_and_payments_keep_the_collected_share_known(rep: GraphQLClient, world: World) -> None:
    stages = await stage_ids(rep)
    deal = await open_deal(rep, world, amount="1000.00")
    early = (await rep.data(ORDER, {"input": order_input(deal, "400")}))["recordOrder"]
    assert early["errors"][0] == {**early["errors"][0], "field": "dealId", "code": "INVALID"}
    await move(rep, deal, stages["won"], reason="Signed")

    order_data = order_input(deal, "1000.00")
    order = (await rep.data(ORDER, {"input": order_data}))["recordOrder"]
    replay = (await rep.data(ORDER, {"input": order_data}))["recordOrder"]
    too_much = (await rep.data(ORDER, {"input": order_input(deal, "0.01")}))["recordOrder"]
    pay = payment_input(order["order"]["id"], "333.33")
    paid = (await rep.data(PAYMENT, {"input": pay}))["recordPayment"]
    paid_again = (await rep.data(PAYMENT, {"input": pay}))["recordPayment"]
    over = (await rep.data(PAYMENT, {"input": payment_input(order["order"]["id"], "666.68")}))["recordPayment"]
    future = (await rep.data(PAYMENT, {"input": payment_input(order["order"]["id"], "1", at=datetime.now(UTC) + timedelta(days=1))}))["recordPayment"]

    assert replay["replayed"] is True and replay["order"]["id"] == order["order"]["id"]
    assert too_much["errors"][0]["code"] == "OUT_OF_RANGE"
    assert paid["order"]["collected"] == "333.33" and paid["order"]["collectedShare"] == "0.3333"
    assert paid_again["replayed"] is True and paid_again["order"]["collected"] == "333.33"
    assert over["errors"][0]["field"] == "amount" and over["errors"][0]["code"] == "OUT_OF_RANGE"
    assert future["errors"][0]["code"] == "IN_FUTURE"
    detail = (await rep.data(DETAIL, {"id": deal["id"]}))["deal"]
    assert detail["orders"][0]["outstanding"] == "666.67"
    assert detail["collected"] == "333.33"


def order_input(deal: dict[str, object], amount: str) -> dict[str, object]:
    return {"clientId": str(uuid.uuid4()), "dealId": deal["id"], "number": "SO-1", "amount": amount, "orderedAt": datetime.now(UTC).isoformat()}


def payment_input(order_id: str, amount: str, at: datetime | None = None) -> dict[str, object]:
    return {"clientId": str(uuid.uuid4()), "orderId": order_id, "amount": amount, "collectedAt": (at or datetime.now(UTC)).isoformat()}


async def test_activities_are_logged_once_against_a_deal(rep: GraphQLClient, world: World) -> None:
    deal = await open_deal(rep, world)
    data = {"clientId": str(uuid.uuid4()), "kind": "DEMO", "outcome": "POSITIVE", "occurredAt": datetime.now(UTC).isoformat(), "dealId": deal["id"], "note": "Showed the <b>app</b>"}
    first = (await rep.data(ACTIVITY, {"input": data}))["logActivity"]
    again = (await rep.data(ACTIVITY, {"input": data}))["logActivity"]
    bad = (await rep.data(ACTIVITY, {"input": {**data, "clientId": str(uuid.uuid4()), "dealId": None}}))["logActivity"]

    assert first["activity"] == {"kind": "DEMO", "outcome": "POSITIVE", "user": {"name": "Rita Rep"}}
    assert again["replayed"] is True
    assert bad["errors"][0] == {**bad["errors"][0], "field": "customerId", "code": "REQUIRED"}
    detail = (await rep.data(DETAIL, {"id": deal["id"]}))["deal"]
    assert [a["note"] for a in detail["activities"]] == ["Showed the <b>app</b>"]
