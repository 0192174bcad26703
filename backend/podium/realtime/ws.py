"""GraphQL over WebSocket (graphql-transport-ws), with shared fan-out for live fields.

Ours rather than strawberry's handler so that a subscription to a live field joins a
shared group in the Hub (one execution per change for all its subscribers), every
socket has a small latest-state outbox (a slow phone never holds up the others and
never grows memory), the handshake is refused before accept when the Origin is
foreign or there is no session, and the socket closes when its session or display
token ends (ending.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
from collections.abc import Awaitable, Callable, Coroutine, Generator, Hashable
from typing import Any

from graphql import FieldNode, GraphQLError, OperationType, get_operation_ast
from graphql.execution.values import get_argument_values, get_variable_values
from litestar import WebSocket

from podium.core.errors import DomainError
from podium.displays.policies import check_operation
from podium.graphql.context import Context, LiveContext
from podium.graphql.documents import prepare
from podium.graphql.errors import present_errors
from podium.graphql.inputs import input_problems
from podium.graphql.schema import LIVE_FIELDS, schema
from podium.realtime.ending import until_ended

PROTOCOL = "graphql-transport-ws"
MAX_MESSAGE_BYTES = 64_000


class Outbox:
    """Frames waiting for one socket; a newer state replaces an unsent older one in place.

    Eager send: when nothing is pending and no frame is on its way, `offer` sends at once, in
    the caller's task (the fan-out), by stepping the send coroutine once. On an idle socket that
    step completes without suspending (the frame goes into the transport's buffer), which saves
    waking a writer task per socket per frame: about a third less server CPU per change at
    5,000 subscribers (docs/performance.md). A send that suspends (a client that stops
    reading: the transport paused writing) is finished in a task of its own, and the writer
    waits for that task before its next frame, so frames keep their order and the fan-out never
    waits for a slow client.
    """

    def __init__(self, send: Callable[[str], Coroutine[Any, Any, None]], max_pending: int = 256) -> None:
        self._send = send
        self._pending: dict[Hashable, str] = {}
        self._wake = asyncio.Event()
        self._max_pending = max_pending
        self._control = 0
        self._sending = False  # the writer is sending a frame
        self._inflight: asyncio.Task[None] | None = None  # an eager send that suspended, being finished
        # Eager sends run in the fan-out's task: they get the socket's own context, as the writer has.
        self._context = contextvars.copy_context()
        self.closed = False
        self.dropped = 0

    def offer(self, key: Hashable, frame: str, *, replace: bool = True) -> None:
        if self.closed:
            return
        if not self._pending and not self._sending and (self._inflight is None or self._inflight.done()):
            self._send_now(frame)
            return
        if key not in self._pending and len(self._pending) >= self._max_pending:
            # Only queued stream items can pile up; the oldest goes first.
            self._pending.pop(next(iter(self._pending)))
            self.dropped += 1
        self._pending[key] = frame
        self._wake.set()

    def _send_now(self, frame: str) -> None:
        coro = self._send(frame)
        try:
            waiting = self._context.run(coro.send, None)
        except StopIteration:
            return
        except Exception:  # the socket is gone; its receive loop ends the connection
            self.closed = True
            return
        task = asyncio.get_running_loop().create_task(_finish(coro, waiting), context=self._context)
        task.add_done_callback(self._finished)
        self._inflight = task

    def _finished(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self.closed = True

    def control(self, message: dict[str, Any]) -> None:
        self._control += 1
        self.offer(("control", self._control), json.dumps(message, ensure_ascii=False), replace=False)

    def discard(self, subscription_id: str) -> None:
        self._pending.pop(subscription_id, None)

    async def run(self) -> None:
        while not self.closed:
            await self._wake.wait()
            self._wake.clear()
            while not self.closed:
                inflight = self._inflight
                if inflight is not None and not inflight.done():
                    # Anything pending was offered after it: it goes first.
                    await asyncio.wait((inflight,))
                    continue
                if not self._pending:
                    break
                frame = self._pending.pop(next(iter(self._pending)))
                self._sending = True
                try:
                    await self._send(frame)
                finally:
                    self._sending = False

    def close(self) -> None:
        """No more frames; a send still stuck on a client that stopped reading is given up."""
        self.closed = True
        if self._inflight is not None:
            self._inflight.cancel()


async def _finish(coro: Coroutine[Any, Any, None], waiting: Any) -> None:
    await _Resumed(coro, waiting)


class _Resumed:
    """Drives a coroutine that was stepped by hand and suspended on `waiting`, from inside a task.

    `await coro` would resume it before what it waits on is done; this hands that to the task
    first, then passes the result or the exception (a cancellation too) back into it.
    """

    __slots__ = ("_coro", "_waiting")

    def __init__(self, coro: Coroutine[Any, Any, None], waiting: Any) -> None:
        self._coro = coro
        self._waiting = waiting

    def __await__(self) -> Generator[Any, Any, None]:
        coro, waiting = self._coro, self._waiting
        while True:
            try:
                value = yield waiting
            except BaseException as exc:  # everything goes to the coroutine, as with await
                try:
                    waiting = coro.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    waiting = coro.send(value)
                except StopIteration:
                    return


def _origin_allowed(socket: WebSocket, allowed: tuple[str, ...]) -> bool:
    origin = socket.headers.get("origin")
    if origin is None:
        return True  # not a browser: no ambient cookies to abuse
    host = socket.headers.get("host", "")
    own = {f"http://{host}", f"https://{host}"}
    return origin in own or origin in allowed


class Connection:
    def __init__(
        self, socket: WebSocket, context: Context, *, shared: bool, max_subscriptions: int, init_timeout: float,
    ) -> None:
        self.socket = socket
        self.context = context
        self.shared = shared
        self.max_subscriptions = max_subscriptions
        self.init_timeout = init_timeout
        self.outbox = Outbox(self._send_text)
        self.subscriptions: dict[str, Callable[[], Awaitable[None]]] = {}
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.acknowledged = False

    async def _send_text(self, frame: str) -> None:
        await self.socket.send({"type": "websocket.send", "text": frame})

    async def serve(self) -> None:
        writer = asyncio.create_task(self.outbox.run())
        credential = self.context.credential
        try:
            if credential is None:
                await self._receive_loop()
            else:
                # Sign-out, expiry, a revoked display: the socket must not outlive what it was opened with.
                receiving = asyncio.create_task(self._receive_loop())
                watching = asyncio.create_task(until_ended(self.context.hub, credential, self.context.env.clock))
                done, _ = await asyncio.wait({receiving, watching}, return_when=asyncio.FIRST_COMPLETED)
                receiving.cancel()
                watching.cancel()
                if watching in done and not watching.cancelled() and watching.exception() is None:
                    await self._close(4401, "Unauthorized")
        finally:
            self.outbox.close()
            writer.cancel()
            for leave in list(self.subscriptions.values()):
                await leave()
            for task in list(self.tasks.values()):
                task.cancel()

    async def _receive_loop(self) -> None:
        init_deadline = asyncio.get_running_loop().time() + self.init_timeout
        while True:
            timeout = None if self.acknowledged else max(0.0, init_deadline - asyncio.get_running_loop().time())
            try:
                message = await asyncio.wait_for(self.socket.receive(), timeout)
            except TimeoutError:
                await self._close(4408, "Connection initialisation timeout")
                return
            if message["type"] == "websocket.disconnect":
                return
            raw = message.get("text") or (message.get("bytes") or b"").decode("utf-8", "replace")
            if len(raw) > MAX_MESSAGE_BYTES:
                await self._close(4400, "Message too large")
                return
            try:
                data = json.loads(raw)
                kind = data["type"]
            except (ValueError, KeyError, TypeError):
                await self._close(4400, "Invalid message")
                return
            if not await self._handle(kind, data):
                return

    async def _handle(self, kind: str, data: dict[str, Any]) -> bool:
        if kind == "connection_init":
            if self.acknowledged:
                await self._close(4429, "Too many initialisation requests")
                return False
            self.acknowledged = True
            self.outbox.control({"type": "connection_ack"})
        elif kind == "ping":
            self.outbox.control({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            if not self.acknowledged or not await self._still_valid():
                await self._close(4401, "Unauthorized")
                return False
            sub_id = data.get("id")
            payload = data.get("payload")
            if not isinstance(sub_id, str) or not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
                await self._close(4400, "Invalid subscribe message")
                return False
            if sub_id in self.subscriptions or sub_id in self.tasks:
                await self._close(4409, f"Subscriber for {sub_id} already exists")
                return False
            await self._subscribe(sub_id, payload)
        elif kind == "complete":
            sub_id = data.get("id")
            await self._complete(sub_id if isinstance(sub_id, str) else "", notify=False)
        else:
            await self._close(4400, f"Unknown message type {kind!r}")
            return False
        return True

    async def _still_valid(self) -> bool:
        """Asked before each operation: an end whose event was lost (bus down) refuses it all the same."""
        credential = self.context.credential
        return credential is None or await credential.still_valid(self.context.env.clock())

    async def _close(self, code: int, reason: str) -> None:
        self.outbox.closed = True
        with contextlib.suppress(Exception):
            await self.socket.send({"type": "websocket.close", "code": code, "reason": reason})

    def _error(self, sub_id: str, errors: list[dict[str, Any]]) -> None:
        self.outbox.control({"id": sub_id, "type": "error", "payload": errors})

    def _failed(self, sub_id: str, exc: Exception) -> None:
        """A domain error as its code; anything else as INTERNAL with a request id (the traceback is logged)."""
        error = GraphQLError(str(exc), original_error=exc)
        present_errors([error], self.context.locale)
        self._error(sub_id, [error.formatted])

    async def _complete(self, sub_id: str, *, notify: bool) -> None:
        leave = self.subscriptions.pop(sub_id, None)
        if leave is not None:
            await leave()
        task = self.tasks.pop(sub_id, None)
        if task is not None:
            task.cancel()
        self.outbox.discard(sub_id)
        if notify:
            self.outbox.control({"id": sub_id, "type": "complete"})

    async def _subscribe(self, sub_id: str, payload: dict[str, Any]) -> None:
        query: str = payload["query"]
        variables = payload.get("variables") or {}
        if not isinstance(variables, dict):
            self._error(sub_id, [{"message": "Variables must be an object."}])
            return
        operation_name = payload.get("operationName")
        document, errors = prepare(query)
        if document is None:
            self._error(sub_id, [e.formatted for e in errors])
            return
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            self._error(sub_id, [{"message": "Unknown operation."}])
            return
        try:
            check_operation(self.context.viewer, schema._schema, document, operation_name, variables)
        except DomainError as exc:
            self._failed(sub_id, exc)
            return
        if len(self.subscriptions) + len(self.tasks) >= self.max_subscriptions:
            self._error(sub_id, [{"message": "Too many subscriptions on this connection."}])
            return
        if operation.operation is not OperationType.SUBSCRIPTION:
            self.tasks[sub_id] = asyncio.create_task(self._run_once(sub_id, query, variables, operation_name))
            return
        root = operation.selection_set.selections[0]
        graphql_schema = schema._schema
        coerced = get_variable_values(graphql_schema, operation.variable_definitions or (), variables)
        if isinstance(coerced, list):
            self._error(sub_id, [e.formatted for e in coerced])
            return
        assert graphql_schema.subscription_type is not None
        field_def = graphql_schema.subscription_type.fields.get(root.name.value) if isinstance(root, FieldNode) else None
        if isinstance(root, FieldNode) and field_def is not None:
            # Queries and mutations are checked by the schema's InputGuard; subscriptions only pass here.
            refused = input_problems(field_def, root, coerced)
            if refused is not None:
                self._failed(sub_id, refused)
                return
        live = LIVE_FIELDS.get(root.name.value) if isinstance(root, FieldNode) else None
        if not (self.shared and live):
            self.tasks[sub_id] = asyncio.create_task(self._run_stream(sub_id, query, variables, operation_name))
            return

        assert isinstance(root, FieldNode) and field_def is not None
        try:
            spec = await live(self.context, get_argument_values(field_def, root, coerced))
        except Exception as exc:  # a bug: logged with its request id, INTERNAL for the client
            self._failed(sub_id, exc)
            return
        self.subscriptions[sub_id] = await self.context.hub.join(
            spec,
            document=document,
            document_key=query,
            operation_name=operation_name,
            variables=variables,
            context=LiveContext(self.context.env, self.context.hub, self.context.locale),
            context_key=self.context.locale,
            sink=self.outbox,
            subscription_id=sub_id,
        )

    async def _run_once(self, sub_id: str, query: str, variables: dict[str, Any], operation_name: str | None) -> None:
        result = await schema.execute(query, variables, self.context, operation_name=operation_name)
        self.outbox.control({"id": sub_id, "type": "next", "payload": _formatted(result)})
        self.tasks.pop(sub_id, None)
        self.outbox.control({"id": sub_id, "type": "complete"})

    async def _run_stream(self, sub_id: str, query: str, variables: dict[str, Any], operation_name: str | None) -> None:
        """strawberry's own execution, per subscriber: used for non-live fields and as the benchmark baseline."""
        stream = await schema.subscribe(query, variables, self.context, operation_name=operation_name)
        if not hasattr(stream, "__aiter__"):
            self._error(sub_id, [e.formatted for e in stream.errors or []])  # type: ignore[union-attr]
            self.tasks.pop(sub_id, None)
            return
        prefix = '{"id":' + json.dumps(sub_id) + ',"type":"next","payload":'
        async for result in stream:  # type: ignore[union-attr]
            frame = prefix + json.dumps(_formatted(result), separators=(",", ":"), ensure_ascii=False) + "}"
            self.outbox.offer(sub_id, frame)
        self.tasks.pop(sub_id, None)
        self.outbox.control({"id": sub_id, "type": "complete"})


def _formatted(result: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"data": result.data}
    if result.errors:
        out["errors"] = [e.formatted for e in result.errors]
    return out


async def handle_socket(
    socket: WebSocket, *, context_for: Callable[[WebSocket], Awaitable[Context]], allowed_origins: tuple[str, ...], shared: bool,
    max_subscriptions: int, init_timeout: float,
) -> None:
    subprotocols = [p.strip() for p in socket.headers.get("sec-websocket-protocol", "").split(",")]
    if PROTOCOL not in subprotocols or not _origin_allowed(socket, allowed_origins):
        await socket.close(code=4403, reason="Forbidden")
        return
    context = await context_for(socket)
    if context.viewer is None:
        await socket.close(code=4401, reason="Unauthorized")
        return
    await socket.accept(subprotocols=PROTOCOL)
    await Connection(socket, context, shared=shared, max_subscriptions=max_subscriptions, init_timeout=init_timeout).serve()
