"""Robot tests: the app posting to fake group robots at the HTTP boundary, retrying fast."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from podium.settings import RobotSettings
from tests.conftest import Server, Stack, start_server, stop_server
from tests.robots.fake_robot import FakeRobots

FAST = RobotSettings(max_attempts=3, retry_base_seconds=0.1, poll_seconds=0.1, timeout_seconds=5.0, insecure_urls=True)


@pytest.fixture
async def server(stack: Stack) -> AsyncIterator[Server]:
    running, uv_server, task = await start_server(dataclasses.replace(stack.settings, robots=FAST))
    yield running
    await stop_server(uv_server, task)


@pytest.fixture
async def robots() -> AsyncIterator[FakeRobots]:
    async with FakeRobots() as fake:
        yield fake
