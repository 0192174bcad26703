"""In Debian's chromium: a manager adds a customer by typing a GCJ-02 position from Gaode, sees it stored as WGS-84,
opens its page; the list is a table on a desktop and cards on a phone. Screenshots of each screen, both languages."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from podium.customers.geo import distance_m
from tests.customers.helpers import create
from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401
from tests.pipeline.test_deals import login
from tests.support import World

pytestmark = pytest.mark.browser

# Gaode's GCJ-02 for WGS-84 (39.90734, 116.39089), near Tiananmen (tests/customers/test_coords.py).
GCJ = (39.90874539, 116.39713623)
WGS = (39.90734, 116.39089)


async def _language(page: Page, locale: str) -> None:
    switch = page.get_by_test_id("lang-switch")
    if await switch.get_attribute("data-locale") != locale:
        await switch.click()
    await expect(switch).to_have_attribute("data-locale", locale)


async def _shoot(page: Page, size: str, screen: str, stack_name: str) -> None:
    for locale, lang in (("en", "en"), ("zh-CN", "zh")):
        await _language(page, locale)
        await page.wait_for_timeout(300)
        await page.screenshot(path=str(SHOTS / f"{size}-customers-{screen}-{lang}-{stack_name}.png"), full_page=True)
    await _language(page, "en")


async def test_a_manager_types_a_gcj02_position_and_opens_the_customers_page(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with await login(server, world.manager.email) as manager:
        for index, (name, tier) in enumerate((("澎湃仪器 上海分公司", "A"), ("Lumen Optics", "B"), ("徐汇精密制造", "C"))):
            await create(manager, name, tier=tier, ownerId=str((world.rep if index % 2 else world.rep2).id), industry="制造", city="上海")

    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, server.url, world.manager.email, "/team")
    await page.get_by_test_id("nav-customers").click()
    await expect(page.get_by_test_id("customer-table")).to_be_visible()
    await expect(page.get_by_test_id("customer-row")).to_have_count(3)
    await _shoot(page, "tv", "list", stack.name)
    # Two selected: reassign them to Rita in one step
    rows = page.get_by_test_id("customer-row")
    await rows.nth(1).get_by_test_id("dt-select").check()
    await rows.nth(2).get_by_test_id("dt-select").check()
    await expect(page.get_by_test_id("bulk-bar")).to_be_visible()
    await page.get_by_test_id("reassign-owner").select_option(str(world.rep.id))
    await _shoot(page, "tv", "bulk", stack.name)
    await page.get_by_test_id("dt-action-reassign").click()
    await expect(page.get_by_test_id("customers-notice")).to_contain_text("2 customers reassigned")
    await page.get_by_test_id("filter-owner").select_option(str(world.rep.id))
    await expect(page.get_by_test_id("customer-row")).to_have_count(3)
    await page.get_by_test_id("filter-owner").select_option("")

    # A new customer, its position typed from Gaode's picker in GCJ-02
    await page.get_by_test_id("new-customer").click()
    await page.get_by_test_id("customer-name").fill("天安门商贸 Tiananmen Trading")
    await page.get_by_test_id("customer-address").fill("北京市东城区长安街 1 号")
    await page.get_by_test_id("mode-type").click()
    await page.get_by_test_id("coord-system").select_option("GCJ02")
    await page.get_by_test_id("coord-lat").fill(f"{GCJ[0]}")
    await page.get_by_test_id("coord-lng").fill(f"{GCJ[1]}")
    await page.get_by_test_id("customer-radius").fill("200")
    await _shoot(page, "tv", "form", stack.name)
    await page.get_by_test_id("customer-save").click()
    converted = page.get_by_test_id("converted")
    await expect(converted).to_contain_text("39.90")
    text = await converted.inner_text()
    lat, lng = (float(x) for x in text.split(":")[-1].split(","))
    assert distance_m(lat, lng, *WGS) < 1.0  # stored as WGS-84, not Gaode's point 600 m away

    # Its page opens by itself
    await expect(page.get_by_test_id("customer-page")).to_be_visible(timeout=10_000)
    await expect(page.get_by_test_id("customer-name")).to_have_text("天安门商贸 Tiananmen Trading")
    await expect(page.get_by_test_id("customer-owner")).to_have_text("Max Manager")
    await page.get_by_test_id("add-contact").click()
    await page.get_by_test_id("contact-name").fill("王经理")
    await page.get_by_test_id("contact-phone").fill("+86 138 0013 8000")
    await page.get_by_test_id("contact-save").click()
    await expect(page.locator("a[href='tel:+8613800138000']")).to_be_visible()
    # Edited in place: a refused phone is said under the phone field, the form keeps what was typed
    await page.get_by_test_id("edit-contact").click()
    form = page.get_by_test_id("contact-form")
    await expect(form.get_by_test_id("contact-name")).to_have_value("王经理")
    await form.get_by_test_id("contact-title").fill("采购总监")
    await form.get_by_test_id("contact-phone").fill("call me maybe")
    await form.get_by_test_id("contact-save").click()
    phone_error = form.locator("[data-testid=field-error][data-field=phone]")
    await expect(phone_error).to_be_visible()
    assert await form.locator(".field", has=page.locator("#contact-phone")).locator("[data-field=phone]").count() == 1
    await expect(form.get_by_test_id("contact-title")).to_have_value("采购总监")
    await _shoot(page, "tv", "contact-edit", stack.name)
    await expect(phone_error).to_be_visible()  # redrawn in each language, still there
    await form.get_by_test_id("contact-phone").fill("+86 139 0000 0000")
    await form.get_by_test_id("contact-save").click()
    await expect(page.get_by_test_id("contact-form")).to_have_count(0)
    await expect(page.get_by_test_id("contact")).to_have_count(1)
    await expect(page.get_by_test_id("contact")).to_contain_text("采购总监")
    await expect(page.locator("a[href='tel:+8613900000000']")).to_be_visible()
    await _shoot(page, "tv", "page", stack.name)

    phone_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    phone = await phone_context.new_page()
    await _login(phone, server.url, world.manager.email, "/customers")
    await expect(phone.get_by_test_id("customer-table")).to_be_visible()
    await phone.get_by_test_id("dt-search").fill("天安门")
    await expect(phone.get_by_test_id("customer-row")).to_have_count(1)
    await _shoot(phone, "phone", "list", stack.name)
    await phone.get_by_test_id("customer-row").locator(".dt-link").click()
    await expect(phone.get_by_test_id("customer-page")).to_be_visible()
    await _shoot(phone, "phone", "page", stack.name)
    await phone.get_by_test_id("edit-contact").click()
    await expect(phone.get_by_test_id("contact-form").get_by_test_id("contact-name")).to_have_value("王经理")
    await _shoot(phone, "phone", "contact-edit", stack.name)
    await phone.get_by_test_id("contact-cancel").click()
    await expect(phone.get_by_test_id("contact-form")).to_have_count(0)
    await phone.get_by_test_id("edit-customer").click()
    await expect(phone.get_by_test_id("customer-form")).to_be_visible()
    await _shoot(phone, "phone", "form", stack.name)
    await context.close()
    await phone_context.close()
