"""In Debian's chromium: a manager opens the cockpit's customers section, sees a customer at risk of churning with its
reason in words, opens the customer's page, comes back and switches the contribution from customers to products;
behaviour pages past 50 reps.

One server and one history per stack serve the module: the hand-computed company of tests/analytics/
test_customers_analytics.py (November 2026: C1's orders shrinking and never visited, C2 overdue; pumps and valves sold).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, expect

from podium.core.events import transaction
from podium.orgs.models import User
from podium.rebuild import rebuild
from tests.analytics.test_customers_analytics import seed
from tests.conftest import Server, open_stack, start_server, stop_server
from tests.e2e.test_browser import CHROMIUM, PHONE, SHOTS, TV, _login, chromium
from tests.support import GraphQLClient, World, make_world

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]


@dataclass
class Company:
    server: Server
    world: World
    customers: dict[str, int]
    stack: str


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    async with chromium() as launched:
        yield launched


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def company(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Company]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("cockpit-customers"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            server, uvicorn_server, task = await start_server(stack.settings)
            env = server.runtime.env
            world = await make_world(env)
            customers, _ = await seed(env, world)
            await rebuild(env, only_org=world.org_id)
            try:
                yield Company(server, world, customers, request.param)
            finally:
                await stop_server(uvicorn_server, task)


async def test_a_manager_opens_a_customer_at_risk_and_switches_contribution_to_products(company: Company, browser: Browser) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, company.server.url, company.world.manager.email, "/analytics")
    await expect(page.get_by_test_id("analytics")).to_be_visible()
    await page.get_by_test_id("an-section-customers").click()  # the cockpit's tab, same node and period
    section = page.get_by_test_id("analytics-customers")
    await expect(section).to_be_visible()
    await expect(page.get_by_test_id("an-node")).to_have_text("Team A")  # a manager's top is their team
    await page.goto(f"{company.server.url}/analytics/customers?period=2026-11")
    await expect(section).to_have_attribute("data-period", "2026-11")

    churn = page.get_by_test_id("an-cu-churn")
    await expect(churn).to_have_attribute("data-total", "2")
    rows = page.get_by_test_id("an-cu-churn-row")
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_contain_text("C1")  # the most valuable first
    reasons = rows.first.get_by_test_id("an-cu-reason")
    await expect(reasons).to_have_count(2)
    await expect(reasons.first).to_have_attribute("data-code", "FALLING_ORDER_VALUE")
    await expect(reasons.first).to_contain_text("订单金额下降")  # the manager reads Chinese (the accounts' default)
    await expect(reasons.nth(1)).to_have_text("从未拜访")
    await expect(rows.nth(1).get_by_test_id("an-cu-reason").first).to_contain_text("通常每 30 天")
    csv = churn.get_by_test_id("dt-export-csv")
    assert "/api/analytics/churn/export?nodeKind=TEAM" in (await csv.get_attribute("href") or "")

    contribution = page.get_by_test_id("an-cu-contribution")
    await expect(contribution).to_have_attribute("data-by", "CUSTOMER")
    await expect(page.get_by_test_id("an-cu-contribution-row").first).to_contain_text("C1")
    await expect(page.locator('[data-chart="pareto"] svg')).to_have_count(1)  # ECharts, loaded for this route
    await page.screenshot(path=str(SHOTS / f"cockpit-customers-{company.stack}.png"), full_page=True)

    await rows.first.click()
    await expect(page.get_by_test_id("customer-page")).to_be_visible()
    assert f"/customers/{company.customers['C1']}" in page.url
    await page.go_back()
    await expect(page.get_by_test_id("an-cu-churn-row")).to_have_count(2)

    await page.get_by_test_id("an-cu-by-product").click()
    await expect(contribution).to_have_attribute("data-by", "PRODUCT")
    products = page.get_by_test_id("an-cu-contribution-row")
    await expect(products).to_have_count(2)
    await expect(products.first).to_contain_text("Pump")  # 600 + 1,000 against the valves' 300
    await expect(products.nth(1)).to_contain_text("Valve")
    assert "by=product" in page.url
    export = contribution.get_by_test_id("dt-export-xlsx")
    assert "by=PRODUCT" in (await export.get_attribute("href") or "")
    await context.close()


async def test_on_a_phone_in_english_the_reasons_read_in_english(company: Company, browser: Browser) -> None:
    async with GraphQLClient(company.server.url) as client:
        await client.login(company.world.manager.email)
        await client.data('mutation { setLocale(locale: EN) { email } }')
    context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = await context.new_page()
    await _login(page, company.server.url, company.world.manager.email, "/analytics/customers")
    await expect(page.get_by_test_id("analytics-customers")).to_be_visible()
    await page.goto(f"{company.server.url}/analytics/customers?period=2026-11")
    rows = page.get_by_test_id("an-cu-churn-row")
    await expect(rows).to_have_count(2)
    await expect(rows.first.get_by_test_id("an-cu-reason").first).to_contain_text("Orders shrinking")
    await expect(rows.first.get_by_test_id("an-cu-reason").nth(1)).to_have_text("Never visited")
    await expect(rows.nth(1).get_by_test_id("an-cu-reason").first).to_contain_text("usually every 30")
    await page.screenshot(path=str(SHOTS / f"cockpit-customers-phone-{company.stack}.png"), full_page=True)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "nothing wider than the phone"
    await context.close()


async def test_behaviour_shows_more_than_fifty_reps(company: Company, browser: Browser) -> None:
    # Team A grows to 57 reps (Rita, Rob and 55 more): the first page shows 50, "more" the other 7.
    w = company.world
    async with transaction(company.server.runtime.env.db) as tx:
        tx.session.add_all([User(org_id=w.org_id, team_id=w.team_a, email=f"more{i}-{uuid.uuid4().hex[:6]}@a.test", name=f"More {i:02d}", role="rep",
                                 password_hash="x", created_at=datetime.now(UTC)) for i in range(55)])
    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, company.server.url, w.manager.email, "/analytics/customers")
    await expect(page.get_by_test_id("analytics-customers")).to_be_visible()
    await page.goto(f"{company.server.url}/analytics/customers?period=2026-11")
    rows = page.get_by_test_id("an-cu-behaviour-row")
    await expect(rows).to_have_count(50)
    more = page.get_by_test_id("an-cu-behaviour-more")
    await expect(more).to_contain_text("7")
    await more.click()
    await expect(rows).to_have_count(57)
    await expect(more).to_have_count(0)
    await context.close()
