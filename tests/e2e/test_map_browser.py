"""In Debian's chromium: a manager reviews a rep's flagged visit and it leaves the queue; the map draws visits with no tile server."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import update

from podium.core.events import transaction
from podium.customers.models import Customer
from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401 (browser is a fixture)
from tests.support import GraphQLClient, World
from tests.visits.test_field_visits import REVIEW, TO_REVIEW, check_in, check_out

pytestmark = pytest.mark.browser


def _outside_requests(page: Page, base: str) -> list[str]:
    """Every request the page makes to another origin: with no tile server there must be none (no CDN markers)."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if not request.url.startswith((base, "data:", "blob:")) else None)
    return seen


async def test_a_manager_rejects_a_flagged_visit_and_it_leaves_the_queue(server, world: World, browser: Browser, stack, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    flagged = (await check_in(rep, world, customerId=str(world.far_customer_id), note="Parked <b>outside</b>"))["visit"]
    assert flagged["status"] == "FLAGGED" and flagged["flags"] == ["OUTSIDE_GEOFENCE"]

    context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = await context.new_page()
    outside = _outside_requests(page, server.url)
    await _login(page, server.url, world.manager.email, "/visits/review")
    item = page.locator(f'[data-testid="review-item"][data-visit-id="{flagged["id"]}"]')
    await expect(item).to_be_visible()
    await expect(page.get_by_test_id("review-remaining")).to_have_attribute("data-count", "1")
    await expect(item.get_by_test_id("visit-flag")).to_have_attribute("data-flag", "OUTSIDE_GEOFENCE")
    await expect(item).to_contain_text(world.rep.name)
    # The rep's note is text, never markup.
    await expect(item).to_contain_text("Parked <b>outside</b>")
    await expect(item.locator(".review-rep-note b")).to_have_count(0)
    # Where it happened: the check-in and the customer on a grid (no tiles configured).
    place = item.get_by_test_id("review-map")
    await expect(place).to_have_attribute("data-tiles", "off")
    await expect(place.get_by_test_id("map-visit-marker")).to_have_count(1)
    await expect(place.get_by_test_id("map-customer-marker")).to_have_count(1)
    await page.screenshot(path=str(SHOTS / f"review-phone-{stack.name}.png"), full_page=True)

    await item.get_by_test_id("review-note").fill("Not at the customer")
    await item.get_by_test_id("review-reject").click()
    await expect(item).to_have_count(0)
    await expect(page.get_by_test_id("review-notice")).to_have_attribute("data-decision", "REJECT")
    await expect(page.get_by_test_id("review-remaining")).to_have_attribute("data-count", "0")
    await expect(page.get_by_test_id("review-empty")).to_be_visible()
    assert outside == []
    await context.close()

    async with GraphQLClient(server.url) as manager:
        await manager.login(world.manager.email)
        assert await manager.data(TO_REVIEW) == {"visitsToReview": [], "visitsToReviewCount": 0}
        again = (await manager.data(REVIEW, {"input": {"visitId": flagged["id"], "decision": "REJECT"}}))["reviewVisit"]
    assert again["visit"]["status"] == "REJECTED" and again["visit"]["reviewNote"] == "Not at the customer"


async def test_the_map_shows_the_days_visits_on_a_grid_without_tiles(server, world: World, browser: Browser, stack, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    verified = (await check_in(rep, world))["visit"]
    flagged = (await check_in(rep, world, customerId=str(world.far_customer_id)))["visit"]
    assert (verified["status"], flagged["status"]) == ("VERIFIED", "FLAGGED")

    # The manager's map on a wall-sized screen: both visits, in the rep's colour, a legend, a review badge.
    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    outside = _outside_requests(page, server.url)
    await _login(page, server.url, world.manager.email, "/team")
    await expect(page.get_by_test_id("review-count")).to_have_attribute("data-count", "1")
    await page.get_by_test_id("link-map").click()
    canvas = page.get_by_test_id("map-canvas")
    await expect(canvas).to_have_attribute("data-tiles", "off")
    markers = canvas.get_by_test_id("map-visit-marker")
    await expect(markers).to_have_count(2)
    await expect(canvas.locator(f'[data-testid="map-visit-marker"][data-visit-id="{flagged["id"]}"]')).to_have_attribute("data-tone", "flagged")
    await expect(canvas.locator("img.leaflet-tile")).to_have_count(0)
    await expect(page.locator(f'[data-testid="map-person"][data-person-id="{world.rep.id}"]')).to_be_visible()

    # A row opens its marker's popup; a marker highlights its row. Both check-ins were made at the
    # near customer's door, so the flagged one (drawn on top) is the one under the pointer there.
    await page.locator(f'[data-testid="map-row"][data-visit-id="{verified["id"]}"]').click()
    popup = page.get_by_test_id("map-popup")
    await expect(popup).to_have_attribute("data-visit-id", verified["id"])
    await page.get_by_test_id("map-fit").click()
    await expect(popup).to_have_count(0)
    await canvas.locator(f'[data-testid="map-visit-marker"][data-visit-id="{flagged["id"]}"]').click()
    await expect(popup).to_have_attribute("data-visit-id", flagged["id"])
    await expect(popup.get_by_test_id("visit-flag")).to_have_attribute("data-flag", "OUTSIDE_GEOFENCE")
    await expect(page.locator(f'[data-testid="map-row"][data-visit-id="{flagged["id"]}"]')).to_have_class(re.compile(r"\bis-selected\b"))
    await expect(page.locator(f'[data-testid="map-row"][data-visit-id="{verified["id"]}"]')).not_to_have_class(re.compile(r"\bis-selected\b"))
    # Beside each row, its customer's page (a manager opens any; the page says when one is outside their reach).
    await expect(page.locator("li.map-row-item").get_by_test_id("customer-page-link")).to_have_count(2)
    await page.screenshot(path=str(SHOTS / f"map-tv-{stack.name}.png"))

    # Yesterday has nothing; the day picker gets there and back.
    await page.get_by_test_id("map-day-prev").click()
    await expect(page.get_by_test_id("map-page")).to_have_attribute("data-count", "0")
    await expect(page.get_by_test_id("map-no-points")).to_be_visible()
    await page.get_by_test_id("map-day-next").click()
    await expect(page.get_by_test_id("map-page")).to_have_attribute("data-count", "2")

    # Live: a check-in and a check-out on a phone reach the open map without a reload.
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    third = (await check_in(rep, world))["visit"]
    await expect(markers).to_have_count(3)
    await check_out(rep, third["clientId"], world)
    await expect(page.locator(f'[data-testid="map-row"][data-visit-id="{third["id"]}"]')).to_be_visible()
    await expect(canvas.locator(f'[data-testid="map-visit-marker"][data-visit-id="{third["id"]}"]')).not_to_have_attribute("data-tone", "open")
    assert navigations == []
    assert outside == []
    await context.close()

    # The rep's own map on a phone: their three visits in order. Far Co is theirs, Near Co nobody's: a rep
    # opens only their own customers' pages, so only Far Co's rows (its visit and its stop) link to it.
    async with transaction(server.runtime.env.db) as tx:
        await tx.session.execute(update(Customer).where(Customer.id == world.far_customer_id).values(owner_id=world.rep.id))
    context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = await context.new_page()
    await _login(page, server.url, world.rep.email, "/map")
    await expect(page.get_by_test_id("map-canvas").get_by_test_id("map-visit-marker")).to_have_count(3)
    await expect(page.get_by_test_id("map-row")).to_have_count(3)
    def beside(visit: dict[str, str]):  # type: ignore[no-untyped-def]
        return page.locator("li.map-row-item", has=page.locator(f'[data-testid="map-row"][data-visit-id="{visit["id"]}"]')).get_by_test_id("customer-page-link")

    await expect(beside(flagged)).to_have_attribute("data-customer-id", str(world.far_customer_id))
    await expect(beside(verified)).to_have_count(0)
    linked = await page.locator("li.map-row-item").get_by_test_id("customer-page-link").evaluate_all("els => els.map(e => e.dataset.customerId)")
    assert set(linked) == {str(world.far_customer_id)}
    await page.screenshot(path=str(SHOTS / f"map-phone-{stack.name}.png"))
    await beside(flagged).click()
    await expect(page.get_by_test_id("customer-name")).to_have_text("Far Co")
    # Reps are told the queue is for managers.
    await page.goto(f"{server.url}/visits/review")
    await expect(page.get_by_test_id("review-forbidden")).to_be_visible()
    await context.close()
