"""In Debian's chromium: an admin builds a plan, a manager approves a statement, answers a dispute, splits a deal's credit,
refunds a payment and reverses a win, the way they would on /settings/plans, /statements and the deal page."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from playwright.async_api import Browser, expect

from tests.compensation.test_earnings import SAVE_PLAN, field_plan, put_on_plan, this_month, win
from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401 (browser is a fixture)
from tests.pipeline.test_deals import ORDER, PAYMENT, login, order_input, payment_input
from tests.support import GraphQLClient, World

pytestmark = pytest.mark.browser

PLANS = "{ compPlans { id name version effectiveFrom components { key kind tiers { from rate } tierMode accelerators { from multiplier } } } }"
STATEMENT = "query S($user: ID!, $period: String!) { statement(userId: $user, period: $period) { status payable approvedBy } }"
SPLITS = "query C($deal: ID!) { creditSplits(dealId: $deal) { userId percent } }"
RAISE = """
mutation R($period: String!, $line: String!, $message: String!, $clientId: String!) {
  raiseDispute(period: $period, lineKey: $line, message: $message, clientId: $clientId) {
    __typename
    ... on DisputeSuccess { dispute { id } }
    ... on OperationError { errors { field code message } }
  }
}
"""
MY_LINES = "query E($period: String) { myEarnings(period: $period) { lines { key kind } } }"
DISPUTES = "query D($period: String!) { disputes(period: $period) { status resolution messages { body } } }"
DEAL = "query D($id: ID!) { deal(id: $id) { deal { status } orders { payments { amount refundOfId } } } }"


def shift(month: str, months: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


async def test_an_admin_builds_a_plan_with_tiers_and_an_accelerator_and_a_bad_rate_is_named(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, server.url, world.admin.email, "/settings/plans")

    editor = page.get_by_test_id("plan-editor")
    await expect(editor).to_have_attribute("data-plan-id", "new")  # no plans yet: straight to a new one
    await page.get_by_test_id("plan-name").fill("Field sales 2027")
    await page.get_by_test_id("plan-effective").fill(month)
    component = page.get_by_test_id("plan-component").first
    await component.get_by_test_id("component-name").fill("Commission")
    await component.get_by_test_id("add-tier").click()
    await expect(component.get_by_test_id("tier-from")).to_have_value("0")  # the first tier starts at zero
    await component.get_by_test_id("tier-rate").nth(0).fill("3")
    await component.get_by_test_id("add-tier").click()
    await component.get_by_test_id("tier-from").nth(1).fill("100,000")
    await component.get_by_test_id("tier-rate").nth(1).fill("150")  # more than 100 %: the server refuses it
    await component.get_by_test_id("add-accelerator").click()
    await component.get_by_test_id("accelerator-from").fill("120")
    await component.get_by_test_id("accelerator-multiplier").fill("1.2")
    await page.get_by_test_id("plan-save").click()

    bad = editor.locator('[data-testid="field-error"][data-field="components.0.tiers.1.rate"]')
    await expect(bad).to_be_visible()
    await expect(component.get_by_test_id("tier-rate").nth(1)).to_have_attribute("aria-invalid", "true")
    await expect(editor.locator('[data-testid="field-error"]:visible')).to_have_count(1)  # only that input is blamed
    await page.screenshot(path=str(SHOTS / f"plan-editor-error-{stack.name}.png"), full_page=True)

    await component.get_by_test_id("tier-rate").nth(1).fill("5")
    await expect(bad).to_be_hidden()
    await page.get_by_test_id("plan-save").click()
    await expect(page.get_by_test_id("plans-notice")).to_be_visible()
    item = page.get_by_test_id("plan-item")
    await expect(item).to_have_count(1)
    await expect(editor).not_to_have_attribute("data-plan-id", "new")
    await expect(page.get_by_test_id("plan-version")).to_have_count(1)

    async with await login(server, world.admin.email) as admin:
        (plan,) = (await admin.data(PLANS))["compPlans"]
    assert plan["name"] == "Field sales 2027" and plan["version"] == 1 and plan["effectiveFrom"] == month
    (saved,) = plan["components"]
    assert saved["kind"] == "COMMISSION" and saved["key"] == "commission"
    assert saved["tiers"] == [{"from": "0", "rate": "3"}, {"from": "100000", "rate": "5"}]
    assert saved["accelerators"] == [{"from": "120", "multiplier": "1.2"}]
    await context.close()


async def test_a_manager_approves_last_months_statement_and_it_locks(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    # Given a rep on a plan since two months back, with a deal won now (it belongs to this month):
    # last month has no deals, so its statement is zero, but it has ended and can be approved.
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        await put_on_plan(admin, [world.rep.id], shift(month, -2))
    async with await login(server, world.rep.email) as rep:
        await win(rep, world, "50000.00")
    last = shift(month, -1)

    context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = await context.new_page()
    await _login(page, server.url, world.manager.email, "/team")
    await page.get_by_test_id("open-menu").click()  # the way in on a phone: the menu page
    await page.get_by_test_id("menu-statements").click()
    await expect(page.get_by_test_id("statements-page")).to_have_attribute("data-period", last)  # last month by default
    row = page.locator(f'[data-testid="statement-row"][data-row-id="{world.rep.id}"]')
    await expect(row).to_have_attribute("data-status", "OPEN")
    csv = await page.request.get(server.url + await page.get_by_test_id("export-csv").get_attribute("href"))
    assert csv.status == 200 and csv.headers["content-type"].startswith("text/csv")

    await row.click()
    head = page.get_by_test_id("statement-head")
    await expect(head).to_have_attribute("data-status", "OPEN")
    await expect(page.get_by_test_id("statement-payable")).to_have_attribute("data-value", re.compile(r"^0(\.00)?$"))
    await page.get_by_test_id("approve-statement").click()
    await page.get_by_test_id("confirm-approve").click()
    await expect(head).to_have_attribute("data-status", "APPROVED")
    await expect(page.get_by_test_id("statement-approved")).to_contain_text("Max Manager")
    await expect(page.get_by_test_id("approve-statement")).to_have_count(0)  # read-only from now on
    await page.screenshot(path=str(SHOTS / f"statement-approved-{stack.name}.png"), full_page=True)

    await page.get_by_test_id("statement-back").click()
    await expect(row).to_have_attribute("data-status", "APPROVED")

    # This month has not ended: the server says so, and the screen shows its words.
    await page.get_by_test_id("month-next").click()
    await page.locator(f'[data-testid="statement-row"][data-row-id="{world.rep.id}"]').click()
    await page.get_by_test_id("approve-statement").click()
    await page.get_by_test_id("confirm-approve").click()
    await expect(page.get_by_test_id("approve-error")).to_contain_text(month)
    await expect(page.get_by_test_id("statement-head")).to_have_attribute("data-status", "OPEN")

    async with await login(server, world.manager.email) as manager:
        approved = (await manager.data(STATEMENT, {"user": str(world.rep.id), "period": last}))["statement"]
    assert approved["status"] == "APPROVED" and approved["approvedBy"] == "Max Manager"
    await context.close()


async def test_a_manager_answers_and_rejects_a_dispute_on_a_line(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        await put_on_plan(admin, [world.rep.id], month)
    async with await login(server, world.rep.email) as rep:
        await win(rep, world, "60000.00")
        (line,) = (await rep.data(MY_LINES, {"period": month}))["myEarnings"]["lines"]
        raised = (await rep.data(RAISE, {"period": month, "line": line["key"], "message": "Should be 5 %", "clientId": str(uuid.uuid4())}))["raiseDispute"]
        assert raised["__typename"] == "DisputeSuccess", raised

    context = await browser.new_context(viewport=TV, locale="en-US")
    page = await context.new_page()
    await _login(page, server.url, world.manager.email, f"/statements?period={month}")
    row = page.locator(f'[data-testid="statement-row"][data-row-id="{world.rep.id}"]')
    await expect(row.get_by_test_id("statement-disputes")).to_have_attribute("data-count", "1")
    await row.click()
    await expect(page.locator(f'[data-testid="statement-line"][data-key="{line["key"]}"]')).to_have_class(re.compile("is-disputed"))
    explained = page.get_by_test_id("line-explain").first
    await expect(explained).to_contain_text("3")  # 60,000 at 3 %: the line says how it was reached
    dispute = page.get_by_test_id("dispute")
    await dispute.get_by_test_id("dispute-reply").fill("Checking the contract")
    await dispute.get_by_test_id("dispute-reply-send").click()
    await expect(dispute.get_by_test_id("dispute-message")).to_have_count(2)

    await dispute.get_by_test_id("dispute-decision-rejected").check(force=True)
    await dispute.get_by_test_id("dispute-resolve").click()  # no resolution written: refused on the page
    await expect(dispute.locator('[data-testid="field-error"][data-field="resolution"]')).to_be_visible()
    await dispute.get_by_test_id("dispute-resolution").fill("The plan pays 3 % below 100,000")
    await dispute.get_by_test_id("dispute-resolve").click()
    await expect(page.get_by_test_id("dispute")).to_have_attribute("data-status", "REJECTED")
    await page.screenshot(path=str(SHOTS / f"statement-dispute-{stack.name}.png"), full_page=True)

    async with await login(server, world.manager.email) as manager:
        (found,) = (await manager.data(DISPUTES, {"period": month}))["disputes"]
    assert found["status"] == "REJECTED" and found["resolution"] == "The plan pays 3 % below 100,000"
    assert [m["body"] for m in found["messages"]] == ["Should be 5 %", "Checking the contract"]
    await context.close()


async def test_a_manager_splits_a_deals_credit_60_40_and_a_wrong_total_is_refused(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.rep.email) as rep:
        deal = await win(rep, world, "10000.00")
    context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = await context.new_page()
    await _login(page, server.url, world.manager.email, f"/deals/{deal['id']}")

    card = page.get_by_test_id("credit-split")
    await expect(card.get_by_test_id("split-row")).to_have_count(1)  # the owner in full
    await card.get_by_test_id("edit-split").click()
    sheet = page.get_by_test_id("split-sheet")
    total = sheet.get_by_test_id("split-total")
    await sheet.get_by_test_id("split-percent").first.fill("60")
    await expect(total).to_have_attribute("data-state", "UNDER")
    await sheet.get_by_test_id("split-add").click()
    await sheet.get_by_test_id("split-person").nth(1).select_option(str(world.rep2.id))
    await expect(sheet.get_by_test_id("split-percent").nth(1)).to_have_value("40")  # what is left, offered
    await sheet.get_by_test_id("split-percent").nth(1).fill("30")
    await expect(total).to_have_attribute("data-state", "UNDER")
    await sheet.get_by_test_id("split-save").click()
    await expect(sheet.locator('[data-testid="field-error"][data-field="splits"]')).to_be_visible()  # MISMATCH, from the server
    await page.screenshot(path=str(SHOTS / f"split-refused-{stack.name}.png"))

    await sheet.get_by_test_id("split-percent").nth(1).fill("40")
    await expect(total).to_have_attribute("data-state", "EXACT")
    await sheet.get_by_test_id("split-save").click()
    await expect(sheet).to_be_hidden()
    await expect(card.get_by_test_id("split-row")).to_have_count(2)
    await expect(card.locator(f'[data-testid="split-row"][data-user-id="{world.rep2.id}"]')).to_have_attribute("data-percent", re.compile(r"^40(\.0+)?$"))

    async with await login(server, world.manager.email) as manager:
        splits = (await manager.data(SPLITS, {"deal": deal["id"]}))["creditSplits"]
    assert {s["userId"]: float(s["percent"]) for s in splits} == {str(world.rep.id): 60.0, str(world.rep2.id): 40.0}
    await context.close()


async def test_a_payment_is_refunded_once_and_a_won_deal_is_reversed(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.rep.email) as rep:
        deal = await win(rep, world, "1000.00")
        order = (await rep.data(ORDER, {"input": order_input(deal, "1000.00")}))["recordOrder"]["order"]
        await rep.data(PAYMENT, {"input": payment_input(order["id"], "600.00", datetime.now(UTC))})
    context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = await context.new_page()
    await _login(page, server.url, world.manager.email, f"/deals/{deal['id']}")

    await page.get_by_test_id("refund-payment").click()
    sheet = page.get_by_test_id("refund-sheet")
    await expect(sheet.get_by_test_id("refund-amount")).to_have_value("600.00")
    await sheet.get_by_test_id("refund-amount").fill("700")
    await sheet.get_by_test_id("refund-reason").fill("Returned two units")
    await sheet.get_by_test_id("confirm-refund").click()
    await expect(sheet.locator('[data-testid="field-error"][data-field="amount"]')).to_be_visible()  # more than was paid
    await sheet.get_by_test_id("refund-amount").fill("200")
    await sheet.get_by_test_id("confirm-refund").click()
    await expect(sheet).to_be_hidden()
    refund = page.locator('[data-testid="payment"][data-refund-of]:not([data-refund-of=""])')
    await expect(refund).to_contain_text("-")
    await expect(page.locator('[data-testid="payment"][data-left="400.00"]')).to_be_visible()
    await page.screenshot(path=str(SHOTS / f"deal-refund-{stack.name}.png"), full_page=True)

    await page.get_by_test_id("reverse-deal").click()
    reverse = page.get_by_test_id("reverse-sheet")
    await reverse.get_by_test_id("confirm-reverse").click()  # a reason is required
    await expect(reverse.locator('[data-testid="field-error"][data-field="reason"]')).to_be_visible()
    await reverse.get_by_test_id("reverse-reason").fill("Customer cancelled the contract")
    await reverse.get_by_test_id("confirm-reverse").click()
    await expect(page.get_by_test_id("deal-reversed")).to_be_visible()
    await expect(page.get_by_test_id("reverse-deal")).to_have_count(0)

    async with await login(server, world.manager.email) as manager:
        detail = (await manager.data(DEAL, {"id": deal["id"]}))["deal"]
    assert detail["deal"]["status"] == "REVERSED"
    payments = detail["orders"][0]["payments"]
    assert [p["amount"] for p in payments] == ["600.00", "-200.00"] and payments[1]["refundOfId"] is not None
    await context.close()


async def test_a_manager_sees_plans_read_only(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        saved = (await admin.data(SAVE_PLAN, {"input": field_plan(month)}))["saveCompPlan"]
    context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = await context.new_page()
    await _login(page, server.url, world.manager.email, "/team")
    await page.get_by_test_id("open-menu").click()
    await page.get_by_test_id("menu-plans").click()
    await page.locator(f'[data-testid="plan-item"][data-plan-id="{saved["plan"]["id"]}"]').click()
    await expect(page.get_by_test_id("plans-readonly")).to_be_visible()
    await expect(page.get_by_test_id("plan-name")).to_be_disabled()
    await expect(page.get_by_test_id("plan-save")).to_have_count(0)
    await expect(page.get_by_test_id("new-plan")).to_have_count(0)
    await expect(page.get_by_test_id("tier-row")).to_have_count(2)
    await context.close()
