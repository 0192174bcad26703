"""The event bus: broadcaster, with the supervision it lacks.

broadcaster gives each subscriber an unbounded queue, lets concurrent first subscribes
to a channel overwrite each other, reports its Redis subscription ready before the
SUBSCRIBE round trip has finished and never reconnects (see shared/PITFALLS.md). So:

- this bus owns exactly one broadcaster subscription per channel, never one per client,
  and opens them one at a time;
- a channel counts as subscribed only once a probe published on it came back;
- a heartbeat probe runs all the time; when it fails, the bus rebuilds broadcaster with
  backoff, resubscribes every channel and tells its owner, who re-sends snapshots.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable

from broadcaster import Broadcast
from broadcaster._backends.redis import RedisBackend

log = logging.getLogger(__name__)

PROBE = "__probe__:"
Dispatch = Callable[[str, str], None]


class _RedisBackend(RedisBackend):
    """broadcaster's Redis backend, ready only once the channel is registered with the connection.

    Upstream sets "ready" before SUBSCRIBE is sent; its listener then finds no channel,
    exits and waits for a "ready" that never comes again, so nothing is ever delivered.
    """

    async def subscribe(self, channel: str) -> None:
        await self._pubsub.subscribe(channel)
        self._ready.set()


def _broadcast(url: str) -> Broadcast:
    if url.startswith(("redis://", "rediss://")):
        return Broadcast(backend=_RedisBackend(url))
    return Broadcast(url)


class Bus:
    def __init__(
        self,
        url: str,
        *,
        prefix: str = "podium",
        dispatch: Dispatch,
        on_reconnect: Callable[[], Awaitable[None]],
        heartbeat_seconds: float = 1.0,
        probe_timeout: float = 2.0,
    ) -> None:
        self._url = url
        self._prefix = prefix
        self._dispatch = dispatch
        self._on_reconnect = on_reconnect
        self._heartbeat_seconds = heartbeat_seconds
        self._probe_timeout = probe_timeout
        self._broadcast: Broadcast | None = None
        self._watchers: dict[str, int] = {}
        self._readers: dict[str, asyncio.Task[None]] = {}
        self._probes: dict[str, asyncio.Future[None]] = {}
        self._subscribe_lock = asyncio.Lock()
        self._supervisor: asyncio.Task[None] | None = None
        self._health_channel = f"health.{uuid.uuid4().hex}"
        self.connected = asyncio.Event()
        self.reconnects = 0

    def _wire(self, channel: str) -> str:
        return f"{self._prefix}.{channel}"

    async def start(self) -> None:
        await self._connect()
        self._supervisor = asyncio.create_task(self._supervise(), name="bus-supervisor")

    async def stop(self) -> None:
        if self._supervisor:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        await self._teardown()

    async def publish(self, channel: str, message: str) -> None:
        if self._broadcast is None:
            raise ConnectionError("event bus is not connected")
        await self._broadcast.publish(self._wire(channel), message)

    async def watch(self, channel: str) -> None:
        """Deliver this channel's events to dispatch until unwatch is called as often."""
        self._watchers[channel] = self._watchers.get(channel, 0) + 1
        if self._watchers[channel] == 1 and self.connected.is_set():
            await self._open_reader(channel)

    async def unwatch(self, channel: str) -> None:
        count = self._watchers.get(channel, 0) - 1
        if count > 0:
            self._watchers[channel] = count
            return
        self._watchers.pop(channel, None)
        reader = self._readers.pop(channel, None)
        if reader:
            reader.cancel()

    async def _connect(self) -> None:
        broadcast = _broadcast(self._url)
        await broadcast.connect()
        self._broadcast = broadcast
        for channel in [self._health_channel, *self._watchers]:
            await self._open_reader(channel)
        self.connected.set()

    async def _teardown(self) -> None:
        self.connected.clear()
        readers, self._readers = self._readers, {}
        for reader in readers.values():
            reader.cancel()
        for reader in readers.values():
            with contextlib.suppress(BaseException):
                await reader
        if self._broadcast is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._broadcast.disconnect(), 2)
            self._broadcast = None

    async def _open_reader(self, channel: str) -> None:
        assert self._broadcast is not None
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._readers[channel] = asyncio.create_task(self._read(self._broadcast, channel, ready), name=f"bus:{channel}")
        await ready
        await self._probe(channel)

    async def _read(self, broadcast: Broadcast, channel: str, ready: asyncio.Future[None]) -> None:
        async with self._subscribe_lock:
            # broadcaster's first subscribe to a channel is not safe to run concurrently.
            subscription = broadcast.subscribe(self._wire(channel))
            subscriber = await subscription.__aenter__()
        ready.set_result(None)
        try:
            async for event in subscriber:  # type: ignore[union-attr]
                if event is None:
                    continue
                message = event.message
                if message.startswith(PROBE):
                    waiter = self._probes.pop(message, None)
                    if waiter and not waiter.done():
                        waiter.set_result(None)
                    continue
                try:
                    self._dispatch(channel, message)
                except Exception:
                    log.exception("event dispatch failed on %s", channel)
        finally:
            with contextlib.suppress(Exception):
                await subscription.__aexit__(None, None, None)

    async def _probe(self, channel: str) -> None:
        """Publish a probe on the channel and wait until it comes back: the subscription is live."""
        assert self._broadcast is not None
        token = f"{PROBE}{uuid.uuid4().hex}"
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._probes[token] = waiter
        try:
            deadline = asyncio.get_running_loop().time() + self._probe_timeout
            # Re-publish until it arrives: the SUBSCRIBE may still be on its way to Redis.
            while not waiter.done():
                await self._broadcast.publish(self._wire(channel), token)
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    raise TimeoutError(f"no probe back on {channel}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(waiter), min(0.2, remaining))
        finally:
            self._probes.pop(token, None)

    async def _supervise(self) -> None:
        while True:
            await asyncio.sleep(self._heartbeat_seconds)
            try:
                await self._probe(self._health_channel)
                dead = [c for c, t in self._readers.items() if t.done()]
                if dead:
                    raise ConnectionError(f"reader ended: {dead}")
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("event bus lost (%s); reconnecting", exc)
            await self._reconnect()

    async def _reconnect(self) -> None:
        delay = 0.2
        while True:
            await self._teardown()
            try:
                await self._connect()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("event bus reconnect failed (%s); next try in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            self.reconnects += 1
            log.info("event bus reconnected")
            try:
                await self._on_reconnect()
            except Exception:
                log.exception("reconnect handler failed")
            return
