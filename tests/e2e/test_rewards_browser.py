"""In Debian's chromium: a rep redeems a reward on a phone-sized page, the manager approves it on another, the rep sees it approved."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401
from tests.rewards.test_rewards import CREATE, give_points
from tests.support import GraphQLClient, World

pytestmark = pytest.mark.browser


async def test_a_rep_redeems_and_the_manager_approves(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    await give_points(server, world, world.rep.id, 2000, world.team_a)
    async with GraphQLClient(server.url) as admin:
        await admin.login(world.admin.email)
        card = (await admin.data(CREATE, {"input": {"clientId": str(uuid.uuid4()), "name": "京东卡 ¥200 JD gift card", "pointsPrice": 800, "stock": 3, "description": "E-card"}}))["createReward"]["reward"]
        await admin.data(CREATE, {"input": {"clientId": str(uuid.uuid4()), "name": "调休一天 A day off", "pointsPrice": 2500}})

    phone_context = await browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    phone = await phone_context.new_page()
    await _login(phone, server.url, world.rep.email)
    await expect(phone.get_by_test_id("home-rewards-available")).to_have_attribute("data-value", "2000")
    await phone.get_by_test_id("home-rewards").click()
    await expect(phone.get_by_test_id("rewards-available")).to_have_attribute("data-value", "2000")
    day_off = phone.locator('[data-testid="reward-card"]', has_text="A day off")
    await expect(day_off.get_by_test_id("reward-redeem")).to_be_disabled()  # 2,500 is beyond 2,000
    gift = phone.locator(f'[data-testid="reward-card"][data-reward-id="{card["id"]}"]')
    await gift.get_by_test_id("reward-redeem").click()
    await expect(phone.get_by_test_id("redeem-sheet")).to_be_visible()
    await phone.get_by_test_id("redeem-more").click()
    await expect(phone.get_by_test_id("redeem-more")).to_be_disabled()  # 2 is all 2,000 points afford
    await expect(phone.get_by_test_id("redeem-quantity")).to_have_value("2")
    await expect(phone.get_by_test_id("redeem-total")).to_have_attribute("data-points", "1600")
    await phone.get_by_test_id("redeem-note").fill("给客户的礼品 <b>not bold</b>")
    await phone.screenshot(path=str(SHOTS / f"phone-redeem-sheet-{stack.name}.png"))
    await phone.get_by_test_id("redeem-confirm").click()
    await expect(phone.get_by_test_id("redeem-sheet")).to_have_count(0)
    await expect(phone.get_by_test_id("rewards-available")).to_have_attribute("data-value", "400")
    await expect(phone.get_by_test_id("rewards-held")).to_have_attribute("data-value", "1600")
    mine = phone.get_by_test_id("my-redemption").first
    await expect(mine).to_have_attribute("data-status", "PENDING")
    await expect(gift.get_by_test_id("reward-stock")).to_contain_text("1")
    await phone.screenshot(path=str(SHOTS / f"phone-rewards-{stack.name}.png"), full_page=True)

    manager_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    manager = await manager_context.new_page()
    await _login(manager, server.url, world.manager.email, "/rewards")
    await expect(manager.get_by_test_id("approvals-count")).to_have_attribute("data-count", "1")
    await manager.get_by_test_id("link-approvals").click()
    item = manager.get_by_test_id("approval-item")
    await expect(item).to_have_count(1)
    await expect(item).to_contain_text("<b>not bold</b>")  # the rep's text is shown as text
    await item.get_by_test_id("decide-note").fill("Enjoy, well earned")
    await manager.screenshot(path=str(SHOTS / f"phone-approvals-{stack.name}.png"))
    await item.get_by_test_id("decide-approve").click()
    await expect(manager.get_by_test_id("approvals-notice")).to_have_attribute("data-decision", "APPROVED")
    await expect(manager.get_by_test_id("approvals-empty")).to_be_visible()

    await phone.reload()
    await expect(phone.get_by_test_id("my-redemption").first).to_have_attribute("data-status", "APPROVED")
    await expect(phone.get_by_test_id("rewards-spent")).to_have_attribute("data-value", "1600")
    await expect(phone.get_by_test_id("rewards-available")).to_have_attribute("data-value", "400")
    await phone.screenshot(path=str(SHOTS / f"phone-rewards-approved-{stack.name}.png"), full_page=True)

    tv_context = await browser.new_context(viewport=TV, locale="en-US")
    wide = await tv_context.new_page()
    await _login(wide, server.url, world.admin.email, "/rewards/catalog")
    await expect(wide.get_by_test_id("reward-editor")).to_have_count(2)
    new = wide.get_by_test_id("new-reward")
    await new.get_by_test_id("reward-name").fill("Team dinner")
    await new.get_by_test_id("reward-price-input").fill("-100")
    await new.get_by_test_id("reward-save").click()
    await expect(new.locator('[data-testid="field-error"][data-field="pointsPrice"]')).to_contain_text("1000000")  # the server's words, in the admin's language
    await wide.screenshot(path=str(SHOTS / f"wide-rewards-catalog-{stack.name}.png"))
    await new.get_by_test_id("reward-price-input").fill("1500")
    await new.get_by_test_id("reward-stock-input").fill("2")
    await new.get_by_test_id("reward-save").click()
    await expect(wide.get_by_test_id("reward-editor")).to_have_count(3)
    await wide.goto(f"{server.url}/rewards")
    await expect(wide.get_by_test_id("reward-card")).to_have_count(3)
    await wide.screenshot(path=str(SHOTS / f"wide-rewards-{stack.name}.png"))

    for context in (phone_context, manager_context, tv_context):
        await context.close()
