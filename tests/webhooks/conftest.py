"""Webhook tests: the app delivering to a local receiver, with the development switch that allows it, and a resolver we control."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable

import pytest

from podium.core import outbound
from podium.settings import WebhookSettings
from tests.conftest import Server, Stack, start_server, stop_server
from tests.webhooks.receiver import Receiver

# The background worker sleeps until something is queued; retries are driven by the test's clock and run_once().
LOCAL = WebhookSettings(poll_seconds=3600, timeout_seconds=5.0, allow_private=True)


@pytest.fixture(autouse=True)
def resolver(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, list[str]], None]:
    """Our resolver function replaced (never the socket library): tests say what each name resolves to."""
    names: dict[str, list[str]] = {}

    async def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            raise OSError(-2, "Name or service not known")
        return names[host]

    monkeypatch.setattr(outbound, "resolve_host", resolve)
    return names.__setitem__


@pytest.fixture
async def server(stack: Stack) -> AsyncIterator[Server]:
    running, uv_server, task = await start_server(dataclasses.replace(stack.settings, webhooks=LOCAL))
    yield running
    await stop_server(uv_server, task)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with Receiver() as fake:
        yield fake
