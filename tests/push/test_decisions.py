"""A manager's decision reaches the rep's phone: a reviewed visit, a decided reward redemption."""

from __future__ import annotations

from tests.conftest import Server
from tests.pipeline.test_deals import login
from tests.push.browser import BrowserSubscription
from tests.push.fake_push_service import FakePushService
from tests.push.test_push import SET_PREFERENCES, settled, subscribe
from tests.rewards.test_rewards import DECIDE, create, give_points, redeem
from tests.support import GraphQLClient, World
from tests.visits.test_field_visits import REVIEW, check_in


async def test_a_subscribed_rep_is_pushed_the_review_of_their_flagged_visit(
    server: Server, world: World, rep: GraphQLClient, push_service: FakePushService
) -> None:
    browser = BrowserSubscription(push_service.endpoint("rep-phone"))
    await subscribe(rep, browser)  # visit reviews are on by default
    flagged = (await check_in(rep, world, customerId=str(world.far_customer_id)))["visit"]
    assert flagged["status"] == "FLAGGED"
    manager = await login(server, world.manager.email)
    try:
        decision = {"visitId": flagged["id"], "decision": "REJECT", "note": "Not at the customer"}
        rejected = (await manager.data(REVIEW, {"input": decision}))["reviewVisit"]
        again = (await manager.data(REVIEW, {"input": decision}))["reviewVisit"]  # the same decision: no second push
    finally:
        await manager.http.aclose()

    (received,) = await push_service.wait_for(1)
    payload = browser.payload(received.body)

    assert rejected["visit"]["status"] == again["visit"]["status"] == "REJECTED"
    assert payload["kind"] == "visit_review"
    assert payload["url"] == "/visit"
    assert payload["title"] == "拜访未通过"  # the rep's language
    assert payload["body"] == "Max Manager 驳回了你对 Far Co 的拜访。Not at the customer"
    assert [j.kind for j in await settled(server, 1)] == ["visit_review"]


async def test_a_subscribed_rep_is_pushed_the_decision_on_their_redemption(
    server: Server, world: World, rep: GraphQLClient, push_service: FakePushService
) -> None:
    browser = BrowserSubscription(push_service.endpoint("rep-phone"))
    await subscribe(rep, browser)
    await rep.data(SET_PREFERENCES, {"kinds": ["REWARD"]})
    await give_points(server, world, world.rep.id, 1000)
    admin = await login(server, world.admin.email)
    manager = await login(server, world.manager.email)
    try:
        reward = (await create(admin))["reward"]
        pending = (await redeem(rep, reward["id"], quantity=2))["redemption"]
        decided = (await manager.data(DECIDE, {"input": {"redemptionId": pending["id"], "approve": True, "note": ""}}))["decideRedemption"]
    finally:
        await admin.http.aclose()
        await manager.http.aclose()

    (received,) = await push_service.wait_for(1)
    payload = browser.payload(received.body)

    assert decided["redemption"]["status"] == "APPROVED"
    assert (payload["kind"], payload["url"], payload["title"]) == ("reward", "/rewards", "兑换已批准")
    assert payload["body"] == "Max Manager 批准了你兑换的 京东卡 ¥200 JD card × 2（600 积分）。"
    assert [j.state for j in await settled(server, 1)] == ["sent"]
