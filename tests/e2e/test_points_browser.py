"""In Debian's chromium: an admin makes this a double-points week, a rep's visit earns double, a manager adjusts with a reason, the rep reads both in words."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401
from tests.support import GraphQLClient, World

pytestmark = pytest.mark.browser


async def test_a_double_points_week_a_visit_and_an_adjustment_in_words(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the org's calendar decides what pays
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)

    # Given an admin on a wall-sized screen edits the verified-visit rule
    tv_context = await browser.new_context(viewport=TV, locale="en-US")
    wide = await tv_context.new_page()
    await _login(wide, server.url, world.admin.email, "/team")
    await wide.get_by_test_id("nav-point-rules").click()  # the desktop side navigation
    visit_rule = wide.locator('[data-testid="rule-card"][data-kind="verified_visit"]')
    await expect(visit_rule.get_by_test_id("rule-words")).to_have_text("有效拜访：10 分，每天最多 50 分")  # the admin reads Chinese
    await expect(wide.locator('[data-testid="rule-card"][data-kind="deal_won"] [data-testid="rule-words"]')).to_contain_text("每 ¥1,000 得 1 分")
    await visit_rule.get_by_test_id("rule-edit").click()
    await visit_rule.get_by_test_id("rule-starts-on").fill(monday.isoformat())
    await visit_rule.get_by_test_id("rule-ends-on").fill(sunday.isoformat())
    # When a refused value is sent, the server's words stand next to that field and nothing changes
    await visit_rule.get_by_test_id("rule-multiplier").fill("0.333")
    await visit_rule.get_by_test_id("rule-save").click()
    multiplier_error = visit_rule.locator('[data-testid="field-error"][data-field="multiplier"]')
    await expect(multiplier_error).to_be_visible()
    await expect(multiplier_error).not_to_be_empty()
    await expect(visit_rule.get_by_test_id("rule-multiplier")).to_have_attribute("aria-invalid", "true")
    await expect(visit_rule.get_by_test_id("rule-boost")).to_have_count(0)
    await wide.screenshot(path=str(SHOTS / f"wide-point-rules-error-{stack.name}.png"))
    # Then ×2 for this week is saved and said in words
    await visit_rule.get_by_test_id("rule-multiplier").fill("2")
    await visit_rule.get_by_test_id("rule-save").click()
    await expect(wide.get_by_test_id("rules-notice")).to_be_visible()
    await expect(multiplier_error).to_be_hidden()
    await expect(visit_rule.get_by_test_id("rule-boost")).to_contain_text("至")
    await expect(visit_rule.get_by_test_id("rule-boost")).to_contain_text("×2：每次 20 分")
    await wide.screenshot(path=str(SHOTS / f"wide-point-rules-{stack.name}.png"), full_page=True)

    # When the rep's visit arrives through the API, it earns double
    async with GraphQLClient(server.url) as rep_api:
        await rep_api.login(world.rep.email)
        checked_in = await rep_api.log_visit(world)
    assert checked_in["visit"]["pointsAwarded"] == 20, checked_in

    # And a manager on a phone adjusts the rep's points from the team screen
    manager_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    manager = await manager_context.new_page()
    await _login(manager, server.url, world.manager.email, "/team")
    rita = manager.locator(f'[data-testid="member-attainment"][data-node="user:{world.rep.id}"]')
    await rita.get_by_test_id("member-points").click()
    await expect(manager.get_by_test_id("points-title")).to_have_text("Rita Rep 的积分")
    await expect(manager.locator('[data-testid="points-entry"][data-rule="verified_visit"]')).to_have_attribute("data-points", "20")
    await manager.get_by_test_id("adjust-open").click()
    sheet = manager.get_by_test_id("adjust-sheet")
    await expect(sheet).to_be_visible()
    await sheet.get_by_test_id("adjust-points").fill("15")
    await sheet.get_by_test_id("adjust-send").click()  # no reason: refused, next to the reason
    await expect(sheet.locator('[data-testid="field-error"][data-field="reason"]')).to_be_visible()
    await sheet.get_by_test_id("adjust-reason").fill("Trade fair booth duty <b>not bold</b>")
    await manager.screenshot(path=str(SHOTS / f"phone-adjust-sheet-{stack.name}.png"))
    await sheet.get_by_test_id("adjust-send").click()
    await expect(sheet).to_have_count(0)
    adjustment = manager.locator('[data-testid="points-entry"][data-rule="adjustment"]')
    await expect(adjustment).to_have_attribute("data-points", "15")  # at once, without a reload
    await expect(adjustment).to_contain_text("Max Manager 调整：Trade fair booth duty <b>not bold</b>")
    await manager.screenshot(path=str(SHOTS / f"phone-person-points-{stack.name}.png"), full_page=True)

    # Then the rep's own page says both entries in words, newest first, in their language
    phone_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    phone = await phone_context.new_page()
    await _login(phone, server.url, world.rep.email)
    await expect(phone.get_by_test_id("home-points-links")).to_be_visible()
    await phone.screenshot(path=str(SHOTS / f"phone-home-points-{stack.name}.png"))
    await phone.get_by_test_id("home-points-history").click()
    entries = phone.get_by_test_id("points-entry")
    await expect(entries).to_have_count(2)
    await expect(entries.nth(0)).to_contain_text("+15")
    await expect(entries.nth(0)).to_contain_text("Max Manager 调整：Trade fair booth duty")
    await expect(entries.nth(1)).to_contain_text("+20")
    await expect(entries.nth(1)).to_contain_text("有效拜访")
    await expect(phone.get_by_test_id("points-total")).to_have_attribute("data-value", "35")
    await phone.get_by_test_id("lang-switch").click()  # Chinese for the people in the test world; English on request
    await expect(entries.nth(0)).to_contain_text("Adjustment by Max Manager: Trade fair booth duty")
    await expect(entries.nth(1)).to_contain_text("Verified visit")
    await expect(phone.get_by_test_id("adjust-open")).to_have_count(0)  # nobody adjusts their own points
    await phone.screenshot(path=str(SHOTS / f"phone-points-{stack.name}.png"), full_page=True)
    await phone.get_by_test_id("link-point-rules").click()
    await expect(phone.locator('[data-testid="rule-card"][data-kind="verified_visit"] [data-testid="rule-boost"]')).to_contain_text("×2 from")
    await expect(phone.get_by_test_id("rule-edit")).to_have_count(0)  # reps read, admins edit
    await phone.screenshot(path=str(SHOTS / f"phone-point-rules-{stack.name}.png"), full_page=True)

    await wide.goto(f"{server.url}/points?user={world.rep.id}")
    await expect(wide.get_by_test_id("points-entry")).to_have_count(2)
    await wide.get_by_test_id("adjust-open").click()
    await expect(wide.get_by_test_id("adjust-sheet")).to_be_visible()
    await wide.wait_for_timeout(400)  # the sheet's entrance animation, for the picture only
    await wide.screenshot(path=str(SHOTS / f"wide-adjust-sheet-{stack.name}.png"))
    await wide.keyboard.press("Escape")
    await expect(wide.get_by_test_id("adjust-sheet")).to_have_count(0)
    await wide.screenshot(path=str(SHOTS / f"wide-person-points-{stack.name}.png"), full_page=True)

    for context in (tv_context, manager_context, phone_context):
        await context.close()
