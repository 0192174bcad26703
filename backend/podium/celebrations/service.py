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
from podium.core.events import transaction
from podium.core.i18n import MESSAGES, Locale, translate
from podium.core.periods import PeriodKind, window
from podium.core.policies import Viewer
from podium.celebrations.models import Celebration
from podium.orgs import service as orgs
from podium.orgs.service import PublicUser
from podium.celebrations.events import Celebrated
from podium.customers import service as customers
from podium.pipeline.events import DealWon
from podium.points import ledger
from podium.points import service as points
from podium.points.events import PointsEntered


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


async def on_points_entered(env: Env, event: PointsEntered) -> None:
    """Handler: an overtake or a monthly milestone the entry made, read from the ledger as it stood after the entry."""
    async with env.db() as session:
        month = window(PeriodKind.MONTH, await orgs.org_time_zone(session, event.org_id), event.occurred_at)
        milestones = await points.milestones_for(session, event.org_id, event.rule)
        totals = await ledger.totals_by_user(session, event.org_id, ledger.Span(month.start, month.end), through_entry=event.entry)
    if not month.start <= event.occurred_at < month.end:
        return
    by_user = {uid: total for uid, total, _ in totals}
    new_points = by_user.get(event.user, 0)
    old_points = new_points - event.points
    # The one just passed is the highest of those now behind (only a gain passes anyone).
    passed = [(t, uid) for uid, t in by_user.items() if uid != event.user and old_points <= t < new_points]
    passed_user_id = max(passed)[1] if passed and event.points > 0 else None
    found: list[tuple[Kind, int | None, int | None, str]] = []
    if passed_user_id is not None:
        found.append((Kind.OVERTAKE, passed_user_id, None, f"o:{event.user}:{passed_user_id}:{month.key}"))
    for threshold in milestones:
        if old_points < threshold <= new_points:
            found.append((Kind.MILESTONE, None, threshold, f"m:{event.user}:{threshold}:{month.key}"))
    for kind, other_user_id, threshold, dedupe_key in found:
        celebration = Celebration(
            org_id=event.org_id,
            kind=kind.value,
            user_id=event.user,
            other_user_id=other_user_id,
            threshold=threshold,
            points=new_points,
            period_key=month.key,
            dedupe_key=dedupe_key,
            created_at=env.clock(),
        )
        await _store(env, event.org_id, celebration, open_url="/board")


async def milestones_of_month(env: Env, org_id: int, user_id: int, month_key: str, total: int, thresholds: list[int], at: datetime) -> int:
    """Every milestone a month's total reached, once each (for `podium rebuild`: history re-read)."""
    stored = 0
    for threshold in thresholds:
        if threshold <= total:
            celebration = Celebration(
                org_id=org_id, kind=Kind.MILESTONE.value, user_id=user_id, other_user_id=None, threshold=threshold,
                points=total, period_key=month_key, dedupe_key=f"m:{user_id}:{threshold}:{month_key}", created_at=at,
            )
            stored += len(await _store(env, org_id, celebration, open_url="/board"))
    return stored


async def on_deal_won(env: Env, event: DealWon) -> None:
    """Handler: a won deal is celebrated once, whoever moved it and however often the move is replayed."""
    async with env.db() as session:
        subject = await customers.name_of(session, event.customer) if event.customer else ""
    await deal_won(env, org_id=event.org_id, user_id=event.owner, deal_id=event.deal, amount=event.amount, subject=subject or "", occurred_at=event.closed_at)


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
    """Store a celebration once (its dedupe key); announcing it is the Celebrated event's handlers' job."""
    try:
        async with transaction(env.db) as tx:
            tx.session.add(celebration)
            await tx.session.flush()
            cid = celebration.id
            tx.record(Celebrated(org_id=org_id, id=cid, user=celebration.user_id, of_kind=celebration.kind, open_url=open_url))
    except IntegrityError:
        return []  # celebrated already: each happens once
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
