"""In Debian's chromium: a manager sets up this week's points contest on a laptop; a rep's phone sees it re-rank live."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401  (the fixture)
from tests.support import GraphQLClient, World

pytestmark = pytest.mark.browser


async def test_a_manager_starts_a_contest_and_a_reps_phone_follows_it_live(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    laptop_context = await browser.new_context(viewport=TV, locale="en-US")
    laptop = await laptop_context.new_page()
    await _login(laptop, server.url, world.manager.email, "/contests/new")
    await laptop.get_by_test_id("contest-name-input").fill("本周冲刺 Sprint of the week")
    await laptop.get_by_test_id("contest-metric").select_option("POINTS")
    await laptop.get_by_test_id("contest-mode").select_option("INDIVIDUAL")
    await expect(laptop.get_by_test_id("contest-person")).to_have_count(2)  # the manager's reps, in reach
    starts = date.fromisoformat(await laptop.get_by_test_id("contest-starts").input_value())
    week_end = date.fromisoformat(await laptop.get_by_test_id("contest-ends").input_value())
    assert week_end.weekday() == 6 and 0 <= (week_end - starts).days <= 6  # this week, by default
    await laptop.get_by_test_id("add-prize").click()
    await laptop.get_by_test_id("prize-title").fill("冠军 Champion")
    await laptop.get_by_test_id("prize-points").fill("50")

    # Ends before it starts: refused, and the error sits under the end date.
    await laptop.get_by_test_id("contest-ends").fill((starts - timedelta(days=1)).isoformat())
    await laptop.get_by_test_id("contest-submit").click()
    ends_error = laptop.locator('[data-testid="field-error"][data-field="endsOn"]')
    await expect(ends_error).to_be_visible()
    await expect(ends_error).to_have_attribute("data-code", "TOO_EARLY")
    await laptop.screenshot(path=str(SHOTS / f"contest-new-refused-{stack.name}.png"))

    await laptop.get_by_test_id("contest-ends").fill(week_end.isoformat())
    await laptop.get_by_test_id("contest-submit").click()
    await expect(laptop).to_have_url(re.compile(r"/contests/(?!new$)[^/]+$"))
    contest_id = laptop.url.rsplit("/", 1)[1]
    assert contest_id != "new"
    await expect(laptop.get_by_test_id("contest-name")).to_have_text("本周冲刺 Sprint of the week")
    await expect(laptop.get_by_test_id("contest-prize")).to_have_count(1)
    await expect(laptop.get_by_test_id("contest-prize")).to_contain_text("+50")

    phone_context = await browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    phone = await phone_context.new_page()
    await _login(phone, server.url, world.rep.email, f"/contests/{contest_id}")
    rows = phone.get_by_test_id("contest-row")
    await expect(rows).to_have_count(2)
    mine = phone.locator(f'[data-testid="contest-row"][data-key="user:{world.rep.id}"]')
    await expect(mine).to_have_attribute("aria-current", "true")
    await expect(mine).to_have_attribute("data-value", re.compile(r"^0(\.0+)?$"))
    await expect(phone.get_by_test_id("connection-status")).to_have_attribute("data-state", "open")
    navigations: list[str] = []
    phone.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == phone.main_frame else None)

    async with GraphQLClient(server.url) as api:
        await api.login(world.rep.email)
        await api.log_visit(world)

    await expect(mine).to_have_attribute("data-value", re.compile(r"^10(\.0+)?$"), timeout=10_000)
    await expect(mine).to_have_attribute("data-rank", "1")
    await expect(rows.first).to_have_attribute("data-key", f"user:{world.rep.id}")
    await expect(phone.get_by_test_id("prize-track")).to_contain_text(world.rep.name)
    await phone.screenshot(path=str(SHOTS / f"contest-phone-{stack.name}.png"), full_page=True)
    await laptop.screenshot(path=str(SHOTS / f"contest-laptop-{stack.name}.png"))
    assert navigations == [], "the standings must move without a reload"

    await laptop_context.close()
    await phone_context.close()
