"""In Debian's chromium: an admin builds a region with two teams and adds three products from the PWA alone."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from podium.core.events import transaction
from podium.core.policies import Role
from podium.orgs import service as orgs
from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401
from tests.support import PASSWORD, GraphQLClient, World

pytestmark = pytest.mark.browser

PRODUCTS = [
    # sku, Chinese name, English name, line, list price, cost
    ("FL-E30", "三吨电动叉车", "3 t electric forklift", "叉车", "128000", "91000.50"),
    ("FL-D50", "五吨柴油叉车", "5 t diesel forklift", "叉车", "156000", "118000"),
    ("PL-1210", "塑料托盘 1210", "Plastic pallet 1210", "托盘", "260", "148.20"),
]


async def _language(page: Page, locale: str) -> None:
    switch = page.get_by_test_id("lang-switch")
    if await switch.get_attribute("data-locale") != locale:
        await switch.click()
    await expect(switch).to_have_attribute("data-locale", locale)


async def _shoot(page: Page, size: str, screen: str, stack_name: str, ready: str) -> None:
    for locale, lang in (("en", "en"), ("zh-CN", "zh")):
        await _language(page, locale)
        await expect(page.get_by_test_id(ready)).to_be_visible()
        await page.screenshot(path=str(SHOTS / f"{size}-{screen}-{lang}-{stack_name}.png"), full_page=True)


async def _unit(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-testid="org-unit"][data-name="{name}"]')


async def _create_under(page: Page, parent: str | None, name: str) -> None:
    if parent is None:
        await page.get_by_test_id("org-add-top").click()
    else:
        await (await _unit(page, parent)).locator('[data-testid="org-add-under"]').first.click()
    await page.get_by_test_id("org-name-input").fill(name)
    await page.get_by_test_id("org-submit").click()
    await expect(page.get_by_test_id("org-notice")).to_contain_text(name)
    await expect(await _unit(page, name)).to_be_visible()


async def _add_product(page: Page, sku: str, zh: str, en: str, line: str, price: str, cost: str) -> None:
    await page.get_by_test_id("product-add").click()
    await page.get_by_test_id("product-sku").fill(sku)
    await page.get_by_test_id("product-nameZh").fill(zh)
    await page.get_by_test_id("product-nameEn").fill(en)
    await page.get_by_test_id("product-line").fill(line)
    await page.get_by_test_id("product-listPrice").fill(price)
    await page.get_by_test_id("product-unitCost").fill(cost)
    await expect(page.get_by_test_id("product-margin")).not_to_contain_text("—")
    await page.get_by_test_id("product-save").click()
    await expect(page.get_by_test_id("product-sheet")).to_have_count(0)
    await expect(page.locator(f'[data-testid="product-row"][data-row-id="{sku}"]')).to_be_visible()


async def test_an_admin_builds_a_region_with_two_teams_and_adds_three_products(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    # A company the size the screens are for: a manager per team and a dozen reps.
    env = server.runtime.env
    async with transaction(env.db) as tx:
        for i in range(12):
            await orgs.create_user(tx.session, env, org_id=world.org_id, email=f"field{i}@acme.test", name=f"Field Rep {i + 1}", password=PASSWORD,
                                   role=Role.REP, team_id=world.team_a if i % 3 else world.team_b)
        nina = await orgs.create_user(tx.session, env, org_id=world.org_id, email="nina@acme.test", name="Nina Region", password=PASSWORD, role=Role.MANAGER)

    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, server.url, world.admin.email, "/team")
    await page.get_by_test_id("nav-org").click()
    await expect(page.get_by_test_id("org-tree")).to_be_visible()
    await _language(page, "en")

    # When the admin builds East China with two teams, moves Team A under it and names its manager
    await _create_under(page, None, "East China")
    await _create_under(page, "East China", "Shanghai 1")
    await _create_under(page, "East China", "Hangzhou")
    await (await _unit(page, "Team A")).locator('[data-testid="org-move"]').first.click()
    region_id = await (await _unit(page, "East China")).get_attribute("data-id")
    await page.get_by_test_id("org-parent-picker").select_option(region_id)
    await page.get_by_test_id("org-submit").click()
    await expect(page.get_by_test_id("org-notice")).to_contain_text("Team A")
    await (await _unit(page, "East China")).locator('[data-testid="org-set-manager"]').first.click()
    await page.get_by_test_id("org-manager-picker").select_option(str(nina.id))
    await page.get_by_test_id("org-submit").click()
    await expect((await _unit(page, "East China")).locator('[data-testid="org-unit-manager"]').first).to_have_text("Nina Region")
    # and asks to merge Team B into Shanghai 1: the confirmation says what moves
    await (await _unit(page, "Team B")).locator('[data-testid="org-merge"]').first.click()
    shanghai_id = await (await _unit(page, "Shanghai 1")).get_attribute("data-id")
    await page.get_by_test_id("org-merge-picker").select_option(shanghai_id)
    await page.get_by_test_id("org-submit").click()
    await expect(page.get_by_test_id("org-merge-confirm")).to_contain_text("5 people")
    await page.screenshot(path=str(SHOTS / f"tv-org-merge-confirm-en-{stack.name}.png"), full_page=True)
    await page.get_by_test_id("org-cancel").click()

    # Then the tree shows the region above its three teams, with the people counted
    region = await _unit(page, "East China")
    await expect(region).to_have_attribute("data-people", "0")
    await expect(page.get_by_test_id("org-summary")).to_have_text("Acme: 16 people in 5 units")
    names = await page.get_by_test_id("org-unit-name").all_inner_texts()
    assert names.index("East China") < names.index("Hangzhou") < names.index("Shanghai 1") < names.index("Team A")
    await _shoot(page, "tv", "org", stack.name, "org-tree")

    # When the admin adds three products, with both names, a line, a price and a cost
    await page.goto(f"{server.url}/settings/products")
    await expect(page.get_by_test_id("products-none")).to_be_visible()
    await _language(page, "en")
    for product in PRODUCTS:
        await _add_product(page, *product)
    # a duplicate SKU is refused under its field
    await page.get_by_test_id("product-add").click()
    await page.get_by_test_id("product-sku").fill("FL-E30")
    await page.get_by_test_id("product-nameZh").fill("重复")
    await page.get_by_test_id("product-listPrice").fill("1")
    await page.get_by_test_id("product-unitCost").fill("1.005")
    await page.get_by_test_id("product-save").click()
    await expect(page.locator('[data-testid="field-error"][data-field="unitCost"]')).to_be_visible()
    await page.get_by_test_id("product-unitCost").fill("1")
    await page.get_by_test_id("product-save").click()
    await expect(page.locator('[data-testid="field-error"][data-field="sku"]')).to_be_visible()
    await page.screenshot(path=str(SHOTS / f"tv-products-sheet-en-{stack.name}.png"), full_page=True)
    await page.get_by_test_id("product-cancel").click()

    # Then the table lists them, filters by line and sorts by price
    await expect(page.get_by_test_id("product-row")).to_have_count(3)
    await page.get_by_test_id("products-line-filter").select_option("托盘")
    await expect(page.get_by_test_id("product-row")).to_have_count(1)
    await page.get_by_test_id("products-line-filter").select_option("")
    await page.locator('[data-sort-key="listPrice"]').click()  # amounts start descending
    assert await page.get_by_test_id("product-row").first.get_attribute("data-row-id") == "FL-D50"
    await page.get_by_test_id("dt-search").fill("pallet")
    await expect(page.get_by_test_id("product-row")).to_have_count(1)
    await page.get_by_test_id("dt-search").fill("")
    await page.locator('[data-testid="product-row"][data-row-id="FL-D50"] [data-testid="product-toggle"]').click()
    await expect(page.locator('[data-testid="product-row"][data-row-id="FL-D50"]')).to_have_attribute("data-status", "inactive")
    await _shoot(page, "tv", "products", stack.name, "products-table")
    async with GraphQLClient(server.url) as rep:
        await rep.login(world.rep.email)
        offered = (await rep.data("{ products { sku } productLines }"))
    assert sorted(p["sku"] for p in offered["products"]) == ["FL-E30", "PL-1210"]
    assert offered["productLines"] == ["叉车", "托盘"]
    await context.close()

    # The same screens on a phone
    phone_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    phone = await phone_context.new_page()
    await _login(phone, server.url, world.admin.email, "/settings/org")
    await expect(phone.get_by_test_id("org-tree")).to_be_visible()
    await _shoot(phone, "phone", "org", stack.name, "org-tree")
    # on a phone a row's actions fold behind one button
    east = await _unit(phone, "East China")
    await expect(east.locator('[data-testid="org-rename"]').first).to_be_hidden()
    await east.locator('[data-testid="org-more"]').first.click()
    await east.locator('[data-testid="org-rename"]').first.click()
    await expect(phone.get_by_test_id("org-name-input")).to_have_value("East China")
    await phone.screenshot(path=str(SHOTS / f"phone-org-rename-zh-{stack.name}.png"))
    await phone.get_by_test_id("org-cancel").click()
    await phone.goto(f"{server.url}/settings/products")
    await _shoot(phone, "phone", "products", stack.name, "products-table")
    for locale, lang in (("en", "en"), ("zh-CN", "zh")):
        await _language(phone, locale)
        await phone.get_by_test_id("product-add").click()
        await phone.get_by_test_id("product-listPrice").fill("100")
        await phone.get_by_test_id("product-unitCost").fill("62.5")
        await expect(phone.get_by_test_id("product-margin")).to_contain_text("37.5%")
        await phone.screenshot(path=str(SHOTS / f"phone-products-sheet-{lang}-{stack.name}.png"))
        await phone.get_by_test_id("product-cancel").click()
    await phone_context.close()
