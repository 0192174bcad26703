"""In Debian's chromium: a manager at a desk narrows the team pipeline to one team and gives two deals to someone
else; on a phone, the manager's home is their team today."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from podium.core.events import transaction
from podium.core.policies import Role
from podium.orgs import service as orgs
from podium.orgs.models import Team
from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401 (browser is a fixture)
from tests.pipeline.test_deals import login, open_deal
from tests.support import PASSWORD, World

pytestmark = pytest.mark.browser

OWNERS = "query O { teamDeals(filter: {search: \"north\"}) { deals { title owner { id } } } }"


async def test_a_manager_filters_the_team_pipeline_by_a_team_and_reassigns_two_deals(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    env = server.runtime.env
    async with transaction(env.db) as tx:
        north = Team(org_id=world.org_id, name="Team A North", parent_id=world.team_a)
        tx.session.add(north)
        await tx.session.flush()
        nina = await orgs.create_user(tx.session, env, org_id=world.org_id, email="nina@acme.test", name="Nina North",
                                      password=PASSWORD, role=Role.REP, team_id=north.id)
        north_id, nina_id = north.id, nina.id
    async with await login(server, world.admin.email) as admin:
        for title, owner in (("North crane", nina_id), ("North lift", nina_id), ("South belt", world.rep.id), ("Team B press", world.rep3.id)):
            await open_deal(admin, world, title=title, ownerId=str(owner))

    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, server.url, world.manager.email, "/deals")
    pipeline = page.get_by_test_id("team-pipeline")
    await expect(pipeline).to_be_visible()  # a manager's Deals is the team's
    assert page.url.endswith("/deals/team")
    await expect(page.get_by_test_id("tp-summary")).to_have_attribute("data-count", "3")  # never Team B's press
    await page.get_by_test_id("tp-mode-table").click()
    await page.get_by_test_id("tp-team").select_option(str(north_id))
    rows = page.get_by_test_id("tp-row")
    await expect(rows).to_have_count(2)
    await expect(page.get_by_test_id("team-pipeline")).to_have_attribute("aria-busy", "false")
    assert "team=" in page.url  # the filtered view can be shared

    await page.get_by_test_id("dt-select").nth(0).click()
    await page.get_by_test_id("dt-select").nth(1).click()
    await expect(page.get_by_test_id("dt-selected-count")).to_contain_text("2")
    await page.get_by_test_id("tp-reassign-owner").select_option(str(world.rep.id))
    await page.screenshot(path=str(SHOTS / f"team-pipeline-reassign-{stack.name}.png"))
    await page.get_by_test_id("dt-action-reassign").click()
    await expect(page.get_by_test_id("tp-notice")).to_contain_text("Rita Rep")
    await expect(rows).to_have_count(0)  # Team A North has none left
    await page.get_by_test_id("tp-team").select_option("")
    await expect(rows).to_have_count(3)

    async with await login(server, world.manager.email) as manager:
        found = (await manager.data(OWNERS))["teamDeals"]["deals"]
    assert sorted((d["title"], d["owner"]["id"]) for d in found) == [("North crane", str(world.rep.id)), ("North lift", str(world.rep.id))]
    await context.close()


async def test_a_manager_s_home_on_a_phone_shows_their_team(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = await browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = await context.new_page()
    await _login(page, server.url, world.manager.email, "/")

    home = page.get_by_test_id("manager-home")
    await expect(home).to_be_visible()
    await expect(page.get_by_test_id("mh-attainment")).to_be_visible()
    await expect(home).to_contain_text("Team A")
    await expect(page.get_by_test_id("mh-review")).to_have_attribute("data-count", "0")
    await expect(page.get_by_test_id("home-log-visit")).to_have_count(0)  # the rep's home is not theirs
    await page.screenshot(path=str(SHOTS / f"manager-home-phone-{stack.name}.png"))
    await page.get_by_test_id("mh-link-pipeline").click()
    await expect(page.get_by_test_id("team-pipeline")).to_be_visible()
    await context.close()
