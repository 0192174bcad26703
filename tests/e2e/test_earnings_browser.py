"""In Debian's chromium: a rep watches their earnings on the phone while a deal is won, asks "what if", and questions a line."""

from __future__ import annotations

import calendar
import re

import pytest
from playwright.async_api import Browser, expect

from tests.compensation.test_earnings import field_plan, put_on_plan, this_month, win
from tests.customers.helpers import create
from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401 (browser is a fixture)
from tests.pipeline.test_deals import login
from tests.support import World

pytestmark = pytest.mark.browser


async def test_a_rep_sees_earnings_move_within_a_second_of_a_win(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with await login(server, world.admin.email) as admin:
        await put_on_plan(admin, [world.rep.id], await this_month(admin))
    context = await browser.new_context(viewport=PHONE, locale="en-US")
    page = await context.new_page()
    await _login(page, server.url, world.rep.email, "/")
    home = page.get_by_test_id("home-earnings-earned")
    await expect(home).to_have_attribute("data-value", "0.00")
    await page.get_by_test_id("home-earnings").click()
    earned = page.get_by_test_id("earnings-earned")
    await expect(earned).to_have_attribute("data-value", "0.00")

    async with await login(server, world.rep.email) as phone:
        await win(phone, world, "60000.00")
    # 3 % of 60,000, on the page without a reload, within a second.
    await expect(earned).to_have_attribute("data-value", "1800.00", timeout=1000)
    line = page.get_by_test_id("earnings-line")
    await expect(line).to_have_count(1)
    await expect(line.first).to_contain_text("60,000")
    await page.screenshot(path=str(SHOTS / f"earnings-phone-{stack.name}.png"), full_page=True)
    await context.close()


async def test_what_if_and_a_question_on_a_line(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.admin.email) as admin:
        await put_on_plan(admin, [world.rep.id], await this_month(admin))
    async with await login(server, world.rep.email) as phone:
        await win(phone, world, "90000.00")
    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, server.url, world.rep.email, "/earnings")
    await expect(page.get_by_test_id("earnings-earned")).to_have_attribute("data-value", "2700.00")
    await expect(page.get_by_test_id("earnings-next")).to_contain_text("10,000")  # to the 5 % tier
    await expect(page.get_by_test_id("earnings-next")).to_contain_text("5%")

    # Drag to 20,000 more: 10,000 at 3 % and 10,000 at 5 %.
    await page.get_by_test_id("whatif-slider").evaluate("el => { el.value = '20000'; el.dispatchEvent(new Event('input')); }")
    change = page.get_by_test_id("whatif-change")
    await expect(change).to_have_attribute("data-value", "800.00")
    await expect(page.get_by_test_id("whatif-result")).to_contain_text("5%")
    await expect(page.get_by_test_id("earnings-earned")).to_have_attribute("data-value", "2700.00")  # nothing stored

    await page.get_by_test_id("question-line").first.click()
    sheet = page.get_by_test_id("question-sheet")
    await sheet.get_by_test_id("question-send").click()
    await expect(sheet.get_by_test_id("question-error")).to_be_visible()  # an empty question is refused
    await sheet.get_by_test_id("question-text").fill("Shouldn't this be at 5 %?")
    await sheet.get_by_test_id("question-send").click()
    await expect(sheet).to_have_count(0)
    dispute = page.get_by_test_id("earnings-dispute")
    await expect(dispute).to_have_attribute("data-status", "OPEN")
    await expect(dispute).to_contain_text("Shouldn't this be at 5 %?")
    await expect(page.get_by_test_id("earnings-line").first).to_have_class(re.compile(r"\bis-disputed\b"))
    await page.screenshot(path=str(SHOTS / f"earnings-wide-{stack.name}.png"), full_page=True)
    await context.close()


async def test_a_new_customers_line_links_to_its_page(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    """A new-logo bonus line names the customer it was earned for: a link to the customer's page (the rep's own)."""
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        year, number = (int(x) for x in month.split("-"))
        logo = {"key": "logo", "name": "New logo", "kind": "SPIFF", "trigger": "NEW_CUSTOMER", "fixed": "500",
                "startsOn": f"{month}-01", "endsOn": f"{month}-{calendar.monthrange(year, number)[1]:02d}"}
        await put_on_plan(admin, [world.rep.id], month, field_plan(month, components=[logo]))
    async with await login(server, world.manager.email) as manager:
        customer = await create(manager, "Logo Trading", ownerId=str(world.rep.id))
    context = await browser.new_context(viewport=PHONE, locale="en-US")
    page = await context.new_page()
    await _login(page, server.url, world.rep.email, "/earnings")
    line = page.get_by_test_id("earnings-line")
    await expect(line).to_have_count(1)
    link = line.locator("a.customer-link")
    await expect(link).to_have_text("Logo Trading")
    await expect(link).to_have_attribute("href", f"/customers/{customer['id']}")
    await link.click()
    await expect(page.get_by_test_id("customer-name")).to_have_text("Logo Trading")
    await context.close()
