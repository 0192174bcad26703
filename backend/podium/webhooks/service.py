"""Outbound webhooks: admins subscribe URLs to event types; events are queued to them once each, and replayed on demand."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.checks import check_client_id
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import DomainEvent, transaction
from podium.core.jobs import PENDING, kick
from podium.core.outbound import check_public_host
from podium.core.policies import Viewer
from podium.webhooks import catalog
from podium.webhooks.catalog import EventType, Message
from podium.webhooks.events import WebhookEndpointChanged, WebhookEndpointCreated, WebhookEndpointDeleted, WebhookSecretRotated
from podium.webhooks.models import WebhookDelivery, WebhookEndpoint

WORKER = "webhooks"  # the job runner's name (sender.py), for kick()
URL_MAX = 1024
DESCRIPTION_MAX = 200
MAX_ENDPOINTS = 20
MAX_OVERLAP_HOURS = 7 * 24
MAX_LIST = 200


@dataclass(frozen=True)
class EndpointInput:
    url: str | None = None  # None keeps the stored URL (edits)
    description: str | None = None
    event_types: list[str] | None = None
    enabled: bool | None = None
    client_id: str | None = None


def new_secret() -> str:
    """whsec_ and 24 random bytes in base64, the form the specification's libraries read."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def types_of(endpoint: WebhookEndpoint) -> list[EventType]:
    return [EventType(t) for t in endpoint.event_types.split(",") if t in EventType._value2member_map_]


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def _require_admin(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)


async def endpoints(env: Env, viewer: Viewer) -> list[WebhookEndpoint]:
    _require_admin(viewer)
    async with env.db() as session:
        return list(await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.org_id == viewer.org_id).order_by(WebhookEndpoint.id)))


async def _check(env: Env, data: EndpointInput, creating: bool) -> None:
    problems = Problems()
    if data.url is not None or creating:
        url = (data.url or "").strip()
        if not url:
            problems.add(ErrorCode.REQUIRED, "url")
        elif len(url) > URL_MAX:
            problems.add(ErrorCode.TOO_LONG, "url", max=URL_MAX)
        elif not await check_public_host(url, insecure=env.settings.webhooks.allow_private):
            # https on a name that resolves to public addresses only: the server POSTs to it.
            problems.add(ErrorCode.INVALID, "url")
    if data.description is not None and len(data.description.strip()) > DESCRIPTION_MAX:
        problems.add(ErrorCode.TOO_LONG, "description", max=DESCRIPTION_MAX)
    if data.event_types is not None or creating:
        chosen = data.event_types or []
        if not chosen:
            problems.add(ErrorCode.REQUIRED, "eventTypes")
        elif any(t not in EventType._value2member_map_ for t in chosen):
            problems.add(ErrorCode.INVALID, "eventTypes")
    if data.client_id is not None:
        check_client_id(problems, data.client_id)
    problems.raise_if_any()


def _ordered(chosen: list[str]) -> str:
    return ",".join(t.value for t in EventType if t.value in set(chosen))


async def create_endpoint(env: Env, viewer: Viewer, data: EndpointInput) -> tuple[WebhookEndpoint, str]:
    """Subscribe a URL (admins); returns the endpoint and its secret, shown this once. A retried clientId returns the first."""
    _require_admin(viewer)
    await _check(env, data, creating=True)
    now = env.clock()
    async with transaction(env.db) as tx:
        s = tx.session
        if data.client_id is not None:
            replay = await s.scalar(select(WebhookEndpoint).where(WebhookEndpoint.org_id == viewer.org_id, WebhookEndpoint.client_id == data.client_id))
            if replay is not None:
                return replay, replay.secret
        count = await s.scalar(select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.org_id == viewer.org_id))
        if (count or 0) >= MAX_ENDPOINTS:
            raise DomainError.one(ErrorCode.TOO_MANY, "id", max=MAX_ENDPOINTS)
        endpoint = WebhookEndpoint(
            org_id=viewer.org_id, url=(data.url or "").strip(), description=(data.description or "").strip(),
            event_types=_ordered(data.event_types or []), enabled=data.enabled is not False, secret=new_secret(),
            client_id=data.client_id, created_by=viewer.user_id, created_at=now, updated_at=now,
        )
        try:
            async with s.begin_nested():  # a savepoint: the same clientId racing must not abort the transaction
                s.add(endpoint)
        except IntegrityError:
            replay = await s.scalar(select(WebhookEndpoint).where(WebhookEndpoint.org_id == viewer.org_id, WebhookEndpoint.client_id == data.client_id))
            if replay is None:
                raise
            return replay, replay.secret
        tx.record(WebhookEndpointCreated(
            org_id=viewer.org_id, endpoint=endpoint.id, host=host_of(endpoint.url), event_types=tuple(endpoint.event_types.split(",")), by=viewer.user_id,
        ))
    return endpoint, endpoint.secret


async def _mine(viewer: Viewer, s: AsyncSession, endpoint_id: int) -> WebhookEndpoint:
    endpoint = await s.get(WebhookEndpoint, endpoint_id, with_for_update=True)
    if endpoint is None or endpoint.org_id != viewer.org_id:
        raise DomainError.one(ErrorCode.NOT_FOUND, "id")
    return endpoint


async def update_endpoint(env: Env, viewer: Viewer, endpoint_id: int, data: EndpointInput) -> WebhookEndpoint:
    """Change an endpoint's URL, description, types or state (admins); enabling it again clears why it was disabled."""
    _require_admin(viewer)
    await _check(env, data, creating=False)
    async with transaction(env.db) as tx:
        endpoint = await _mine(viewer, tx.session, endpoint_id)
        def values() -> dict[str, str]:
            return {"url": endpoint.url, "description": endpoint.description, "eventTypes": endpoint.event_types, "enabled": str(endpoint.enabled)}

        before = values()
        if data.url is not None:
            endpoint.url = data.url.strip()
        if data.description is not None:
            endpoint.description = data.description.strip()
        if data.event_types is not None:
            endpoint.event_types = _ordered(data.event_types)
        if data.enabled is not None:
            endpoint.enabled = data.enabled
            if data.enabled:
                endpoint.disabled_reason = ""
        after = values()
        changed = tuple(k for k in before if before[k] != after[k])
        if changed:
            endpoint.updated_at = env.clock()
            # The URL by its host only: a URL may carry a token.
            shown = {"url": host_of}
            tx.record(WebhookEndpointChanged(
                org_id=viewer.org_id, endpoint=endpoint.id, fields=changed, before={k: shown.get(k, str)(before[k]) for k in changed},
                after={k: shown.get(k, str)(after[k]) for k in changed}, by=viewer.user_id,
            ))
    return endpoint


async def delete_endpoint(env: Env, viewer: Viewer, endpoint_id: int) -> bool:
    """Remove an endpoint and its deliveries (admins); False when it was not there."""
    _require_admin(viewer)
    async with transaction(env.db) as tx:
        endpoint = await tx.session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None or endpoint.org_id != viewer.org_id:
            return False
        await tx.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id))
        await tx.session.delete(endpoint)
        tx.record(WebhookEndpointDeleted(org_id=viewer.org_id, endpoint=endpoint_id, host=host_of(endpoint.url), by=viewer.user_id))
    return True


async def rotate_secret(env: Env, viewer: Viewer, endpoint_id: int, overlap_hours: int) -> tuple[WebhookEndpoint, str]:
    """A new secret (shown this once); the current one keeps signing beside it for `overlap_hours` (0: stops now)."""
    _require_admin(viewer)
    if not 0 <= overlap_hours <= MAX_OVERLAP_HOURS:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "overlapHours", min=0, max=MAX_OVERLAP_HOURS)
    now = env.clock()
    async with transaction(env.db) as tx:
        endpoint = await _mine(viewer, tx.session, endpoint_id)
        endpoint.previous_secret = endpoint.secret if overlap_hours else ""
        endpoint.previous_until = now + timedelta(hours=overlap_hours) if overlap_hours else None
        endpoint.secret = new_secret()
        endpoint.updated_at = now
        tx.record(WebhookSecretRotated(org_id=viewer.org_id, endpoint=endpoint.id, overlap_hours=overlap_hours, by=viewer.user_id))
    return endpoint, endpoint.secret


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets a message is signed with now: the current one, and the previous one during the overlap."""
    if endpoint.previous_secret and endpoint.previous_until is not None and now < endpoint.previous_until:
        return [endpoint.secret, endpoint.previous_secret]
    return [endpoint.secret]


# --- queueing --------------------------------------------------------------------------------


def body(message: Message) -> str:
    """The envelope the specification suggests: type, timestamp, data."""
    return json.dumps({"type": message.type, "timestamp": catalog.when(message.at), "data": message.data}, ensure_ascii=False, separators=(",", ":"))


async def _queue(env: Env, org_id: int, endpoint_ids: list[int], message: Message) -> int:
    """One delivery per endpoint, once: a handler run again finds its rows there (unique endpoint and key)."""
    now, payload, queued = env.clock(), body(message), 0
    for endpoint_id in endpoint_ids:
        try:
            async with transaction(env.db) as tx:
                tx.session.add(WebhookDelivery(
                    org_id=org_id, endpoint_id=endpoint_id, msg_id=f"msg_{uuid.uuid4().hex}", event_type=message.type, event_key=message.key,
                    payload=payload, state=PENDING, next_attempt_at=now, created_at=now,
                ))
            queued += 1
        except IntegrityError:
            pass  # queued already for this endpoint
    if queued:
        kick(env, WORKER)
    return queued


async def on_event(env: Env, event: DomainEvent) -> None:
    """Handler: the org's enabled endpoints subscribed to the event's type get its message, once each."""
    async with env.db() as session:
        rows = (await session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(WebhookEndpoint.org_id == event.org_id, WebhookEndpoint.enabled.is_(True))
        )).all()
    if not rows:
        return  # most orgs: nothing else is read
    message = await catalog.describe(env, event)
    if message is None:
        return
    listening = [eid for eid, types in rows if message.type in types.split(",")]
    if listening:
        await _queue(env, event.org_id, listening, message)


async def send_test(env: Env, viewer: Viewer, endpoint_id: int) -> WebhookDelivery:
    """Queue a webhook.test message to one endpoint now (admins); it is delivered, retried and listed like the others."""
    _require_admin(viewer)
    async with env.db() as session:
        endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.org_id != viewer.org_id:
        raise DomainError.one(ErrorCode.NOT_FOUND, "id")
    if not endpoint.enabled:
        raise DomainError.one(ErrorCode.CLOSED, "id")
    now = env.clock()
    test = Message(catalog.TEST_TYPE, f"{catalog.TEST_TYPE}:{uuid.uuid4().hex}", {"endpointId": str(endpoint.id), "message": "Podium test event"}, now)
    await _queue(env, viewer.org_id, [endpoint.id], test)
    async with env.db() as session:
        found = await session.scalar(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.event_key == test.key))
    assert found is not None
    return found


async def deliveries(env: Env, viewer: Viewer, endpoint_id: int, first: int = 50) -> list[WebhookDelivery]:
    """An endpoint's messages, newest first (admins)."""
    _require_admin(viewer)
    if not 1 <= first <= MAX_LIST:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_LIST)
    async with env.db() as session:
        query = (
            select(WebhookDelivery)
            .where(WebhookDelivery.org_id == viewer.org_id, WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(first)
        )
        return list(await session.scalars(query))


async def replay(env: Env, viewer: Viewer, delivery_id: int) -> WebhookDelivery:
    """Send a message again (admins): due now, with a fresh set of attempts and the same webhook-id."""
    _require_admin(viewer)
    async with transaction(env.db) as tx:
        delivery = await tx.session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if delivery is None or delivery.org_id != viewer.org_id:
            raise DomainError.one(ErrorCode.NOT_FOUND, "id")
        endpoint = await tx.session.get(WebhookEndpoint, delivery.endpoint_id)
        if endpoint is None or not endpoint.enabled:
            raise DomainError.one(ErrorCode.CLOSED, "id")
        delivery.state, delivery.attempts, delivery.next_attempt_at, delivery.finished_at = PENDING, 0, env.clock(), None
    kick(env, WORKER)
    return delivery
