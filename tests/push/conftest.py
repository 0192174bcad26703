"""Push tests: the app with VAPID keys, a fake push service at the HTTP boundary."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from podium.push.sender import VapidKeys, b64url
from podium.settings import WebPushSettings
from tests.conftest import Server, Stack, start_server, stop_server
from tests.push.fake_push_service import FakePushService

SUBJECT = "mailto:push-tests@podium.example"


@pytest.fixture
def vapid() -> VapidKeys:
    return VapidKeys.generate()


def push_settings(vapid: VapidKeys, **overrides: object) -> WebPushSettings:
    scalar = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    values: dict[str, object] = {
        "vapid_private_key": b64url(scalar),
        "vapid_public_key": vapid.public_key_b64,
        "vapid_subject": SUBJECT,
        "concurrency": 16,
        "max_attempts": 3,
        "retry_base_seconds": 0.1,
        "poll_seconds": 0.1,
        "insecure_endpoints": True,
    }
    values.update(overrides)
    return WebPushSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def server(stack: Stack, vapid: VapidKeys) -> AsyncIterator[Server]:
    settings = dataclasses.replace(stack.settings, webpush=push_settings(vapid))
    running, uv_server, task = await start_server(settings)
    yield running
    await stop_server(uv_server, task)


@pytest.fixture
async def push_service() -> AsyncIterator[FakePushService]:
    async with FakePushService() as service:
        yield service
