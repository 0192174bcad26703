"""In Debian's chromium: a rep finds a customer without a position on the map's "No position yet" list, opens the
open pool (公海) on /customers and claims a customer from it; a manager sees the pool and the first check-in's flag."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.test_browser import PHONE, TV, _login, browser  # noqa: F401
from tests.e2e.test_customers_browser import _language
from tests.pipeline.test_deals import login
from tests.support import LOG_VISIT, World, visit_input

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("PODIUM_SCREENSHOTS", "var/screenshots"))
PLACE_LATER = 'mutation($owner: ID!) { createCustomer(input: {name: "无坐标客户 Unplaced Co", address: "上海市静安区南京西路 1 号", ownerId: $owner}) { __typename ... on CustomerSuccess { customer { id } } } }'


async def _shoot(page: Page, size: str, screen: str, stack_name: str, *, reload: bool = False) -> None:
    for locale, lang in (("en", "en"), ("zh-CN", "zh")):
        await _language(page, locale)
        if reload:  # the review queue draws its texts once
            await page.reload()
        await page.wait_for_timeout(300)
        await page.screenshot(path=str(SHOTS / f"{size}-pool-{screen}-{lang}-{stack_name}.png"), full_page=True)
    await _language(page, "en")


async def test_a_rep_sees_the_unplaced_customer_and_claims_from_the_pool(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with await login(server, world.manager.email) as manager:
        made = (await manager.data(PLACE_LATER, {"owner": str(world.rep.id)}))["createCustomer"]
    assert made["__typename"] == "CustomerSuccess"

    for size, viewport in (("phone", PHONE), ("tv", TV)):
        context = await browser.new_context(viewport=viewport, locale="en-US")
        page = await context.new_page()
        await _login(page, server.url, world.rep.email, "/map")
        unplaced = page.get_by_test_id("map-unplaced")
        await expect(unplaced).to_contain_text("无坐标客户 Unplaced Co")
        await expect(unplaced.get_by_test_id("map-set-position")).to_have_attribute("href", f"/customers/{made['customer']['id']}/edit")
        await _shoot(page, size, "map", stack.name)
        await unplaced.get_by_test_id("map-set-position").click()
        await expect(page.get_by_test_id("no-position-hint")).to_be_visible()
        await _shoot(page, size, "form", stack.name)

        await page.goto(f"{server.url}/customers")
        await expect(page.get_by_test_id("no-position")).to_have_count(1)
        await page.get_by_test_id("scope-pool").click()
        await expect(page.get_by_test_id("pool-hint")).to_be_visible()
        # The world's two customers have no owner: the pool.
        await expect(page.get_by_test_id("customer-row")).to_have_count(2 if size == "phone" else 1)
        await _shoot(page, size, "list", stack.name)
        if size == "phone":
            await page.get_by_test_id("customer-row").filter(has_text="Far Co").get_by_test_id("claim").click()
            await expect(page.get_by_test_id("customers-notice")).to_contain_text("Far Co is yours now.")
            await expect(page.get_by_test_id("customer-row")).to_have_count(1)
            await page.get_by_test_id("scope-mine").click()
            await expect(page.get_by_test_id("customer-row").filter(has_text="Far Co")).to_have_count(1)
        await context.close()

    # The first check-in at the unplaced customer: flagged, explained to the manager in the review queue.
    async with await login(server, world.rep.email) as rep:
        await rep.data(LOG_VISIT, {"input": visit_input(world, customerId=made["customer"]["id"])})
    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, server.url, world.manager.email, "/visits/review")
    await expect(page.get_by_text(re.compile("had no position yet|尚无位置，无法校验地理围栏"))).to_be_visible()
    await _shoot(page, "tv", "review", stack.name, reload=True)
    await context.close()

    # The admin sets the pool's rules where the pool is listed.
    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, server.url, world.admin.email, "/customers")
    await _language(page, "en")
    await page.get_by_test_id("scope-pool").click()
    await page.get_by_test_id("pool-max-owned").fill("40")
    await page.get_by_test_id("pool-rules-save").click()
    await expect(page.get_by_test_id("customers-notice")).to_have_text(re.compile("Pool rules saved.|公海规则已保存。"))
    await _shoot(page, "tv", "rules", stack.name)
    await context.close()
    async with await login(server, world.rep.email) as rep:
        assert (await rep.data("{ poolRules { claimsAllowed maxOwned } }"))["poolRules"] == {"claimsAllowed": True, "maxOwned": 40}
