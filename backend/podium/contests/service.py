"""Contests: standings computed from the ledgers other capabilities keep, winners fixed and paid when a contest ends."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.celebrations import service as celebrations
from podium.contests.models import Contest, ContestAward, ContestEntrant
from podium.core.checks import check_client_id
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.contests.events import ContestChanged
from podium.core.events import names_of, transaction
from podium.customers.events import CustomerAdded
from podium.orgs.events import PersonDeactivated
from podium.pipeline.events import DealChanged
from podium.points.events import PointsEntered
from podium.visits.events import VisitVerified
from podium.core.policies import Role, Viewer
from podium.customers import service as customers
from podium.orgs import service as orgs
from podium.orgs.tree import OrgTree, load_tree, reach_of
from podium.pipeline import ledger as deals
from podium.points import ledger
from podium.points import service as points
from podium.visits import service as visits

log = logging.getLogger(__name__)

NAME_MAX, DESCRIPTION_MAX, PRIZE_TITLE_MAX = 100, 1000, 80
MAX_PRIZES = 10
MAX_PRIZE_POINTS = 100_000
MAX_DAYS = 366
MAX_LIST = 100
# Events that can move some contest's standings.
# A deactivated person leaves the standings from then on (entrants are read among active people).
MOVING_EVENTS = names_of(PointsEntered, DealChanged, VisitVerified, CustomerAdded, ContestChanged, PersonDeactivated)


class Metric(StrEnum):
    POINTS = "points"
    REVENUE_WON = "revenue_won"
    DEALS_WON = "deals_won"
    VERIFIED_VISITS = "verified_visits"
    NEW_CUSTOMERS = "new_customers"
    GROWTH = "growth"


class Mode(StrEnum):
    INDIVIDUAL = "individual"
    TEAM = "team"
    HEAD_TO_HEAD = "head_to_head"


class Status(StrEnum):
    UPCOMING = "upcoming"
    RUNNING = "running"
    ENDED = "ended"


@dataclass(frozen=True)
class Prize:
    rank: int
    title: str
    points: int


@dataclass(frozen=True)
class Entry:
    rank: int
    key: str
    name: str
    initials: str
    color: str
    value: Decimal
    last_year: Decimal | None
    members: int
    # Who gets a prize for this entry: the person, or every member of the team.
    people: tuple[int, ...]


@dataclass(frozen=True)
class View:
    contest: Contest
    status: Status
    prizes: list[Prize]
    participants: int
    standings: list[Entry]
    version: int
    currency: str
    created_by: str

    @property
    def winners(self) -> list[Entry]:
        if self.status is not Status.ENDED:
            return []
        ranks = {p.rank for p in self.prizes}
        return [e for e in self.standings if e.rank in ranks]


@dataclass(frozen=True)
class ContestInput:
    client_id: str
    name: str
    metric: str
    mode: str
    starts_on: date
    ends_on: date
    description: str = ""
    participant_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    prizes: tuple[Prize, ...] = ()


def status_of(contest: Contest, now: datetime) -> Status:
    if contest.finalized_at is not None or now >= contest.ends_at:
        return Status.ENDED
    return Status.RUNNING if now >= contest.starts_at else Status.UPCOMING


# ---------------------------------------------------------------- creating


def _check(data: ContestInput) -> None:
    problems = Problems()
    check_client_id(problems, data.client_id)
    name = data.name.strip()
    if not name:
        problems.add(ErrorCode.REQUIRED, "name")
    elif len(name) > NAME_MAX:
        problems.add(ErrorCode.TOO_LONG, "name", max=NAME_MAX)
    if len(data.description) > DESCRIPTION_MAX:
        problems.add(ErrorCode.TOO_LONG, "description", max=DESCRIPTION_MAX)
    if data.metric not in Metric.__members__.values():
        problems.add(ErrorCode.INVALID, "metric")
    if data.mode not in Mode.__members__.values():
        problems.add(ErrorCode.INVALID, "mode")
    if data.ends_on < data.starts_on:
        problems.add(ErrorCode.TOO_EARLY, "endsOn", earliest=data.starts_on.isoformat())
    elif (data.ends_on - data.starts_on).days >= MAX_DAYS:
        problems.add(ErrorCode.OUT_OF_RANGE, "endsOn", min=data.starts_on.isoformat(), max=f"+{MAX_DAYS - 1}d")
    if data.mode == Mode.HEAD_TO_HEAD and len(set(data.team_ids)) != 2:
        problems.add(ErrorCode.MISMATCH, "teamIds", expected=2)
    if len(data.prizes) > MAX_PRIZES:
        problems.add(ErrorCode.OUT_OF_RANGE, "prizes", min=0, max=MAX_PRIZES)
    for i, prize in enumerate(data.prizes):
        if not 1 <= prize.rank <= 100:
            problems.add(ErrorCode.OUT_OF_RANGE, f"prizes.{i}.rank", min=1, max=100)
        if not prize.title.strip():
            problems.add(ErrorCode.REQUIRED, f"prizes.{i}.title")
        elif len(prize.title) > PRIZE_TITLE_MAX:
            problems.add(ErrorCode.TOO_LONG, f"prizes.{i}.title", max=PRIZE_TITLE_MAX)
        if not 0 <= prize.points <= MAX_PRIZE_POINTS:
            problems.add(ErrorCode.OUT_OF_RANGE, f"prizes.{i}.points", min=0, max=MAX_PRIZE_POINTS)
    if len({p.rank for p in data.prizes}) != len(data.prizes):
        problems.add(ErrorCode.INVALID, "prizes")
    problems.raise_if_any()


async def create_contest(env: Env, viewer: Viewer, data: ContestInput) -> View:
    """A manager's contest among their people or teams (an admin's: anyone in the org); once per client id."""
    if viewer.role not in (Role.MANAGER, Role.ADMIN):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    async with env.db() as session:
        replay = await session.scalar(select(Contest).where(Contest.created_by == viewer.user_id, Contest.client_id == data.client_id))
    if replay is not None:
        return await view_of(env, replay)
    _check(data)
    try:
        async with transaction(env.db) as tx:
            tree = await load_tree(tx.session, viewer.org_id)
            scope = reach_of(tree, viewer)
            entrants = _entrants(tree, scope, data)
            zone = ZoneInfo(await orgs.org_time_zone(tx.session, viewer.org_id))
            contest = Contest(
                org_id=viewer.org_id, created_by=viewer.user_id, client_id=data.client_id, name=data.name.strip(),
                description=data.description.strip(), metric=data.metric, mode=data.mode,
                starts_on=data.starts_on, ends_on=data.ends_on, starts_at=_midnight(data.starts_on, zone),
                ends_at=_midnight(date.fromordinal(data.ends_on.toordinal() + 1), zone),
                prizes=json.dumps([asdict(p) for p in sorted(data.prizes, key=lambda p: p.rank)], ensure_ascii=False),
                created_at=env.clock(),
            )
            tx.session.add(contest)
            await tx.session.flush()
            tx.session.add_all(ContestEntrant(contest_id=contest.id, user_id=u, team_id=t) for u, t in entrants)
            tx.record(ContestChanged(org_id=viewer.org_id, id=contest.id))
    except IntegrityError:
        async with env.db() as session:
            replay = await session.scalar(select(Contest).where(Contest.created_by == viewer.user_id, Contest.client_id == data.client_id))
        if replay is None:
            raise
        contest = replay
    return await view_of(env, contest)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _entrants(tree: OrgTree, scope, data: ContestInput) -> list[tuple[int | None, int | None]]:  # type: ignore[no-untyped-def]
    if data.mode == Mode.INDIVIDUAL:
        people = set(data.participant_ids) or {m.id for m in tree.members.values() if scope.sees_user(m.id) and m.role is Role.REP}
        for person in people:
            if person not in tree.members or not scope.sees_user(person):
                raise DomainError.one(ErrorCode.NOT_FOUND, "participantIds")
        if not people:
            raise DomainError.one(ErrorCode.REQUIRED, "participantIds")
        return [(p, None) for p in sorted(people)]
    teams = set(data.team_ids) or {u for u in tree.units if scope.sees_unit(u) and tree.direct_members(u)}
    for team in teams:
        if team not in tree.units or not scope.sees_unit(team):
            raise DomainError.one(ErrorCode.NOT_FOUND, "teamIds")
    if len(teams) < 2:
        raise DomainError.one(ErrorCode.MISMATCH, "teamIds", expected=2)
    return [(None, t) for t in sorted(teams)]


async def cancel_contest(env: Env, viewer: Viewer, contest_id: int) -> View:
    """Withdraw a contest before it ends (its creator's managers or admins); nothing is paid."""
    if viewer.role not in (Role.MANAGER, Role.ADMIN):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    async with transaction(env.db) as tx:
        contest = await tx.session.get(Contest, contest_id)
        if contest is None or contest.org_id != viewer.org_id or contest.cancelled_at is not None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "id")
        if not viewer.is_admin and contest.created_by != viewer.user_id:
            raise DomainError.one(ErrorCode.FORBIDDEN, "id")
        if status_of(contest, env.clock()) is Status.ENDED:
            raise DomainError.one(ErrorCode.CLOSED, "id")
        contest.cancelled_at = env.clock()
        tx.record(ContestChanged(org_id=viewer.org_id, id=contest.id))
    return await view_of(env, contest)


# ---------------------------------------------------------------- standings


async def _values(session: AsyncSession, contest: Contest, metric: Metric, start: datetime, end: datetime) -> tuple[dict[int, Decimal], int]:
    """Each person's value of the metric in [start, end), and how many records it counted (the version)."""
    org = contest.org_id
    if metric is Metric.POINTS:
        rows = await ledger.totals_by_user(session, org, ledger.Span(start, end))
        return {u: Decimal(p) for u, p, _ in rows}, sum(n for _, _, n in rows)
    if metric in (Metric.REVENUE_WON, Metric.DEALS_WON):
        won = await deals.revenue_by_user(session, org, start, end)
        if metric is Metric.DEALS_WON:
            return {u: Decimal(n) for u, _, n in won}, sum(n for _, _, n in won)
        return {u: deals.from_minor(m) for u, m, _ in won}, sum(n for _, _, n in won)
    counts = await (visits.verified_counts if metric is Metric.VERIFIED_VISITS else customers.new_counts)(session, org, start, end)
    return {u: Decimal(n) for u, n in counts}, sum(n for _, n in counts)


def _year_earlier(moment: datetime, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    day = local.day if not (local.month == 2 and local.day == 29) else 28
    return local.replace(year=local.year - 1, day=day).astimezone(ZoneInfo("UTC"))


async def standings(session: AsyncSession, contest: Contest, now: datetime) -> tuple[list[Entry], int, int]:
    """(entries ranked, version, participants) as of now, or as of the end for an ended contest."""
    tree = await load_tree(session, contest.org_id)
    zone = ZoneInfo(await orgs.org_time_zone(session, contest.org_id))
    end = min(now, contest.ends_at)
    metric = Metric(contest.metric)
    entrants = (await session.execute(select(ContestEntrant.user_id, ContestEntrant.team_id).where(ContestEntrant.contest_id == contest.id))).all()
    if end <= contest.starts_at:
        current, last, version = {}, {}, 0
    elif metric is Metric.GROWTH:
        current, version = await _values(session, contest, Metric.REVENUE_WON, contest.starts_at, end)
        last, before = await _values(session, contest, Metric.REVENUE_WON, _year_earlier(contest.starts_at, zone), _year_earlier(end, zone))
        version += before
    else:
        current, version = await _values(session, contest, metric, contest.starts_at, end)
        last = {}
    people = await orgs.public_users(session, contest.org_id)
    raw: list[tuple[str, str, str, str, tuple[int, ...]]] = []  # key, name, initials, colour, people
    for user_id, team_id in entrants:
        if user_id is not None and user_id in people:
            person = people[user_id]
            raw.append((f"user:{user_id}", person.name, person.initials, person.avatar_color, (user_id,)))
        elif team_id is not None and team_id in tree.units:
            members = tuple(m.id for m in tree.members_under(team_id))
            name = tree.units[team_id].name
            raw.append((f"team:{team_id}", name, _team_initials(name), orgs.AVATAR_COLORS[team_id % len(orgs.AVATAR_COLORS)], members))
    scored: list[tuple[Decimal | None, Decimal, Decimal | None, tuple[str, str, str, str, tuple[int, ...]]]] = []
    for item in raw:
        members = item[4]
        now_value = sum((current.get(m, Decimal(0)) for m in members), Decimal(0))
        if metric is Metric.GROWTH:
            before_value = sum((last.get(m, Decimal(0)) for m in members), Decimal(0))
            ratio = (now_value / before_value).quantize(Decimal("0.0001")) if before_value > 0 else None
            scored.append((ratio, now_value, before_value, item))
        else:
            scored.append((now_value, now_value, None, item))
    # Highest first; no growth figure (no history) last; ties by name so the order is stable.
    scored.sort(key=lambda s: (s[0] is None, -(s[0] or Decimal(0)), s[3][1]))
    entries: list[Entry] = []
    for index, (value, _, before_value, (key, name, initials, color, members)) in enumerate(scored):
        # Ties share a rank (1, 1, 3): the same value as the one before, including "no growth figure".
        tied = index > 0 and scored[index - 1][0] == value
        rank = entries[-1].rank if tied else index + 1
        entries.append(Entry(rank, key, name, initials, color, value if value is not None else Decimal(0), before_value, len(members), members))
    return entries, version, sum(e.members for e in entries)


def _team_initials(name: str) -> str:
    """A team by the start of its name (浦东 for 浦东战队 Pudong): a person's initials take the end of a Chinese
    name, which for teams would be the same word (战队) on every badge."""
    chinese = next((part for part in name.split() if not part.isascii()), None)
    if chinese:
        return chinese[:2]
    words = [w for w in name.split() if w]
    return "".join(w[0] for w in words[:2]).upper() or "?"


async def view_of(env: Env, contest: Contest) -> View:
    async with env.db() as session:
        now = env.clock()
        status = status_of(contest, now)
        if contest.final_standings is not None:
            stored = json.loads(contest.final_standings)
            entries = [Entry(**{**e, "value": Decimal(e["value"]), "last_year": Decimal(e["last_year"]) if e["last_year"] is not None else None, "people": tuple(e["people"])}) for e in stored["entries"]]
            version, participants = stored["version"], stored["participants"]
        else:
            entries, version, participants = await standings(session, contest, now)
        currency = await orgs.org_currency(session, contest.org_id)
        creator = (await orgs.people_named(session, {contest.created_by})).get(contest.created_by) if contest.created_by else None
    prizes = [Prize(**p) for p in json.loads(contest.prizes)]
    return View(contest, status, prizes, participants, entries, version, currency, creator.name if creator else "")


# ---------------------------------------------------------------- reading


async def contests(env: Env, viewer: Viewer, status: Status | None = None) -> list[View]:
    """My org's contests, newest first (cancelled ones are gone); everyone in the org may follow them."""
    async with env.db() as session:
        rows = (
            await session.scalars(
                select(Contest).where(Contest.org_id == viewer.org_id, Contest.cancelled_at.is_(None)).order_by(Contest.starts_at.desc(), Contest.id.desc()).limit(MAX_LIST)
            )
        ).all()
    now = env.clock()
    return [await view_of(env, c) for c in rows if status is None or status_of(c, now) is status]


async def contest(env: Env, viewer: Viewer, contest_id: int) -> View | None:
    async with env.db() as session:
        found = await session.get(Contest, contest_id)
    if found is None or found.org_id != viewer.org_id or found.cancelled_at is not None:
        return None
    return await view_of(env, found)


async def contest_or_error(env: Env, viewer: Viewer, contest_id: int) -> View:
    found = await contest(env, viewer, contest_id)
    if found is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "id")
    return found


# ---------------------------------------------------------------- the end: winners fixed, paid, celebrated


async def finalize_ended(env: Env) -> int:
    """Fix the standings of every contest that has ended, pay its prizes and celebrate its winners (idempotent)."""
    now = env.clock()
    async with env.db() as session:
        due = list(await session.scalars(select(Contest.id).where(Contest.ends_at <= now, Contest.finalized_at.is_(None), Contest.cancelled_at.is_(None))))
    finished = 0
    for contest_id in due:
        finished += await _finalize(env, contest_id, now)
    return finished


async def _finalize(env: Env, contest_id: int, now: datetime) -> int:
    celebrate: list[tuple[int, int, str, Entry]] = []
    async with transaction(env.db) as tx:
        # The row lock makes one instance do it; the others find it finalized and skip.
        contest = await tx.session.scalar(select(Contest).where(Contest.id == contest_id).with_for_update())
        if contest is None or contest.finalized_at is not None:
            return 0
        entries, version, participants = await standings(tx.session, contest, contest.ends_at)
        prizes = [Prize(**p) for p in json.loads(contest.prizes)]
        for prize in prizes:
            for entry in (e for e in entries if e.rank == prize.rank and e.value > 0):
                for person in entry.people:
                    award = ContestAward(contest_id=contest.id, user_id=person, rank=prize.rank, entry_key=entry.key, title=prize.title, points=prize.points, created_at=now)
                    tx.session.add(award)
                    await tx.session.flush()
                    owner = await orgs.viewer_for(tx.session, person)
                    if owner is not None and prize.points > 0:
                        await points.award_contest_prize(tx, env, person=owner, award_id=award.id, points=prize.points, occurred_at=contest.ends_at)
                celebrate.append((contest.org_id, entry.people[0] if entry.people else 0, f"{contest.name} · {prize.title}", entry))
        contest.final_standings = json.dumps(
            {"entries": [{**asdict(e), "value": str(e.value), "last_year": str(e.last_year) if e.last_year is not None else None, "people": list(e.people)} for e in entries],
             "version": version + 1, "participants": participants},
            ensure_ascii=False,
        )
        contest.finalized_at = now
        tx.record(ContestChanged(org_id=contest.org_id, id=contest.id))
    for org_id, user_id, subject, entry in celebrate:
        if user_id:
            await celebrations.contest_won(env, org_id=org_id, user_id=user_id, contest_id=contest_id, entry_key=entry.key, subject=subject, rank=entry.rank)
    return 1
