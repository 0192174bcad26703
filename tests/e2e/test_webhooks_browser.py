"""In Debian's chromium: an admin adds a webhook endpoint, keeps its secret, sends a test event the receiver verifies,
watches a failing delivery and replays a message; a manager is told the page is for admins."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from playwright.async_api import Browser, Page, expect
from standardwebhooks import Webhook

from tests.conftest import Server, Stack, start_server, stop_server
from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401
from tests.pipeline.test_deals import move, open_deal, stage_ids
from tests.support import GraphQLClient, World
from tests.webhooks.conftest import LOCAL
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.browser


@pytest.fixture
async def server(stack: Stack) -> AsyncIterator[Server]:
    running, uv_server, task = await start_server(dataclasses.replace(stack.settings, webhooks=LOCAL))
    yield running
    await stop_server(uv_server, task)


async def _language(page: Page, locale: str) -> None:
    switch = page.get_by_test_id("lang-switch")
    if await switch.get_attribute("data-locale") != locale:
        await switch.click()
    await expect(switch).to_have_attribute("data-locale", locale)


async def _shoot(page: Page, size: str, state: str, stack_name: str) -> None:
    for locale, lang in (("en", "en"), ("zh-CN", "zh")):
        await _language(page, locale)
        await expect(page.get_by_test_id("webhooks-page")).to_be_visible()
        await page.screenshot(path=str(SHOTS / f"{size}-webhooks-{state}-{lang}-{stack_name}.png"), full_page=True)


async def _until(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_an_admin_subscribes_an_endpoint_tests_it_and_replays_a_message(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with Receiver() as receiver:
        # Given an admin on a big screen, who finds the page beside the other settings
        tv_context = await browser.new_context(viewport=TV, locale="en-US")
        await tv_context.grant_permissions(["clipboard-read", "clipboard-write"])
        tv = await tv_context.new_page()
        await _login(tv, server.url, world.admin.email, "/team")
        await tv.get_by_test_id("nav-webhooks").click()
        await expect(tv.get_by_test_id("webhooks-empty")).to_be_visible()
        await _language(tv, "en")

        # When they add an endpoint for deals won and payments collected
        await tv.get_by_test_id("webhook-add").click()
        await tv.get_by_test_id("webhook-url").fill(receiver.url())
        await tv.get_by_test_id("webhook-description").fill("Finance ERP")
        await tv.get_by_test_id("webhook-type-payment.collected").check()
        await expect(tv.get_by_test_id("webhook-type-deal.won")).to_be_checked()
        await tv.get_by_test_id("webhook-save").click()

        # Then the secret is shown once, to copy
        value = tv.get_by_test_id("webhook-secret-value")
        await expect(value).to_have_value(re.compile(r"^whsec_[A-Za-z0-9+/]{32}$"))
        secret = await value.input_value()
        await tv.get_by_test_id("webhook-secret-copy").click()
        await expect(tv.get_by_test_id("webhook-secret-copy")).to_have_text("Copied")
        assert await tv.evaluate("navigator.clipboard.readText()") == secret
        await _shoot(tv, "tv", "secret", stack.name)
        await tv.get_by_test_id("webhook-secret-done").click()
        await expect(tv.get_by_test_id("webhook-secret")).to_have_count(0)
        await _language(tv, "en")

        # and a test event reaches the receiver, signed with that secret
        await tv.get_by_test_id("webhook-test").click()
        (test,) = await receiver.wait_for(1)
        assert Webhook(secret).verify(test.body, test.headers)["type"] == "webhook.test"

        # and a won deal the receiver fails is listed as retrying, with its answer
        receiver.answer((500, '{"error":"database locked"}'))
        async with GraphQLClient(server.url) as rep:
            await rep.login(world.rep.email)
            deal = await open_deal(rep, world)
            await move(rep, deal, (await stage_ids(rep))["won"], reason="Signed")
        await receiver.wait_for(2)
        rows = tv.get_by_test_id("delivery-row")

        async def listed() -> bool:
            await tv.get_by_test_id("deliveries-refresh").click()
            await asyncio.sleep(0.3)
            return await tv.locator('[data-testid="delivery-row"][data-status="pending"]').count() == 1

        await _until(listed)
        await expect(rows).to_have_count(2)
        await expect(tv.locator('[data-testid="delivery-row"][data-status="sent"]')).to_contain_text("Test event")
        failing = tv.locator('[data-testid="delivery-row"][data-status="pending"]')
        await expect(failing).to_contain_text("Deal won")
        await expect(failing).to_contain_text("500")
        await expect(failing).to_contain_text("database locked")
        await _shoot(tv, "tv", "deliveries", stack.name)
        await _language(tv, "en")

        # When they replay the test event, it goes again with the same webhook-id
        await tv.locator('[data-testid="delivery-row"][data-status="sent"]').get_by_test_id("delivery-replay").click()
        await expect(tv.get_by_test_id("webhooks-notice")).to_contain_text("same webhook-id")
        await receiver.wait_for(3)
        assert receiver.received[2].headers["webhook-id"] == test.headers["webhook-id"]

        # and on a phone the same page reads in one column
        phone_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
        phone = await phone_context.new_page()
        await _login(phone, server.url, world.admin.email, "/settings/webhooks")
        await expect(phone.get_by_test_id("delivery-row")).to_have_count(2)
        await _shoot(phone, "phone", "deliveries", stack.name)
        await phone.get_by_test_id("webhook-edit").click()
        await expect(phone.get_by_test_id("webhook-editor")).to_be_visible()
        await _shoot(phone, "phone", "editor", stack.name)
        await phone_context.close()
        await tv_context.close()

    # A manager has neither the link nor the page
    manager_context = await browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    manager = await manager_context.new_page()
    await _login(manager, server.url, world.manager.email, "/settings/webhooks")
    await expect(manager.get_by_test_id("webhooks-forbidden")).to_contain_text("只有管理员")
    await manager_context.close()
