"""Web Push end to end: subscribe over GraphQL, a celebration queues a push, the worker sends it to a fake push service."""

from __future__ import annotations

import asyncio
import io
import time

import httpx
from PIL import Image
from sqlalchemy import select

from podium.push import service as push
from podium.push.models import PushJob, PushSubscription
from podium.push.sender import VapidKeys
from podium.push.service import Message, PushKind
from tests.conftest import Server
from tests.pipeline.test_deals import login, move, open_deal, stage_ids
from tests.push.browser import BrowserSubscription, verify_vapid
from tests.push.conftest import SUBJECT
from tests.push.fake_push_service import FakePushService
from tests.support import GraphQLClient, World

CONFIG = "{ pushConfig { publicKey enabled } myPushPreferences { kinds available subscriptions } }"

SUBSCRIBE = """
mutation Subscribe($input: SubscribePushInput!) {
  subscribePush(input: $input) {
    __typename
    ... on SubscribePushSuccess { endpoint preferences { kinds subscriptions } }
    ... on OperationError { errors { field code message } }
  }
}
"""

UNSUBSCRIBE = """
mutation Unsubscribe($endpoint: String!) {
  unsubscribePush(endpoint: $endpoint) {
    __typename
    ... on UnsubscribePushSuccess { removed }
    ... on OperationError { errors { field code } }
  }
}
"""

SET_PREFERENCES = """
mutation Prefs($kinds: [PushKind!]!) {
  setPushPreferences(kinds: $kinds) {
    __typename
    ... on SetPushPreferencesSuccess { preferences { kinds } }
    ... on OperationError { errors { field code } }
  }
}
"""


async def subscribe(client: GraphQLClient, browser: BrowserSubscription) -> dict[str, object]:
    result = (await client.data(SUBSCRIBE, {"input": browser.as_input()}))["subscribePush"]
    assert result["__typename"] == "SubscribePushSuccess", result
    return result


async def jobs(server: Server) -> list[PushJob]:
    async with server.runtime.env.db() as session:
        return list((await session.scalars(select(PushJob).order_by(PushJob.id))).all())


async def subscriptions(server: Server) -> list[PushSubscription]:
    async with server.runtime.env.db() as session:
        return list((await session.scalars(select(PushSubscription))).all())


async def settled(server: Server, count: int, timeout: float = 10.0) -> list[PushJob]:
    """Wait until `count` jobs exist and none is pending."""
    deadline = time.monotonic() + timeout
    while True:
        found = await jobs(server)
        if len(found) >= count and all(j.state != "pending" for j in found):
            return found
        assert time.monotonic() < deadline, [(j.state, j.attempts, j.last_status) for j in found]
        await asyncio.sleep(0.05)


def hello(locale: object) -> Message:
    return Message(title="Hi", body=f"in {locale}", url="/board", tag="t-1")


async def test_subscribing_is_idempotent_on_the_endpoint_and_preferences_default_to_milestones_and_reviews(
    rep: GraphQLClient, push_service: FakePushService, server: Server, vapid: VapidKeys
) -> None:
    browser = BrowserSubscription(push_service.endpoint("rep-phone"))

    config = await rep.data(CONFIG)
    first = await subscribe(rep, browser)
    again = await subscribe(rep, browser)

    assert config["pushConfig"] == {"publicKey": vapid.public_key_b64, "enabled": True}
    assert config["myPushPreferences"]["kinds"] == ["MILESTONE", "VISIT_REVIEW"]
    assert config["myPushPreferences"]["subscriptions"] == 0
    assert first["preferences"]["subscriptions"] == again["preferences"]["subscriptions"] == 1
    assert len(await subscriptions(server)) == 1
    removed = (await rep.data(UNSUBSCRIBE, {"endpoint": browser.endpoint}))["unsubscribePush"]
    assert removed == {"__typename": "UnsubscribePushSuccess", "removed": True}
    assert await subscriptions(server) == []


async def test_bad_keys_and_endpoints_are_refused_and_store_nothing(rep: GraphQLClient, server: Server) -> None:
    browser = BrowserSubscription("http://127.0.0.1:9/push/x")
    bad = {**browser.as_input(), "p256dh": "bm90IGEga2V5", "auth": "c2hvcnQ"}
    ftp = {**browser.as_input(), "endpoint": "ftp://push.example/x"}

    keys = (await rep.data(SUBSCRIBE, {"input": bad}))["subscribePush"]
    scheme = (await rep.data(SUBSCRIBE, {"input": ftp}))["subscribePush"]

    assert {(e["field"], e["code"]) for e in keys["errors"]} == {("p256dh", "INVALID"), ("auth", "INVALID")}
    assert [(e["field"], e["code"]) for e in scheme["errors"]] == [("endpoint", "INVALID")]
    assert await subscriptions(server) == []


async def test_a_won_deal_pushes_an_encrypted_signed_message_that_opens_the_deal_with_its_card(
    server: Server, world: World, rep: GraphQLClient, push_service: FakePushService, vapid: VapidKeys
) -> None:
    browser = BrowserSubscription(push_service.endpoint("rep-phone"))
    await subscribe(rep, browser)
    await rep.data(SET_PREFERENCES, {"kinds": ["DEAL_WON", "MILESTONE"]})
    stages = await stage_ids(rep)
    deal = await open_deal(rep, world)

    won = await move(rep, deal, stages["won"], reason="Signed")
    received = await push_service.wait_for(3)  # the deal, the 100-point milestone, the first-deal badge

    assert won["deal"]["status"] == "WON"
    payloads = [browser.payload(r.body) for r in received]
    by_url = {p["url"]: p for p in payloads}
    deal_push = by_url[f"/deals/{deal['id']}"]
    assert deal_push["kind"] == "deal_won"
    assert deal_push["title"] == "赢单"  # the rep's locale (zh-CN by default)
    assert deal_push["body"] == "Near Co：120,000.50，干得漂亮！"
    assert deal_push["tag"].startswith("celebration-")
    assert by_url["/board"]["kind"] == "milestone"  # 120 points passed the 100 milestone
    badge_push = by_url["/profile"]  # badges ride on the milestone preference
    assert (badge_push["kind"], badge_push["title"]) == ("milestone", "获得新徽章")
    assert "首单告捷" in badge_push["body"]
    for r in received:
        assert r.headers["content-encoding"] == "aes128gcm"
        assert int(r.headers["ttl"]) == 86400
        verify_vapid(r.headers["authorization"], public_key_b64=vapid.public_key_b64, audience=push_service.origin, subject=SUBJECT, now=time.time())
    # The notification fetches its image with no cookie: the signed URL is enough, and it is a real card.
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        card = await anonymous.get(deal_push["image"])
        unsigned = await anonymous.get(deal_push["image"].split("&sig=")[0])
        forged = await anonymous.get(deal_push["image"][:-4] + "0000")
    assert card.status_code == 200 and card.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(card.content)).size == (1024, 512)
    assert unsigned.status_code == forged.status_code == 401
    # In the app the feed loads cards with the session cookie; another org's people get nothing.
    celebration_path = deal_push["image"].split("?")[0]
    assert (await rep.http.get(celebration_path)).status_code == 200
    outsider = await login(server, world.outsider.email)
    try:
        assert (await outsider.http.get(celebration_path)).status_code == 404
    finally:
        await outsider.http.aclose()
    done = await settled(server, 3)
    assert {j.state for j in done} == {"sent"}
    assert (await subscriptions(server))[0].last_success_at is not None


async def test_preferences_decide_what_is_queued(server: Server, world: World, rep: GraphQLClient, push_service: FakePushService) -> None:
    browser = BrowserSubscription(push_service.endpoint("rep-phone"))
    await subscribe(rep, browser)
    stages = await stage_ids(rep)
    deal = await open_deal(rep, world)

    await move(rep, deal, stages["won"], reason="Signed")  # defaults: the milestone and the badge, not the won deal
    await settled(server, 2)
    await rep.data(SET_PREFERENCES, {"kinds": []})
    env = server.runtime.env
    none = await push.notify(env, org_id=world.org_id, user_id=world.rep.id, kind=PushKind.MILESTONE, message=hello)

    assert [j.kind for j in await jobs(server)] == ["milestone", "milestone"]
    assert sorted(browser.payload(r.body)["url"] for r in push_service.received) == ["/board", "/profile"]
    assert none == 0


async def test_a_push_answered_500_is_retried_then_delivered(server: Server, world: World, rep: GraphQLClient, push_service: FakePushService) -> None:
    browser = BrowserSubscription(push_service.endpoint("flaky"))
    await subscribe(rep, browser)
    push_service.answer("flaky", 500, 503)

    queued = await push.notify(server.runtime.env, org_id=world.org_id, user_id=world.rep.id, kind=PushKind.MILESTONE, message=hello)
    (job,) = await settled(server, 1)

    assert queued == 1
    assert (job.state, job.attempts, job.last_status) == ("sent", 3, 201)
    assert len(push_service.received) == 3
    # Each attempt is encrypted anew, and each decrypts to the same message.
    assert len({r.body for r in push_service.received}) == 3
    assert {browser.payload(r.body)["body"] for r in push_service.received} == {"in zh-CN"}


async def test_a_push_that_keeps_failing_is_kept_as_failed(server: Server, world: World, rep: GraphQLClient, push_service: FakePushService) -> None:
    await subscribe(rep, BrowserSubscription(push_service.endpoint("down")))
    push_service.answer("down", 500, 500, 500, 500)

    await push.notify(server.runtime.env, org_id=world.org_id, user_id=world.rep.id, kind=PushKind.MILESTONE, message=hello)
    (job,) = await settled(server, 1)

    assert (job.state, job.attempts, job.last_status) == ("failed", 3, 500)  # max_attempts = 3 in these tests
    assert len(await subscriptions(server)) == 1  # a failing push service is no reason to forget the browser


async def test_410_removes_the_subscription_and_its_other_pushes(server: Server, world: World, rep: GraphQLClient, push_service: FakePushService) -> None:
    gone = BrowserSubscription(push_service.endpoint("old-phone"))
    kept = BrowserSubscription(push_service.endpoint("new-phone"))
    await subscribe(rep, gone)
    await subscribe(rep, kept)
    push_service.answer("old-phone", 410)

    await push.notify(server.runtime.env, org_id=world.org_id, user_id=world.rep.id, kind=PushKind.MILESTONE, message=hello)
    done = await settled(server, 2)

    assert sorted(j.state for j in done) == ["gone", "sent"]
    assert [s.endpoint for s in await subscriptions(server)] == [kept.endpoint]
    # Nothing more goes to the expired one.
    await push.notify(server.runtime.env, org_id=world.org_id, user_id=world.rep.id, kind=PushKind.MILESTONE, message=hello)
    await settled(server, 3)
    assert [r.path for r in push_service.received].count("/push/old-phone") == 1


async def test_someone_else_cannot_unsubscribe_my_browser(server: Server, world: World, rep: GraphQLClient, push_service: FakePushService) -> None:
    browser = BrowserSubscription(push_service.endpoint("rep-phone"))
    await subscribe(rep, browser)
    other = await login(server, world.rep2.email)
    try:
        result = (await other.data(UNSUBSCRIBE, {"endpoint": browser.endpoint}))["unsubscribePush"]
    finally:
        await other.http.aclose()

    assert result == {"__typename": "UnsubscribePushSuccess", "removed": False}
    assert len(await subscriptions(server)) == 1
