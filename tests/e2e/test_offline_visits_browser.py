"""In Debian's chromium, offline: a rep logs three visits with photos with the network cut; when it returns,
the server holds exactly three visits and three photos, and replaying every request the phone sent adds nothing."""

from __future__ import annotations

import io

import httpx
from PIL import Image
from playwright.async_api import Browser, Request, expect
from sqlalchemy import func, select, update

from podium.core.events import transaction
from podium.customers.models import Customer
from podium.visits.models import Visit, VisitPhoto
from tests.e2e.test_browser import PHONE, SHOTS, _login, browser  # noqa: F401 - the fixture
from tests.support import World

PLAN_OF_VISITS = "{ myVisits(first: 10) { clientId checkedOutAt status pointsAwarded photos { id width height } } }"


def camera_photo(seed: int) -> bytes:
    """A 4:3 camera-sized JPEG: the phone must shrink it before it is queued."""
    image = Image.new("RGB", (3200, 2400), (40 * seed % 255, 120, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


async def counts(server) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    async with server.runtime.env.db() as session:
        visits = await session.scalar(select(func.count()).select_from(Visit))
        photos = await session.scalar(select(func.count()).select_from(VisitPhoto))
    return int(visits or 0), int(photos or 0)


async def test_three_visits_with_photos_logged_offline_arrive_exactly_once(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    lat, lon = world.customer_position
    context = await browser.new_context(
        viewport=PHONE, locale="en-US", geolocation={"latitude": lat + 0.0003, "longitude": lon, "accuracy": 9},
        permissions=["geolocation"], is_mobile=True, has_touch=True,
    )
    # Near Co is the rep's own customer: the sync screen names it as a link to its page.
    async with transaction(server.runtime.env.db) as tx:
        await tx.session.execute(update(Customer).where(Customer.id == world.customer_id).values(owner_id=world.rep.id))
    page = await context.new_page()
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" and ("/api/visits/photos" in r.url or "/graphql" in r.url) else None)
    await _login(page, server.url, world.rep.email, "/visit")
    customer = page.locator(f'[data-testid="visit-customer"][data-customer-id="{world.customer_id}"]')
    await expect(customer).to_be_visible()  # loaded online once: the phone keeps the list for the field
    # The app shell is kept too (the sync screen is opened offline below): the service worker holds it.
    await page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)

    await context.set_offline(True)
    for number in range(3):
        await customer.click()
        await page.get_by_test_id("visit-submit").click()
        await expect(page.get_by_test_id("visit-open")).to_be_visible()
        await page.get_by_test_id("visit-photo-input").set_input_files(
            files=[{"name": f"shelf-{number}.jpg", "mimeType": "image/jpeg", "buffer": camera_photo(number)}]
        )
        await expect(page.get_by_test_id("visit-photo")).to_have_count(1)
        await page.get_by_test_id("visit-note").fill(f"Offline visit {number + 1}")
        await page.get_by_test_id("visit-check-out").click()
        await expect(page.get_by_test_id("visit-done")).to_be_visible()
        await expect(page.get_by_test_id("visit-pending")).to_be_visible()
        if number == 2:
            await page.screenshot(path=str(SHOTS / f"phone-offline-done-{stack.name}.png"))
        await page.get_by_test_id("visit-another").click()

    badge = page.get_by_test_id("sync-badge")
    await expect(badge).to_have_attribute("data-count", "9")  # 3 × (check-in, photo, check-out)
    assert await counts(server) == (0, 0)
    # The sync screen, still offline: each write names its customer, a link to the customer's page.
    await badge.click()
    for kind in ("checkIn", "photo", "checkOut"):
        links = page.locator(f'[data-testid="sync-item"][data-kind="{kind}"] a.customer-link')
        await expect(links).to_have_count(3)
        await expect(links.first).to_have_attribute("href", f"/customers/{world.customer_id}")
    await page.screenshot(path=str(SHOTS / f"phone-offline-sync-{stack.name}.png"))

    await context.set_offline(False)
    await expect(badge).to_be_hidden(timeout=20_000)
    await page.screenshot(path=str(SHOTS / f"phone-offline-synced-{stack.name}.png"))
    assert await counts(server) == (3, 3)

    # Replay every write the phone sent, as a flaky network would: nothing new may appear.
    cookies = {c["name"]: c["value"] for c in await context.cookies()}
    writes = [r for r in sent if "/api/visits/photos" in r.url or b"mutation" in (r.post_data_buffer or b"")]
    assert len([r for r in writes if "/api/visits/photos" in r.url]) == 3
    async with httpx.AsyncClient(cookies=cookies, timeout=30) as replay:
        for request in writes:
            if b"mutation Login" in (request.post_data_buffer or b""):
                continue
            response = await replay.post(request.url, content=request.post_data_buffer, headers={"content-type": request.headers["content-type"]})
            assert response.status_code in (200, 201), response.text
            if "/api/visits/photos" in request.url:
                assert response.json()["replayed"] is True
    assert await counts(server) == (3, 3)

    async with httpx.AsyncClient(base_url=server.url, cookies=cookies, timeout=30) as api:
        mine = (await api.post("/graphql", json={"query": PLAN_OF_VISITS})).json()["data"]["myVisits"]
    assert len(mine) == 3
    for visit in mine:
        assert visit["checkedOutAt"] is not None and visit["status"] == "VERIFIED" and visit["pointsAwarded"] == 10
        [photo] = visit["photos"]
        assert max(photo["width"], photo["height"]) <= 1600  # resized on the phone before it was queued
    await context.close()
