"""In Debian's chromium, from nothing: an empty install opens the first-run page, the new admin creates the company,
invites a rep from /settings/people, and the rep accepts the link on a 390×844 phone and lands signed in on home."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.test_browser import PHONE, SHOTS, TV, browser  # noqa: F401

pytestmark = pytest.mark.browser


async def test_from_an_empty_install_to_a_rep_signed_in_by_invitation(server, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    desk = await (await browser.new_context(viewport=TV, locale="en-US")).new_page()

    # Given an install with no company, any path opens the first-run page
    await desk.goto(f"{server.url}/")
    await expect(desk).to_have_url(re.compile(r"/setup$"))
    await expect(desk.get_by_test_id("setup-page")).to_be_visible()
    await desk.get_by_test_id("setup-name").fill("Harbor Instruments")
    await desk.get_by_test_id("setup-timezone").select_option("Asia/Shanghai")
    await desk.get_by_test_id("setup-currency").select_option("CNY")
    await desk.get_by_test_id("setup-fiscal").select_option("4")
    await desk.get_by_test_id("setup-locale").select_option("en")
    await desk.get_by_test_id("setup-adminName").fill("Hana Admin")
    await desk.get_by_test_id("setup-adminEmail").fill("hana@harbor.test")
    # A weak password is refused next to its field, and nothing is created
    await desk.get_by_test_id("setup-password").fill("12345678")
    await desk.get_by_test_id("setup-submit").click()
    await expect(desk.locator('[data-testid="field-error"][data-field="adminPassword"]')).to_be_visible()
    await desk.get_by_test_id("setup-password").fill("harbor lights at dawn")
    await desk.screenshot(path=str(SHOTS / f"accounts-setup-wide-{stack.name}.png"), full_page=True)
    await desk.get_by_test_id("setup-submit").click()
    # Then the admin is signed in on home
    await expect(desk).to_have_url(re.compile(r"/$"))
    await expect(desk.get_by_test_id("logout")).to_be_visible()

    # When the admin invites a rep from the people page
    await desk.goto(f"{server.url}/settings/people")
    await expect(desk.get_by_test_id("person-row")).to_have_count(1)
    await desk.get_by_test_id("people-invite").click()
    await desk.get_by_test_id("invite-name").fill("Ren Rep")
    await desk.get_by_test_id("sheet-role-rep").click()
    await desk.get_by_test_id("invite-submit").click()
    link = desk.get_by_test_id("invite-link")
    await expect(link).to_contain_text("/join/")
    await expect(desk.get_by_test_id("invite-code")).to_have_text(re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$"))
    await desk.screenshot(path=str(SHOTS / f"accounts-invite-wide-{stack.name}.png"))
    url = (await link.text_content() or "").strip()
    await desk.get_by_test_id("invite-close").click()
    await expect(desk.get_by_test_id("pending-invitation")).to_have_count(1)

    # Then the rep opens the link on a phone, chooses a password and lands signed in on home
    phone = await (await browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)).new_page()
    await phone.goto(url)
    await expect(phone.get_by_test_id("join-welcome")).to_contain_text("Ren Rep")
    await phone.get_by_test_id("join-email").fill("ren@harbor.test")
    await phone.get_by_test_id("join-password").fill("a rep's own secret")
    await phone.screenshot(path=str(SHOTS / f"accounts-join-phone-{stack.name}.png"))
    await phone.get_by_test_id("join-submit").click()
    await expect(phone).to_have_url(re.compile(r"/$"))
    await expect(phone.get_by_test_id("home-rank")).to_be_visible()
    await phone.screenshot(path=str(SHOTS / f"accounts-joined-home-phone-{stack.name}.png"))

    # And the link is used up; the people page lists the rep, the invitation no longer pending
    again = await (await browser.new_context(viewport=PHONE, locale="en-US")).new_page()
    await again.goto(url)
    await expect(again.get_by_test_id("join-error")).to_be_visible()
    await desk.reload()
    await expect(desk.get_by_test_id("person-row")).to_have_count(2)
    await expect(desk.get_by_test_id("pending-invitation")).to_have_count(0)
