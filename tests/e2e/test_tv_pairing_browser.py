"""In Debian's chromium: a wall TV pairs with a code typed on a manager's phone, celebrates a deal won on a
rep's phone, falls back to a new code when unpaired, and keeps its memory bounded under hundreds of events."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from playwright.async_api import Browser, Page, expect

from tests.e2e.test_browser import PHONE, SHOTS, TV, _login, browser  # noqa: F401 - the browser fixture
from tests.pipeline.test_deals import move, open_deal, stage_ids
from tests.support import GraphQLClient, World

PAIR = """
mutation Pair($input: PairDisplayInput!) {
  pairDisplay(input: $input) { __typename ... on OperationError { errors { field code } } }
}
"""


async def _code_on(tv: Page) -> str:
    code = tv.get_by_test_id("pairing-code")
    await expect(code).to_have_text(re.compile(r"^[0-9A-Z]{3}-[0-9A-Z]{3}$"), timeout=10_000)
    value = await code.get_attribute("data-code")
    assert value and len(value) == 6
    return value


async def _tick(page: Page, key: str, on: bool) -> None:
    box = page.get_by_test_id(f"pair-board-{key}")
    if await box.is_checked() != on:
        await page.locator("label.chip-option", has=box).click()
    assert await box.is_checked() == on


async def test_a_tv_paired_from_a_phone_shows_its_board_and_a_celebration(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with GraphQLClient(server.url) as api:
        await api.login(world.rep.email)
        deal = await open_deal(api, world, title="Forklift fleet", amount="36000")

    tv_context = await browser.new_context(viewport=TV, locale="en-US")
    tv = await tv_context.new_page()
    await tv.goto(f"{server.url}/tv")
    code = await _code_on(tv)
    await tv.screenshot(path=str(SHOTS / f"tv-pairing-code-{stack.name}.png"))

    manager_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    manager = await manager_context.new_page()
    await _login(manager, server.url, world.manager.email, "/team")
    await manager.get_by_test_id("open-menu").click()
    await manager.get_by_test_id("menu-tvs").click()
    await expect(manager.get_by_test_id("pair-code")).to_be_visible()
    await manager.get_by_test_id("pair-code").fill(f"{code[:3].lower()} {code[3:].lower()}")
    await manager.get_by_test_id("pair-name").fill("Shanghai office lobby")
    await _tick(manager, "ORG-TODAY-POINTS", True)
    await _tick(manager, "ORG-MONTH-POINTS", False)
    await manager.screenshot(path=str(SHOTS / f"phone-pair-tv-{stack.name}.png"), full_page=True)
    await manager.get_by_test_id("pair-submit").click()
    await expect(manager.get_by_test_id("pair-ok")).to_contain_text("Shanghai office lobby")
    await expect(manager.get_by_test_id("display-row")).to_have_count(1)

    board = tv.get_by_test_id("tv-board")
    await expect(board).to_have_attribute("data-period", "TODAY", timeout=15_000)
    await expect(tv.locator(".tv-org")).to_have_text("Shanghai office lobby")
    await expect(tv.get_by_test_id("connection-status")).to_have_attribute("data-state", "open")
    cookies = {c["name"]: c for c in await tv_context.cookies()}
    assert "podium_session" not in cookies and cookies["podium_display"]["httpOnly"] is True
    await tv.screenshot(path=str(SHOTS / f"tv-paired-board-{stack.name}.png"))

    rep_context = await browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    phone = await rep_context.new_page()
    await _login(phone, server.url, world.rep.email, "/deals")
    card = phone.locator(f'[data-testid="deal-card"][data-deal-id="{deal["id"]}"]')
    await expect(card).to_be_visible()
    await card.get_by_test_id("move-deal").click()
    await phone.locator('[data-testid="stage-option"][data-stage-key="won"]').click()
    await phone.get_by_test_id("confirm-move").click()
    if await phone.get_by_test_id("close-reason").is_visible():
        await phone.get_by_test_id("close-reason").fill("Best service terms")
        await phone.get_by_test_id("confirm-move").click()
    won_column = phone.locator('[data-testid="pipeline-column"][data-stage-key="won"]')
    await expect(won_column.locator(f'[data-testid="deal-card"][data-deal-id="{deal["id"]}"]')).to_be_visible()

    overlay = tv.get_by_test_id("celebration-overlay")
    await expect(overlay).to_be_visible(timeout=10_000)
    await expect(overlay).to_contain_text("Rita")
    await expect(overlay.locator(".avatar")).to_have_text("RR")
    await tv.wait_for_timeout(900)  # confetti in flight
    await tv.screenshot(path=str(SHOTS / f"tv-celebration-{stack.name}.png"))
    await expect(tv.locator(f'[data-testid="tv-row"][data-user-id="{world.rep.id}"]')).to_have_attribute("data-rank", "1", timeout=10_000)

    # Unpaired from the phone: the TV drops back to a new code by itself.
    revoke = manager.get_by_test_id("revoke-display")
    await revoke.click()
    await revoke.click()
    await expect(manager.get_by_test_id("display-row")).to_have_count(0)
    await expect(tv.get_by_test_id("pairing-code")).to_be_visible(timeout=15_000)
    assert await _code_on(tv) != code

    await rep_context.close()
    await manager_context.close()
    await tv_context.close()


async def _heap(cdp: Any, page: Page) -> tuple[int, int, int]:
    """(JS heap bytes after a full GC, DOM nodes, JS event listeners)."""
    for _ in range(2):
        await cdp.send("HeapProfiler.collectGarbage")
    # performance.memory is coarse without --enable-precise-memory-info: the larger of it and V8's own count.
    reported = await page.evaluate("performance.memory.usedJSHeapSize")
    exact = (await cdp.send("Runtime.getHeapUsage"))["usedSize"]
    counters = await cdp.send("Memory.getDOMCounters")
    return max(int(reported), int(exact)), int(counters["nodes"]), int(counters["jsEventListeners"])


async def test_a_paired_tv_keeps_its_memory_bounded_under_hundreds_of_events(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    tv_context = await browser.new_context(viewport=TV, locale="en-US")
    tv = await tv_context.new_page()
    await tv.goto(f"{server.url}/tv")
    code = await _code_on(tv)
    reps = [GraphQLClient(server.url) for _ in range(3)]
    async with GraphQLClient(server.url) as manager:
        await manager.login(world.manager.email)
        boards = [{"period": p, "scope": "ORG", "metric": m} for p in ("TODAY", "MONTH") for m in ("POINTS", "REVENUE")]
        boards.append({"period": "WEEK", "scope": "TEAM", "teamId": str(world.team_a)})
        result = (await manager.data(PAIR, {"input": {"code": code, "name": "Load test", "boards": boards, "rotateSeconds": 10}}))
        assert result["pairDisplay"]["__typename"] == "DisplaySuccess", result
    await expect(tv.get_by_test_id("tv-board")).to_be_visible(timeout=15_000)
    await expect(tv.get_by_test_id("connection-status")).to_have_attribute("data-state", "open")

    for client, person in zip(reps, (world.rep, world.rep2, world.rep3), strict=True):
        await client.login(person.email)
    stages = await stage_ids(reps[0])

    async def win(client: GraphQLClient, n: int) -> None:
        deal = await open_deal(client, world, title=f"Deal {n}", amount=str(1000 + n))
        moved = await move(client, deal, stages["won"], reason="Won")
        assert moved["__typename"] == "DealSuccess", moved

    # A first burst warms every code path (overlay, rows, flashes), then the baseline.
    for n in range(6):
        await win(reps[n % 3], n)
    await expect(tv.get_by_test_id("celebration-overlay")).to_be_visible(timeout=10_000)
    cdp = await tv_context.new_cdp_session(tv)
    await cdp.send("HeapProfiler.enable")
    start_heap, start_nodes, start_listeners = await _heap(cdp, tv)

    # 300 celebrations and as many board changes (points and revenue), as fast as the API takes them.
    for batch in range(100):
        await asyncio.gather(*(win(reps[i], 6 + batch * 3 + i) for i in range(3)))
        if batch % 10 == 0:
            await reps[batch % 3].log_visit(world)
    await tv.wait_for_timeout(3000)  # the last frames land; overlays keep cycling
    end_heap, end_nodes, end_listeners = await _heap(cdp, tv)
    print(f"heap {start_heap} → {end_heap} bytes; DOM nodes {start_nodes} → {end_nodes}; listeners {start_listeners} → {end_listeners}")

    assert end_heap < 2 * start_heap + 5_000_000, (start_heap, end_heap)
    # One overlay at most (~90 nodes of confetti and card), ten rows: never one per event.
    assert end_nodes < start_nodes + 400, (start_nodes, end_nodes)
    assert end_listeners <= start_listeners + 20, (start_listeners, end_listeners)
    overlays = await tv.locator('[data-testid="celebration-overlay"]').count()
    assert overlays <= 1
    for client in reps:
        await client.http.aclose()
    await tv_context.close()


async def test_a_paired_tv_comes_back_after_an_outage_and_shows_what_it_missed(server, world: World, browser: Browser, stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    tv_context = await browser.new_context(viewport=TV, locale="en-US")
    tv = await tv_context.new_page()
    outage = {"down": False}
    sockets: list[Any] = []

    async def through(route: Any) -> None:
        if outage["down"]:
            await route.abort("internetdisconnected")
        else:
            await route.continue_()

    def socket(ws: Any) -> None:
        if outage["down"]:
            asyncio.ensure_future(ws.close(code=4000, reason="outage"))
            return
        ws.connect_to_server()
        sockets.append(ws)

    await tv.route(re.compile(r".*/(graphql|api/displays/.*)$"), through)
    await tv.route_web_socket(re.compile(r".*/graphql$"), socket)
    await tv.goto(f"{server.url}/tv")
    code = await _code_on(tv)
    async with GraphQLClient(server.url) as manager, GraphQLClient(server.url) as rep:
        await manager.login(world.manager.email)
        await rep.login(world.rep.email)
        result = await manager.data(PAIR, {"input": {"code": code, "name": "Lobby", "boards": [{"period": "TODAY", "scope": "ORG"}]}})
        assert result["pairDisplay"]["__typename"] == "DisplaySuccess", result
        await expect(tv.get_by_test_id("connection-status")).to_have_attribute("data-state", "open", timeout=15_000)

        # The network goes away: the socket drops, HTTP fails; meanwhile a deal is won.
        outage["down"] = True
        for ws in sockets:
            await ws.close(code=4000, reason="outage")
        sockets.clear()
        await expect(tv.get_by_test_id("connection-status")).not_to_have_attribute("data-state", "open", timeout=10_000)
        stages = await stage_ids(rep)
        deal = await open_deal(rep, world, title="Missed deal", amount="52000")
        assert (await move(rep, deal, stages["won"], reason="Won"))["__typename"] == "DealSuccess"
        await tv.wait_for_timeout(2500)
        await expect(tv.get_by_test_id("celebration-overlay")).to_have_count(0)

        # Back: the board's snapshot and the missed celebration arrive without anyone touching the TV.
        outage["down"] = False
        await expect(tv.get_by_test_id("connection-status")).to_have_attribute("data-state", "open", timeout=40_000)
        overlay = tv.get_by_test_id("celebration-overlay")
        await expect(overlay).to_be_visible(timeout=10_000)
        await expect(overlay).to_contain_text("Rita")
        await expect(tv.locator(f'[data-testid="tv-row"][data-user-id="{world.rep.id}"]')).to_have_attribute("data-rank", "1")
    await tv_context.close()
