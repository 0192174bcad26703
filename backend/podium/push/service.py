"""Web Push: browsers subscribe, people choose what they receive, pushes are queued and sent by a worker."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.celebrations import service as celebrations
from podium.celebrations.events import Celebrated
from podium.celebrations.service import CelebrationView
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.i18n import MESSAGES, Locale, parse_locale, translate
from podium.core.jobs import Claimed, Delivery, JobRunner, kick
from podium.core.outbound import is_public_url
from podium.core.policies import Viewer
from podium.orgs import service as orgs
from podium.db.upsert import insert_ignoring_duplicates
from podium.push.models import PushJob, PushPreference, PushSubscription
from podium.push.sender import PushSender, Target, VapidKeys, b64url_decode
from podium.rewards.events import RedemptionDecided
from podium.settings import WebPushSettings
from podium.visits.events import VisitReviewed

log = logging.getLogger(__name__)

ENDPOINT_MAX = 1024
USER_AGENT_MAX = 300
MAX_SUBSCRIPTIONS_PER_USER = 20
BATCH = 500


class PushKind(StrEnum):
    MILESTONE = "milestone"
    OVERTAKE = "overtake"
    DEAL_WON = "deal_won"
    REWARD = "reward"  # a decision on my reward redemption
    VISIT_REVIEW = "visit_review"  # a decision on my flagged visit


DEFAULT_KINDS = frozenset({PushKind.MILESTONE, PushKind.VISIT_REVIEW})


class JobState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    GONE = "gone"  # the browser's subscription expired or was removed
    FAILED = "failed"  # gave up after max_attempts, or the push service refused it for good


@dataclass(frozen=True)
class Message:
    """What the service worker shows: all paths are on our origin."""

    title: str
    body: str
    url: str
    tag: str
    image: str | None = None
    kind: str = ""

    def encode(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class PushConfig:
    public_key: str | None
    enabled: bool


@lru_cache(maxsize=4)
def _keys(private_b64: str, public_b64: str) -> VapidKeys:
    return VapidKeys.from_b64(private_b64, public_b64)


def vapid_keys(settings: WebPushSettings) -> VapidKeys | None:
    """The VAPID key pair, parsed once; None when Web Push is not configured."""
    if not settings.vapid_private_key:
        return None
    return _keys(settings.vapid_private_key, settings.vapid_public_key)


def config(env: Env) -> PushConfig:
    keys = vapid_keys(env.settings.webpush)
    return PushConfig(public_key=keys.public_key_b64 if keys else None, enabled=keys is not None)


# --- subscriptions ---------------------------------------------------------------------------


def _check_endpoint(problems: Problems, endpoint: str, insecure: bool) -> None:
    if not endpoint or len(endpoint) > ENDPOINT_MAX or not is_public_url(endpoint, insecure=insecure):
        problems.add(ErrorCode.INVALID, "endpoint")


def _check_keys(problems: Problems, p256dh: str, auth: str) -> None:
    try:
        point = b64url_decode(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        if len(point) != 65:
            raise ValueError("not an uncompressed P-256 point")
    except (ValueError, TypeError):
        problems.add(ErrorCode.INVALID, "p256dh")
    try:
        if len(b64url_decode(auth)) != 16:
            raise ValueError("auth secret must be 16 bytes")
    except (ValueError, TypeError):
        problems.add(ErrorCode.INVALID, "auth")


def _require_person(viewer: Viewer) -> None:
    if viewer.is_display or not viewer.user_id:
        raise DomainError.one(ErrorCode.FORBIDDEN)


async def subscribe(env: Env, viewer: Viewer, *, endpoint: str, p256dh: str, auth: str, user_agent: str = "") -> PushSubscription:
    """Remember this browser for the viewer; the same endpoint again updates it (one browser, one row)."""
    _require_person(viewer)
    endpoint, p256dh, auth = endpoint.strip(), p256dh.strip(), auth.strip()
    problems = Problems()
    if vapid_keys(env.settings.webpush) is None:
        raise DomainError.one(ErrorCode.INVALID, "endpoint")
    _check_endpoint(problems, endpoint, env.settings.webpush.insecure_endpoints)
    _check_keys(problems, p256dh, auth)
    problems.raise_if_any()
    now = env.clock()
    async with transaction(env.db) as tx:
        s = tx.session
        query = select(PushSubscription).where(PushSubscription.endpoint == endpoint).with_for_update()
        row = await s.scalar(query)
        if row is None:
            count = len((await s.scalars(select(PushSubscription.id).where(PushSubscription.user_id == viewer.user_id))).all())
            if count >= MAX_SUBSCRIPTIONS_PER_USER:
                raise DomainError.one(ErrorCode.TOO_MANY, "endpoint", max=MAX_SUBSCRIPTIONS_PER_USER)
            new = PushSubscription(
                org_id=viewer.org_id, user_id=viewer.user_id, endpoint=endpoint, p256dh=p256dh, auth=auth,
                user_agent=user_agent[:USER_AGENT_MAX], created_at=now,
            )
            try:
                async with s.begin_nested():  # a savepoint: losing the race below must not abort the transaction
                    s.add(new)
                row = new
            except IntegrityError:
                # The same browser subscribed at the same moment (a retry, a second tab): that row is
                # this browser's, and this later write updates it.
                row = await s.scalar(query)
                if row is None:
                    raise
        # A browser someone else signed out of now belongs to whoever signed in on it.
        row.org_id, row.user_id, row.p256dh, row.auth = viewer.org_id, viewer.user_id, p256dh, auth
        row.user_agent = user_agent[:USER_AGENT_MAX]
        await s.flush()
    return row


async def unsubscribe(env: Env, viewer: Viewer, endpoint: str) -> bool:
    """Forget this browser; True when it was the viewer's."""
    _require_person(viewer)
    async with transaction(env.db) as tx:
        result = await tx.session.execute(
            delete(PushSubscription).where(PushSubscription.endpoint == endpoint.strip(), PushSubscription.user_id == viewer.user_id)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def subscription_count(env: Env, viewer: Viewer) -> int:
    async with env.db() as session:
        return len((await session.scalars(select(PushSubscription.id).where(PushSubscription.user_id == viewer.user_id))).all())


# --- preferences -----------------------------------------------------------------------------


def _decode_kinds(raw: str) -> frozenset[PushKind]:
    return frozenset(PushKind(k) for k in raw.split(",") if k in PushKind._value2member_map_)


async def _wanted(session: object, user_id: int) -> frozenset[PushKind]:
    raw = await session.scalar(select(PushPreference.kinds).where(PushPreference.user_id == user_id))  # type: ignore[attr-defined]
    return DEFAULT_KINDS if raw is None else _decode_kinds(raw)


async def preferences(env: Env, viewer: Viewer) -> frozenset[PushKind]:
    _require_person(viewer)
    async with env.db() as session:
        return await _wanted(session, viewer.user_id)


async def set_preferences(env: Env, viewer: Viewer, kinds: list[PushKind]) -> frozenset[PushKind]:
    _require_person(viewer)
    chosen = frozenset(kinds)
    encoded = ",".join(sorted(k.value for k in chosen))
    async with transaction(env.db) as tx:
        row = await tx.session.get(PushPreference, viewer.user_id, with_for_update=True)
        if row is None:
            try:
                async with tx.session.begin_nested():  # a savepoint: losing the race below must not abort the transaction
                    tx.session.add(PushPreference(user_id=viewer.user_id, kinds=encoded, updated_at=env.clock()))
                return chosen
            except IntegrityError:
                # A first choice saved at the same moment from another tab: this later one replaces it.
                row = await tx.session.get(PushPreference, viewer.user_id, with_for_update=True)
                if row is None:
                    raise
        row.kinds, row.updated_at = encoded, env.clock()
    return chosen


# --- queueing --------------------------------------------------------------------------------

async def notify(env: Env, *, org_id: int, user_id: int, kind: PushKind, message: Callable[[Locale], Message], dedupe_key: str | None = None) -> int:
    """Queue one push per browser of this person, if they want this kind; call after the commit. Returns jobs queued.

    With a `dedupe_key`, queueing the same message again (a handler retried) queues nothing.
    """
    if vapid_keys(env.settings.webpush) is None:
        return 0
    now = env.clock()
    async with transaction(env.db) as tx:
        s = tx.session
        if kind not in await _wanted(s, user_id):
            return 0
        subscriptions = (await s.scalars(select(PushSubscription.id).where(PushSubscription.user_id == user_id))).all()
        if not subscriptions:
            return 0
        person = await orgs.user_in_org(s, org_id, user_id)
        locale = parse_locale(person.locale if person else None)
        payload = message(locale).encode()
        queued = await insert_ignoring_duplicates(
            s,
            PushJob,
            [
                dict(
                    org_id=org_id, user_id=user_id, subscription_id=sid, kind=kind.value, dedupe_key=dedupe_key, payload=payload,
                    state=JobState.PENDING.value, attempts=0, last_error="", next_attempt_at=now, created_at=now,
                )
                for sid in subscriptions
            ],
        )
    kick(env, PushWorker.name)
    return queued


def card_signature(secret: str, celebration_id: int, locale: Locale) -> str:
    """An unguessable, stable token for one card: the notification's image fetch may carry no cookie."""
    digest = hmac.new(secret.encode(), f"card:{celebration_id}:{locale.value}".encode(), hashlib.sha256).digest()
    return digest[:16].hex()


def card_url(env: Env, celebration_id: int, locale: Locale, *, signed: bool) -> str:
    url = f"/api/celebrations/{celebration_id}/card.png?lang={locale.value}"
    if signed:
        url += f"&sig={card_signature(env.settings.security.secret_key, celebration_id, locale)}"
    return url


async def on_celebrated(env: Env, event: Celebrated) -> None:
    """Handler: the person's phone hears of their celebration, when the app is closed too."""
    if not config(env).enabled:
        return
    for view in await celebrations.load(env, event.org_id, [event.id]):
        await celebrated(env, event.org_id, view, url=event.open_url)


async def on_visit_reviewed(env: Env, event: VisitReviewed) -> None:
    await decided(
        env, org_id=event.org_id, user_id=event.user, kind=PushKind.VISIT_REVIEW, approved=event.approved,
        url="/visit", tag=f"visit-review-{event.visit}", reviewer=event.reviewer, customer=event.customer, note=event.note,
    )


async def on_redemption_decided(env: Env, event: RedemptionDecided) -> None:
    await decided(
        env, org_id=event.org_id, user_id=event.user, kind=PushKind.REWARD, approved=event.approved,
        url="/rewards", tag=f"redemption-{event.redemption}", decider=event.decider, reward=event.reward,
        quantity=event.quantity, points=event.points, note=event.note,
    )


async def celebrated(env: Env, org_id: int, view: CelebrationView, *, url: str) -> int:
    """A celebration of a person: push it to them, once."""
    # A badge or a contest won is an achievement like a milestone: the same choice in the settings covers them.
    kind_value = PushKind.MILESTONE.value if view.kind.value in ("badge", "contest") else view.kind.value
    if kind_value not in PushKind._value2member_map_:
        return 0  # a kind of celebration nobody can choose to be pushed (yet)
    kind = PushKind(kind_value)

    def message(locale: Locale) -> Message:
        key = f"push.{view.kind.name}"
        # A built-in badge's name is its key, translated for the reader.
        subject = translate(f"badge.{view.subject}", locale) if f"badge.{view.subject}" in MESSAGES else view.subject
        params = {
            "other": view.other_user.name if view.other_user else "",
            "threshold": view.threshold or 0,
            "subject": subject,
            "amount": f"{view.amount:,.2f}" if view.amount is not None else "",
        }
        return Message(
            title=translate(f"{key}.title", locale, **params),
            body=translate(f"{key}.body", locale, **params),
            url=url,
            tag=f"celebration-{view.id}",
            image=card_url(env, view.id, locale, signed=True),
            kind=kind.value,
        )

    return await notify(env, org_id=org_id, user_id=view.user.id, kind=kind, message=message, dedupe_key=f"celebration-{view.id}")


async def decided(env: Env, *, org_id: int, user_id: int, kind: PushKind, approved: bool, url: str, tag: str, **params: object) -> int:
    """A manager's decision on something of this person's (a flagged visit, a redemption): push it to them.

    The texts are `push.<KIND>.approved|rejected.title|body` in core/i18n.py; once per `tag`.
    """
    outcome = "approved" if approved else "rejected"

    def message(locale: Locale) -> Message:
        return Message(
            title=translate(f"push.{kind.name}.{outcome}.title", locale, **params),
            body=translate(f"push.{kind.name}.{outcome}.body", locale, **params).strip(),
            url=url,
            tag=tag,
            kind=kind.value,
        )

    return await notify(env, org_id=org_id, user_id=user_id, kind=kind, message=message, dedupe_key=tag)


# --- the worker ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Push:
    """A claimed job: where to send it (None when the browser unsubscribed meanwhile) and what."""

    subscription_id: int | None
    target: Target | None
    payload: bytes
    topic: str


class PushWorker(JobRunner[Push]):
    """Sends due pushes from push_jobs (core/jobs.py runs the loop)."""

    name = "push"
    model = PushJob
    batch = BATCH
    pruned_states = (JobState.SENT.value, JobState.GONE.value)

    def __init__(self, env: Env, sender: PushSender) -> None:
        super().__init__(env, env.settings.webpush)
        self.sender = sender

    @classmethod
    def from_env(cls, env: Env) -> PushWorker | None:
        keys = vapid_keys(env.settings.webpush)
        if keys is None:
            return None
        settings = env.settings.webpush
        return cls(env, PushSender(keys, settings.vapid_subject, concurrency=settings.concurrency))

    async def load(self, session: AsyncSession, jobs: Sequence[PushJob]) -> list[Push]:
        sub_ids = {j.subscription_id for j in jobs if j.subscription_id is not None}
        subs = {sub.id: sub for sub in (await session.scalars(select(PushSubscription).where(PushSubscription.id.in_(sub_ids)))).all()} if sub_ids else {}
        pushes = []
        for job in jobs:
            sub = subs.get(job.subscription_id) if job.subscription_id is not None else None
            target = Target(sub.endpoint, sub.p256dh, sub.auth) if sub else None
            pushes.append(Push(job.subscription_id, target, job.payload.encode(), json.loads(job.payload).get("tag", "")))
        return pushes

    async def deliver(self, job: Claimed[Push]) -> Delivery:
        push = job.work
        if push.target is None:
            return Delivery(error=None, end_as=JobState.GONE.value)
        ttl = self.env.settings.webpush.ttl_seconds
        outcome = await self.sender.send(push.target, push.payload, ttl=ttl, topic=_topic(push.topic))
        return Delivery(
            delivered=outcome.delivered, retryable=outcome.retryable, status=outcome.status, error=outcome.error,
            retry_after=outcome.retry_after, end_as=JobState.GONE.value if outcome.gone else None,
        )

    async def recorded(self, session: AsyncSession, results: list[tuple[Claimed[Push], Delivery]], now: datetime) -> None:
        delivered_subs = {job.work.subscription_id for job, d in results if d.delivered and job.work.subscription_id is not None}
        gone_subs = {
            job.work.subscription_id for job, d in results
            if d.end_as == JobState.GONE.value and job.work.target is not None and job.work.subscription_id is not None
        }
        if delivered_subs - gone_subs:
            await session.execute(update(PushSubscription).where(PushSubscription.id.in_(delivered_subs - gone_subs)).values(last_success_at=now))
        if gone_subs:
            # Expired (404/410): its other pending jobs lose their subscription and end as gone too.
            await session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone_subs)))

    async def run(self) -> None:
        try:
            await super().run()
        finally:
            await self.sender.aclose()


def _topic(tag: str) -> str | None:
    """RFC 8030 Topic: at most 32 characters of the URL-safe base64 alphabet."""
    cleaned = "".join(c for c in tag if c.isascii() and (c.isalnum() or c in "-_"))[:32]
    return cleaned or None
