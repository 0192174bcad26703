"""The rewards store through the API: catalog, redeeming, balance, races, and the manager's decision."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from podium.core.events import transaction
from podium.points.models import PointsEntry
from tests.support import GraphQLClient, World

CREATE = """
mutation Create($input: CreateRewardInput!) {
  createReward(input: $input) {
    __typename
    ... on SaveRewardSuccess { replayed reward { id name description pointsPrice stock active } }
    ... on OperationError { errors { field code message } }
  }
}
"""

UPDATE = """
mutation Update($input: UpdateRewardInput!) {
  updateReward(input: $input) {
    __typename
    ... on SaveRewardSuccess { reward { id name pointsPrice stock active } }
    ... on OperationError { errors { field code message } }
  }
}
"""

REDEEM = """
mutation Redeem($input: RedeemRewardInput!) {
  redeemReward(input: $input) {
    __typename
    ... on RedeemRewardSuccess {
      replayed
      redemption { id clientId rewardId rewardName unitPrice quantity points status note person { id } }
      balance { earned held spent available }
    }
    ... on OperationError { errors { field code message } }
  }
}
"""

DECIDE = """
mutation Decide($input: DecideRedemptionInput!) {
  decideRedemption(input: $input) {
    __typename
    ... on DecideRedemptionSuccess { redemption { id status decisionNote decidedBy { id } } }
    ... on OperationError { errors { field code message } }
  }
}
"""

STATE = """
{
  myRewardsBalance { earned held spent available }
  myRedemptions(first: 100) { id clientId status points quantity }
  rewards { id name pointsPrice stock }
  myPoints { total }
}
"""

QUEUE = "{ redemptionsToDecide { id person { id } rewardName points } redemptionsToDecideCount }"


async def give_points(server: Any, world: World, user_id: int, points: int, team_id: int | None = None) -> None:
    """Given: points already earned (a ledger entry, as a rule would have written it)."""
    env = server.runtime.env
    async with transaction(env.db) as tx:
        tx.session.add(PointsEntry(
            org_id=world.org_id if user_id != world.outsider.id else world.other_org_id, user_id=user_id,
            team_id=team_id, points=points, rule_kind="test_grant", source_type="test", source_id=uuid.uuid4().int % 1_000_000_000,
            occurred_at=datetime.now(UTC), created_at=datetime.now(UTC),
        ))


@pytest.fixture
async def admin(server: Any, world: World) -> Any:
    async with GraphQLClient(server.url) as client:
        await client.login(world.admin.email)
        yield client


@pytest.fixture
async def manager(server: Any, world: World) -> Any:
    async with GraphQLClient(server.url) as client:
        await client.login(world.manager.email)
        yield client


async def create(admin: GraphQLClient, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"clientId": str(uuid.uuid4()), "name": "京东卡 ¥200 JD card", "pointsPrice": 300, "description": "E-card"}
    data.update(overrides)
    return (await admin.data(CREATE, {"input": data}))["createReward"]


async def redeem(client: GraphQLClient, reward_id: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"clientId": str(uuid.uuid4()), "rewardId": reward_id, "quantity": 1, "note": ""}
    data.update(overrides)
    return (await client.data(REDEEM, {"input": data}))["redeemReward"]


def codes(result: dict[str, Any]) -> list[tuple[str | None, str]]:
    assert result["__typename"] == "OperationError", result
    assert all(e["message"] for e in result["errors"])
    return [(e["field"], e["code"]) for e in result["errors"]]


# --- redeeming --------------------------------------------------------------------------------


async def test_redeeming_holds_points_and_stock_until_decided(server: Any, world: World, admin: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 1000, world.team_a)
    reward = (await create(admin, stock=5))["reward"]

    result = await redeem(rep, reward["id"], quantity=2, note="for the team")

    assert result["__typename"] == "RedeemRewardSuccess"
    assert result["replayed"] is False
    assert result["redemption"]["status"] == "PENDING"
    assert result["redemption"]["points"] == 600
    assert result["redemption"]["unitPrice"] == 300
    assert result["balance"] == {"earned": 1000, "held": 600, "spent": 0, "available": 400}
    state = await rep.data(STATE)
    assert state["myRewardsBalance"] == {"earned": 1000, "held": 600, "spent": 0, "available": 400}
    assert state["rewards"][0]["stock"] == 3
    assert state["myPoints"]["total"] == 1000  # earned points (and boards) are untouched by spending


async def test_a_replayed_client_id_returns_the_first_redemption_and_adds_nothing(server: Any, world: World, admin: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 1000)
    reward = (await create(admin, stock=5))["reward"]

    first = await redeem(rep, reward["id"], clientId="phone-redeem-0001", note="first")
    again = await redeem(rep, reward["id"], clientId="phone-redeem-0001", note="changed on retry", quantity=3)

    assert again["replayed"] is True
    assert again["redemption"]["id"] == first["redemption"]["id"]
    assert again["redemption"]["note"] == "first"
    state = await rep.data(STATE)
    assert len(state["myRedemptions"]) == 1
    assert state["myRewardsBalance"]["held"] == 300
    assert state["rewards"][0]["stock"] == 4


async def test_concurrent_deliveries_of_one_redemption_store_it_once(server: Any, world: World, admin: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 1000)
    reward = (await create(admin))["reward"]
    data = {"clientId": f"race-{uuid.uuid4()}", "rewardId": reward["id"], "quantity": 1, "note": ""}

    results = await asyncio.gather(*(rep.data(REDEEM, {"input": data}) for _ in range(5)))

    assert len({r["redeemReward"]["redemption"]["id"] for r in results}) == 1
    state = await rep.data(STATE)
    assert len(state["myRedemptions"]) == 1
    assert state["myRewardsBalance"]["available"] == 700


async def test_beyond_the_balance_is_refused_with_the_numbers_and_nothing_is_stored(server: Any, world: World, admin: GraphQLClient, rep: GraphQLClient) -> None:
    await rep.data('mutation { setLocale(locale: EN) { locale } }')
    await give_points(server, world, world.rep.id, 500)
    reward = (await create(admin, stock=10))["reward"]

    result = await redeem(rep, reward["id"], quantity=2)

    assert codes(result) == [("quantity", "INSUFFICIENT")]
    assert result["errors"][0]["message"] == "Not enough points: this needs 600, you have 500 available."
    state = await rep.data(STATE)
    assert state["myRedemptions"] == []
    assert state["myRewardsBalance"] == {"earned": 500, "held": 0, "spent": 0, "available": 500}
    assert state["rewards"][0]["stock"] == 10


async def test_held_points_count_against_the_next_redemption(server: Any, world: World, admin: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 500)
    reward = (await create(admin))["reward"]

    assert (await redeem(rep, reward["id"]))["__typename"] == "RedeemRewardSuccess"
    second = await redeem(rep, reward["id"])

    assert codes(second) == [("rewardId", "INSUFFICIENT")]


async def test_out_of_stock_is_refused(server: Any, world: World, admin: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 5000)
    reward = (await create(admin, stock=1))["reward"]

    too_many = await redeem(rep, reward["id"], quantity=2)
    assert codes(too_many) == [("quantity", "OUT_OF_STOCK")]
    assert (await redeem(rep, reward["id"]))["__typename"] == "RedeemRewardSuccess"
    gone = await redeem(rep, reward["id"])

    assert codes(gone) == [("rewardId", "OUT_OF_STOCK")]
    state = await rep.data(STATE)
    assert state["rewards"][0]["stock"] == 0
    assert state["myRewardsBalance"]["held"] == 300


async def test_ten_concurrent_redemptions_never_overdraw(server: Any, world: World, admin: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 1000)
    reward = (await create(admin, pointsPrice=300))["reward"]  # affordable three times

    results = await asyncio.gather(*(redeem(rep, reward["id"]) for _ in range(10)))

    kinds = [r["__typename"] for r in results]
    assert kinds.count("RedeemRewardSuccess") == 3
    refused = [r for r in results if r["__typename"] == "OperationError"]
    assert all(codes(r) == [("rewardId", "INSUFFICIENT")] for r in refused)
    state = await rep.data(STATE)
    assert len(state["myRedemptions"]) == 3
    assert state["myRewardsBalance"] == {"earned": 1000, "held": 900, "spent": 0, "available": 100}


async def test_the_last_unit_raced_by_two_people_goes_to_one(server: Any, world: World, admin: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 1000)
    await give_points(server, world, world.rep2.id, 1000)
    reward = (await create(admin, stock=1))["reward"]
    async with GraphQLClient(server.url) as rob:
        await rob.login(world.rep2.email)

        results = await asyncio.gather(redeem(rep, reward["id"]), redeem(rob, reward["id"]))

        assert sorted(r["__typename"] for r in results) == ["OperationError", "RedeemRewardSuccess"]
        loser = next(r for r in results if r["__typename"] == "OperationError")
        assert codes(loser) == [("rewardId", "OUT_OF_STOCK")]
        held = [(await c.data(STATE))["myRewardsBalance"]["held"] for c in (rep, rob)]
    assert sorted(held) == [0, 300]
    assert (await rep.data(STATE))["rewards"][0]["stock"] == 0


REDEEM_BAD_INPUTS = [
    pytest.param({"quantity": 0}, "quantity", "OUT_OF_RANGE", id="zero-quantity"),
    pytest.param({"quantity": -2}, "quantity", "OUT_OF_RANGE", id="negative-quantity"),
    pytest.param({"quantity": 1000}, "quantity", "OUT_OF_RANGE", id="huge-quantity"),
    pytest.param({"note": "x" * 10_000}, "note", "TOO_LONG", id="long-note"),
    pytest.param({"clientId": "short"}, "clientId", "INVALID", id="bad-client-id"),
    pytest.param({"rewardId": "999999"}, "rewardId", "NOT_FOUND", id="unknown-reward"),
    pytest.param({"rewardId": "abc"}, "rewardId", "NOT_FOUND", id="malformed-reward-id"),
]


@pytest.mark.parametrize(("overrides", "field", "code"), REDEEM_BAD_INPUTS)
async def test_bad_redemptions_get_a_typed_error_and_change_nothing(
    server: Any, world: World, admin: GraphQLClient, rep: GraphQLClient, overrides: dict[str, Any], field: str, code: str
) -> None:
    await give_points(server, world, world.rep.id, 1000)
    reward = (await create(admin, stock=3))["reward"]

    result = await redeem(rep, reward["id"], **overrides)

    assert (field, code) in codes(result)
    state = await rep.data(STATE)
    assert state["myRedemptions"] == []
    assert state["myRewardsBalance"]["available"] == 1000
    assert state["rewards"][0]["stock"] == 3


async def test_a_retired_reward_cannot_be_redeemed_and_leaves_the_catalog(server: Any, world: World, admin: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 1000)
    reward = (await create(admin))["reward"]
    retired = (await admin.data(UPDATE, {"input": {"rewardId": reward["id"], "active": False}}))["updateReward"]
    assert retired["reward"]["active"] is False

    result = await redeem(rep, reward["id"])

    assert codes(result) == [("rewardId", "RETIRED")]
    assert (await rep.data(STATE))["rewards"] == []
    everything = await admin.data("{ rewards(includeRetired: true) { id active } }")
    assert everything["rewards"] == [{"id": reward["id"], "active": False}]


# --- the catalog ------------------------------------------------------------------------------

CATALOG_BAD_INPUTS = [
    pytest.param({"pointsPrice": -100}, "pointsPrice", "OUT_OF_RANGE", id="negative-price"),
    pytest.param({"pointsPrice": 0}, "pointsPrice", "OUT_OF_RANGE", id="zero-price"),
    pytest.param({"pointsPrice": 10_000_000}, "pointsPrice", "OUT_OF_RANGE", id="huge-price"),
    pytest.param({"stock": -1}, "stock", "OUT_OF_RANGE", id="negative-stock"),
    pytest.param({"name": "   "}, "name", "REQUIRED", id="blank-name"),
    pytest.param({"name": "x" * 81}, "name", "TOO_LONG", id="long-name"),
    pytest.param({"description": "x" * 5000}, "description", "TOO_LONG", id="long-description"),
    pytest.param({"clientId": "bad id!"}, "clientId", "INVALID", id="bad-client-id"),
]


@pytest.mark.parametrize(("overrides", "field", "code"), CATALOG_BAD_INPUTS)
async def test_bad_rewards_get_a_typed_error_and_change_nothing(admin: GraphQLClient, overrides: dict[str, Any], field: str, code: str) -> None:
    result = await create(admin, **overrides)

    assert (field, code) in codes(result)
    assert (await admin.data("{ rewards(includeRetired: true) { id } }"))["rewards"] == []


async def test_every_problem_of_a_reward_is_named_at_once_in_the_callers_language(admin: GraphQLClient) -> None:
    await admin.data('mutation { setLocale(locale: ZH_CN) { locale } }')
    result = await create(admin, name="", pointsPrice=-5, stock=-1)

    assert sorted(codes(result)) == [("name", "REQUIRED"), ("pointsPrice", "OUT_OF_RANGE"), ("stock", "OUT_OF_RANGE")]
    assert next(e for e in result["errors"] if e["field"] == "pointsPrice")["message"] == "必须介于 1 和 1000000 之间。"


async def test_a_negative_price_on_update_is_refused(admin: GraphQLClient) -> None:
    reward = (await create(admin))["reward"]

    result = (await admin.data(UPDATE, {"input": {"rewardId": reward["id"], "pointsPrice": -1}}))["updateReward"]

    assert codes(result) == [("pointsPrice", "OUT_OF_RANGE")]
    assert (await admin.data("{ rewards { pointsPrice } }"))["rewards"] == [{"pointsPrice": 300}]


async def test_admins_edit_price_and_stock_and_a_create_replay_adds_nothing(admin: GraphQLClient) -> None:
    first = await create(admin, clientId="admin-create-0001", stock=2)
    again = await create(admin, clientId="admin-create-0001", stock=2)
    assert again["replayed"] is True and again["reward"]["id"] == first["reward"]["id"]

    changed = (await admin.data(UPDATE, {"input": {"rewardId": first["reward"]["id"], "pointsPrice": 450, "stock": 7, "name": "Gift card"}}))["updateReward"]
    assert changed["reward"] == {"id": first["reward"]["id"], "name": "Gift card", "pointsPrice": 450, "stock": 7, "active": True}
    unlimited = (await admin.data(UPDATE, {"input": {"rewardId": first["reward"]["id"], "unlimited": True}}))["updateReward"]
    assert unlimited["reward"]["stock"] is None


async def test_only_admins_shape_the_catalog(server: Any, world: World, admin: GraphQLClient, manager: GraphQLClient, rep: GraphQLClient) -> None:
    reward = (await create(admin))["reward"]

    for client in (manager, rep):
        assert codes(await create(client)) == [(None, "FORBIDDEN")]
        result = (await client.data(UPDATE, {"input": {"rewardId": reward["id"], "pointsPrice": 1}}))["updateReward"]
        assert codes(result) == [(None, "FORBIDDEN")]
    assert (await rep.data("{ rewards { pointsPrice } }"))["rewards"] == [{"pointsPrice": 300}]


# --- deciding ---------------------------------------------------------------------------------


async def test_approval_spends_the_held_points(server: Any, world: World, admin: GraphQLClient, manager: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 1000)
    reward = (await create(admin, stock=2))["reward"]
    pending = (await redeem(rep, reward["id"]))["redemption"]
    queue = await manager.data(QUEUE)
    assert [r["id"] for r in queue["redemptionsToDecide"]] == [pending["id"]]
    assert queue["redemptionsToDecideCount"] == 1

    result = (await manager.data(DECIDE, {"input": {"redemptionId": pending["id"], "approve": True, "note": "enjoy"}}))["decideRedemption"]

    assert result["redemption"]["status"] == "APPROVED"
    assert result["redemption"]["decidedBy"]["id"] == str(world.manager.id)
    state = await rep.data(STATE)
    assert state["myRewardsBalance"] == {"earned": 1000, "held": 0, "spent": 300, "available": 700}
    assert state["myRedemptions"][0]["status"] == "APPROVED"
    assert state["rewards"][0]["stock"] == 1
    assert (await manager.data(QUEUE))["redemptionsToDecideCount"] == 0


async def test_rejection_releases_the_points_and_returns_the_stock(server: Any, world: World, admin: GraphQLClient, manager: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 1000)
    reward = (await create(admin, stock=2))["reward"]
    pending = (await redeem(rep, reward["id"], quantity=2))["redemption"]
    assert (await rep.data(STATE))["rewards"][0]["stock"] == 0

    result = (await manager.data(DECIDE, {"input": {"redemptionId": pending["id"], "approve": False, "note": "not this quarter"}}))["decideRedemption"]

    assert result["redemption"]["status"] == "REJECTED"
    assert result["redemption"]["decisionNote"] == "not this quarter"
    state = await rep.data(STATE)
    assert state["myRewardsBalance"] == {"earned": 1000, "held": 0, "spent": 0, "available": 1000}
    assert state["rewards"][0]["stock"] == 2


async def test_a_decision_is_final(server: Any, world: World, admin: GraphQLClient, manager: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 1000)
    reward = (await create(admin, stock=2))["reward"]
    pending = (await redeem(rep, reward["id"]))["redemption"]
    await manager.data(DECIDE, {"input": {"redemptionId": pending["id"], "approve": True}})

    same = (await manager.data(DECIDE, {"input": {"redemptionId": pending["id"], "approve": True}}))["decideRedemption"]
    other = (await admin.data(DECIDE, {"input": {"redemptionId": pending["id"], "approve": False}}))["decideRedemption"]

    assert same["redemption"]["status"] == "APPROVED"  # a retried tap changes nothing
    assert codes(other) == [("redemptionId", "DECIDED")]
    state = await rep.data(STATE)
    assert state["myRewardsBalance"]["spent"] == 300
    assert state["rewards"][0]["stock"] == 1  # not given back by the refused rejection


async def test_only_managers_in_reach_and_admins_decide_and_never_their_own(server: Any, world: World, admin: GraphQLClient, manager: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 1000)
    await give_points(server, world, world.rep3.id, 1000)
    await give_points(server, world, world.manager.id, 1000)
    reward = (await create(admin))["reward"]
    mine = (await redeem(rep, reward["id"]))["redemption"]
    own = (await redeem(manager, reward["id"]))["redemption"]
    async with GraphQLClient(server.url) as bea, GraphQLClient(server.url) as rob:
        await bea.login(world.rep3.email)  # team B: outside the manager's reach
        await rob.login(world.rep2.email)
        other_team = (await redeem(bea, reward["id"]))["redemption"]

        by_rep = (await rob.data(DECIDE, {"input": {"redemptionId": mine["id"], "approve": True}}))["decideRedemption"]
        assert codes(by_rep) == [(None, "FORBIDDEN")]
        rep_queue = await rob.execute(QUEUE)
        assert rep_queue["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    out_of_reach = (await manager.data(DECIDE, {"input": {"redemptionId": other_team["id"], "approve": True}}))["decideRedemption"]
    assert codes(out_of_reach) == [("redemptionId", "NOT_FOUND")]
    self_decided = (await manager.data(DECIDE, {"input": {"redemptionId": own["id"], "approve": True}}))["decideRedemption"]
    assert codes(self_decided) == [("redemptionId", "FORBIDDEN")]
    assert [r["id"] for r in (await manager.data(QUEUE))["redemptionsToDecide"]] == [mine["id"]]

    # The admin decides for anyone in the org, the manager's own request included.
    admin_queue = {r["id"] for r in (await admin.data(QUEUE))["redemptionsToDecide"]}
    assert admin_queue == {mine["id"], own["id"], other_team["id"]}
    by_admin = (await admin.data(DECIDE, {"input": {"redemptionId": own["id"], "approve": False}}))["decideRedemption"]
    assert by_admin["redemption"]["status"] == "REJECTED"


async def test_another_org_sees_and_touches_nothing(server: Any, world: World, admin: GraphQLClient, rep: GraphQLClient) -> None:
    await give_points(server, world, world.rep.id, 1000)
    await give_points(server, world, world.outsider.id, 5000)
    reward = (await create(admin, stock=3))["reward"]
    pending = (await redeem(rep, reward["id"]))["redemption"]
    async with GraphQLClient(server.url) as olga:
        await olga.login(world.outsider.email)

        state = await olga.data(STATE)
        foreign = await redeem(olga, reward["id"])

    assert state["rewards"] == [] and state["myRedemptions"] == []
    assert codes(foreign) == [("rewardId", "NOT_FOUND")]
    assert (await rep.data(STATE))["rewards"][0]["stock"] == 2
    assert pending["status"] == "PENDING"


async def test_signed_out_callers_cannot_redeem(server: Any, world: World, admin: GraphQLClient) -> None:
    reward = (await create(admin))["reward"]
    async with GraphQLClient(server.url) as anonymous:
        result = await redeem(anonymous, reward["id"])
    assert codes(result) == [(None, "UNAUTHENTICATED")]
