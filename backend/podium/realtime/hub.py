"""Live views: one computation per topic, one execution per document, the same bytes to everyone.

A topic is something that changes (a board for one visibility scope, an org's stream of
celebrations). It is computed once per change, whoever watches it. Subscribers that sent
the same document and variables (and speak the same language) form a group: the group
executes the GraphQL selection once per change and every member gets the same payload,
only the message id differs. Bursts are coalesced: a state topic makes at most one frame
per `frame_interval`; its frames are whole states carrying a version, so a slow or
reconnecting client only ever needs the latest one.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from inspect import isawaitable
from typing import Any, Protocol

from graphql import DocumentNode, GraphQLSchema, execute

from podium.core.i18n import DEFAULT_LOCALE
from podium.graphql.errors import present_errors

log = logging.getLogger(__name__)

YIELD_EVERY = 256  # sends between two yields to the event loop


class Sink(Protocol):
    """Where frames for one WebSocket go; offering never blocks."""

    def offer(self, key: Hashable, frame: str, *, replace: bool) -> None: ...


class LiveSpec(Protocol):
    """What one topic is: its identity, its channel and how to compute its values."""

    @property
    def key(self) -> Hashable: ...

    @property
    def channel(self) -> str: ...

    @property
    def stream(self) -> bool:
        """True when every value counts (celebrations); False when the latest replaces the rest."""

    def relevant(self, event: dict[str, Any]) -> bool: ...

    async def snapshot(self) -> Any:
        """State topics: the current value."""

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        """Stream topics: the values an event brings."""

    def refresh_at(self, value: Any) -> datetime | None:
        """State topics: when the value goes stale without any event (a day ends)."""


@dataclass
class Group:
    document: DocumentNode
    operation_name: str | None
    variables: dict[str, Any]
    context: Any
    members: dict[tuple[int, str], tuple[Sink, str, str]] = field(default_factory=dict)
    payload: str | None = None  # the latest state's payload, for members who join later


class Listener:
    """One per-subscriber consumer (strawberry's own execution path)."""

    def __init__(self, stream: bool) -> None:
        self._stream = stream
        self._values: deque[Any] = deque(maxlen=64 if stream else 1)
        self._ready = asyncio.Event()

    def put(self, value: Any) -> None:
        self._values.append(value)
        self._ready.set()

    async def get(self) -> Any:
        while not self._values:
            self._ready.clear()
            await self._ready.wait()
        return self._values.popleft()


class Topic:
    def __init__(self, hub: Hub, spec: LiveSpec) -> None:
        self.hub = hub
        self.spec = spec
        self.groups: dict[Hashable, Group] = {}
        self.listeners: set[Listener] = set()
        self.state: Any = None
        self.has_state = False
        self.executions = 0
        self._dirty = False
        self._last_frame = 0.0
        self._task: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._stream_task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    @property
    def empty(self) -> bool:
        return not self.listeners and not any(g.members for g in self.groups.values())

    def start(self) -> None:
        if self.spec.stream:
            self.ready.set()
            self._stream_task = asyncio.create_task(self._consume_stream())
        else:
            self.mark_dirty()

    def stop(self) -> None:
        for task in (self._task, self._stream_task):
            if task:
                task.cancel()
        if self._timer:
            self._timer.cancel()

    def notify(self, event: dict[str, Any]) -> None:
        if self.spec.stream:
            self._events.put_nowait(event)
        else:
            self.mark_dirty()

    def mark_dirty(self) -> None:
        self._dirty = True
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        while self._dirty:
            wait = self._last_frame + self.hub.frame_interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self._dirty = False
            self._last_frame = loop.time()
            try:
                value = await self.spec.snapshot()
            except Exception:
                log.exception("live view %s failed to compute; retrying", self.spec.key)
                await asyncio.sleep(1)
                self._dirty = True
                continue
            self.state, self.has_state = value, True
            self.ready.set()
            self._schedule_refresh(value)
            try:
                await self._deliver(value, replace=True)
            except Exception:
                log.exception("live view %s failed to deliver", self.spec.key)

    def _schedule_refresh(self, value: Any) -> None:
        if self._timer:
            self._timer.cancel()
        at = self.spec.refresh_at(value)
        if at is not None:
            delay = max(0.0, (at - self.hub.clock()).total_seconds()) + 0.5
            self._timer = asyncio.get_running_loop().call_later(delay, self.mark_dirty)

    async def _consume_stream(self) -> None:
        while True:
            event = await self._events.get()
            try:
                values = await self.spec.values_for(event)
            except Exception:
                log.exception("live stream %s failed on %s", self.spec.key, event)
                continue
            try:
                for value in values:
                    await self._deliver(value, replace=False)
            except Exception:
                log.exception("live stream %s failed to deliver", self.spec.key)

    async def _deliver(self, value: Any, *, replace: bool) -> None:
        for listener in list(self.listeners):
            listener.put(value)
        for group in list(self.groups.values()):
            if not group.members:
                continue
            payload = await self.hub.execute(group, value)
            self.executions += 1
            if replace:
                group.payload = payload
            await self.hub.fan_out(group, payload, replace=replace)


class Hub:
    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        frame_interval: float,
        clock: Callable[[], datetime],
        watch: Callable[[str], Awaitable[None]],
        unwatch: Callable[[str], Awaitable[None]],
    ) -> None:
        self.schema = schema
        self.frame_interval = frame_interval
        self.clock = clock
        self._watch = watch
        self._unwatch = unwatch
        self.topics: dict[Hashable, Topic] = {}
        self._by_channel: dict[str, set[Hashable]] = {}
        self._sequence = 0

    async def _topic(self, spec: LiveSpec) -> Topic:
        topic = self.topics.get(spec.key)
        if topic is None:
            topic = self.topics[spec.key] = Topic(self, spec)
            self._by_channel.setdefault(spec.channel, set()).add(spec.key)
            await self._watch(spec.channel)
            topic.start()
        return topic

    async def _release(self, topic: Topic) -> None:
        if not topic.empty or self.topics.get(topic.spec.key) is not topic:
            return
        del self.topics[topic.spec.key]
        keys = self._by_channel.get(topic.spec.channel, set())
        keys.discard(topic.spec.key)
        if not keys:
            self._by_channel.pop(topic.spec.channel, None)
        topic.stop()
        await self._unwatch(topic.spec.channel)

    # Shared path: one execution per group, the same bytes to every member.

    async def join(
        self,
        spec: LiveSpec,
        *,
        document: DocumentNode,
        document_key: Hashable,
        operation_name: str | None,
        variables: dict[str, Any],
        context: Any,
        context_key: Hashable,
        sink: Sink,
        subscription_id: str,
    ) -> Callable[[], Awaitable[None]]:
        """Add a subscriber; it gets the current state at once, then every change. Returns leave()."""
        topic = await self._topic(spec)
        group_key = (document_key, json.dumps(variables, sort_keys=True, default=str), operation_name, context_key)
        group = topic.groups.get(group_key)
        if group is None:
            group = topic.groups[group_key] = Group(document, operation_name, variables, context)
        member_key = (id(sink), subscription_id)
        prefix = '{"id":' + json.dumps(subscription_id) + ',"type":"next","payload":'
        group.members[member_key] = (sink, subscription_id, prefix)
        if not spec.stream and topic.has_state:
            if group.payload is None:
                group.payload = await self.execute(group, topic.state)
                topic.executions += 1
            sink.offer(subscription_id, prefix + group.payload + "}", replace=True)

        async def leave() -> None:
            group.members.pop(member_key, None)
            if not group.members:
                topic.groups.pop(group_key, None)
            await self._release(topic)

        return leave

    async def execute(self, group: Group, value: Any) -> str:
        result = execute(
            self.schema,
            group.document,
            root_value=value,
            context_value=group.context,
            variable_values=group.variables,
            operation_name=group.operation_name,
        )
        if isawaitable(result):
            result = await result
        if result.errors:
            locale = getattr(group.context, "locale", DEFAULT_LOCALE)
            for error in present_errors(result.errors, locale):
                log.error("live execution error: %s", error)
        return json.dumps(result.formatted, separators=(",", ":"), ensure_ascii=False)

    async def fan_out(self, group: Group, payload: str, *, replace: bool) -> None:
        self._sequence += 1
        members = list(group.members.values())
        for index, (sink, subscription_id, prefix) in enumerate(members, start=1):
            # A stream value gets a key of its own so it queues behind the previous one.
            key = subscription_id if replace else (subscription_id, self._sequence)
            sink.offer(key, prefix + payload + "}", replace=replace)
            if index % YIELD_EVERY == 0:
                await asyncio.sleep(0)

    # Per-subscriber path: strawberry executes for each subscriber (kept for comparison).

    async def listen(self, spec: LiveSpec) -> AsyncIterator[Any]:
        topic = await self._topic(spec)
        listener = Listener(spec.stream)
        topic.listeners.add(listener)
        try:
            if not spec.stream:
                await topic.ready.wait()
                listener.put(topic.state)
            while True:
                yield await listener.get()
        finally:
            topic.listeners.discard(listener)
            await self._release(topic)

    # Events and reconnects.

    def dispatch(self, channel: str, message: str) -> None:
        keys = self._by_channel.get(channel)
        if not keys:
            return
        event = json.loads(message)
        for key in list(keys):
            topic = self.topics.get(key)
            if topic is not None and topic.spec.relevant(event):
                topic.notify(event)

    def resnapshot_all(self) -> None:
        """After the bus came back: events may have been missed, so every state is recomputed."""
        for topic in list(self.topics.values()):
            if not topic.spec.stream:
                topic.mark_dirty()

    async def close(self) -> None:
        for topic in list(self.topics.values()):
            topic.stop()
        self.topics.clear()
        self._by_channel.clear()
