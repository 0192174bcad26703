"""In Debian's chromium: a TV paired to team A's board rotates to the team's KPI tiles (revenue against this month's
target with the pace line, won today, collections), and a deal won on a rep's phone moves them without a reload.
Screenshots at 1920×1080 and 390×844, in English and in Chinese (the pairing manager's language)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, Page, expect

from podium.orgs import service as orgs
from podium.targets import service as targets
from podium.targets.service import Node, NodeKind
from tests.e2e.test_browser import PHONE, SHOTS, TV, browser  # noqa: F401 - the browser fixture
from tests.pipeline.test_deals import move, open_deal, stage_ids
from tests.support import GraphQLClient, World

PAIR = """
mutation Pair($input: PairDisplayInput!) {
  pairDisplay(input: $input) { __typename ... on OperationError { errors { field code } } }
}
"""


async def _paired_tv(browser: Browser, server, manager: GraphQLClient, world: World, name: str) -> Page:  # type: ignore[no-untyped-def]  # noqa: F811
    """A TV page paired (in the manager's language) to team A's week board, rotating every 10 s."""
    context = await browser.new_context(viewport=TV, locale="en-US")
    tv = await context.new_page()
    await tv.goto(f"{server.url}/tv")
    code = tv.get_by_test_id("pairing-code")
    await expect(code).to_have_text(re.compile(r"^[0-9A-Z]{3}-[0-9A-Z]{3}$"), timeout=10_000)
    board = {"period": "WEEK", "scope": "TEAM", "teamId": str(world.team_a)}
    pairing = {"code": await code.get_attribute("data-code"), "name": name, "boards": [board], "rotateSeconds": 10}
    result = await manager.data(PAIR, {"input": pairing})
    assert result["pairDisplay"]["__typename"] == "DisplaySuccess", result
    await expect(tv.get_by_test_id("tv-board")).to_be_visible(timeout=15_000)
    return tv


async def _kpis_on(tv: Page) -> None:
    """Waits for the celebrations to finish and the rotation to reach the KPI slide (boards first, then the tiles, 10 s each)."""
    await expect(tv.get_by_test_id("celebration-overlay")).to_have_count(0, timeout=30_000)
    await expect(tv.get_by_test_id("tv-kpis")).to_have_attribute("data-scope", "TEAM", timeout=30_000)
    await tv.wait_for_timeout(800)  # the slide's fade-in


async def test_the_tv_shows_the_teams_kpis_and_a_win_moves_them_live(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    env = server.runtime.env
    admin = await orgs.viewer_by_id(env, world.admin.id)
    assert admin is not None
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    await targets.set_target(env, admin, targets.SplitRequest(Node(NodeKind.TEAM, world.team_a), month, targets.Metric.REVENUE, Decimal("120000"), targets.Basis.EQUAL))
    async with GraphQLClient(server.url) as rep, GraphQLClient(server.url) as manager:
        await rep.login(world.rep.email)
        await manager.login(world.manager.email)
        stages = await stage_ids(rep)
        first = await open_deal(rep, world, title="Pallet racks", amount="48000")
        assert (await move(rep, first, stages["won"], reason="Signed"))["__typename"] == "DealSuccess"

        await manager.execute("mutation { setLocale(locale: EN) { locale } }")
        tv = await _paired_tv(browser, server, manager, world, "Team A corner")
        await _kpis_on(tv)
        slide = tv.get_by_test_id("tv-kpis")
        won_today = slide.get_by_test_id("tv-kpi-won-today")
        await expect(won_today).to_have_attribute("data-count", "1")
        await expect(slide.get_by_test_id("tv-kpi-revenue")).to_have_attribute("data-revenue", "48000.00")
        await expect(slide.get_by_test_id("tv-kpi-revenue")).to_contain_text("¥48,000")
        await expect(slide.get_by_test_id("tv-kpi-revenue")).to_contain_text("of ¥120,000")
        await expect(slide.get_by_test_id("tv-kpi-pace")).to_be_visible()
        await expect(tv.locator(".tv-period")).to_have_text("Team A · Key figures")
        await tv.screenshot(path=str(SHOTS / f"tv-kpis-1920-en-{stack.name}.png"))

        # A win on the rep's side: the tiles move on the same page (no reload: the marker survives).
        await tv.evaluate("window.__notReloaded = true")
        deal = await open_deal(rep, world, title="Forklift fleet", amount="36000")
        assert (await move(rep, deal, stages["won"], reason="Signed"))["__typename"] == "DealSuccess"
        await expect(tv.get_by_test_id("tv-kpi-won-today")).to_have_attribute("data-count", "2", timeout=25_000)
        await expect(tv.get_by_test_id("tv-kpi-won-today")).to_have_attribute("data-amount", "84000.00")
        await expect(tv.get_by_test_id("tv-kpi-revenue")).to_have_attribute("data-revenue", "84000.00")
        assert await tv.evaluate("window.__notReloaded === true")

        await tv.set_viewport_size(PHONE)
        await _kpis_on(tv)
        await tv.screenshot(path=str(SHOTS / f"tv-kpis-390-en-{stack.name}.png"))
        await tv.context.close()

        # Another TV, paired by the manager in Chinese: the slide speaks it.
        await manager.execute("mutation { setLocale(locale: ZH_CN) { locale } }")
        zh = await _paired_tv(browser, server, manager, world, "A组角落")
        await _kpis_on(zh)
        await expect(zh.locator(".tv-period")).to_have_text("Team A · 关键指标")
        await expect(zh.get_by_test_id("tv-kpi-revenue")).to_contain_text("本月营收")
        await zh.screenshot(path=str(SHOTS / f"tv-kpis-1920-zh-{stack.name}.png"))
        await zh.set_viewport_size(PHONE)
        await _kpis_on(zh)
        await zh.screenshot(path=str(SHOTS / f"tv-kpis-390-zh-{stack.name}.png"))
        await zh.context.close()
