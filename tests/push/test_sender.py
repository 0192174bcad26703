"""The sender on its own: VAPID tokens per origin, no settings shared between concurrent sends, workers sharing jobs."""

from __future__ import annotations

import asyncio
import io
import time
from collections import Counter

from PIL import Image

from podium.celebrations.service import CelebrationView, Kind
from podium.core.i18n import Locale
from podium.core.policies import Role
from podium.orgs.service import PublicUser
from podium.push import cards
from podium.push import service as push
from podium.push.sender import PushSender, Target, VapidKeys, VapidSigner, origin_of
from podium.push.service import Message, PushKind, PushWorker
from tests.conftest import Server
from tests.push.browser import BrowserSubscription, verify_vapid
from tests.push.conftest import SUBJECT
from tests.push.fake_push_service import FakePushService
from tests.push.test_push import SUBSCRIBE, jobs, settled
from tests.support import GraphQLClient, World


def test_the_audience_is_the_push_services_origin_with_its_port() -> None:
    assert origin_of("https://fcm.googleapis.com/fcm/send/abc") == "https://fcm.googleapis.com"
    assert origin_of("https://FCM.googleapis.com:443/x") == "https://fcm.googleapis.com"
    assert origin_of("http://127.0.0.1:8123/push/1") == "http://127.0.0.1:8123"


def test_one_token_per_origin_until_it_nears_expiry() -> None:
    now = [1_000_000.0]
    signer = VapidSigner(VapidKeys.generate(), SUBJECT, clock=lambda: now[0])

    first = signer.header("https://fcm.googleapis.com")
    same = signer.header("https://fcm.googleapis.com")
    other = signer.header("https://updates.push.services.mozilla.com")
    now[0] += 10.5 * 3600  # 1.5 h left: still reused
    later = signer.header("https://fcm.googleapis.com")
    now[0] += 1 * 3600  # half an hour left: renewed
    renewed = signer.header("https://fcm.googleapis.com")

    assert first == same == later
    assert other != first
    assert renewed != first
    verify_vapid(renewed, public_key_b64=signer.keys.public_key_b64, audience="https://fcm.googleapis.com", subject=SUBJECT, now=now[0])


async def test_concurrent_sends_keep_their_own_settings_and_share_a_few_connections(push_service: FakePushService) -> None:
    keys = VapidKeys.generate()
    sender = PushSender(keys, SUBJECT, concurrency=8)
    browsers = [BrowserSubscription(push_service.endpoint(f"b{i}")) for i in range(60)]
    try:
        await asyncio.gather(
            *(
                sender.send(Target(b.endpoint, **{k: v for k, v in b.as_input().items() if k != "endpoint"}), f"msg {i}".encode(), ttl=100 + i, topic=f"t{i}")
                for i, b in enumerate(browsers)
            )
        )
    finally:
        await sender.aclose()

    by_path = {r.path: r for r in push_service.received}
    for i, b in enumerate(browsers):
        got = by_path[f"/push/b{i}"]
        assert b.decrypt(got.body) == f"msg {i}".encode()
        assert (got.headers["ttl"], got.headers["topic"]) == (str(100 + i), f"t{i}")
    assert len({r.headers["authorization"] for r in push_service.received}) == 1  # one token for the one origin
    assert push_service.connections <= 8


async def test_workers_racing_for_the_same_jobs_never_send_one_twice(
    server: Server, world: World, rep: GraphQLClient, push_service: FakePushService, vapid: VapidKeys
) -> None:
    env = server.runtime.env
    for i in range(20):
        browser = BrowserSubscription(push_service.endpoint(f"p{i}"))
        result = (await rep.data(SUBSCRIBE, {"input": browser.as_input()}))["subscribePush"]
        assert result["__typename"] == "SubscribePushSuccess"
    for _ in range(5):
        await push.notify(env, org_id=world.org_id, user_id=world.rep.id, kind=PushKind.MILESTONE, message=lambda loc: Message("t", "b", "/", "x"))

    # Two more workers besides the app's own, all racing for the same 100 jobs.
    extra = [PushWorker(env, PushSender(vapid, SUBJECT, concurrency=4)) for _ in range(2)]
    await asyncio.gather(*(w.run_once() for w in extra))
    done = await settled(server, 100)
    for w in extra:
        await w.sender.aclose()

    assert {j.state for j in done} == {"sent"}
    assert all(j.attempts == 1 for j in done)
    assert max(Counter(r.body for r in push_service.received).values()) == 1
    assert len(push_service.received) == 100
    assert len(await jobs(server)) == 100


def test_a_card_draws_a_chinese_name_in_the_brand_colours() -> None:
    person = PublicUser(7, "王小明", Role.REP, None, None)
    view = CelebrationView(id=1, kind=Kind.MILESTONE, user=person, other_user=None, threshold=500, points=510, created_at=None)  # type: ignore[arg-type]
    text = cards.card_text(view, Locale.ZH_CN, "CNY")

    png = cards.draw_card(text, seed=1)
    image = Image.open(io.BytesIO(png)).convert("RGB")

    assert text.achievement == "本月积分 500 分" and text.initials == "小明"
    assert image.size == (1024, 512)
    assert image.getpixel((5, 5)) == (0x4F, 0x46, 0xE5) or image.getpixel((5, 5))[2] > 200  # indigo corner
    assert cards._font_path("bold") is not None  # fonts-noto-cjk is installed here: no tofu boxes
    started = time.perf_counter()
    cards.draw_card(text, seed=2)
    assert time.perf_counter() - started < 1.0
