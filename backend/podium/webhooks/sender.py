"""Delivers queued webhook messages: signed per the Standard Webhooks specification, pinned to checked addresses, retried on its schedule."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks import Webhook

from podium.core.clock import utcnow
from podium.core.env import Env
from podium.core.jobs import FAILED, Claimed, Delivery, JobRunner
from podium.core.outbound import NotPublic, pinned_client
from podium.webhooks.models import WebhookDelivery, WebhookEndpoint
from podium.webhooks.service import WORKER, signing_secrets

log = logging.getLogger(__name__)

# Seconds after each failed attempt, as the specification suggests: about three days in all, then the message fails.
SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000, 36000, 36000, 36000, 36000)
EXCERPT_MAX = 300
READ_MAX = 4096  # of an answer's body: enough for the excerpt, never a whole download
USER_AGENT = "Podium-Webhooks/1"


@dataclass(frozen=True)
class Attempt:
    endpoint_id: int
    enabled: bool
    url: str
    secrets: tuple[str, ...]
    msg_id: str
    payload: str


@dataclass(frozen=True)
class Answer:
    """What the endpoint said, besides the status: for the admin's list."""

    excerpt: str
    duration_ms: int | None


def sign(secrets: Sequence[str], msg_id: str, at: datetime, payload: str) -> str:
    """webhook-signature: one v1 signature per secret, space-separated (both during a rotation's overlap)."""
    return " ".join(Webhook(secret).sign(msg_id, at, payload) for secret in secrets)


def headers(secrets: Sequence[str], msg_id: str, at: datetime, payload: str) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": sign(secrets, msg_id, at, payload),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


class WebhookWorker(JobRunner[Attempt]):
    """Posts due webhook messages from webhook_deliveries (core/jobs.py runs the loop)."""

    name = WORKER
    model = WebhookDelivery
    keep_finished = timedelta(days=30)  # delivered messages stay listed (and replayable) a month

    def __init__(self, env: Env) -> None:
        super().__init__(env, env.settings.webhooks)
        self.client: httpx.AsyncClient | None = None
        self.answers: dict[int, Answer] = {}

    async def load(self, session: AsyncSession, jobs: Sequence[WebhookDelivery]) -> list[Attempt]:
        found = {e.id: e for e in await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.id.in_({j.endpoint_id for j in jobs})))}
        now = self.env.clock()
        attempts = []
        for job in jobs:
            endpoint = found[job.endpoint_id]  # deliveries go with their endpoint (ON DELETE CASCADE)
            attempts.append(Attempt(endpoint.id, endpoint.enabled, endpoint.url, tuple(signing_secrets(endpoint, now)), job.msg_id, job.payload))
        return attempts

    def retry_delay(self, attempts: int, retry_after: float | None) -> float:
        step = SCHEDULE[min(attempts, len(SCHEDULE)) - 1] * self.settings.retry_base_seconds / SCHEDULE[0]
        delay = step * random.uniform(0.9, 1.1)
        if retry_after is not None:
            delay = max(delay, min(retry_after, SCHEDULE[-1]))
        return delay

    async def deliver(self, job: Claimed[Attempt]) -> Delivery:
        attempt = job.work
        if not attempt.enabled:
            return Delivery(error="endpoint disabled")
        if self.client is None:  # run_once() outside run(), as tests do
            async with self._client() as client:
                return await self._post(client, job)
        return await self._post(self.client, job)

    def _client(self) -> httpx.AsyncClient:
        settings = self.env.settings.webhooks
        return pinned_client(settings.timeout_seconds, insecure=settings.allow_private)

    async def _post(self, client: httpx.AsyncClient, job: Claimed[Attempt]) -> Delivery:
        attempt = job.work
        # The signature's time is the wall clock's: receivers refuse messages more than minutes old.
        sent = headers(attempt.secrets, attempt.msg_id, utcnow(), attempt.payload)
        started = time.monotonic()
        try:
            async with client.stream("POST", attempt.url, content=attempt.payload.encode(), headers=sent) as response:
                read = b""
                async for chunk in response.aiter_bytes():
                    read += chunk
                    if len(read) >= READ_MAX:
                        break
                status, retry_after = response.status_code, response.headers.get("retry-after")
        except NotPublic as exc:
            self.answers[job.job_id] = Answer("", None)
            return Delivery(error=f"refused: {exc}"[:EXCERPT_MAX])  # never retried: the address is not ours to reach
        except httpx.HTTPError as exc:
            self.answers[job.job_id] = Answer("", int((time.monotonic() - started) * 1000))
            return Delivery(retryable=True, error=f"{type(exc).__name__}: {exc}"[:EXCERPT_MAX])
        duration = int((time.monotonic() - started) * 1000)
        self.answers[job.job_id] = Answer(read[:READ_MAX].decode("utf-8", "replace")[:EXCERPT_MAX], duration)
        if 200 <= status < 300:
            return Delivery(delivered=True, status=status)
        if status == 410:
            # Gone: the receiver asks us to stop; the endpoint is disabled (recorded()) and nothing is retried.
            return Delivery(status=status, error="410 Gone: endpoint disabled", end_as=FAILED)
        return Delivery(retryable=True, status=status, error=f"HTTP {status}", retry_after=_seconds(retry_after))

    async def recorded(self, session: AsyncSession, results: list[tuple[Claimed[Attempt], Delivery]], now: datetime) -> None:
        for job, outcome in results:
            answer = self.answers.pop(job.job_id, None)
            if answer is not None:
                await session.execute(
                    update(WebhookDelivery).where(WebhookDelivery.id == job.job_id)
                    .values(response_excerpt=answer.excerpt, duration_ms=answer.duration_ms, last_attempt_at=now)
                )
            if outcome.status == 410:
                await session.execute(
                    update(WebhookEndpoint).where(WebhookEndpoint.id == job.work.endpoint_id).values(enabled=False, disabled_reason="gone", updated_at=now)
                )
                log.warning("webhook endpoint %s answered 410 Gone: disabled", job.work.endpoint_id)

    async def run(self) -> None:
        async with self._client() as client:
            self.client = client
            try:
                await super().run()
            finally:
                self.client = None


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
