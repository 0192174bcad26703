"""In Debian's chromium: a manager opens the cockpit, drills from their team to a unit's stalled deals and opens one;
a win recorded through the API moves the revenue tile without a reload.

One server and one history per stack serve the module. Team A (the manager's) gets a unit below it, Team A North, with
Nina. Twenty deals went through first contact, needs assessment and proposal within two days (twenty stays are
what a stage's p90 needs; here it is a day); Nina's two deals have sat in first contact for three weeks and Rita's
one in needs assessment for 40 days: all three are stalled. One deal of Rita's was won a minute ago: this month's revenue.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, expect

from podium.core.env import Env
from podium.core.events import transaction
from podium.core.policies import Role, Viewer
from podium.orgs import service as orgs
from podium.orgs.models import Team
from podium.pipeline import service as pipeline
from tests.conftest import Server, served_world
from tests.e2e.test_browser import CHROMIUM, PHONE, SHOTS, TV, _login, chromium
from tests.pipeline.test_deals import move, open_deal, stage_ids
from tests.support import PASSWORD, GraphQLClient, World

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]


@dataclass
class Cockpit:
    server: Server
    world: World
    env: Env
    north_id: int
    stalled_titles: list[str]
    stages: dict[str, str]
    stack: str


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    async with chromium() as launched:
        yield launched


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def cockpit(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cockpit]:
    async with served_world(request, tmp_path_factory, "cockpit-browser", logins=("admin",)) as served:
        server, world, env, admin = served.server, served.world, served.env, served.admin
        async with transaction(env.db) as tx:
            north = Team(org_id=world.org_id, name="Team A North", parent_id=world.team_a)
            tx.session.add(north)
            await tx.session.flush()
            nina = await orgs.create_user(tx.session, env, org_id=world.org_id, email="nina@acme.test", name="Nina North",
                                          password=PASSWORD, role=Role.REP, team_id=north.id)
            north_id, nina_id = north.id, nina.id
        stages = await stage_ids(served.clients["admin"])
        now = datetime.now(UTC)

        def when(moment: datetime) -> Env:
            return dataclasses.replace(env, clock=lambda: moment)

        async def create(moment: datetime, owner: int, title: str, amount: str) -> tuple[int, int]:
            data = pipeline.DealInput(
                client_id=str(uuid.uuid4()), customer_id=world.customer_id, title=title, lead_source="web",
                expected_close=date.today() + timedelta(days=60), amount=Decimal(amount), owner_id=owner,
            )
            made = await pipeline.create_deal(when(moment), admin, data)
            return made.view.deal.id, made.view.deal.version

        async def step(moment: datetime, deal: tuple[int, int], stage: str, reason: str = "") -> tuple[int, int]:
            moved = await pipeline.move_deal(when(moment), admin, pipeline.Move(deal[0], deal[1], int(stages[stage]), reason=reason))
            return moved.view.deal.id, moved.view.deal.version

        for n in range(20):  # quick deals, won in two days: a first contact or an assessment usually lasts a day
            start = now - timedelta(days=70 - n)
            quick = await create(start, world.rep.id, f"Quick {n}", "800.00")
            quick = await step(start + timedelta(hours=20), quick, "needs_assessment")
            quick = await step(start + timedelta(hours=30), quick, "proposal")
            await step(start + timedelta(hours=48), quick, "won", "Signed")
        await create(now - timedelta(days=21), nina_id, "North crane", "56000.00")
        await create(now - timedelta(days=20), nina_id, "North lift", "12000.00")
        late = await create(now - timedelta(days=41), world.rep.id, "Harbour conveyor", "34000.00")
        await step(now - timedelta(days=40), late, "needs_assessment")
        won = await create(now - timedelta(minutes=2), world.rep.id, "Early win", "1500.00")
        await step(now - timedelta(minutes=1), won, "won", "Signed")
        yield Cockpit(server, world, env, north_id, ["North crane", "North lift"], stages, request.param)


async def test_a_manager_drills_from_the_team_to_a_unit_s_stalled_deals_and_opens_one(cockpit: Cockpit, browser: Browser) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, cockpit.server.url, cockpit.world.manager.email, "/analytics")
    cockpit_page = page.get_by_test_id("analytics")
    await expect(cockpit_page).to_be_visible()
    await expect(page.get_by_test_id("an-node")).to_have_text("Team A")  # a manager's top is their team
    await expect(page.get_by_test_id("an-tile-won")).to_have_attribute("data-value", "1")
    await expect(page.get_by_test_id("an-stalled")).to_have_attribute("data-total", "3")
    await expect(page.get_by_test_id("an-breakdown-row")).to_have_count(3)  # Team A North, Rita, Rob
    await expect(page.locator('[data-chart="funnel"] svg')).to_have_count(1)  # ECharts, loaded for this route
    await page.screenshot(path=str(SHOTS / f"cockpit-team-{cockpit.stack}.png"), full_page=True)

    await page.get_by_test_id("an-child").filter(has_text="Team A North").click()
    await expect(page.get_by_test_id("an-node")).to_have_text("Team A North")
    await expect(page.get_by_test_id("an-crumb")).to_have_text(["Team A"])
    assert f"node=team%3A{cockpit.north_id}" in page.url
    rows = page.get_by_test_id("an-stalled-row")
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_contain_text("North crane")  # the longest stay first
    await expect(rows.first).to_contain_text("Nina North")
    for table in ("an-stalled", "an-breakdown", "an-sources"):  # each table's export, for this node, with the session
        href = await page.get_by_test_id(table).get_by_test_id("dt-export-csv").get_attribute("href") or ""
        assert f"node=team%3A{cockpit.north_id}" in href, href
        response = await page.request.get(cockpit.server.url + href)
        assert response.status == 200, (href, response.status)
        if table == "an-stalled":
            assert "North crane" in await response.text() and "Harbour conveyor" not in await response.text()

    await rows.first.click()
    await expect(page.get_by_test_id("deal-page")).to_be_visible()
    assert "/deals/" in page.url
    await expect(page.locator("h1").first).to_contain_text("North crane")
    await page.go_back()
    await expect(page.get_by_test_id("an-node")).to_have_text("Team A North")

    month = await page.get_by_test_id("an-period-label").get_attribute("data-key") or ""
    await page.get_by_test_id("an-prev").click()  # the month before, then the quarter holding it
    await expect(page.get_by_test_id("analytics")).not_to_have_attribute("data-period", month)
    await expect(page.get_by_test_id("an-period-label")).to_have_attribute("data-key", re.compile(r"^\d{4}-\d{2}$"))
    await page.get_by_test_id("an-grain-quarter").click()
    await expect(page.get_by_test_id("an-period-label")).to_have_attribute("data-key", re.compile(r"^FY\d{4}-Q[1-4]$"))
    assert "period=FY" in page.url
    await expect(page.get_by_test_id("an-stalled-row")).to_have_count(2)  # stalled is about now, whatever the period
    await context.close()


async def test_a_win_recorded_through_the_api_moves_the_revenue_tile_without_a_reload(cockpit: Cockpit, browser: Browser) -> None:
    context = await browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = await context.new_page()
    await _login(page, cockpit.server.url, cockpit.world.manager.email, "/analytics")
    revenue = page.get_by_test_id("an-tile-revenue")
    await expect(revenue).to_have_attribute("data-value", "1500.00")
    await page.evaluate("window.__sameDocument = true")

    async with GraphQLClient(cockpit.server.url) as rep:
        await rep.login(cockpit.world.rep.email)
        deal = await open_deal(rep, cockpit.world, title="Harbour crane", amount="2500.00")
        result = await move(rep, deal, cockpit.stages["won"], reason="Signed")
        assert result["__typename"] == "DealSuccess", result

    await expect(revenue).to_have_attribute("data-value", "4000.00", timeout=10_000)
    await expect(page.get_by_test_id("an-tile-won")).to_have_attribute("data-value", "2")
    assert await page.evaluate("window.__sameDocument === true")  # no reload
    await page.screenshot(path=str(SHOTS / f"cockpit-phone-live-{cockpit.stack}.png"), full_page=True)
    await context.close()
