"""In Debian's chromium: a consequence that kept failing (a board not moved) is listed for the admin, who retries it; a manager is told the page is for admins."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, Page, expect

from podium.core.env import Env
from podium.core.outbox import Outbox
from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401
from tests.support import GraphQLClient, World

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAILURES = "query { eventFailures { id givenUp } }"
# A database error's shape: a first line, then details that make the error long enough to fold.
FIRE = "the board store is on fire\nDETAIL: Key (org_id, period)=(1, 2026-03) is locked by process 4242.\nHINT: Try again later.\nCONTEXT: SQL statement \"UPDATE boards SET total = total + 10\""


async def _language(page: Page, locale: str) -> None:
    switch = page.get_by_test_id("lang-switch")
    if await switch.get_attribute("data-locale") != locale:
        await switch.click()
    await expect(switch).to_have_attribute("data-locale", locale)


async def _shoot_both_languages(page: Page, size: str, state: str, stack_name: str) -> None:
    for locale, lang in (("en", "en"), ("zh-CN", "zh")):
        await _language(page, locale)
        await expect(page.get_by_test_id("events-page")).to_be_visible()
        await page.screenshot(path=str(SHOTS / f"{size}-events-{state}-{lang}-{stack_name}.png"), full_page=True)


async def _until(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_an_admin_sees_a_failed_consequence_and_retries_it(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    outbox: Outbox = server.runtime.outbox

    # Given an admin on a big screen in another zone than the org's, who finds the page beside the other settings
    tv_context = await browser.new_context(viewport=TV, locale="en-US", timezone_id="Europe/London")
    tv = await tv_context.new_page()
    await _login(tv, server.url, world.admin.email, "/team")
    await tv.get_by_test_id("nav-events").click()  # the desktop side navigation
    await expect(tv.get_by_test_id("events-page")).to_be_visible()
    # nothing has failed: everything is said to be up to date
    await expect(tv.get_by_test_id("events-empty")).to_be_visible()
    await _shoot_both_languages(tv, "tv", "none", stack.name)
    await expect(tv.get_by_test_id("events-empty")).to_contain_text("所有后续处理都已完成")
    phone_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    phone = await phone_context.new_page()
    await _login(phone, server.url, world.admin.email, "/settings/events")
    await expect(phone.get_by_test_id("events-empty")).to_be_visible()
    await _shoot_both_languages(phone, "phone", "none", stack.name)

    # and a manager, who has neither the link nor the page
    manager_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    manager = await manager_context.new_page()
    await _login(manager, server.url, world.manager.email, "/team")
    await expect(manager.get_by_test_id("tab-team")).to_be_visible()
    await manager.get_by_test_id("open-menu").click()
    await expect(manager.get_by_test_id("menu-page")).to_be_visible()
    await expect(manager.get_by_test_id("menu-events")).to_have_count(0)
    await manager.goto(f"{server.url}/settings/events")
    await expect(manager.get_by_test_id("events-forbidden")).to_contain_text("只有管理员")
    await expect(manager.get_by_test_id("events-page")).to_have_count(0)
    await manager.screenshot(path=str(SHOTS / f"phone-events-forbidden-{stack.name}.png"))
    await manager_context.close()

    # When the boards' handler of points fails on a rep's visit, with no second attempt
    async def broken(env: Env, event: Any) -> None:
        raise RuntimeError(FIRE)

    outbox._handlers["points"].insert(0, ("tests.broken", broken))
    outbox.max_attempts = 1
    try:
        async with GraphQLClient(server.url) as rep:
            await rep.login(world.rep.email)
            await rep.log_visit(world)
    finally:
        outbox._handlers["points"].pop(0)
    async with GraphQLClient(server.url) as admin:
        await admin.login(world.admin.email)

        async def given_up() -> bool:
            return any(f["givenUp"] for f in (await admin.data(FAILURES))["eventFailures"])

        await _until(given_up)

        # Then a refresh lists it: in words, when in the org's zone, retries stopped, and the error, folded
        await tv.get_by_test_id("events-refresh").click()
        rows = tv.get_by_test_id("event-row")
        await expect(rows).to_have_count(1)
        row = rows.first
        await expect(row).to_have_attribute("data-name", "points")
        await expect(row.get_by_test_id("event-what")).to_have_text("积分入账")
        await expect(row.get_by_test_id("event-state")).to_have_text("已停止重试")
        await expect(row.get_by_test_id("event-attempts")).to_have_text("尝试 1 次")
        await expect(row.get_by_test_id("event-steps")).to_contain_text("tests.broken")
        created = datetime.fromisoformat(await row.get_by_test_id("event-when").get_attribute("datetime") or "")
        await expect(row.get_by_test_id("event-when")).to_contain_text(created.astimezone(SHANGHAI).strftime("%H:%M"))
        error = row.get_by_test_id("event-error")
        await expect(error).to_contain_text("tests.broken: RuntimeError: the board store is on fire")
        await expect(error).to_have_css("font-family", "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace")
        toggle = row.get_by_test_id("event-error-toggle")
        await expect(toggle).to_have_attribute("aria-expanded", "false")
        await expect(error).to_have_class("events-error is-collapsed")
        await _shoot_both_languages(tv, "tv", "one", stack.name)
        await _language(tv, "en")
        await toggle.click()
        await expect(toggle).to_have_attribute("aria-expanded", "true")
        await expect(toggle).to_have_text("Show less")
        await expect(error).not_to_have_class("events-error is-collapsed")
        await tv.screenshot(path=str(SHOTS / f"tv-events-one-expanded-en-{stack.name}.png"), full_page=True)
        await phone.get_by_test_id("events-refresh").click()
        await expect(phone.get_by_test_id("event-row")).to_have_count(1)
        await _shoot_both_languages(phone, "phone", "one", stack.name)

        # When the admin retries it (the broken handler is gone), the row says it is queued
        await _language(tv, "en")
        await row.get_by_test_id("event-retry").click()
        await expect(row.get_by_test_id("event-note")).to_contain_text("Queued")
        await expect(row).to_have_attribute("data-state", "queued")
        await expect(row.get_by_test_id("event-state")).to_have_text("Retry queued")
        await tv.screenshot(path=str(SHOTS / f"tv-events-queued-en-{stack.name}.png"), full_page=True)

        # and once a dispatcher has run it, a refresh shows nothing left and says the retry finished
        await outbox.run_due()

        async def none_left() -> bool:
            return (await admin.data(FAILURES))["eventFailures"] == []

        await _until(none_left)
        await tv.get_by_test_id("events-refresh").click()
        await expect(tv.get_by_test_id("event-row")).to_have_count(0)
        await expect(tv.get_by_test_id("events-empty")).to_be_visible()
        await expect(tv.get_by_test_id("events-notice")).to_contain_text("finished")

    # A phone still showing the old list is told, as a typed error, that there is nothing left to retry
    await _language(phone, "zh-CN")
    phone_row = phone.get_by_test_id("event-row")
    await phone_row.get_by_test_id("event-retry").click()
    await expect(phone_row.locator('[data-testid="event-note"] li[data-code="NOT_FOUND"]')).to_contain_text("无需重试")
    await phone.screenshot(path=str(SHOTS / f"phone-events-gone-zh-{stack.name}.png"), full_page=True)
    await phone.get_by_test_id("events-refresh").click()
    await expect(phone.get_by_test_id("events-empty")).to_be_visible()

    for context in (tv_context, phone_context):
        await context.close()
