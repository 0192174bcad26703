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
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, expect

from podium.core.events import transaction
from podium.customers.models import Customer
from podium.customers.names import name_key
from podium.orgs.models import User
from podium.pipeline.models import Deal
from podium.pipeline.service import ensure_stages
from podium.rebuild import rebuild
from tests.analytics.test_customers_analytics import seed
from tests.conftest import Server, served_world
from tests.e2e.test_browser import CHROMIUM, PHONE, SHOTS, TV, _login, chromium
from tests.pipeline.test_deals import move, open_deal, stage_ids
from tests.support import GraphQLClient, World

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
    async with served_world(request, tmp_path_factory, "cockpit-customers", logins=()) as served:
        customers, _ = await seed(served.env, served.world)
        await rebuild(served.env, only_org=served.world.org_id)
        yield Company(served.server, served.world, customers, served.stack)


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
    # A live refresh reads as many reps as are shown: the list stays at 57.
    reread = lambda r: "AnalyticsCustomersOverview" in (r.request.post_data or "")  # noqa: E731
    async with page.expect_response(reread, timeout=20_000) as answer:
        async with GraphQLClient(company.server.url) as rep:
            await rep.login(w.rep.email)
            stages = await stage_ids(rep)
            deal = await open_deal(rep, w, amount="300.00")
            assert (await move(rep, deal, stages["won"], reason="Signed"))["__typename"] == "DealSuccess"
    assert '"first": 57' in ((await answer.value).request.post_data or "").replace('":', '": ')
    await page.wait_for_timeout(800)  # drawn
    await expect(rows).to_have_count(57)
    await context.close()


async def _more_at_risk(env: object, world: World, count: int) -> None:
    """`count` more customers of Rita's who bought every month in the spring, then nothing, and were never visited."""
    async with transaction(env.db) as tx:  # type: ignore[attr-defined]
        s = tx.session
        stage = next(st for st in await ensure_stages(s, world.org_id) if st.outcome == "won")
        for n in range(count):
            name = f"Lapsed {n + 1:02d}"
            customer = Customer(org_id=world.org_id, name=name, name_key=name_key(name), owner_id=world.rep.id)
            s.add(customer)
            await s.flush()
            for month in (4, 5, 6):
                closed = datetime(2026, month, 1, 4, tzinfo=UTC)
                s.add(Deal(org_id=world.org_id, client_id=str(uuid.uuid4()), created_by=world.rep.id, owner_id=world.rep.id, customer_id=customer.id,
                           title=f"{name} {month}", amount=Decimal(100 + n), currency="CNY", lead_source="web", expected_close=date(2026, 6, 30),
                           stage_id=stage.id, status="won", probability=100, closed_at=closed, stage_entered_at=closed,
                           created_at=closed - timedelta(days=5), updated_at=closed))
    await rebuild(env, only_org=world.org_id)  # type: ignore[arg-type]


async def test_a_live_refresh_keeps_the_churn_list_as_opened_and_the_scroll(company: Company, browser: Browser) -> None:
    """Runs last in the module: it adds customers at risk."""
    env = company.server.runtime.env
    await _more_at_risk(env, company.world, 12)
    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, company.server.url, company.world.manager.email, "/analytics/customers")
    churn = page.get_by_test_id("an-cu-churn")
    rows = page.get_by_test_id("an-cu-churn-row")
    await expect(rows).to_have_count(10)  # the first ten
    await churn.get_by_test_id("an-cu-churn-more").click()
    await expect(rows).to_have_count(14)  # 12 lapsed, C1 and C2: all of them now
    await rows.nth(13).scroll_into_view_if_needed()
    scrolled = await page.evaluate("document.scrollingElement.scrollTop")
    assert scrolled > 0

    # A win on the rep's side moves the cockpit: the page reads everything again, live (no reload).
    await page.evaluate("window.__notReloaded = true")
    reread = lambda r: "AnalyticsCustomersOverview" in (r.request.post_data or "")  # noqa: E731
    async with page.expect_response(reread, timeout=20_000) as answer:
        async with GraphQLClient(company.server.url) as rep:
            await rep.login(company.world.rep.email)
            stages = await stage_ids(rep)
            deal = await open_deal(rep, company.world, amount="900.00")
            assert (await move(rep, deal, stages["won"], reason="Signed"))["__typename"] == "DealSuccess"
    assert '"churnFirst": 14' in ((await answer.value).request.post_data or "").replace('":', '": ')
    await page.wait_for_timeout(800)  # drawn
    assert await page.evaluate("window.__notReloaded === true")

    await expect(rows).to_have_count(14)  # still open, not back to the first ten
    assert await page.evaluate("document.scrollingElement.scrollTop") == scrolled
    await context.close()
