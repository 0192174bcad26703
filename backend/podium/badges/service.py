"""Badges and streaks: what a person's work adds up to, each badge awarded once per period it belongs to."""

from __future__ import annotations

import logging
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.badges.models import BadgeDefinition, CalendarDay
from podium.celebrations import service as celebrations
from podium.core.checks import check_client_id
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.periods import PeriodKind, window
from podium.core.policies import Role, Viewer
from podium.orgs import service as orgs
from podium.orgs.tree import reach
from podium.pipeline import ledger as deals
from podium.points import ledger
from podium.points import service as points
from podium.points.events import PointsEntered
from podium.targets import service as targets
from podium.targets.calendar import Grain
from podium.visits import service as visits

log = logging.getLogger(__name__)

# Built in: (key, threshold). Names are translated at read time (badge.<key> in core/i18n.py).
FIRST_DEAL = "first_deal"
VISITS_DAY = "visits_day"
STREAK = "streak"
TARGET_MONTH = "target_month"
TOP3_MONTH = "top3_month"
VISITS_IN_A_DAY = 5
STREAK_DAYS = 5
# How far back a streak is looked for; a longer one is reported as this long.
STREAK_HORIZON_DAYS = 400
NAME_MAX = 80
MAX_THRESHOLD = 1_000_000_000
MAX_CALENDAR_DAYS = 400
# Years of holidays an admin can publish (and anyone read).
CALENDAR_YEARS = (2000, 2100)


class Metric(StrEnum):
    POINTS = "points"
    VERIFIED_VISITS = "verified_visits"
    DEALS_WON = "deals_won"
    REVENUE_WON = "revenue_won"


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


PERIOD_KIND = {Period.DAY: PeriodKind.TODAY, Period.WEEK: PeriodKind.WEEK, Period.MONTH: PeriodKind.MONTH}


@dataclass(frozen=True)
class Earned:
    key: str
    name: str
    period_key: str
    awarded_at: datetime


@dataclass(frozen=True)
class Streak:
    current: int
    best: int
    last_active: date | None
    # Today is a working day without activity yet: the streak ends tonight unless something happens.
    at_risk: bool


# ---------------------------------------------------------------- evaluation (after every ledger entry)


# Which ledger entries can move which measure: a visit can't win a deal, so it never asks the deal questions.
MOVED_BY = {
    Metric.POINTS: None,  # any entry
    Metric.VERIFIED_VISITS: frozenset({"verified_visit"}),
    Metric.DEALS_WON: frozenset({"deal_won"}),
    Metric.REVENUE_WON: frozenset({"deal_won"}),
}


def _moves(metric: Metric, rule_kind: str) -> bool:
    kinds = MOVED_BY[metric]
    return kinds is None or rule_kind in kinds


async def on_points_entered(env: Env, event: PointsEntered) -> None:
    """Handler: every badge the entry crossed is awarded (once: the celebration's dedupe key)."""
    person = await orgs.viewer_by_id(env, event.user)
    if person is not None:
        await evaluate(env, person, event.occurred_at, event.rule)


# A correction, or a prize for what was already counted, is not a new achievement.
NOT_ACHIEVEMENTS = frozenset({"adjustment", "contest", "target_reached"})


async def evaluate(env: Env, person: Viewer, occurred_at: datetime, rule_kind: str, *, pay: bool = True) -> list[int]:
    """Award every badge the person's latest ledger entry crossed; ones already earned are skipped by their dedupe key.

    `pay=False` (`podium rebuild`): a badge that pays points (the month's target reached) is stored without them.
    """
    if rule_kind in NOT_ACHIEVEMENTS:
        return []  # a correction, or a prize for what was already counted, is not a new achievement
    won_deal = rule_kind == "deal_won"
    async with env.db() as session:
        zone = await orgs.org_time_zone(session, person.org_id)
        day = window(PeriodKind.TODAY, zone, occurred_at)
        found: list[tuple[str, str, str, int]] = []  # (badge key, name, period key, value)
        if won_deal:
            found.append((FIRST_DEAL, "", "all", 1))  # a won deal is at least the first one
        if rule_kind == "verified_visit":
            visits_today = _count_for(await visits.verified_counts(session, person.org_id, day.start, day.end), person.user_id)
            if visits_today >= VISITS_IN_A_DAY:
                found.append((VISITS_DAY, "", day.key, visits_today))
        streak = await _streak(session, person.org_id, person.user_id, occurred_at.astimezone(ZoneInfo(zone)).date(), zone)
        if streak.current >= STREAK_DAYS:
            found.append((STREAK, "", window(PeriodKind.WEEK, zone, occurred_at).key, streak.current))
        for definition in await session.scalars(select(BadgeDefinition).where(BadgeDefinition.org_id == person.org_id, BadgeDefinition.active.is_(True))):
            if not _moves(Metric(definition.metric), rule_kind):
                continue
            span = window(PERIOD_KIND[Period(definition.period)], zone, occurred_at)
            value = await _metric(session, person, Metric(definition.metric), span.start, span.end)
            if value >= definition.threshold:
                found.append((f"custom-{definition.id}", definition.name, span.key, int(value)))
    if won_deal and await _reached_monthly_target(env, person, occurred_at, zone):
        found.append((TARGET_MONTH, "", window(PeriodKind.MONTH, zone, occurred_at).key, 100))
    new_ids: list[int] = []
    for key, name, period_key, value in found:
        stored = await celebrations.badge_earned(
            env, org_id=person.org_id, user_id=person.user_id, badge_key=key, name=name or key, period_key=period_key, value=value
        )
        new_ids += stored
        if key == TARGET_MONTH and stored and pay:
            await _pay_target_reached(env, person, stored[0], occurred_at)
    return new_ids


async def _pay_target_reached(env: Env, person: Viewer, celebration_id: int, occurred_at: datetime) -> None:
    """The month's target reached earns the rule's points once: the badge, stored once, is the source."""
    async with transaction(env.db) as tx:
        await orgs.lock_user(tx.session, person.user_id)
        await points.award_target_reached(tx, env, viewer=person, celebration_id=celebration_id, occurred_at=occurred_at)


def _count_for(rows: list[tuple[int, int]], user_id: int) -> int:
    return next((n for uid, n in rows if uid == user_id), 0)


async def _metric(session: AsyncSession, person: Viewer, metric: Metric, start: datetime, end: datetime) -> Decimal:
    return (await _metrics(session, person, metric, [(start, end)]))[0]


async def _metrics(session: AsyncSession, person: Viewer, metric: Metric, spans: list[tuple[datetime, datetime]]) -> list[Decimal]:
    """The person's measure in each [start, end): one query for points or deals, one per span for visits."""
    found: list[Decimal] = []
    for at in range(0, len(spans), 100):
        chunk = spans[at:at + 100]
        if metric is Metric.POINTS:
            found += [Decimal(t) for t, _ in await ledger.user_totals(session, person.user_id, [ledger.Span(a, b) for a, b in chunk])]
        elif metric is Metric.VERIFIED_VISITS:
            found += [Decimal(_count_for(await visits.verified_counts(session, person.org_id, a, b), person.user_id)) for a, b in chunk]
        else:
            won = await deals.user_revenue(session, person.user_id, [(a, b, None) for a, b in chunk])
            found += [Decimal(n) if metric is Metric.DEALS_WON else deals.from_minor(minor) for minor, n in won]
    return found


# ---------------------------------------------------------------- history re-read (`podium rebuild`)

Check = tuple[int, str, datetime]  # (person, ledger rule kind or deal_won, when): the last of its kind that day


async def checks_that_can_award(env: Env, org_id: int, zone: str, checks: list[Check]) -> list[Check]:
    """Of a history's checks (chronological), those on which `evaluate` can award something nobody earlier could.

    `evaluate` awards each badge on the first check that qualifies for its period, so per rule only that check
    is kept, found from the tables rather than by asking every day:

    - first deal: each person's first won-deal check;
    - five verified visits in a day: every verified-visit check (each is its own day);
    - streak: per person and week, the first check whose streak (own-work ledger days on the org's calendar)
      reaches STREAK_DAYS;
    - an admin's badge: per person, definition and period, the first check the metric moves on, if the whole
      period's value reaches the threshold (the value `evaluate` reads is the period's, whatever the day);
    - the month's target: per person and month, the first won-deal check, if the person has a revenue target
      for the month (whether it was reached is the same question on every day of the month).
    """
    tz = ZoneInfo(zone)
    checks = [c for c in checks if c[1] not in NOT_ACHIEVEMENTS]
    if not checks:
        return []
    keep: set[int] = set()
    by_user: dict[int, list[int]] = {}
    for i, (user_id, _, _) in enumerate(checks):
        by_user.setdefault(user_id, []).append(i)
    first_day = checks[0][2].astimezone(tz).date() - timedelta(days=STREAK_HORIZON_DAYS)
    last_day = checks[-1][2].astimezone(tz).date()
    async with env.db() as session:
        working = sorted(await working_days(session, org_id, first_day, last_day))
        active: dict[int, set[date]] = {}
        for user_id, moment in await ledger.earned_moments_of_org(session, org_id, datetime.combine(first_day, datetime.min.time(), tz)):
            active.setdefault(user_id, set()).add(moment.astimezone(tz).date())
        definitions = list(await session.scalars(
            select(BadgeDefinition).where(BadgeDefinition.org_id == org_id, BadgeDefinition.active.is_(True)).order_by(BadgeDefinition.id)
        ))
        months = sorted({f"{at.astimezone(tz):%Y-%m}" for _, kind, at in checks if kind == points.DEAL_WON})
        quotas = {month: await targets.person_targets(session, org_id, month, targets.Metric.REVENUE, set(by_user)) for month in months}
        for user_id, mine in by_user.items():
            won = [i for i in mine if checks[i][1] == points.DEAL_WON]
            keep.update(won[:1])
            keep.update(i for i in mine if checks[i][1] == "verified_visit")
            target_months: set[str] = set()
            for i in won:
                month = f"{checks[i][2].astimezone(tz):%Y-%m}"
                if month not in target_months and quotas[month].get(user_id):
                    target_months.add(month)
                    keep.add(i)
            if user_id in active:
                weeks: set[str] = set()
                for i in mine:
                    at = checks[i][2]
                    week = window(PeriodKind.WEEK, zone, at).key
                    if week not in weeks and _current_streak(working, active[user_id], at.astimezone(tz).date()) >= STREAK_DAYS:
                        weeks.add(week)
                        keep.add(i)
            if definitions:
                person = await orgs.viewer_by_id(env, user_id)
                if person is None:
                    continue
                for definition in definitions:
                    first: dict[str, tuple[int, datetime, datetime]] = {}
                    for i in mine:
                        if _moves(Metric(definition.metric), checks[i][1]):
                            span = window(PERIOD_KIND[Period(definition.period)], zone, checks[i][2])
                            first.setdefault(span.key, (i, span.start, span.end))
                    found = await _metrics(session, person, Metric(definition.metric), [(a, b) for _, a, b in first.values()])
                    keep.update(i for (i, _, _), value in zip(first.values(), found, strict=True) if value >= definition.threshold)
    return [checks[i] for i in sorted(keep)]


def _current_streak(working: list[date], active: set[date], today: date) -> int:
    """`streak_of(...).current` from the org's working days (ascending, the whole history) without reading them again."""
    horizon = today - timedelta(days=STREAK_HORIZON_DAYS)
    current = 0
    for index in range(bisect_right(working, today) - 1, -1, -1):
        day = working[index]
        if day < horizon:
            break
        if day in active:
            current += 1
        elif day != today:
            break
    return current


async def _reached_monthly_target(env: Env, person: Viewer, occurred_at: datetime, zone: str) -> bool:
    """100 % of the person's revenue target for the month the entry fell in."""
    local = occurred_at.astimezone(ZoneInfo(zone))
    month = f"{local.year:04d}-{local.month:02d}"
    async with env.db() as session:
        # Most people in most months of imported history have no target: a one-row read instead of the org's attainment.
        quota = await targets.person_targets(session, person.org_id, month, targets.Metric.REVENUE, {person.user_id})
    if not quota.get(person.user_id):
        return False
    org_view = Viewer(user_id=0, org_id=person.org_id, team_id=None, role=Role.ADMIN, locale=person.locale, name="")
    try:
        found = await targets.attainment(
            env, org_view, targets.Node(targets.NodeKind.USER, person.user_id), month, Grain.MONTH, targets.Metric.REVENUE
        )
    except DomainError:
        return False
    return found.target is not None and found.target > 0 and found.actual >= found.target


async def award_month_champions(env: Env, now: datetime | None = None) -> int:
    """The champions' corridor: the top 3 of every org's points board for the month just ended (idempotent)."""
    now = now or env.clock()
    awarded = 0
    async with env.db() as session:
        orgs_ = await orgs.all_time_zones(session)
    for org_id, zone in orgs_:
        this_month = window(PeriodKind.MONTH, zone, now)
        last_month = window(PeriodKind.MONTH, zone, this_month.start - timedelta(seconds=1))
        async with env.db() as session:
            totals = await ledger.totals_by_user(session, org_id, ledger.Span(last_month.start, last_month.end))
        ranked = sorted((t for t in totals if t[1] > 0), key=lambda t: (-t[1], t[0]))[:3]
        for place, (user_id, points_, _) in enumerate(ranked, start=1):
            awarded += len(
                await celebrations.badge_earned(
                    env, org_id=org_id, user_id=user_id, badge_key=TOP3_MONTH, name=TOP3_MONTH, period_key=last_month.key,
                    value=place, open_url="/board",
                )
            )
    return awarded


# ---------------------------------------------------------------- streaks


async def working_days(session: AsyncSession, org_id: int, first: date, last: date) -> set[date]:
    """Monday to Friday, minus the org's holidays, plus the weekends it works instead."""
    special = {
        d: kind
        for d, kind in await session.execute(
            select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.org_id == org_id, CalendarDay.day >= first, CalendarDay.day <= last)
        )
    }
    days, current = set(), first
    while current <= last:
        kind = special.get(current)
        if kind == "workday" or (kind != "holiday" and current.weekday() < 5):
            days.add(current)
        current += timedelta(days=1)
    return days


async def _active_days(session: AsyncSession, user_id: int, first: date, last: date, zone: str) -> set[date]:
    """Local days on which the person earned points by their own work (corrections and prizes don't count)."""
    tz = ZoneInfo(zone)
    start = datetime(first.year, first.month, first.day, tzinfo=tz)
    end = datetime(last.year, last.month, last.day, tzinfo=tz) + timedelta(days=1)
    return {moment.astimezone(tz).date() for moment in await ledger.earned_moments(session, user_id, start, end)}


async def _streak(session: AsyncSession, org_id: int, user_id: int, today: date, zone: str) -> Streak:
    first = today - timedelta(days=STREAK_HORIZON_DAYS)
    working = sorted(await working_days(session, org_id, first, today), reverse=True)
    active = await _active_days(session, user_id, first, today, zone)
    return streak_of(working, active, today)


def streak_of(working: list[date], active: set[date], today: date) -> Streak:
    """The streak as of `today`: `working` the working days of the horizon up to today, newest first."""
    # A working day not yet over doesn't break the streak; it extends it once something happens.
    at_risk = bool(working) and working[0] == today and today not in active
    current, counting, best, run = 0, True, 0, 0
    for day in working:
        if day in active:
            run += 1
            if counting:
                current += 1
        elif day == today:
            continue
        else:
            counting = False
            best, run = max(best, run), 0
    best = max(best, run, current)
    last_active = max(active) if active else None
    return Streak(current, best, last_active, at_risk)


async def streak(env: Env, viewer: Viewer, user_id: int | None = None) -> Streak:
    whom = user_id if user_id is not None else viewer.user_id
    async with env.db() as session:
        await _check_person(session, viewer, whom)
        zone = await orgs.org_time_zone(session, viewer.org_id)
        today = env.clock().astimezone(ZoneInfo(zone)).date()
        return await _streak(session, viewer.org_id, whom, today, zone)


async def _check_person(session: AsyncSession, viewer: Viewer, user_id: int) -> None:
    if user_id == viewer.user_id:
        return
    person = await orgs.user_in_org(session, viewer.org_id, user_id)
    _, scope = await reach(session, viewer)
    if person is None or not scope.sees_user(user_id):
        raise DomainError.one(ErrorCode.NOT_FOUND, "userId")


# ---------------------------------------------------------------- reading what was earned


async def earned(env: Env, viewer: Viewer, user_id: int | None = None) -> list[Earned]:
    """A person's badges, newest first: anyone in the org may see them (they are celebrated in public)."""
    whom = user_id if user_id is not None else viewer.user_id
    async with env.db() as session:
        if await orgs.user_in_org(session, viewer.org_id, whom) is None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "userId")
    return [Earned(key, name, period, at) for key, name, period, at in await celebrations.badges_of(env, viewer.org_id, whom)]


# ---------------------------------------------------------------- admin: definitions and calendar


@dataclass(frozen=True)
class DefinitionInput:
    name: str
    metric: str
    period: str
    threshold: int
    active: bool = True
    definition_id: int | None = None
    client_id: str | None = None


async def definitions(env: Env, viewer: Viewer) -> list[BadgeDefinition]:
    async with env.db() as session:
        return list(await session.scalars(select(BadgeDefinition).where(BadgeDefinition.org_id == viewer.org_id).order_by(BadgeDefinition.id)))


async def save_definition(env: Env, viewer: Viewer, data: DefinitionInput) -> BadgeDefinition:
    """An admin's badge on any metric and threshold; renaming keeps the badges already earned."""
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    problems = Problems()
    name = data.name.strip()
    if not name:
        problems.add(ErrorCode.REQUIRED, "name")
    elif len(name) > NAME_MAX:
        problems.add(ErrorCode.TOO_LONG, "name", max=NAME_MAX)
    if data.metric not in Metric.__members__.values():
        problems.add(ErrorCode.INVALID, "metric")
    if data.period not in Period.__members__.values():
        problems.add(ErrorCode.INVALID, "period")
    if not 1 <= data.threshold <= MAX_THRESHOLD:
        problems.add(ErrorCode.OUT_OF_RANGE, "threshold", min=1, max=MAX_THRESHOLD)
    if data.client_id is not None:
        check_client_id(problems, data.client_id)
    problems.raise_if_any()
    try:
        async with transaction(env.db) as tx:
            if data.definition_id is None and data.client_id is not None:
                replay = await tx.session.scalar(
                    select(BadgeDefinition).where(BadgeDefinition.org_id == viewer.org_id, BadgeDefinition.client_id == data.client_id)
                )
                if replay is not None:
                    return replay
            if data.definition_id is None:
                definition = BadgeDefinition(org_id=viewer.org_id, client_id=data.client_id, created_at=env.clock())
                tx.session.add(definition)
            else:
                found = await tx.session.get(BadgeDefinition, data.definition_id)
                if found is None or found.org_id != viewer.org_id:
                    raise DomainError.one(ErrorCode.NOT_FOUND, "id")
                definition = found
            definition.name, definition.metric, definition.period = name, data.metric, data.period
            definition.threshold, definition.active = data.threshold, data.active
            await tx.session.flush()
    except IntegrityError:
        # The same clientId sent twice at once (a phone's retry): the first one's definition stands.
        if data.definition_id is not None or data.client_id is None:
            raise
        async with env.db() as session:
            replay = await session.scalar(
                select(BadgeDefinition).where(BadgeDefinition.org_id == viewer.org_id, BadgeDefinition.client_id == data.client_id)
            )
        if replay is None:
            raise
        return replay
    return definition


async def calendar(env: Env, viewer: Viewer, year: int) -> list[CalendarDay]:
    if not CALENDAR_YEARS[0] <= year <= CALENDAR_YEARS[1]:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "year", min=CALENDAR_YEARS[0], max=CALENDAR_YEARS[1])
    async with env.db() as session:
        rows = await session.scalars(
            select(CalendarDay).where(CalendarDay.org_id == viewer.org_id, CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)).order_by(CalendarDay.day)
        )
        return list(rows)


async def set_calendar(env: Env, viewer: Viewer, year: int, days: list[tuple[date, str, str]]) -> list[CalendarDay]:
    """Replace a year's holidays and working weekends (admins): the whole list, as a country publishes it."""
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    problems = Problems()
    if not CALENDAR_YEARS[0] <= year <= CALENDAR_YEARS[1]:
        problems.add(ErrorCode.OUT_OF_RANGE, "year", min=CALENDAR_YEARS[0], max=CALENDAR_YEARS[1])
    if len(days) > MAX_CALENDAR_DAYS:
        problems.add(ErrorCode.OUT_OF_RANGE, "days", min=0, max=MAX_CALENDAR_DAYS)
    seen: set[date] = set()
    for index, (day, kind, name) in enumerate(days):
        if day.year != year:
            problems.add(ErrorCode.INVALID, f"days.{index}.day")
        if day in seen:
            problems.add(ErrorCode.INVALID, f"days.{index}.day")
        seen.add(day)
        if kind not in ("holiday", "workday"):
            problems.add(ErrorCode.INVALID, f"days.{index}.kind")
        if len(name) > NAME_MAX:
            problems.add(ErrorCode.TOO_LONG, f"days.{index}.name", max=NAME_MAX)
    problems.raise_if_any()
    async with transaction(env.db) as tx:
        # Two saves of a year at once would each delete none of the other's days and then collide
        # on (org, day); one after the other, the last list replaces the first whole.
        await orgs.lock_org(tx.session, viewer.org_id)
        await tx.session.execute(
            delete(CalendarDay).where(CalendarDay.org_id == viewer.org_id, CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        )
        tx.session.add_all(CalendarDay(org_id=viewer.org_id, day=d, kind=k, name=n.strip()) for d, k, n in sorted(days))
    return await calendar(env, viewer, year)
