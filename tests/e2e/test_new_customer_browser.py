"""In Debian's chromium: a rep adds a customer where they stand (a name the org has is refused next to the field),
checks in there and earns the visit's points; a second one added with the network cut waits to sync, can't be
checked in at meanwhile, and arrives exactly once when the network returns."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from tests.e2e.test_browser import PHONE, SHOTS, _login, browser  # noqa: F401 - the fixture
from tests.support import GraphQLClient, World

FIRST = "徐汇新客户 Xuhui Prospect"
SECOND = "静安新客户 Jing'an Prospect"
MINE = "{ todayPlan { stops { customer { id name address geofenceRadiusMeters } } } }"
FOUND = 'query($search: String) { customers(search: $search, first: 20) { id name } }'


async def fill_sheet(page: Page, name: str, address: str, tier: str, radius: str) -> None:
    sheet = page.get_by_test_id("new-customer-sheet")
    await page.get_by_test_id("new-customer-name").fill(name)
    await page.get_by_test_id("new-customer-address").fill(address)
    await sheet.locator("label.chip-option", has=page.get_by_test_id(f"new-customer-tier-{tier}")).click()
    await page.get_by_test_id("new-customer-radius").select_option(radius)


async def test_a_rep_adds_a_customer_where_they_stand_online_and_offline(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    lat, lon = world.customer_position
    here = {"latitude": lat + 0.01, "longitude": lon, "accuracy": 8}  # about 1.1 km from the world's "Near Co"
    context = await browser.new_context(
        viewport=PHONE, locale="zh-CN", geolocation=here, permissions=["geolocation"], is_mobile=True, has_touch=True,
    )
    page = await context.new_page()
    await _login(page, server.url, world.rep.email, "/visit")
    await expect(page.get_by_test_id("visit-accuracy")).to_have_attribute("data-meters", "8")

    # A name the org already has: saved on the phone, refused by the server, shown next to the name field.
    await page.get_by_test_id("visit-new-customer").click()
    sheet = page.get_by_test_id("new-customer-sheet")
    await expect(sheet).to_be_visible()
    await expect(page.get_by_test_id("new-customer-accuracy")).to_contain_text("8")
    await page.wait_for_timeout(400)  # the sheet slides up
    await page.screenshot(path=str(SHOTS / f"phone-new-customer-sheet-{stack.name}.png"))
    await fill_sheet(page, "Near Co", "漕溪北路 88 号", "b", "100")
    await page.get_by_test_id("new-customer-save").click()
    name_error = page.get_by_test_id("new-customer-name-error")
    await expect(name_error).to_contain_text("已存在")  # the server's DUPLICATE, in the rep's language
    await expect(page.get_by_test_id("new-customer-name")).to_have_attribute("aria-invalid", "true")
    await page.screenshot(path=str(SHOTS / f"phone-new-customer-duplicate-{stack.name}.png"))

    # Renamed in place: the same write goes again and is accepted; the customer is selected in the plan.
    await page.get_by_test_id("new-customer-name").fill(FIRST)
    await expect(name_error).to_be_hidden()
    await page.get_by_test_id("new-customer-save").click()
    await expect(sheet).to_be_hidden()
    await expect(page.get_by_test_id("new-customer-notice")).to_contain_text("+20")
    async with GraphQLClient(server.url) as api:
        await api.login(world.rep.email)
        [stop] = (await api.data(MINE))["todayPlan"]["stops"]
    assert stop["customer"]["name"] == FIRST
    assert (stop["customer"]["address"], stop["customer"]["geofenceRadiusMeters"]) == ("漕溪北路 88 号", 100)
    first_id = stop["customer"]["id"]
    added = page.get_by_test_id("plan-list").locator(f'[data-testid="visit-customer"][data-customer-id="{first_id}"]')
    await expect(added).to_have_attribute("aria-checked", "true")
    await expect(added).to_have_attribute("data-geofence", "inside")
    await page.screenshot(path=str(SHOTS / f"phone-new-customer-plan-{stack.name}.png"))

    # Checked in there at once: a verified visit and its points.
    await page.get_by_test_id("visit-submit").click()
    await expect(page.get_by_test_id("visit-open-customer")).to_have_attribute("data-customer-id", first_id)
    await expect(page.get_by_test_id("visit-result")).to_have_attribute("data-points", "10")
    await expect(page.get_by_test_id("visit-result")).to_have_attribute("data-status", "VERIFIED")
    await page.get_by_test_id("visit-check-out").click()
    await expect(page.get_by_test_id("visit-done")).to_be_visible()
    await page.get_by_test_id("visit-another").click()

    # With the network cut: saved on the phone, waiting to sync, not a place to check in yet.
    await context.set_offline(True)
    await page.get_by_test_id("visit-new-customer").click()
    await fill_sheet(page, SECOND, "南京西路 1 号", "a", "300")
    await page.get_by_test_id("new-customer-save").click()
    await expect(sheet).to_be_hidden()
    waiting = page.get_by_test_id("waiting-customer")
    await expect(waiting).to_have_count(1)
    await expect(waiting).to_have_attribute("data-state", "waiting")
    await expect(waiting).to_have_attribute("aria-checked", "true")
    await expect(waiting).to_contain_text("等待同步")
    await expect(page.get_by_test_id("waiting-customer-explain")).to_be_visible()
    await expect(page.get_by_test_id("visit-submit")).to_be_disabled()
    await expect(page.get_by_test_id("sync-badge")).to_have_attribute("data-count", "1")
    await page.screenshot(path=str(SHOTS / f"phone-new-customer-waiting-{stack.name}.png"))

    # Back online: it syncs by itself, once, and becomes the selected customer.
    await context.set_offline(False)
    await expect(waiting).to_have_count(0, timeout=20_000)
    selected = page.get_by_test_id("plan-list").locator('[data-testid="visit-customer"][aria-checked="true"]')
    await expect(selected).to_contain_text(SECOND)
    await expect(page.get_by_test_id("visit-submit")).to_be_enabled()
    async with GraphQLClient(server.url) as api:
        await api.login(world.rep.email)
        stops = (await api.data(MINE))["todayPlan"]["stops"]
        found = (await api.data(FOUND, {"search": "Prospect"}))["customers"]
        history = (await api.data("{ pointsHistory { points ruleKind } }"))["pointsHistory"]
    assert sorted(s["customer"]["name"] for s in stops) == sorted([FIRST, SECOND])
    assert sorted(c["name"] for c in found) == sorted([FIRST, SECOND])
    assert sorted((h["ruleKind"], h["points"]) for h in history) == [("new_customer", 20), ("new_customer", 20), ("verified_visit", 10)]
    await expect(selected).to_have_attribute("data-customer-id", next(s["customer"]["id"] for s in stops if s["customer"]["name"] == SECOND))
    await context.close()
