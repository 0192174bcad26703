"""In Debian's chromium: an admin defines a company badge and marks today a working day; a rep's visits earn it, and the rep's profile shows it with the streak."""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.async_api import Browser, expect

from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401
from tests.support import GraphQLClient, World

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_an_admins_badge_is_earned_and_shown_on_the_reps_profile(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    today = datetime.now(SHANGHAI).date().isoformat()

    # Given an admin on a big screen, who finds the badge settings where the other settings are
    admin_context = await browser.new_context(viewport=TV, locale="en-US")
    admin = await admin_context.new_page()
    await _login(admin, server.url, world.admin.email, "/team")
    await admin.get_by_test_id("nav-badges").click()  # the desktop side navigation
    await expect(admin.get_by_test_id("badge-settings-page")).to_be_visible()

    # a threshold of 0 is refused next to its field
    new = admin.get_by_test_id("new-badge")
    await new.get_by_test_id("badge-name-input").fill("Early bird")
    await new.get_by_test_id("badge-metric").select_option("points")
    await new.get_by_test_id("badge-period").select_option("day")
    await new.get_by_test_id("badge-threshold").fill("0")
    await new.get_by_test_id("badge-save").click()
    threshold_error = new.locator('[data-testid="field-error"][data-field="threshold"]')
    await expect(threshold_error).to_be_visible()
    await expect(threshold_error).to_contain_text("1")  # "Must be between 1 and …"
    await expect(new.get_by_test_id("badge-threshold")).to_have_attribute("aria-invalid", "true")
    await expect(admin.get_by_test_id("badge-editor")).to_have_count(0)  # nothing saved

    # then 20 points in a day is saved, its rule said in words
    await new.get_by_test_id("badge-threshold").fill("20")
    await expect(threshold_error).to_be_hidden()
    await expect(new.get_by_test_id("badge-preview")).to_contain_text(re.compile("Earn 20 points in one day|一天内获得 20 积分"))
    await new.get_by_test_id("badge-save").click()
    await expect(admin.get_by_test_id("badge-notice")).to_contain_text("Early bird")
    saved = admin.get_by_test_id("badge-editor")
    await expect(saved).to_have_count(1)
    await expect(saved.get_by_test_id("badge-name-input")).to_have_value("Early bird")
    definition_id = await saved.get_attribute("data-definition-id")

    # and today is made a working day (so the streak counts it whatever the weekday); the server's complaint about
    # the second row's overlong name is shown next to that name first
    other_day = f"{today[:4]}-01-01" if not today.endswith("-01-01") else f"{today[:4]}-01-02"
    for _ in range(2):
        await admin.get_by_test_id("calendar-add").click()
    rows = admin.get_by_test_id("calendar-row")
    await rows.nth(0).get_by_test_id("calendar-day").fill(today)
    await rows.nth(0).get_by_test_id("calendar-kind").select_option("workday")
    await rows.nth(0).get_by_test_id("calendar-name").fill("调休 <b>not bold</b>")
    await rows.nth(1).get_by_test_id("calendar-day").fill(other_day)
    await rows.nth(1).get_by_test_id("calendar-name").fill("元旦" * 41)  # 82 characters: over the 80 allowed
    await admin.get_by_test_id("calendar-save").click()
    name_error = rows.nth(1).locator('[data-testid="field-error"][data-field="days.1.name"]')
    await expect(name_error).to_be_visible()
    await expect(name_error).to_contain_text("80")
    await expect(rows.nth(1).get_by_test_id("calendar-name")).to_have_attribute("aria-invalid", "true")
    await expect(rows.nth(0).locator('[data-testid="field-error"]:visible')).to_have_count(0)
    await admin.screenshot(path=str(SHOTS / f"tv-badge-settings-errors-{stack.name}.png"), full_page=True)
    await rows.nth(1).get_by_test_id("calendar-remove").click()
    await admin.get_by_test_id("calendar-save").click()
    await expect(admin.get_by_test_id("calendar-notice")).to_be_visible()
    await expect(rows).to_have_count(1)
    await expect(rows.nth(0).get_by_test_id("calendar-name")).to_have_value("调休 <b>not bold</b>")
    await admin.screenshot(path=str(SHOTS / f"tv-badge-settings-{stack.name}.png"), full_page=True)
    await admin_context.close()

    # When the rep logs two verified visits (10 points each)
    async with GraphQLClient(server.url) as rep:
        await rep.login(world.rep.email)
        await rep.log_visit(world)
        await rep.log_visit(world)

    # Then the rep's profile on a phone shows the badge earned and a one-day streak
    phone_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    phone = await phone_context.new_page()
    await _login(phone, server.url, world.rep.email)
    await phone.get_by_test_id("home-profile").click()
    await expect(phone.get_by_test_id("profile-page")).to_be_visible(timeout=15_000)  # a lazy route: slow under a loaded machine
    medal = phone.locator(f'[data-testid="badge"][data-key="custom-{definition_id}"]')
    await expect(medal).to_have_attribute("data-earned", "true")
    await expect(medal.get_by_test_id("badge-name")).to_have_text("Early bird")
    await expect(medal.get_by_test_id("badge-when")).to_contain_text(re.compile("today|今天"))
    await expect(phone.get_by_test_id("profile-streak")).to_have_attribute("data-current", "1")
    await expect(phone.get_by_test_id("streak-current")).to_have_text("1")
    await expect(phone.get_by_test_id("profile-name")).to_have_text(world.rep.name)
    # the built-ins not earned yet are on the wall too, greyed
    await expect(phone.locator('[data-testid="badge"][data-key="first_deal"]')).to_have_attribute("data-earned", "false")
    await phone.screenshot(path=str(SHOTS / f"phone-profile-{stack.name}.png"), full_page=True)

    # A photo from the phone's camera becomes the rep's face: resized on the phone, square from the server.
    camera = io.BytesIO()
    Image.new("RGB", (3000, 2000), (200, 90, 40)).save(camera, "JPEG", quality=85)
    await phone.get_by_test_id("profile-photo-input").set_input_files(files=[{"name": "me.jpg", "mimeType": "image/jpeg", "buffer": camera.getvalue()}])
    face = phone.get_by_test_id("profile-hero").locator("img.avatar-photo")
    await expect(face).to_have_attribute("src", re.compile(r"^/api/users/\d+/photo\?v=1$"))
    await expect(phone.get_by_test_id("profile-photo-note")).to_have_count(0)
    await expect(face).to_have_js_property("naturalWidth", 512)
    await phone.screenshot(path=str(SHOTS / f"phone-profile-photo-{stack.name}.png"))
    await phone_context.close()
