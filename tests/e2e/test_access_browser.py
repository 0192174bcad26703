"""In Debian's chromium: an admin makes an API token for another system, copies it once, rotates and revokes it,
then finds each of those steps, and a role change, in the audit log with its before and after."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401
from tests.support import GraphQLClient, World

pytestmark = pytest.mark.browser

CHANGE_PERSON = """
mutation C($input: ChangePersonInput!) { changePerson(input: $input) { __typename } }
"""


async def _language(page: Page, locale: str) -> None:
    switch = page.get_by_test_id("lang-switch")
    if await switch.get_attribute("data-locale") != locale:
        await switch.click()
    await expect(switch).to_have_attribute("data-locale", locale)


async def _shoot(page: Page, size: str, name: str, stack_name: str) -> None:
    for locale, lang in (("en", "en"), ("zh-CN", "zh")):
        await _language(page, locale)
        await page.screenshot(path=str(SHOTS / f"{size}-{name}-{lang}-{stack_name}.png"), full_page=True)
    await _language(page, "en")


async def test_an_admin_makes_rotates_and_revokes_a_token_and_reads_the_audit_log(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = await browser.new_context(viewport=TV, locale="en-US")
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = await context.new_page()
    await _login(page, server.url, world.admin.email, "/team")
    await _language(page, "en")
    await page.get_by_test_id("nav-tokens").click()
    await expect(page.get_by_test_id("tokens-empty")).to_be_visible()

    # Given a new token for the ERP: a name, customers (write brings read along) and deals to read, 90 days
    await page.get_by_test_id("token-new").click()
    await page.get_by_test_id("token-create").click()
    await expect(page.get_by_test_id("token-error-name")).to_be_visible()  # nothing typed: told what is missing
    await page.get_by_test_id("token-name").fill("Kingdee ERP")
    await page.get_by_test_id("scope-customers:write").check()
    await expect(page.get_by_test_id("scope-customers:read")).to_be_checked()
    await page.get_by_test_id("scope-pipeline:read").check()
    await _shoot(page, "tv", "tokens-form", stack.name)
    await page.get_by_test_id("token-create").click()

    # then it is shown once, with a warning and a copy button
    await expect(page.get_by_test_id("token-issued")).to_be_visible()
    secret = await page.get_by_test_id("token-secret").input_value()
    assert secret.startswith("pod_")
    await page.get_by_test_id("token-copy").click()
    await expect(page.get_by_test_id("token-copy")).to_have_text("Copied")
    assert await page.evaluate("navigator.clipboard.readText()") == secret
    await _shoot(page, "tv", "tokens-issued", stack.name)

    # and the ERP reads the customers with it, which the list then shows as its last use
    async with httpx.AsyncClient(base_url=server.url) as erp:
        answer = await erp.post("/graphql", json={"query": "{ customers { name } }"}, headers={"Authorization": f"Bearer {secret}", "User-Agent": "kingdee/9"})
        assert {c["name"] for c in answer.json()["data"]["customers"]} == {"Near Co", "Far Co"}
    await page.get_by_test_id("token-issued-done").click()
    await page.reload()
    row = page.get_by_test_id("token-row").first
    await expect(row.get_by_test_id("token-status")).to_have_text("Active")
    await expect(row).to_contain_text("127.0.0.1")

    # When they rotate it with a day's overlap, the old one is in its overlap and a new secret is shown once
    await row.get_by_test_id("token-rotate").click()
    await page.get_by_test_id("token-overlap-24").check()
    await page.get_by_test_id("token-rotate-confirm").click()
    await expect(page.get_by_test_id("token-issued")).to_be_visible()
    rotated = await page.get_by_test_id("token-secret").input_value()
    assert rotated != secret
    await page.get_by_test_id("token-issued-done").click()
    await expect(page.get_by_test_id("token-row")).to_have_count(2)
    await expect(page.locator('[data-testid="token-row"][data-status="rotating"]')).to_have_count(1)
    # and revoke the new one after all
    page.once("dialog", lambda dialog: dialog.accept())
    await page.locator('[data-testid="token-row"][data-status="active"]').get_by_test_id("token-revoke").click()
    await expect(page.get_by_test_id("token-notice")).to_contain_text("revoked")
    async with httpx.AsyncClient(base_url=server.url) as erp:
        assert (await erp.post("/graphql", json={"query": "{ customers { name } }"}, headers={"Authorization": f"Bearer {rotated}"})).status_code == 401
    await _shoot(page, "tv", "tokens", stack.name)

    # Then the audit log has each step and a role change, newest first, with who and from where
    async with GraphQLClient(server.url) as admin:
        await admin.login(world.admin.email)
        await admin.data(CHANGE_PERSON, {"input": {"userId": str(world.rep.id), "role": "MANAGER"}})
    await page.get_by_test_id("nav-audit").click()
    await expect(page.get_by_test_id("audit-row")).to_have_count(4)
    await expect(page.get_by_test_id("audit-row").first).to_contain_text("Role, unit or manager changed")
    await page.get_by_test_id("audit-row").first.click()
    detail = page.get_by_test_id("audit-detail")
    await expect(detail).to_contain_text("admin@acme.test")
    changed = detail.locator('tr[data-changed="true"]')
    await expect(changed).to_have_count(1)
    await expect(changed).to_contain_text("rep")
    await expect(changed).to_contain_text("manager")
    await _shoot(page, "tv", "audit-detail", stack.name)
    await page.get_by_test_id("audit-action").select_option("token_revoked")
    await expect(page.get_by_test_id("audit-row")).to_have_count(1)
    await expect(page.get_by_test_id("audit-range")).to_contain_text("of 1")
    await page.get_by_test_id("audit-clear").click()
    await expect(page.get_by_test_id("audit-row")).to_have_count(4)
    await _shoot(page, "tv", "audit", stack.name)
    async with page.expect_download() as download:
        await page.get_by_test_id("audit-export-csv").click()
    assert (await download.value).suggested_filename == "audit-log.csv"
    await context.close()

    # On a phone the same pages fit 390 px
    phone_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    phone = await phone_context.new_page()
    await _login(phone, server.url, world.admin.email, "/settings/tokens")
    await expect(phone.get_by_test_id("token-row")).to_have_count(2)
    await _shoot(phone, "phone", "tokens", stack.name)
    await phone.get_by_test_id("token-new").click()
    await phone.get_by_test_id("scope-people:read").check()
    await _shoot(phone, "phone", "tokens-form", stack.name)
    await phone.goto(f"{server.url}/settings/audit")
    await expect(phone.get_by_test_id("audit-row")).to_have_count(4)
    await _shoot(phone, "phone", "audit", stack.name)
    await phone.get_by_test_id("audit-row").first.click()
    await expect(phone.get_by_test_id("audit-detail")).to_be_visible()
    await phone.get_by_test_id("audit-detail").scroll_into_view_if_needed()
    await _shoot(phone, "phone", "audit-detail", stack.name)

    await phone_context.close()

    # A manager has neither the links nor the pages
    manager_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    manager = await manager_context.new_page()
    await _login(manager, server.url, world.manager.email, "/team")
    await manager.get_by_test_id("open-menu").click()
    await expect(manager.get_by_test_id("menu-page")).to_be_visible()
    await expect(manager.get_by_test_id("menu-audit")).to_have_count(0)
    await expect(manager.get_by_test_id("menu-tokens")).to_have_count(0)
    await manager.goto(f"{server.url}/settings/audit")
    await expect(manager.get_by_test_id("audit-forbidden")).to_have_text("只有管理员可以查看审计日志。")
    await manager.goto(f"{server.url}/settings/tokens")
    await expect(manager.get_by_test_id("tokens-forbidden")).to_be_visible()
    await manager_context.close()
