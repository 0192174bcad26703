"""Issue 13's browser test, from nothing: on an empty install a new admin sets up the company, builds a region with two
teams, invites a manager and two reps, adds three products and five customers (one typed from Gaode in GCJ-02), and a
rep accepts the invitation on a 390×844 phone and logs a verified visit at that customer — no command line, no direct
database write; GraphQL reads only check what the screens did."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from podium.customers.geo import distance_m
from tests.e2e.test_browser import PHONE, SHOTS, TV, browser  # noqa: F401 - the fixture
from tests.support import GraphQLClient

pytestmark = pytest.mark.browser

ADMIN, ADMIN_PASSWORD = "hana@harbor.test", "harbor lights at dawn"
REP, REP_PASSWORD = "ren@harbor.test", "a rep's own secret"
# Gaode's GCJ-02 for WGS-84 (39.90734, 116.39089), near Tiananmen (tests/customers/test_coords.py).
GCJ = (39.90874539, 116.39713623)
WGS = (39.90734, 116.39089)
PRODUCTS = [("FL-E30", "三吨电动叉车", "128000", "91000"), ("FL-D50", "五吨柴油叉车", "156000", "118000"), ("PL-1210", "塑料托盘 1210", "260", "148.20")]
# name, system, latitude, longitude; the first is the rep's, typed from Gaode
CUSTOMERS = [
    ("天安门商贸 Tiananmen Trading", "GCJ02", *GCJ),
    ("徐汇精密制造", "WGS84", 31.18830, 121.43700),
    ("Lumen Optics", "WGS84", 31.22840, 121.45470),
    ("西湖仪表 Xihu Meters", "WGS84", 30.25930, 120.21940),
    ("浦东物流", "WGS84", 31.22100, 121.54400),
]


async def shot(page: Page, name: str, stack_name: str) -> None:
    await page.screenshot(path=str(SHOTS / f"from-nothing-{name}-{stack_name}.png"), full_page=True)


async def add_unit(page: Page, parent: str | None, name: str) -> None:
    if parent is None:
        await page.get_by_test_id("org-add-top").click()
    else:
        await page.locator(f'[data-testid="org-unit"][data-name="{parent}"] [data-testid="org-add-under"]').first.click()
    await page.get_by_test_id("org-name-input").fill(name)
    await page.get_by_test_id("org-submit").click()
    await expect(page.locator(f'[data-testid="org-unit"][data-name="{name}"]')).to_be_visible()


async def invite(page: Page, name: str, role: str, unit: str | None) -> str:
    await page.get_by_test_id("invite-name").fill(name)
    await page.get_by_test_id(f"sheet-role-{role}").click()
    await page.get_by_test_id("sheet-team").select_option(unit)
    await page.get_by_test_id("invite-submit").click()
    link = page.get_by_test_id("invite-link")
    await expect(link).to_contain_text("/join/")
    return (await link.text_content() or "").strip()


async def test_a_company_set_up_from_nothing_to_a_reps_verified_visit(server, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    desk = await (await browser.new_context(viewport=TV, locale="en-US")).new_page()

    # 1. An empty install sends the first visitor to the first-run page: the company, then its first admin
    await desk.goto(f"{server.url}/")
    await expect(desk).to_have_url(re.compile(r"/setup$"))
    await desk.get_by_test_id("setup-name").fill("Harbor Instruments")
    await desk.get_by_test_id("setup-timezone").select_option("Asia/Shanghai")
    await desk.get_by_test_id("setup-currency").select_option("CNY")
    await desk.get_by_test_id("setup-fiscal").select_option("4")
    await desk.get_by_test_id("setup-locale").select_option("en")
    await desk.get_by_test_id("setup-adminName").fill("Hana Admin")
    await desk.get_by_test_id("setup-adminEmail").fill(ADMIN)
    await desk.get_by_test_id("setup-password").fill(ADMIN_PASSWORD)
    await shot(desk, "1-setup", stack.name)
    await desk.get_by_test_id("setup-submit").click()
    await expect(desk).to_have_url(re.compile(r"/$"))
    # The admin's first screen is their own work: the setup checklist, with only the company done.
    setup = desk.get_by_test_id("admin-setup")
    await expect(setup.locator('[data-step="COMPANY"]')).to_have_attribute("data-done", "true")
    await expect(setup.locator('[data-step="PEOPLE"]')).to_have_attribute("data-done", "false")
    await shot(desk, "1-home", stack.name)

    # 2. A region with two teams
    await desk.get_by_test_id("nav-org").click()
    await expect(desk.get_by_test_id("org-add-top")).to_be_visible()
    await add_unit(desk, None, "East China")
    await add_unit(desk, "East China", "Shanghai 1")
    await add_unit(desk, "East China", "Hangzhou")
    await shot(desk, "2-org", stack.name)
    units = {name: await desk.locator(f'[data-testid="org-unit"][data-name="{name}"]').first.get_attribute("data-id")
             for name in ("East China", "Shanghai 1", "Hangzhou")}

    # 3. A manager for the region and a rep in each team, each link read from the invite sheet
    await desk.get_by_test_id("nav-people").click()
    await desk.get_by_test_id("people-invite").click()
    await invite(desk, "Mei Manager", "manager", units["East China"])
    await desk.get_by_test_id("invite-another").click()
    rep_link = await invite(desk, "Ren Rep", "rep", units["Shanghai 1"])
    await desk.get_by_test_id("invite-another").click()
    await invite(desk, "Hu Rep", "rep", units["Hangzhou"])
    await shot(desk, "3-invite", stack.name)
    await desk.get_by_test_id("invite-close").click()
    await expect(desk.get_by_test_id("pending-invitation")).to_have_count(3)
    await shot(desk, "3-people", stack.name)

    # 4. Three products
    await desk.get_by_test_id("nav-products").click()
    for sku, name, price, cost in PRODUCTS:
        await desk.get_by_test_id("product-add").click()
        await desk.get_by_test_id("product-sku").fill(sku)
        await desk.get_by_test_id("product-nameZh").fill(name)
        await desk.get_by_test_id("product-listPrice").fill(price)
        await desk.get_by_test_id("product-unitCost").fill(cost)
        await desk.get_by_test_id("product-save").click()
        await expect(desk.locator(f'[data-testid="product-row"][data-row-id="{sku}"]')).to_be_visible()
    await shot(desk, "4-products", stack.name)

    # 6. (before the customers, so the rep can own one) The rep accepts on a phone and lands signed in
    phone_context = await browser.new_context(
        viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True,
        geolocation={"latitude": WGS[0], "longitude": WGS[1], "accuracy": 10}, permissions=["geolocation"],
    )
    phone = await phone_context.new_page()
    await phone.goto(rep_link)
    await expect(phone.get_by_test_id("join-welcome")).to_contain_text("Ren Rep")
    await phone.get_by_test_id("join-email").fill(REP)
    await phone.get_by_test_id("join-password").fill(REP_PASSWORD)
    await shot(phone, "6-join", stack.name)
    await phone.get_by_test_id("join-submit").click()
    await expect(phone).to_have_url(re.compile(r"/$"))
    await expect(phone.get_by_test_id("home-rank")).to_be_visible()
    await shot(phone, "6-home", stack.name)

    # 5. Five customers; the first typed from Gaode in GCJ-02 and given to the rep
    for index, (name, system, lat, lng) in enumerate(CUSTOMERS):
        await desk.get_by_test_id("nav-customers").click()
        await desk.get_by_test_id("new-customer").click()
        await desk.get_by_test_id("customer-name").fill(name)
        await desk.get_by_test_id("customer-address").fill(f"{index + 1} 号")
        if index == 0:
            await desk.get_by_test_id("customer-owner").select_option(label="Ren Rep")
            await desk.get_by_test_id("customer-radius").fill("200")
        await desk.get_by_test_id("mode-type").click()
        await desk.get_by_test_id("coord-system").select_option(system)
        await desk.get_by_test_id("coord-lat").fill(f"{lat}")
        await desk.get_by_test_id("coord-lng").fill(f"{lng}")
        if index == 0:
            await shot(desk, "5-customer-form", stack.name)
        await desk.get_by_test_id("customer-save").click()
        await expect(desk.get_by_test_id("customer-page")).to_be_visible(timeout=10_000)
    await desk.get_by_test_id("nav-customers").click()
    await expect(desk.get_by_test_id("customer-row")).to_have_count(5)
    await shot(desk, "5-customers", stack.name)
    async with GraphQLClient(server.url) as admin:
        await admin.login(ADMIN, ADMIN_PASSWORD)
        found = (await admin.data("{ customers(first: 20) { id name latitude longitude ownerId } }"))["customers"]
    async with GraphQLClient(server.url) as rep:
        ren = (await rep.login(REP, REP_PASSWORD))["me"]["user"]
    assert len(found) == 5
    [gaode] = [c for c in found if c["name"] == CUSTOMERS[0][0]]
    assert (ren["name"], gaode["ownerId"]) == ("Ren Rep", ren["id"])
    assert distance_m(gaode["latitude"], gaode["longitude"], *WGS) < 1.0  # stored as WGS-84, not Gaode's point 600 m away

    # 7. Standing at that customer's true position, the rep logs a verified visit
    await phone.get_by_test_id("tab-visit").click()
    await expect(phone.get_by_test_id("visit-accuracy")).to_have_attribute("data-meters", "10")
    stop = phone.locator(f'[data-testid="visit-customer"][data-customer-id="{gaode["id"]}"]')
    await stop.click()
    await expect(stop).to_have_attribute("data-geofence", "inside")
    await shot(phone, "7-visit", stack.name)
    await phone.get_by_test_id("visit-submit").click()
    await expect(phone.get_by_test_id("visit-result")).to_have_attribute("data-status", "VERIFIED")
    await shot(phone, "7-verified", stack.name)
    async with GraphQLClient(server.url) as rep:
        await rep.login(REP, REP_PASSWORD)
        visits = (await rep.data("{ myVisits { status customer { id } } }"))["myVisits"]
    assert visits == [{"status": "VERIFIED", "customer": {"id": gaode["id"]}}]
    await desk.context.close()
    await phone_context.close()
