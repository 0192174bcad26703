"""In Debian's chromium: an admin gives people employee numbers on /settings/people (a taken one is refused next to
its field) and downloads the people list; a manager exports the filtered customer list and the team pipeline from
the Export menu, on a desktop and a phone. Screenshots of each list with its menu open, both languages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect
from python_calamine import CalamineWorkbook

from tests.customers.helpers import create
from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401
from tests.e2e.test_customers_browser import _language
from tests.pipeline.test_deals import login, open_deal
from tests.support import World

pytestmark = pytest.mark.browser


async def _open_menu(page: Page, test_id: str) -> None:
    menu = page.get_by_test_id(test_id)
    if await menu.get_attribute("open") is None:
        await menu.locator("summary").click()
    await expect(page.get_by_test_id(f"{test_id}-xlsx")).to_be_visible()


async def _shoot(page: Page, size: str, screen: str, menu: str, stack_name: str) -> None:
    for locale, lang in (("en", "en"), ("zh-CN", "zh")):
        await _language(page, locale)
        await _open_menu(page, menu)
        await page.wait_for_timeout(300)
        await page.screenshot(path=str(SHOTS / f"{size}-exports-{screen}-{lang}-{stack_name}.png"))
    await _language(page, "en")


async def _download(page: Page, link_id: str) -> bytes:
    async with page.expect_download() as info:
        await page.get_by_test_id(link_id).click()
    download = await info.value
    return Path(await download.path()).read_bytes()


async def test_employee_numbers_and_list_exports_in_the_browser(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with await login(server, world.manager.email) as manager:
        for name, tier, owner in (("澎湃仪器 上海分公司", "A", world.rep), ("Lumen Optics", "B", world.rep2), ("徐汇精密制造", "A", world.rep2)):
            await create(manager, name, tier=tier, ownerId=str(owner.id), industry="制造", city="上海")
        await open_deal(manager, world, title="Forklift fleet", ownerId=str(world.rep.id), amount="120000.50")

    # An admin numbers Rita; the same number for Rob is refused next to its field
    desk = await (await browser.new_context(viewport=TV, locale="en-US", accept_downloads=True)).new_page()
    await _login(desk, server.url, world.admin.email, "/settings/people")
    rita = desk.get_by_test_id("person-row").filter(has_text=world.rep.email)
    await rita.get_by_test_id("person-edit").click()
    await desk.get_by_test_id("sheet-number").fill("E-0042")
    await desk.get_by_test_id("edit-submit").click()
    await expect(rita.get_by_test_id("person-number")).to_have_text("E-0042")
    rob = desk.get_by_test_id("person-row").filter(has_text=world.rep2.email)
    await rob.get_by_test_id("person-edit").click()
    await desk.get_by_test_id("sheet-number").fill("E-0042")
    await desk.get_by_test_id("edit-submit").click()
    await expect(desk.locator('[data-testid="field-error"][data-field="employeeNumber"]')).to_contain_text("已有其他人使用这个工号")  # the admin reads Chinese
    await desk.keyboard.press("Escape")
    # The people list downloads with the number beside the email
    await _open_menu(desk, "dt-export")
    rows = list(csv.reader(io.StringIO((await _download(desk, "dt-export-csv")).decode("utf-8-sig"))))
    assert [world.rep.email, "E-0042"] == rows[[r[1] for r in rows].index(world.rep.email)][1:3]
    await _shoot(desk, "tv", "people", "dt-export", stack.name)

    # A manager filters the customers to tier A and exports exactly those as Excel
    page = await (await browser.new_context(viewport=TV, locale="en-US", accept_downloads=True)).new_page()
    await _login(page, server.url, world.manager.email, "/customers")
    await expect(page.get_by_test_id("customer-row")).to_have_count(3)
    await page.get_by_test_id("filter-tier").select_option("A")
    await expect(page.get_by_test_id("customer-row")).to_have_count(2)
    await _open_menu(page, "dt-export")
    book = CalamineWorkbook.from_filelike(io.BytesIO(await _download(page, "dt-export-xlsx")))
    assert sorted(r[0] for r in book.get_sheet_by_index(0).to_python()[1:]) == sorted(["澎湃仪器 上海分公司", "徐汇精密制造"])
    await _shoot(page, "tv", "customers", "dt-export", stack.name)
    await page.goto(f"{server.url}/deals/team?view=table")
    await expect(page.get_by_test_id("tp-row")).to_have_count(1)
    await _open_menu(page, "tp-export")
    rows = list(csv.reader(io.StringIO((await _download(page, "tp-export-csv")).decode("utf-8-sig"))))
    assert rows[1][0] == "Forklift fleet" and rows[1][3] == world.rep.email
    await _shoot(page, "tv", "team-pipeline", "tp-export", stack.name)

    phone = await (await browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)).new_page()
    await _login(phone, server.url, world.manager.email, "/customers")
    await expect(phone.get_by_test_id("customer-row")).to_have_count(3)
    await _shoot(phone, "phone", "customers", "dt-export", stack.name)
    await phone.goto(f"{server.url}/deals/team")
    await expect(phone.get_by_test_id("team-pipeline")).to_be_visible()
    await _shoot(phone, "phone", "team-pipeline", "tp-export", stack.name)
    await phone.goto(f"{server.url}/settings/people")
    await expect(phone.get_by_test_id("person-row").first).to_be_visible()
    await _shoot(phone, "phone", "people", "dt-export", stack.name)
