"""A slow socket gets the latest state, not a growing queue, and never holds up the fan-out."""

from __future__ import annotations

import asyncio

from podium.realtime.ws import Outbox


class Socket:
    """A send that completes at once, or waits while the client is not reading (blocked)."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.reading = asyncio.Event()
        self.reading.set()
        self.started = 0

    def block(self) -> None:
        self.reading.clear()

    async def send(self, frame: str) -> None:
        self.started += 1
        await self.reading.wait()
        self.sent.append(frame)


async def test_an_idle_socket_gets_its_frame_at_once_inside_the_offer() -> None:
    socket = Socket()
    outbox = Outbox(socket.send)

    outbox.offer("board", "v1")
    outbox.offer("other", "o1")

    # No writer task ran: the fan-out's own task sent them, in order.
    assert socket.sent == ["v1", "o1"]
    assert outbox._inflight is None


async def test_a_newer_state_replaces_an_unsent_one_in_place() -> None:
    socket = Socket()
    outbox = Outbox(socket.send)
    writer = asyncio.create_task(outbox.run())
    socket.block()
    outbox.offer("board", "v1")  # stuck on the slow socket, finished by a task of its own
    for version in range(2, 1000):
        outbox.offer("board", f"v{version}")
    outbox.offer("other", "o1")
    outbox.control({"type": "pong"})
    await asyncio.sleep(0.01)
    assert socket.sent == []
    socket.reading.set()
    await asyncio.sleep(0.01)
    writer.cancel()

    assert socket.sent == ["v1", "v999", "o1", '{"type": "pong"}']
    assert socket.started == 4


async def test_frames_keep_their_order_across_eager_and_queued_sends() -> None:
    socket = Socket()
    outbox = Outbox(socket.send)
    writer = asyncio.create_task(outbox.run())
    expected: list[str] = []

    for round_ in range(20):
        for n in range(5):
            frame = f"{round_}.{n}"
            outbox.offer(("stream", frame), frame, replace=False)
            expected.append(frame)
        if round_ % 3 == 0:
            socket.block()  # the next frame suspends mid-send; the ones after it queue
        elif round_ % 3 == 1:
            socket.reading.set()
        await asyncio.sleep(0)  # sometimes the writer or the suspended send runs in between
    socket.reading.set()
    await asyncio.sleep(0.01)
    outbox.offer(("stream", "last"), "last", replace=False)  # idle again: eager
    expected.append("last")
    writer.cancel()

    assert socket.sent == expected


async def test_a_client_that_stops_reading_never_holds_up_the_offer() -> None:
    slow, fast = Socket(), Socket()
    slow_box, fast_box = Outbox(slow.send), Outbox(fast.send)
    writers = [asyncio.create_task(slow_box.run()), asyncio.create_task(fast_box.run())]
    slow.block()

    for version in range(1, 50):
        for box in (slow_box, fast_box):  # what Hub.fan_out does, without awaiting anything
            box.offer("board", f"v{version}")
    assert fast.sent == [f"v{v}" for v in range(1, 50)]
    assert slow.sent == []

    slow.reading.set()
    await asyncio.sleep(0.01)
    for writer in writers:
        writer.cancel()
    assert slow.sent == ["v1", "v49"]


async def test_a_socket_that_fails_while_sending_closes_its_outbox() -> None:
    async def gone(frame: str) -> None:
        raise ConnectionResetError

    outbox = Outbox(gone)
    outbox.offer("board", "v1")  # must not raise into the fan-out
    assert outbox.closed


async def test_closing_gives_up_a_send_stuck_on_a_slow_client() -> None:
    socket = Socket()
    outbox = Outbox(socket.send)
    socket.block()
    outbox.offer("board", "v1")
    inflight = outbox._inflight
    assert inflight is not None

    outbox.close()
    await asyncio.sleep(0)
    assert inflight.cancelled()
    socket.reading.set()
    outbox.offer("board", "v2")
    await asyncio.sleep(0)
    assert socket.sent == []


async def test_queued_stream_items_are_bounded() -> None:
    socket = Socket()
    outbox = Outbox(socket.send, max_pending=8)
    socket.block()
    for n in range(100):
        outbox.offer(("celebrations", n), f"c{n}", replace=False)
    # c0 went eagerly and is stuck on the socket; of the rest, the newest 8 wait.
    assert outbox.dropped == 91
    assert list(outbox._pending.values()) == [f"c{n}" for n in range(92, 100)]
    outbox.close()
