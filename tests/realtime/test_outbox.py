"""A slow socket gets the latest state, not a growing queue, and never holds up the fan-out."""

from __future__ import annotations

import asyncio

from podium.realtime.ws import Outbox


async def test_a_newer_state_replaces_an_unsent_one_in_place() -> None:
    sent: list[str] = []
    gate = asyncio.Event()

    async def slow_send(frame: str) -> None:
        await gate.wait()
        sent.append(frame)

    outbox = Outbox(slow_send)
    writer = asyncio.create_task(outbox.run())
    outbox.offer("board", "v1")
    await asyncio.sleep(0)  # v1 is now being sent, stuck on the slow socket
    for version in range(2, 1000):
        outbox.offer("board", f"v{version}")
    outbox.offer("other", "o1")
    outbox.control({"type": "pong"})
    gate.set()
    await asyncio.sleep(0.01)
    writer.cancel()

    assert sent == ["v1", "v999", "o1", '{"type": "pong"}']


async def test_queued_stream_items_are_bounded() -> None:
    outbox = Outbox(lambda frame: asyncio.sleep(0), max_pending=8)
    for n in range(100):
        outbox.offer(("celebrations", n), f"c{n}", replace=False)
    assert outbox.dropped == 92
    assert list(outbox._pending.values()) == [f"c{n}" for n in range(92, 100)]
