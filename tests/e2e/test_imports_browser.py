"""In Debian's chromium: an admin uploads a GBK customers file, maps the one column not recognised, dry-runs it,
commits it (in the background, followed live), and downloads the report."""

from __future__ import annotations

import io

import pytest
import python_calamine
from playwright.async_api import Browser, Page, expect

from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401
from tests.e2e.test_org_products_browser import _language
from tests.imports.test_customers_import import C1
from tests.support import World

pytestmark = pytest.mark.browser

ROWS = 2_500  # above the inline limit: the dry run and the commit run in the background with progress


def customers_file() -> bytes:
    lines = ["客户全称,统一社会信用代码,负责人,城市,等级,联系人,电话,纬度,经度,坐标系"]
    lines.append(f"上海澎湃科技有限公司,{C1},rep@acme.test,上海,A,王伟,13800000001,31.2304,121.4737,GCJ-02")
    lines.append("缺负责人有限公司,,nobody@acme.test,上海,B,,,31.2,121.4,GCJ-02")
    lines += [f"批量客户{i:05d}有限公司,,Rita Rep,杭州,C,联系人{i},139{i:08d},30.{i:05d},120.15,WGS84" for i in range(ROWS - 2)]
    return ("\n".join(lines) + "\n").encode("gbk")


async def _shoot(page: Page, name: str) -> None:
    for locale, lang in (("en", "en"), ("zh-CN", "zh")):
        await _language(page, locale)
        await page.screenshot(path=str(SHOTS / f"{name}-{lang}.png"), full_page=True)


async def test_an_admin_imports_customers_from_a_gbk_file(server, world: World, browser: Browser, stack, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "客户导出.csv"
    path.write_bytes(customers_file())
    context = await browser.new_context(viewport=TV, locale="en-US", accept_downloads=True)
    page = await context.new_page()
    await _login(page, server.url, world.admin.email, "/team")
    await page.get_by_test_id("nav-imports").click()
    await expect(page.get_by_test_id("imports-page")).to_be_visible()
    if stack.name == "embedded":
        await _shoot(page, "desktop-imports-upload")

    # Upload: the headers are recognised but 客户全称, which the admin maps to the customer's name.
    await page.get_by_test_id("imports-source").fill("旧CRM")
    await page.get_by_test_id("imports-file").set_input_files(str(path))
    await expect(page.get_by_test_id("imports-mapping")).to_be_visible()
    await expect(page.get_by_test_id("imports-missing")).to_be_visible()
    await expect(page.get_by_test_id("imports-dry-run")).to_be_disabled()
    row = page.locator('[data-testid="imports-map-row"][data-header="客户全称"]')
    await row.get_by_test_id("imports-map-select").select_option("name")
    if stack.name == "embedded":
        await _shoot(page, "desktop-imports-mapping")
    await page.get_by_test_id("imports-dry-run").click()

    # The dry run's summary and its one bad row, with the column, the value and why.
    review = page.get_by_test_id("imports-review")
    await expect(review).to_have_attribute("data-state", "planned", timeout=60_000)
    await expect(page.get_by_test_id("imports-count-created")).to_contain_text(f"{ROWS - 1:,}")
    await expect(page.get_by_test_id("imports-count-error")).to_contain_text("1")
    bad = page.get_by_test_id("imports-error-row")
    await expect(bad).to_have_count(1)
    await expect(bad).to_contain_text("nobody@acme.test")
    if stack.name == "embedded":
        await _shoot(page, "desktop-imports-review")
        await _language(page, "en")

    # Commit: followed live until it is done, without reloading the page.
    await page.get_by_test_id("imports-commit").click()
    await expect(review).to_have_attribute("data-state", "committed", timeout=120_000)
    run = page.locator('[data-testid="imports-run-row"][data-status="committed"]')
    await expect(run).to_have_count(1)

    # The report: every row of the file with its outcome.
    async with page.expect_download() as caught:
        await page.get_by_test_id("imports-report").click()
    download = await caught.value
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO((await download.path()).read_bytes())).get_sheet_by_index(0).to_python()
    assert len(sheet) == ROWS + 1 and sheet[0][3] == "客户全称"
    # In the admin's own language (the report is theirs): line 3 is the one error.
    assert sheet[2][1] in ("error", "错误") and [r[1] for r in sheet[1:]].count(sheet[2][1]) == 1 and "nobody@acme.test" in sheet[2][2]

    if stack.name == "embedded":
        await _shoot(page, "desktop-imports-done")
        phone = await browser.new_context(viewport=PHONE, locale="en-US")
        small = await phone.new_page()
        await _login(small, server.url, world.admin.email, "/settings/import")
        await expect(small.get_by_test_id("imports-run-row")).to_have_count(1)
        await _shoot(small, "phone-imports")
        await phone.close()
    await context.close()
