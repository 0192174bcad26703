"""Awarding points into the ledger by the org's rules, manual adjustments, and what a person has earned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.checks import check_client_id
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import Tx, catch_up, transaction
from podium.core.money import MAX_AMOUNT
from podium.core.periods import PeriodKind, window
from podium.core.policies import Role, Viewer
from podium.orgs import service as orgs
from podium.orgs.tree import reach
from podium.points import ledger
from podium.points.events import PointRulesChanged, PointsEntered
from podium.points.models import PointRule, PointsAdjustment, PointsEntry

VERIFIED_VISIT = "verified_visit"
DEAL_WON = "deal_won"
ACTIVITY = "activity"
PAYMENT_COLLECTED = "payment_collected"
NEW_CUSTOMER = "new_customer"
TARGET_REACHED = "target_reached"
ADJUSTMENT = "adjustment"
CONTEST = "contest"
# The rules an admin edits, in the order they are shown.
KINDS = (VERIFIED_VISIT, ACTIVITY, NEW_CUSTOMER, DEAL_WON, PAYMENT_COLLECTED, TARGET_REACHED)
# Rules that pay per unit of an amount (a won deal, a payment) rather than per event.
AMOUNT_KINDS = frozenset({DEAL_WON, PAYMENT_COLLECTED})
NO_DAILY_CAP = 1_000_000
MAX_RULE_POINTS = 10_000
MAX_MULTIPLIER = Decimal(10)
MAX_ADJUSTMENT = 100_000
REASON_MIN, REASON_MAX = 3, 500
# Most points one award may write. points_entries.points is a 32-bit INTEGER, and a person's totals
# are summed from entries and sent as GraphQL Int (32-bit too): far below 2**31 keeps both whole.
MAX_AWARD = 10_000_000
MAX_HISTORY = 200


def default_rule(kind: str) -> PointRule:
    """The rule an org has until an admin saves its own (a fresh object each time: never shared, never flushed)."""
    base = {"kind": kind, "milestones": "100,250,500,1000", "multiplier": Decimal(1), "active": True, "starts_on": None, "ends_on": None}
    if kind == VERIFIED_VISIT:
        return PointRule(**base, points=10, daily_cap=50)
    if kind == ACTIVITY:
        return PointRule(**base, points=2, daily_cap=10)
    if kind == DEAL_WON:
        # One point per 1,000 of the org's currency, at least 10 and at most 200 for one deal.
        return PointRule(**base, points=1, daily_cap=NO_DAILY_CAP, unit_amount=Decimal(1000), min_points=10, max_points=200)
    if kind == NEW_CUSTOMER:
        return PointRule(**base, points=20, daily_cap=100)
    if kind == TARGET_REACHED:
        # Reaching 100 % of the month's revenue target: once a month (the badge decides once).
        return PointRule(**base, points=100, daily_cap=NO_DAILY_CAP)
    if kind == PAYMENT_COLLECTED:
        return PointRule(**base, points=1, daily_cap=NO_DAILY_CAP, unit_amount=Decimal(5000), min_points=1, max_points=50)
    raise KeyError(kind)


@dataclass(frozen=True)
class Summary:
    today: int
    week: int
    month: int
    total: int
    month_rank: int | None
    daily_cap: int
    visit_points: int
    # Only visit points count against the visit rule's daily cap (a won deal's points do not).
    visit_points_today: int = 0


async def rule_for(session: AsyncSession, org_id: int, kind: str) -> PointRule:
    rule = await session.scalar(select(PointRule).where(PointRule.org_id == org_id, PointRule.kind == kind))
    return rule or default_rule(kind)


def pays_on(rule: PointRule, day: date) -> bool:
    """Whether the rule pays for something that happened on this day of the org's calendar."""
    return bool(rule.active) and (rule.starts_on is None or rule.starts_on <= day) and (rule.ends_on is None or day <= rule.ends_on)


def scaled(rule: PointRule, points: int) -> int:
    return int((Decimal(points) * (rule.multiplier if rule.multiplier is not None else Decimal(1))).to_integral_value(ROUND_HALF_UP))


def milestones_of(rule: PointRule) -> list[int]:
    return sorted(int(x) for x in rule.milestones.split(",") if x.strip().isdigit())


async def award_verified_visit(tx: Tx, env: Env, *, viewer: Viewer, visit_id: int, occurred_at: datetime) -> int:
    """Points for a verified visit, within the rule's daily cap; the caller holds the person's lock."""
    return await _award_capped(tx, env, viewer, VERIFIED_VISIT, ("visit", visit_id), occurred_at)


async def award_activity(tx: Tx, env: Env, *, viewer: Viewer, activity_id: int, occurred_at: datetime) -> int:
    """Points for a logged activity (a call, a demo …), within the daily cap; the caller holds the person's lock."""
    return await _award_capped(tx, env, viewer, ACTIVITY, ("activity", activity_id), occurred_at)


async def award_new_customer(tx: Tx, env: Env, *, viewer: Viewer, customer_id: int, occurred_at: datetime) -> int:
    """Points for a customer added in the field, within the daily cap; the caller holds the person's lock."""
    return await _award_capped(tx, env, viewer, NEW_CUSTOMER, ("customer", customer_id), occurred_at)


async def award_target_reached(tx: Tx, env: Env, *, viewer: Viewer, celebration_id: int, occurred_at: datetime) -> int:
    """Points for reaching the month's target, once: the source is the month's target badge."""
    return await _award_capped(tx, env, viewer, TARGET_REACHED, ("celebration", celebration_id), occurred_at)


async def _award_capped(tx: Tx, env: Env, viewer: Viewer, kind: str, source: tuple[str, int], occurred_at: datetime) -> int:
    session = tx.session
    rule = await rule_for(session, viewer.org_id, kind)
    zone = await orgs.org_time_zone(session, viewer.org_id)
    day = window(PeriodKind.TODAY, zone, occurred_at)
    if not pays_on(rule, occurred_at.astimezone(ZoneInfo(zone)).date()):
        return 0
    earned_today = await session.scalar(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            PointsEntry.user_id == viewer.user_id,
            PointsEntry.rule_kind == kind,
            PointsEntry.occurred_at >= day.start,
            PointsEntry.occurred_at < day.end,
        )
    )
    awarded = max(0, min(scaled(rule, rule.points), rule.daily_cap - int(earned_today or 0)))
    return await _enter(tx, env, viewer, rule, awarded, source, occurred_at)


async def _enter(tx: Tx, env: Env, person: Viewer, rule: PointRule, awarded: int, source: tuple[str, int], occurred_at: datetime) -> int:
    """Write the ledger entry (none for zero points) and record it; boards and celebrations are its handlers'."""
    if awarded == 0:
        return 0
    entry = PointsEntry(
        org_id=person.org_id,
        user_id=person.user_id,
        team_id=person.team_id,
        points=awarded,
        rule_kind=rule.kind,
        source_type=source[0],
        source_id=source[1],
        occurred_at=occurred_at,
        created_at=env.clock(),
    )
    tx.session.add(entry)
    await tx.session.flush()  # its id orders the ledger: "the month as it stood after this entry"
    tx.record(
        PointsEntered(
            org_id=person.org_id, user=person.user_id, team=person.team_id, entry=entry.id, points=awarded, rule=rule.kind, occurred_at=occurred_at
        )
    )
    return awarded


def points_for_amount(rule: PointRule, amount: Decimal) -> int:
    """`points` per whole `unit_amount`, kept within the rule's floor and cap, then the multiplier."""
    units = (amount / rule.unit_amount).to_integral_value(ROUND_FLOOR) if rule.unit_amount else Decimal(1)
    earned = int(units) * rule.points
    if rule.min_points is not None:
        earned = max(earned, rule.min_points)
    if rule.max_points is not None:
        earned = min(earned, rule.max_points)
    # A rule saved before worst cases were checked must never make winning a deal fail.
    return min(max(0, scaled(rule, earned)), MAX_AWARD)


def worst_award(data: RuleInput) -> int:
    """The most an amount rule could pay for one deal or payment, at the largest amount anyone can enter."""
    assert data.unit_amount is not None and data.unit_amount > 0
    units = (MAX_AMOUNT / data.unit_amount).to_integral_value(ROUND_FLOOR)
    earned = int(units) * data.points
    if data.min_points is not None:
        earned = max(earned, data.min_points)
    if data.max_points is not None:
        earned = min(earned, data.max_points)
    return int((Decimal(earned) * data.multiplier).to_integral_value(ROUND_HALF_UP))


async def _award_amount(tx: Tx, env: Env, owner: Viewer, kind: str, source: tuple[str, int], amount: Decimal, occurred_at: datetime) -> int:
    rule = await rule_for(tx.session, owner.org_id, kind)
    zone = await orgs.org_time_zone(tx.session, owner.org_id)
    if not pays_on(rule, occurred_at.astimezone(ZoneInfo(zone)).date()):
        return 0
    return await _enter(tx, env, owner, rule, points_for_amount(rule, amount), source, occurred_at)


async def award_deal_won(tx: Tx, env: Env, *, owner: Viewer, deal_id: int, amount: Decimal, occurred_at: datetime) -> int:
    """Points for the owner of a won deal, once per deal whoever wins it and however often it is replayed."""
    return await _award_amount(tx, env, owner, DEAL_WON, ("deal", deal_id), amount, occurred_at)


async def award_payment(tx: Tx, env: Env, *, owner: Viewer, payment_id: int, amount: Decimal, occurred_at: datetime) -> int:
    """Points for the deal's owner when money is collected on it (refunds earn nothing and take nothing back)."""
    if amount <= 0:
        return 0
    return await _award_amount(tx, env, owner, PAYMENT_COLLECTED, ("payment", payment_id), amount, occurred_at)


async def award_contest_prize(tx: Tx, env: Env, *, person: Viewer, award_id: int, points: int, occurred_at: datetime) -> int:
    """A contest's prize, once per award (the ledger's rule + source key), dated at the contest's end."""
    rule = PointRule(kind=CONTEST, points=points, daily_cap=NO_DAILY_CAP, milestones="")
    return await _enter(tx, env, person, rule, points, ("contest_award", award_id), occurred_at)


def enter_past(session: AsyncSession, person: Viewer, *, kind: str, awarded: int, source: tuple[str, int], occurred_at: datetime) -> None:
    """An entry of a demo company's past: written as it stood then, no cap, no event (nothing to announce)."""
    session.add(
        PointsEntry(
            org_id=person.org_id, user_id=person.user_id, team_id=person.team_id, points=awarded, rule_kind=kind,
            source_type=source[0], source_id=source[1], occurred_at=occurred_at, created_at=occurred_at,
        )
    )


async def summary(env: Env, viewer: Viewer) -> Summary:
    async with env.db() as session:
        time_zone = await orgs.org_time_zone(session, viewer.org_id)
        rule = await rule_for(session, viewer.org_id, VERIFIED_VISIT)
        now = env.clock()
        wins = [window(kind, time_zone, now) for kind in PeriodKind]  # today, week, month
        spans = [ledger.Span(w.start, w.end) for w in wins]
        totals = await ledger.user_totals(session, viewer.user_id, spans)
        total = await ledger.lifetime_total(session, viewer.user_id)
        day = wins[0]
        visit_today = await session.scalar(
            select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
                PointsEntry.user_id == viewer.user_id, PointsEntry.rule_kind == VERIFIED_VISIT,
                PointsEntry.occurred_at >= day.start, PointsEntry.occurred_at < day.end,
            )
        )
        rank = await _month_rank(session, viewer, spans[-1])
    (today, _), (week, _), (month, _) = totals
    # What a visit pays today: the multiplier counts, and nothing while the rule is paused or out of its window.
    per_visit = scaled(rule, rule.points) if pays_on(rule, now.astimezone(ZoneInfo(time_zone)).date()) else 0
    return Summary(today, week, month, total, rank, rule.daily_cap, per_visit, int(visit_today or 0))


async def _month_rank(session: AsyncSession, viewer: Viewer, month: ledger.Span) -> int | None:
    """My place on the org's month board, from the ledger, by the board's rules (leaderboards.read_board).

    Active people only; a rep is on the board from the first day, at zero, anyone else once they have an
    entry this month; equal points share a rank (1 + how many have strictly more). None: not on the board.
    The board itself lives in the derived store, a layer above; SQL gives the same answer, and gives it
    when Redis is away.
    """
    people = await orgs.public_users(session, viewer.org_id)
    scored = {uid: points for uid, points, _ in await ledger.totals_by_user(session, viewer.org_id, month) if uid in people}
    me = people.get(viewer.user_id)
    if me is None or (viewer.user_id not in scored and me.role is not Role.REP):
        return None
    mine = scored.get(viewer.user_id, 0)
    ahead = sum(1 for points in scored.values() if points > mine)
    if mine < 0:  # reps without an entry stand at zero, ahead of a negative total
        ahead += sum(1 for uid, person in people.items() if uid not in scored and person.role is Role.REP)
    return 1 + ahead


# ---------------------------------------------------------------- rules, as admins see and set them


@dataclass(frozen=True)
class RuleInput:
    kind: str
    points: int
    daily_cap: int
    multiplier: Decimal = Decimal(1)
    active: bool = True
    starts_on: date | None = None
    ends_on: date | None = None
    unit_amount: Decimal | None = None
    min_points: int | None = None
    max_points: int | None = None


async def rules(env: Env, viewer: Viewer) -> list[PointRule]:
    """Every editable rule of my org, saved or default: anyone may read how points are earned."""
    async with env.db() as session:
        return [await rule_for(session, viewer.org_id, kind) for kind in KINDS]


def _check_rule(data: RuleInput) -> None:
    problems = Problems()
    if data.kind not in KINDS:
        problems.add(ErrorCode.INVALID, "kind")
    if not 0 <= data.points <= MAX_RULE_POINTS:
        problems.add(ErrorCode.OUT_OF_RANGE, "points", min=0, max=MAX_RULE_POINTS)
    if not 0 <= data.daily_cap <= NO_DAILY_CAP:
        problems.add(ErrorCode.OUT_OF_RANGE, "dailyCap", min=0, max=NO_DAILY_CAP)
    if not data.multiplier.is_finite() or not 0 <= data.multiplier <= MAX_MULTIPLIER:
        problems.add(ErrorCode.OUT_OF_RANGE, "multiplier", min=0, max=int(MAX_MULTIPLIER))
    elif data.multiplier != data.multiplier.quantize(Decimal("0.01")):
        problems.add(ErrorCode.TOO_PRECISE, "multiplier", places=2)
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems.add(ErrorCode.TOO_EARLY, "endsOn", earliest=data.starts_on.isoformat())
    if data.kind in AMOUNT_KINDS:
        if data.unit_amount is None or not data.unit_amount.is_finite() or data.unit_amount <= 0:
            problems.add(ErrorCode.OUT_OF_RANGE, "unitAmount", min="0.01", max="1,000,000,000")
        for name, value in (("minPoints", data.min_points), ("maxPoints", data.max_points)):
            if value is not None and not 0 <= value <= MAX_RULE_POINTS:
                problems.add(ErrorCode.OUT_OF_RANGE, name, min=0, max=MAX_RULE_POINTS)
        if data.min_points is not None and data.max_points is not None and data.max_points < data.min_points:
            problems.add(ErrorCode.OUT_OF_RANGE, "maxPoints", min=data.min_points, max=MAX_RULE_POINTS)
    problems.raise_if_any()
    if data.kind in AMOUNT_KINDS and worst_award(data) > MAX_AWARD:
        # Uncapped, a large enough deal would pay more points than one entry can hold: a cap is needed.
        raise DomainError.one(ErrorCode.REQUIRED, "maxPoints")


async def save_rule(env: Env, viewer: Viewer, data: RuleInput) -> PointRule:
    """An admin sets how one kind of event earns points; awards already made stay as they were."""
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    _check_rule(data)
    async with transaction(env.db) as tx:
        query = select(PointRule).where(PointRule.org_id == viewer.org_id, PointRule.kind == data.kind).with_for_update()
        rule = await tx.session.scalar(query)
        before = _settings_of(rule) if rule is not None else {}
        if rule is None:
            try:
                async with tx.session.begin_nested():  # a savepoint: losing the race below must not abort the transaction
                    rule = default_rule(data.kind)
                    rule.org_id = viewer.org_id
                    tx.session.add(rule)
            except IntegrityError:
                # Another admin saved this kind's first rule at the same moment: this later save changes it.
                rule = await tx.session.scalar(query)
                if rule is None:
                    raise
        rule.points, rule.daily_cap, rule.multiplier, rule.active = data.points, data.daily_cap, data.multiplier, data.active
        rule.starts_on, rule.ends_on = data.starts_on, data.ends_on
        if data.kind in AMOUNT_KINDS:
            rule.unit_amount, rule.min_points, rule.max_points = data.unit_amount, data.min_points, data.max_points
        rule.updated_by, rule.updated_at = viewer.user_id, env.clock()
        await tx.session.flush()
        tx.record(PointRulesChanged(org_id=viewer.org_id, rule=data.kind, before=before, after=_settings_of(rule)))
    return rule


def _settings_of(rule: PointRule) -> dict[str, object]:
    """What an admin sets on a rule, as the audit log records it."""
    return {
        "points": rule.points, "daily_cap": rule.daily_cap, "multiplier": str(rule.multiplier), "active": rule.active,
        "starts_on": rule.starts_on.isoformat() if rule.starts_on else None, "ends_on": rule.ends_on.isoformat() if rule.ends_on else None,
        "unit_amount": str(rule.unit_amount) if rule.unit_amount is not None else None, "min_points": rule.min_points, "max_points": rule.max_points,
    }


# ---------------------------------------------------------------- manual adjustments


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    points: int
    rule_kind: str
    source_type: str
    source_id: int
    occurred_at: datetime
    reason: str | None
    by_name: str | None


async def adjust_points(env: Env, viewer: Viewer, *, client_id: str, user_id: int, points: int, reason: str) -> tuple[HistoryEntry, bool]:
    """A manager's (their people) or admin's correction, with its reason, into the ledger; once per client id."""
    if viewer.role is Role.REP:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    problems = Problems()
    check_client_id(problems, client_id)
    if points == 0 or abs(points) > MAX_ADJUSTMENT:
        problems.add(ErrorCode.OUT_OF_RANGE, "points", min=-MAX_ADJUSTMENT, max=MAX_ADJUSTMENT)
    if len(reason.strip()) < REASON_MIN:
        problems.add(ErrorCode.REQUIRED, "reason")
    elif len(reason) > REASON_MAX:
        problems.add(ErrorCode.TOO_LONG, "reason", max=REASON_MAX)
    problems.raise_if_any()
    replay = await _adjustment_replay(env, viewer, client_id)
    if replay is not None:
        return replay, True
    try:
        async with transaction(env.db) as tx:
            person = await orgs.user_in_org(tx.session, viewer.org_id, user_id)
            if person is None:
                raise DomainError.one(ErrorCode.NOT_FOUND, "userId")
            _, scope = await reach(tx.session, viewer)
            if not scope.sees_user(user_id):
                raise DomainError.one(ErrorCode.NOT_FOUND, "userId")
            if user_id == viewer.user_id:
                raise DomainError.one(ErrorCode.FORBIDDEN, "userId")  # nobody adjusts their own points
            await orgs.lock_user(tx.session, user_id)
            now = env.clock()
            adjustment = PointsAdjustment(
                org_id=viewer.org_id, user_id=user_id, by_user_id=viewer.user_id, client_id=client_id,
                points=points, reason=reason.strip(), created_at=now,
            )
            tx.session.add(adjustment)
            await tx.session.flush()
            rule = PointRule(kind=ADJUSTMENT, points=0, daily_cap=NO_DAILY_CAP, milestones="")
            await _enter(tx, env, orgs.viewer_of(person), rule, points, (ADJUSTMENT, adjustment.id), now)
            await tx.session.flush()
            entry_id = await tx.session.scalar(
                select(PointsEntry.id).where(PointsEntry.rule_kind == ADJUSTMENT, PointsEntry.source_id == adjustment.id)
            )
    except IntegrityError:
        replay = await _adjustment_replay(env, viewer, client_id)
        if replay is None:
            raise
        return replay, True
    return HistoryEntry(int(entry_id or 0), points, ADJUSTMENT, ADJUSTMENT, adjustment.id, now, adjustment.reason, viewer.name), False


async def _adjustment_replay(env: Env, viewer: Viewer, client_id: str) -> HistoryEntry | None:
    async with env.db() as session:
        found = await session.scalar(select(PointsAdjustment).where(PointsAdjustment.by_user_id == viewer.user_id, PointsAdjustment.client_id == client_id))
        if found is None:
            return None
        entries = await _history(session, found.user_id, 1, adjustment_id=found.id)
    await catch_up(env.db, viewer.org_id)
    return entries[0] if entries else None


async def history(env: Env, viewer: Viewer, user_id: int | None = None, first: int = 50) -> list[HistoryEntry]:
    """Ledger entries newest first, each naming its rule and source (a correction its reason and author)."""
    if not 1 <= first <= MAX_HISTORY:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_HISTORY)
    whom = user_id if user_id is not None else viewer.user_id
    async with env.db() as session:
        if whom != viewer.user_id:
            person = await orgs.user_in_org(session, viewer.org_id, whom)
            _, scope = await reach(session, viewer)
            if person is None or not scope.sees_user(whom):
                raise DomainError.one(ErrorCode.NOT_FOUND, "userId")
        return await _history(session, whom, first)


async def _history(session: AsyncSession, user_id: int, first: int, adjustment_id: int | None = None) -> list[HistoryEntry]:
    query = (
        select(PointsEntry, PointsAdjustment.reason, PointsAdjustment.by_user_id)
        .outerjoin(PointsAdjustment, (PointsEntry.rule_kind == ADJUSTMENT) & (PointsAdjustment.id == PointsEntry.source_id))
        .where(PointsEntry.user_id == user_id)
    )
    if adjustment_id is not None:
        query = query.where(PointsEntry.rule_kind == ADJUSTMENT, PointsEntry.source_id == adjustment_id)
    rows = (await session.execute(query.order_by(PointsEntry.occurred_at.desc(), PointsEntry.id.desc()).limit(first))).all()
    authors = await orgs.people_named(session, {by for _, _, by in rows if by is not None})
    return [
        HistoryEntry(e.id, e.points, e.rule_kind, e.source_type, e.source_id, e.occurred_at, reason, authors[by].name if by in authors else None)
        for e, reason, by in rows
    ]


async def milestones_for(session: AsyncSession, org_id: int, kind: str) -> list[int]:
    """The monthly totals worth celebrating when an entry of this kind crosses them (none for corrections and prizes)."""
    return milestones_of(await rule_for(session, org_id, kind)) if kind in KINDS else []


async def saved_rule_count(session: AsyncSession, org_id: int) -> int:
    """How many point rules the org's admins have saved (the rest are the defaults)."""
    return int(await session.scalar(select(func.count()).select_from(PointRule).where(PointRule.org_id == org_id)) or 0)
