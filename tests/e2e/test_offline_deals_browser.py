"""In Debian's chromium: a rep moves a deal and logs an activity offline; both reach the server once, and a clash is resolved on /sync."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.test_browser import PHONE, SHOTS, _login, browser  # noqa: F401 (browser is a fixture)
from tests.pipeline.test_deals import move, open_deal, stage_ids
from tests.support import GraphQLClient, World

pytestmark = pytest.mark.browser

DEAL = """
query Deal($id: ID!) {
  deal(id: $id) {
    deal { version probability stage { key } }
    activities { kind outcome note }
  }
}
"""


async def _phone(browser: Browser) -> BrowserContext:
    return await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)


async def _keep_on_phone(page: Page, base: str, email: str, deal_id: str) -> None:
    """Signs in on the deal's page, then goes to the board: both are kept on the phone for offline use."""
    await _login(page, base, email, f"/deals/{deal_id}")
    await expect(page.get_by_test_id("deal-stage")).to_have_attribute("data-stage-key", "first_contact")
    await page.get_by_test_id("deal-back").click()
    await expect(page.locator(f'[data-testid="deal-card"][data-deal-id="{deal_id}"]')).to_be_visible()


async def _move_on_board(page: Page, deal_id: str, stage_key: str) -> None:
    card = page.locator(f'[data-testid="deal-card"][data-deal-id="{deal_id}"]')
    await card.get_by_test_id("move-deal").click()
    await page.locator(f'[data-testid="stage-option"][data-stage-key="{stage_key}"]').click()


async def test_a_move_and_an_activity_recorded_offline_reach_the_server_once(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with GraphQLClient(server.url) as api:
        await api.login(world.rep.email)
        deal = await open_deal(api, world, title="Forklift fleet", amount="2500")
        context = await _phone(browser)
        page = await context.new_page()
        await _keep_on_phone(page, server.url, world.rep.email, deal["id"])

        await context.set_offline(True)
        await _move_on_board(page, deal["id"], "needs_assessment")
        moved = page.locator(f'[data-testid="pipeline-column"][data-stage-key="needs_assessment"] [data-testid="deal-card"][data-deal-id="{deal["id"]}"]')
        await expect(moved).to_have_attribute("data-sync", "waiting")  # moved at once, marked
        await expect(page.get_by_test_id("sync-badge")).to_have_attribute("data-count", "1")
        await page.screenshot(path=str(SHOTS / f"phone-offline-move-{stack.name}.png"))

        await moved.locator(".deal-title").click()  # the deal page opens from the phone's copy
        await expect(page.get_by_test_id("deal-stage")).to_have_attribute("data-stage-key", "needs_assessment")
        await expect(page.get_by_test_id("pipeline-offline")).to_be_visible()
        await page.get_by_test_id("log-activity").click()
        await page.get_by_test_id("activity-note").fill("Called the buyer from the car park")
        await page.get_by_test_id("activity-form-submit").click()
        waiting = page.locator('[data-testid="activity"][data-sync="waiting"]')
        await expect(waiting).to_have_count(1)
        await expect(waiting).to_contain_text("Called the buyer")
        await expect(page.get_by_test_id("sync-badge")).to_have_attribute("data-count", "2")
        await page.screenshot(path=str(SHOTS / f"phone-offline-activity-{stack.name}.png"), full_page=True)

        await context.set_offline(False)
        await expect(page.get_by_test_id("sync-badge")).to_be_hidden(timeout=15_000)
        await expect(page.locator('[data-testid="activity"][data-sync]')).to_have_count(0)
        await expect(page.get_by_test_id("activity")).to_have_count(1)
        detail = (await api.data(DEAL, {"id": deal["id"]}))["deal"]
    assert detail["deal"]["stage"] == {"key": "needs_assessment"}
    assert detail["deal"]["version"] == deal["version"] + 1  # moved once
    assert detail["activities"] == [{"kind": "CALL", "outcome": "POSITIVE", "note": "Called the buyer from the car park"}]
    await context.close()


async def test_a_deal_the_manager_moved_meanwhile_is_a_conflict_the_rep_resolves(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with GraphQLClient(server.url) as api, GraphQLClient(server.url) as manager:
        await api.login(world.rep.email)
        await manager.login(world.manager.email)
        deal = await open_deal(api, world, title="Forklift fleet", amount="2500")
        stages = await stage_ids(api)
        context = await _phone(browser)
        page = await context.new_page()
        await _keep_on_phone(page, server.url, world.rep.email, deal["id"])

        await context.set_offline(True)
        await _move_on_board(page, deal["id"], "proposal")
        await expect(page.get_by_test_id("sync-badge")).to_have_attribute("data-count", "1")
        theirs = await move(manager, deal, stages["negotiation"])  # the manager moves it meanwhile
        assert theirs["__typename"] == "DealSuccess", theirs

        await context.set_offline(False)
        badge = page.get_by_test_id("sync-badge")
        await expect(badge).to_have_attribute("data-conflicts", "1", timeout=15_000)
        await expect(page.get_by_test_id("pipeline-error")).to_be_visible()
        card = page.locator(f'[data-testid="deal-card"][data-deal-id="{deal["id"]}"]')
        await expect(card).to_have_attribute("data-sync", "conflict")
        await badge.click()
        item = page.locator('[data-testid="sync-item"][data-kind="moveDeal"]')
        await expect(item).to_have_attribute("data-state", "conflict")
        await expect(item.get_by_test_id("sync-item-error")).to_have_attribute("data-code", "CONFLICT")
        await expect(item.get_by_test_id("sync-keep-theirs")).to_be_visible()
        await page.screenshot(path=str(SHOTS / f"phone-sync-deal-conflict-{stack.name}.png"), full_page=True)
        await item.get_by_test_id("sync-apply-mine").click()  # re-read the deal, send the same move on top of it
        await expect(page.get_by_test_id("sync-empty")).to_be_visible(timeout=15_000)
        await expect(badge).to_be_hidden()
        detail = (await api.data(DEAL, {"id": deal["id"]}))["deal"]
    assert detail["deal"]["stage"] == {"key": "proposal"}
    assert detail["deal"]["version"] == deal["version"] + 2  # theirs, then mine once
    await context.close()
