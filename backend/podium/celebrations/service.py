"""Celebrations: someone overtook someone, or reached a milestone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.events import encode_event, org_channel, transaction
from podium.core.i18n import MESSAGES, Locale, translate
from podium.core.periods import PeriodKind, window
from podium.core.policies import Viewer
from podium.celebrations.models import Celebration
from podium.orgs import service as orgs
from podium.orgs.service import PublicUser
from podium.push import service as push
from podium.robots import service as robots


class Kind(StrEnum):
    OVERTAKE = "overtake"
    MILESTONE = "milestone"
    DEAL_WON = "deal_won"
    BADGE = "badge"
    CONTEST = "contest"


@dataclass(frozen=True)
class CelebrationView:
    id: int
    kind: Kind
    user: PublicUser
    other_user: PublicUser | None
    threshold: int | None
    points: int
    created_at: datetime
    amount: Decimal | None = None
    subject: str = ""

    def message(self, locale: Locale) -> str:
        return translate(
            f"celebration.{self.kind.name}",
            locale,
            name=self.user.name,
            other=self.other_user.name if self.other_user else "",
            threshold=self.threshold or 0,
            board=translate("board.MONTH", locale),
            subject=badge_name(self.subject, locale) if self.kind is Kind.BADGE else self.subject,
            amount=f"{self.amount:,.2f}" if self.amount is not None else "",
        )


def badge_name(key_or_name: str, locale: Locale) -> str:
    """A built-in badge's name in the reader's language; an admin's badge by the name it was given."""
    return translate(f"badge.{key_or_name}", locale) if f"badge.{key_or_name}" in MESSAGES else key_or_name


async def after_points(
    env: Env,
    *,
    viewer: Viewer,
    occurred_at: datetime,
    old_points: int,
    new_points: int,
    passed_user_id: int | None,
    milestones: list[int],
) -> list[int]:
    """Store what a change of monthly points is worth celebrating and announce it; returns new ids."""
    async with env.db() as session:
        month = window(PeriodKind.MONTH, await orgs.org_time_zone(session, viewer.org_id), occurred_at)
    found: list[tuple[Kind, int | None, int | None, str]] = []
    if passed_user_id is not None:
        found.append((Kind.OVERTAKE, passed_user_id, None, f"o:{viewer.user_id}:{passed_user_id}:{month.key}"))
    for threshold in milestones:
        if old_points < threshold <= new_points:
            found.append((Kind.MILESTONE, None, threshold, f"m:{viewer.user_id}:{threshold}:{month.key}"))
    new_ids: list[int] = []
    for kind, other_user_id, threshold, dedupe_key in found:
        celebration = Celebration(
            org_id=viewer.org_id,
            kind=kind.value,
            user_id=viewer.user_id,
            other_user_id=other_user_id,
            threshold=threshold,
            points=new_points,
            period_key=month.key,
            dedupe_key=dedupe_key,
            created_at=env.clock(),
        )
        new_ids += await _store(env, viewer.org_id, celebration, open_url="/board")
    return new_ids


async def deal_won(
    env: Env, *, org_id: int, user_id: int, deal_id: int, amount: Decimal, subject: str, occurred_at: datetime
) -> list[int]:
    """A won deal is celebrated once, whoever moved it and however often the move is replayed."""
    async with env.db() as session:
        month = window(PeriodKind.MONTH, await orgs.org_time_zone(session, org_id), occurred_at)
    celebration = Celebration(
        org_id=org_id,
        kind=Kind.DEAL_WON.value,
        user_id=user_id,
        other_user_id=None,
        threshold=None,
        points=0,
        amount=amount,
        subject=subject[:200],
        period_key=month.key,
        dedupe_key=f"d:{deal_id}",
        created_at=env.clock(),
    )
    return await _store(env, org_id, celebration, open_url=f"/deals/{deal_id}")


async def badge_earned(
    env: Env, *, org_id: int, user_id: int, badge_key: str, name: str, period_key: str, value: int, open_url: str = "/profile"
) -> list[int]:
    """A badge, once per person and period whoever's event crossed it first (the dedupe key decides races)."""
    celebration = Celebration(
        org_id=org_id,
        kind=Kind.BADGE.value,
        user_id=user_id,
        other_user_id=None,
        threshold=value,
        points=0,
        subject=name[:200],
        period_key=period_key[:20],
        dedupe_key=f"b:{user_id}:{badge_key}:{period_key}"[:120],
        created_at=env.clock(),
    )
    return await _store(env, org_id, celebration, open_url=open_url)


async def contest_won(env: Env, *, org_id: int, user_id: int, contest_id: int, entry_key: str, subject: str, rank: int) -> list[int]:
    """A contest's winner (a person, or a team shown by its first member), once per contest and entry."""
    celebration = Celebration(
        org_id=org_id,
        kind=Kind.CONTEST.value,
        user_id=user_id,
        other_user_id=None,
        threshold=rank,
        points=0,
        subject=subject[:200],
        period_key=f"c{contest_id}",
        dedupe_key=f"c:{contest_id}:{entry_key}",
        created_at=env.clock(),
    )
    return await _store(env, org_id, celebration, open_url=f"/contests/{contest_id}")


async def badges_of(env: Env, org_id: int, user_id: int) -> list[tuple[str, str, str, datetime]]:
    """(badge key, name, period, when) of everything a person has earned, newest first."""
    async with env.db() as session:
        rows = await session.execute(
            select(Celebration.dedupe_key, Celebration.subject, Celebration.period_key, Celebration.created_at)
            .where(Celebration.org_id == org_id, Celebration.user_id == user_id, Celebration.kind == Kind.BADGE.value)
            .order_by(Celebration.created_at.desc(), Celebration.id.desc())
        )
        return [(key.split(":")[2], subject, period, at) for key, subject, period, at in rows]


async def _store(env: Env, org_id: int, celebration: Celebration, *, open_url: str) -> list[int]:
    try:
        async with transaction(env.db) as tx:
            tx.session.add(celebration)
            await tx.session.flush()
            cid = celebration.id
    except IntegrityError:
        return []  # celebrated already: each happens once
    await env.publisher.publish(org_channel(org_id), encode_event("celebration", id=cid))
    pushing = push.config(env).enabled  # the person's phone, when the app is closed
    posting = await robots.listening(env, org_id, celebration.kind)  # the org's group robots that want this kind
    if pushing or posting:
        for view in await load(env, org_id, [cid]):
            if pushing:
                await push.celebrated(env, org_id, view, url=open_url)
            await robots.celebrated(env, org_id, view, posting)
    return [cid]


async def org_of(env: Env, celebration_id: int) -> int | None:
    """Whose celebration this is, for a card fetched with a signed URL and no session."""
    async with env.db() as session:
        return await session.scalar(select(Celebration.org_id).where(Celebration.id == celebration_id))


async def load(env: Env, org_id: int, celebration_ids: list[int]) -> list[CelebrationView]:
    async with env.db() as session:
        query = select(Celebration).where(Celebration.id.in_(celebration_ids), Celebration.org_id == org_id)
        rows = (await session.scalars(query)).all()
        people = await orgs.public_users(session, org_id)
    return [_view(c, people) for c in sorted(rows, key=lambda c: c.id) if c.user_id in people]


def _view(c: Celebration, people: dict[int, PublicUser]) -> CelebrationView:
    return CelebrationView(
        id=c.id,
        kind=Kind(c.kind),
        user=people[c.user_id],
        other_user=people.get(c.other_user_id) if c.other_user_id else None,
        threshold=c.threshold,
        points=c.points,
        created_at=c.created_at,
        amount=c.amount,
        subject=c.subject,
    )


async def recent(env: Env, viewer: Viewer, first: int = 10) -> list[CelebrationView]:
    if not 1 <= first <= 50:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "first", min=1, max=50)
    async with env.db() as session:
        query = (
            select(Celebration)
            .where(Celebration.org_id == viewer.org_id)
            .order_by(Celebration.created_at.desc(), Celebration.id.desc())
            .limit(first)
        )
        rows = (await session.scalars(query)).all()
        people = await orgs.public_users(session, viewer.org_id)
    return [_view(c, people) for c in rows if c.user_id in people]
