"""Group robots: admins register WeCom, DingTalk or Slack webhooks; celebrations are queued to them and posted by a worker."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

import httpx
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.celebrations import service as celebrations
from podium.celebrations.events import Celebrated
from podium.core.checks import check_client_id
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.i18n import MESSAGES, Locale, translate
from podium.core.jobs import Claimed, Delivery, JobRunner, kick
from podium.core.outbound import is_public_url, pinned_client
from podium.core.policies import Viewer
from podium.robots.formats import Answer, Platform, body, encode, escape, read_answer, signed_url, strong
from podium.robots.events import RobotDeleted, RobotSaved
from podium.robots.models import Robot, RobotJob


log = logging.getLogger(__name__)

URL_MAX = 1024
SECRET_MAX = 200
NAME_MAX = 80
MAX_ROBOTS = 50
BATCH = 100


class RobotCelebration(StrEnum):
    """The celebration kinds a robot may post (celebrations.service.Kind, plus contests as they come)."""

    MILESTONE = "milestone"
    OVERTAKE = "overtake"
    DEAL_WON = "deal_won"
    BADGE = "badge"
    CONTEST = "contest"


class JobState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # the robot refused it for good, or max attempts: kept for the admin to see


@dataclass(frozen=True)
class RobotInput:
    kind: str
    celebrations: list[str]
    locale: str
    active: bool = True
    name: str = ""
    url: str | None = None  # None keeps the stored URL (the admin never sees it again)
    secret: str | None = None  # None keeps the stored secret, "" removes it
    robot_id: int | None = None
    client_id: str | None = None


def kinds_of(robot: Robot) -> list[RobotCelebration]:
    return [RobotCelebration(k) for k in robot.kinds.split(",") if k in RobotCelebration._value2member_map_]


def url_hint(url: str) -> str:
    """Enough to recognise a webhook, never enough to use it: the host and the last four characters."""
    return f"{urlsplit(url).hostname or '?'} …{url[-4:]}"


def _require_admin(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)


async def robots(env: Env, viewer: Viewer) -> list[Robot]:
    _require_admin(viewer)
    async with env.db() as session:
        return list(await session.scalars(select(Robot).where(Robot.org_id == viewer.org_id).order_by(Robot.id)))


def _check(problems: Problems, data: RobotInput, creating: bool, insecure: bool) -> None:
    if data.kind not in Platform._value2member_map_:
        problems.add(ErrorCode.INVALID, "kind")
    if len(data.name.strip()) > NAME_MAX:
        problems.add(ErrorCode.TOO_LONG, "name", max=NAME_MAX)
    if data.url is None or not data.url.strip():
        if creating or data.url is not None:
            problems.add(ErrorCode.REQUIRED, "url")
    elif len(data.url.strip()) > URL_MAX:
        problems.add(ErrorCode.TOO_LONG, "url", max=URL_MAX)
    elif not is_public_url(data.url.strip(), insecure=insecure):
        problems.add(ErrorCode.INVALID, "url")
    if data.secret is not None and len(data.secret.strip()) > SECRET_MAX:
        problems.add(ErrorCode.TOO_LONG, "secret", max=SECRET_MAX)
    if not data.celebrations or any(k not in RobotCelebration._value2member_map_ for k in data.celebrations):
        problems.add(ErrorCode.REQUIRED if not data.celebrations else ErrorCode.INVALID, "celebrations")
    if data.locale not in Locale._value2member_map_:
        problems.add(ErrorCode.INVALID, "locale")
    if data.client_id is not None:
        check_client_id(problems, data.client_id)


async def save_robot(env: Env, viewer: Viewer, data: RobotInput) -> Robot:
    """Add a robot or change one (admins); a create retried with the same clientId returns the first."""
    _require_admin(viewer)
    problems = Problems()
    _check(problems, data, data.robot_id is None, env.settings.robots.insecure_urls)
    problems.raise_if_any()
    now = env.clock()
    async with transaction(env.db) as tx:
        s = tx.session
        if data.robot_id is None:
            if data.client_id is not None:
                replay = await s.scalar(select(Robot).where(Robot.org_id == viewer.org_id, Robot.client_id == data.client_id))
                if replay is not None:
                    return replay
            count = len((await s.scalars(select(Robot.id).where(Robot.org_id == viewer.org_id))).all())
            if count >= MAX_ROBOTS:
                raise DomainError.one(ErrorCode.TOO_MANY, "id", max=MAX_ROBOTS)
            robot = Robot(org_id=viewer.org_id, client_id=data.client_id, created_at=now)
        else:
            found = await s.get(Robot, data.robot_id, with_for_update=True)
            if found is None or found.org_id != viewer.org_id:
                raise DomainError.one(ErrorCode.NOT_FOUND, "id")
            robot = found
        before = _settings_of(robot) if data.robot_id is not None else {}
        robot.kind, robot.name, robot.locale, robot.active = data.kind, data.name.strip(), data.locale, data.active
        robot.kinds = ",".join(k for k in RobotCelebration if k.value in set(data.celebrations))
        if data.url is not None:
            robot.url = data.url.strip()
        if data.secret is not None:
            robot.secret = data.secret.strip()
        if robot.kind != Platform.DINGTALK.value:
            robot.secret = ""  # only DingTalk signs
        robot.updated_at = now
        if data.robot_id is not None:
            await s.flush()
            tx.record(RobotSaved(org_id=viewer.org_id, robot=robot.id, by=viewer.user_id, before=before, after=_settings_of(robot)))
            return robot
        try:
            async with s.begin_nested():  # a savepoint: losing the race below must not abort the transaction
                s.add(robot)
        except IntegrityError:
            # The same clientId sent twice at once (a retry): the first one's robot stands, as for a later retry.
            replay = await s.scalar(select(Robot).where(Robot.org_id == viewer.org_id, Robot.client_id == data.client_id))
            if replay is None:
                raise
            return replay
        tx.record(RobotSaved(org_id=viewer.org_id, robot=robot.id, by=viewer.user_id, after=_settings_of(robot)))
    return robot


def _settings_of(robot: Robot) -> dict[str, object]:
    """A robot as the audit log records it: never its URL nor its secret, which open the group to anyone."""
    return {"kind": robot.kind, "name": robot.name, "celebrations": robot.kinds, "locale": robot.locale, "active": robot.active,
            "url": url_hint(robot.url) if robot.url else "", "signed": bool(robot.secret)}


async def delete_robot(env: Env, viewer: Viewer, robot_id: int) -> bool:
    """Remove a robot and whatever was still queued for it (admins); False when it was not there."""
    _require_admin(viewer)
    async with transaction(env.db) as tx:
        found = await tx.session.scalar(select(Robot).where(Robot.id == robot_id, Robot.org_id == viewer.org_id))
        if found is None:
            return False
        before = _settings_of(found)
        await tx.session.execute(delete(RobotJob).where(RobotJob.robot_id == robot_id, RobotJob.org_id == viewer.org_id))
        await tx.session.execute(delete(Robot).where(Robot.id == robot_id, Robot.org_id == viewer.org_id))
        tx.record(RobotDeleted(org_id=viewer.org_id, robot=robot_id, by=viewer.user_id, before=before))
    return True


def _sample(robot: Robot) -> str:
    platform, locale = Platform(robot.kind), Locale(robot.locale)
    return encode(body(platform, translate("robot.test.title", locale), translate("robot.test.body", locale)))


async def test_robot(env: Env, viewer: Viewer, robot_id: int) -> Answer:
    """Post a sample message now and report the robot's answer (admins); nothing is queued or retried."""
    _require_admin(viewer)
    async with env.db() as session:
        robot = await session.get(Robot, robot_id)
    if robot is None or robot.org_id != viewer.org_id:
        raise DomainError.one(ErrorCode.NOT_FOUND, "id")
    async with _client(env) as client:
        return await _post(env, client, robot.kind, robot.url, robot.secret, _sample(robot))


# --- queueing --------------------------------------------------------------------------------

async def listening(env: Env, org_id: int, kind: str) -> list[int]:
    """The org's active robots that post this kind of celebration (empty for most orgs: then nothing else is read)."""
    async with env.db() as session:
        rows = (await session.execute(select(Robot.id, Robot.kinds).where(Robot.org_id == org_id, Robot.active.is_(True)))).all()
    return [rid for rid, kinds in rows if kind in kinds.split(",")]


def message(platform: Platform, locale: Locale, view: celebrations.CelebrationView) -> str:
    """A celebration in the robot's format and language; every piece of user text escaped for its markdown."""

    def esc(text: str) -> str:
        return escape(platform, text)

    subject = view.subject
    if view.kind.value == "badge" and f"badge.{subject}" in MESSAGES:
        subject = translate(f"badge.{subject}", locale)  # a built-in badge's name is its key
    text = translate(
        f"celebration.{view.kind.name}",
        locale,
        name=strong(platform, esc(view.user.name)),
        other=strong(platform, esc(view.other_user.name)) if view.other_user else "",
        threshold=view.threshold or 0,
        board=translate("board.MONTH", locale),
        subject=esc(subject),
        amount=f"{view.amount:,.2f}" if view.amount is not None else "",
    )
    return encode(body(platform, translate(f"robot.title.{view.kind.name}", locale), f"🎉 {text}"))


async def on_celebrated(env: Env, event: Celebrated) -> None:
    """Handler: the org's group robots that want this kind of celebration post it, once each."""
    robot_ids = await listening(env, event.org_id, event.of_kind)
    if robot_ids:
        for view in await celebrations.load(env, event.org_id, [event.id]):
            await celebrated(env, event.org_id, view, robot_ids)


async def celebrated(env: Env, org_id: int, view: celebrations.CelebrationView, robot_ids: list[int]) -> int:
    """Queue a stored celebration once for each of these robots. Returns jobs queued."""
    if not robot_ids:
        return 0
    now = env.clock()
    queued = 0
    async with env.db() as session:
        found = (await session.scalars(select(Robot).where(Robot.id.in_(robot_ids), Robot.org_id == org_id))).all()
    for robot in found:
        payload = message(Platform(robot.kind), Locale(robot.locale), view)
        try:
            async with transaction(env.db) as tx:
                tx.session.add(
                    RobotJob(org_id=org_id, robot_id=robot.id, celebration_id=view.id, payload=payload, next_attempt_at=now, created_at=now)
                )
            queued += 1
        except IntegrityError:
            pass  # queued already for this robot
    if queued:
        kick(env, RobotWorker.name)
    return queued


# --- sending ---------------------------------------------------------------------------------


def _client(env: Env) -> httpx.AsyncClient:
    # Connects only to the address its name was checked at (a webhook host that resolves inside is refused).
    return pinned_client(env.settings.robots.timeout_seconds, insecure=env.settings.robots.insecure_urls)


async def _post(env: Env, client: httpx.AsyncClient, kind: str, url: str, secret: str, payload: str) -> Answer:
    platform = Platform(kind)
    target = signed_url(url, secret, int(env.clock().timestamp() * 1000)) if platform is Platform.DINGTALK else url
    try:
        response = await client.post(target, content=payload.encode(), headers={"content-type": "application/json; charset=utf-8"})
    except httpx.HTTPError as exc:
        # Never keep or show the URL (it holds the robot's token), whatever the error says.
        said = f"{type(exc).__name__}: {exc}".replace(target, url_hint(url)).replace(url, url_hint(url))
        return Answer(False, True, None, message=said[:300])
    return read_answer(platform, response.status_code, response.text, response.headers.get("retry-after"))


@dataclass(frozen=True)
class Post:
    """A claimed job: the robot to post to, as it is now, and the message."""

    robot_id: int
    kind: str
    url: str
    secret: str
    active: bool
    payload: str


class RobotWorker(JobRunner[Post]):
    """Posts due robot messages from robot_jobs (core/jobs.py runs the loop)."""

    name = "robots"
    model = RobotJob
    batch = BATCH

    def __init__(self, env: Env) -> None:
        super().__init__(env, env.settings.robots)
        self.client: httpx.AsyncClient | None = None

    async def load(self, session: AsyncSession, jobs: Sequence[RobotJob]) -> list[Post]:
        found = {r.id: r for r in (await session.scalars(select(Robot).where(Robot.id.in_({j.robot_id for j in jobs})))).all()}
        posts = []
        for job in jobs:
            robot = found[job.robot_id]  # jobs go with their robot (ON DELETE CASCADE)
            posts.append(Post(robot.id, robot.kind, robot.url, robot.secret, robot.active, job.payload))
        return posts

    def group(self, work: Post) -> int:
        # One at a time per robot: DingTalk allows 20 messages a minute, WeCom 20 too.
        return work.robot_id

    async def deliver(self, job: Claimed[Post]) -> Delivery:
        post = job.work
        if not post.active:
            return Delivery(error="robot inactive")
        if self.client is None:  # run_once() outside run(), as tests do
            async with _client(self.env) as client:
                answer = await _post(self.env, client, post.kind, post.url, post.secret, post.payload)
        else:
            answer = await _post(self.env, self.client, post.kind, post.url, post.secret, post.payload)
        return Delivery(
            delivered=answer.delivered, retryable=answer.retryable, status=answer.status, error=_error(answer), retry_after=answer.retry_after
        )

    async def run(self) -> None:
        async with _client(self.env) as client:
            self.client = client
            try:
                await super().run()
            finally:
                self.client = None


def _error(answer: Answer) -> str:
    text = f"errcode {answer.code}: {answer.message}" if answer.code else answer.message
    return text[:300]


@dataclass(frozen=True)
class Deliveries:
    """How a robot is doing, for the admin's list."""

    last_sent_at: datetime | None = None
    failed: int = 0
    last_error: str = ""


async def deliveries(env: Env, viewer: Viewer, robot_ids: list[int]) -> dict[int, Deliveries]:
    """Per robot: the last message it took, how many it refused for good, and why (one read for the whole list)."""
    _require_admin(viewer)
    if not robot_ids:
        return {}
    async with env.db() as session:
        sent = dict(
            (await session.execute(
                select(RobotJob.robot_id, func.max(RobotJob.finished_at))
                .where(RobotJob.org_id == viewer.org_id, RobotJob.robot_id.in_(robot_ids), RobotJob.state == JobState.SENT.value)
                .group_by(RobotJob.robot_id)
            )).all()
        )
        failed = (await session.execute(
            select(RobotJob.robot_id, RobotJob.last_error)
            .where(RobotJob.org_id == viewer.org_id, RobotJob.robot_id.in_(robot_ids), RobotJob.state == JobState.FAILED.value)
            .order_by(RobotJob.id)
        )).all()
    counts: dict[int, int] = defaultdict(int)
    last_error: dict[int, str] = {}
    for rid, error in failed:
        counts[rid] += 1
        last_error[rid] = error
    return {rid: Deliveries(sent.get(rid), counts.get(rid, 0), last_error.get(rid, "")) for rid in robot_ids}
