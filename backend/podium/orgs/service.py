"""People and sessions: create accounts, sign in and out, resolve a session to a Viewer."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import Tx, transaction
from podium.orgs.events import SessionsEnded
from podium.core.i18n import Locale, parse_locale
from podium.core.passwords import hash_password, verify_password
from podium.core.policies import Role, Viewer
from podium.orgs.models import Org, Session, Team, User

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def checked_email(problems: Problems, email: str, field: str = "email") -> str:
    """The address as it is stored (trimmed, lower-cased); INVALID on `field` when it is not one."""
    email = email.strip().lower()
    if len(email) > 320 or not EMAIL_RE.match(email):
        problems.add(ErrorCode.INVALID, field)
    return email


# White initials sit on these (app and cards): each reaches WCAG AA 4.5:1 against white (pwa/src/ui/avatar.test.ts).
AVATAR_COLORS = ("#4f46e5", "#0369a1", "#047857", "#b45309", "#dc2626", "#7c3aed", "#be185d", "#0f766e")
LOGIN_WINDOW_SECONDS = 15 * 60
# Published on the org's channel with the ended sessions' ids; their sockets close on every instance.
SESSIONS_ENDED = SessionsEnded.name


@dataclass(frozen=True)
class PublicUser:
    """What anyone in the org may see of a person (boards, celebrations)."""

    id: int
    name: str
    role: Role
    team_id: int | None
    team_name: str | None
    photo_version: int | None = None

    @property
    def photo_url(self) -> str | None:
        return f"/api/users/{self.id}/photo?v={self.photo_version}" if self.photo_version else None

    @property
    def initials(self) -> str:
        return initials(self.name)

    @property
    def avatar_color(self) -> str:
        return AVATAR_COLORS[self.id % len(AVATAR_COLORS)]


def initials(name: str) -> str:
    """Two letters for an avatar: a Chinese name's given name, else first and last initials."""
    parts = name.split()
    chinese = next((p for p in parts if not p.isascii()), None)
    if chinese:
        return chinese[-2:]
    if len(parts) >= 2:
        return (parts[0][0] + parts[-1][0]).upper()
    return name[:2].upper()


def token_hash(token: str) -> str:
    """SHA-256 of a secret handed out once (session, invitation, reset): only this is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def viewer_of(user: User) -> Viewer:
    return Viewer(
        user_id=user.id,
        org_id=user.org_id,
        team_id=user.team_id,
        role=Role(user.role),
        locale=parse_locale(user.locale),
        name=user.name,
        email=user.email,
    )


async def viewer_by_id(env: Env, user_id: int) -> Viewer | None:
    """A person as the services see them, for work done on their behalf (a handler reacting to their event)."""
    async with env.db() as session:
        return await viewer_for(session, user_id)


async def viewer_for(session: AsyncSession, user_id: int) -> Viewer | None:
    """The same, read in the caller's transaction (points awarded to a deal's owner, a prize's winner)."""
    user = await session.get(User, user_id)
    return viewer_of(user) if user is not None else None


async def create_org(session: AsyncSession, env: Env, *, name: str, slug: str, time_zone: str, currency: str = "CNY") -> Org:
    org = Org(name=name, slug=slug, time_zone=time_zone, currency=currency, created_at=env.clock())
    session.add(org)
    await session.flush()
    return org


async def create_team(session: AsyncSession, *, org_id: int, name: str) -> Team:
    team = Team(org_id=org_id, name=name)
    session.add(team)
    await session.flush()
    return team


async def create_user(
    session: AsyncSession,
    env: Env,
    *,
    org_id: int,
    email: str,
    name: str,
    password: str,
    role: Role,
    team_id: int | None = None,
    locale: Locale = Locale.ZH_CN,
    password_hash: str | None = None,
) -> User:
    """Create an account; `password_hash` (argon2) is for restores and imports, `password` is checked and hashed."""
    problems = Problems()
    email = checked_email(problems, email)
    if not name.strip():
        problems.add(ErrorCode.REQUIRED, "name")
    elif len(name) > 200:
        problems.add(ErrorCode.TOO_LONG, "name", max=200)
    if password_hash is None and not 8 <= len(password) <= 1024:
        problems.add(ErrorCode.OUT_OF_RANGE, "password", min=8, max=1024)
    problems.raise_if_any()
    user = User(
        org_id=org_id,
        team_id=team_id,
        email=email,
        name=name.strip(),
        role=role.value,
        # argon2id takes a fifth of a second on purpose: off the event loop, or every live socket waits.
        password_hash=password_hash or await asyncio.to_thread(hash_password, password),
        locale=locale.value,
        created_at=env.clock(),
    )
    session.add(user)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise DomainError.one(ErrorCode.INVALID, "email") from exc
    return user


async def login(env: Env, *, email: str, password: str, client_address: str) -> tuple[Viewer, str]:
    """Return the viewer and a new session token; the same error whether or not the email exists."""
    email = email.strip().lower()
    limit = env.settings.security.login_attempts
    allowed_email = await env.limiter.hit(f"login:email:{email}", limit, LOGIN_WINDOW_SECONDS)
    allowed_addr = await env.limiter.hit(f"login:addr:{client_address}", limit * 5, LOGIN_WINDOW_SECONDS)
    if not (allowed_email and allowed_addr):
        raise DomainError.one(ErrorCode.RATE_LIMITED)
    if len(password) > 1024:
        raise DomainError.one(ErrorCode.INVALID_CREDENTIALS)
    async with transaction(env.db) as tx:
        user = await tx.session.scalar(select(User).where(User.email == email, User.is_active.is_(True)))
        stored_hash = user.password_hash if user else None
        if not await asyncio.to_thread(verify_password, stored_hash, password) or user is None:
            raise DomainError.one(ErrorCode.INVALID_CREDENTIALS)
        token = start_session(tx, env, user)
        viewer = viewer_of(user)
    await env.limiter.reset(f"login:email:{email}")
    return viewer, token


def start_session(tx: Tx, env: Env, user: User) -> str:
    """A new session for a person who just proved who they are (login, first run, invitation, reset): its token."""
    token = secrets.token_urlsafe(32)
    now = env.clock()
    user.last_login_at = now
    tx.session.add(
        Session(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(days=env.settings.security.session_days),
        )
    )
    return token


async def logout(env: Env, token: str) -> None:
    async with transaction(env.db) as tx:
        await _end_sessions(tx, env, Session.token_hash == token_hash(token))


async def end_sessions(tx: Tx, env: Env, user_id: int, *, keep: int | None = None) -> int:
    """End every session of a person (password change, deactivation) but `keep`: their sockets close on every instance."""
    which = Session.user_id == user_id
    return await _end_sessions(tx, env, which if keep is None else which & (Session.id != keep))


async def _end_sessions(tx: Tx, env: Env, which: ColumnElement[bool]) -> int:
    found = select(Session.id, User.org_id).join(User, User.id == Session.user_id).where(which)
    rows = (await tx.session.execute(found)).all()
    if not rows:
        return 0
    await tx.session.execute(delete(Session).where(Session.id.in_([session_id for session_id, _ in rows])))
    for org_id in {org for _, org in rows}:
        ids = sorted(session_id for session_id, org in rows if org == org_id)
        tx.record(SessionsEnded(org_id=org_id, ids=tuple(ids)))
    return len(rows)


@dataclass(frozen=True)
class SignedIn:
    viewer: Viewer
    session_id: int
    expires_at: datetime


async def signed_in(env: Env, token: str | None) -> SignedIn | None:
    """The person a session cookie stands for, with the session (a socket closes when it ends)."""
    if not token or len(token) > 200:
        return None
    async with env.db() as session:
        row = await session.execute(
            select(User, Session.id, Session.expires_at)
            .join(Session, Session.user_id == User.id)
            .where(Session.token_hash == token_hash(token), User.is_active.is_(True))
        )
        found = row.first()
    if found is None or found[2] <= env.clock():
        return None
    return SignedIn(viewer_of(found[0]), found[1], found[2])


async def viewer_for_token(env: Env, token: str | None) -> Viewer | None:
    found = await signed_in(env, token)
    return found.viewer if found else None


async def session_valid(env: Env, session_id: int) -> bool:
    """Whether a session still opens anything: not ended, not expired, its person active."""
    async with env.db() as session:
        expires_at = await session.scalar(
            select(Session.expires_at)
            .join(User, User.id == Session.user_id)
            .where(Session.id == session_id, User.is_active.is_(True))
        )
    return expires_at is not None and expires_at > env.clock()


async def set_locale(env: Env, viewer: Viewer, locale: Locale) -> Viewer:
    async with transaction(env.db) as tx:
        user = await tx.session.get_one(User, viewer.user_id)
        user.locale = locale.value
    return viewer_of(user)


@dataclass(frozen=True)
class Profile:
    email: str
    locale: Locale
    org_id: int
    org_name: str
    time_zone: str
    currency: str
    user: PublicUser


async def profile(env: Env, viewer: Viewer) -> Profile:
    async with env.db() as session:
        user = await session.get_one(User, viewer.user_id)
        org = await session.get_one(Org, viewer.org_id)
        team = await session.get(Team, user.team_id) if user.team_id else None
    return Profile(
        email=user.email,
        locale=parse_locale(user.locale),
        org_id=org.id,
        org_name=org.name,
        time_zone=org.time_zone,
        currency=org.currency,
        user=PublicUser(user.id, user.name, Role(user.role), user.team_id, team.name if team else None, user.photo_version),
    )


# Zone and currency are read on every award and board, and almost never change: kept for a minute.
_ORG_BASICS: dict[int, tuple[float, str, str]] = {}
ORG_CACHE_SECONDS = 60.0


async def _org_basics(session: AsyncSession, org_id: int) -> tuple[str, str]:
    cached = _ORG_BASICS.get(org_id)
    if cached and cached[0] > time.monotonic():
        return cached[1], cached[2]
    row = (await session.execute(select(Org.time_zone, Org.currency).where(Org.id == org_id))).first()
    if row is None:
        raise LookupError(f"no org {org_id}")
    _ORG_BASICS[org_id] = (time.monotonic() + ORG_CACHE_SECONDS, row[0], row[1])
    return row[0], row[1]


async def all_time_zones(session: AsyncSession) -> list[tuple[int, str]]:
    """(org id, time zone) of every org."""
    return [(int(i), str(z)) for i, z in await session.execute(select(Org.id, Org.time_zone).order_by(Org.id))]


async def org_time_zone(session: AsyncSession, org_id: int) -> str:
    """The org's IANA zone: days, weeks and months of boards and awards follow it."""
    return (await _org_basics(session, org_id))[0]


async def org_currency(session: AsyncSession, org_id: int) -> str:
    """The org's currency (ISO 4217)."""
    return (await _org_basics(session, org_id))[1]


async def public_users(
    session: AsyncSession, org_id: int, *, team_id: int | None = None, also: Iterable[int] = ()
) -> dict[int, PublicUser]:
    """Active people of an org (or one team), keyed by id; with `also`, these people too, active or not (a deactivated
    rep's won deals still show, and can still be reversed, with their owner's name)."""
    also = sorted(set(also))
    active = User.is_active.is_(True)
    query = (
        select(User.id, User.name, User.role, User.team_id, Team.name, User.photo_version)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.org_id == org_id, (active | User.id.in_(also)) if also else active)
    )
    if team_id is not None:
        query = query.where(User.team_id == team_id)
    rows = await session.execute(query)
    return {uid: PublicUser(uid, name, Role(role), tid, tname, photo) for uid, name, role, tid, tname, photo in rows}


@dataclass(frozen=True)
class Member:
    """A person as an import names them: by email or by name, active or not."""

    id: int
    email: str
    name: str
    team_id: int | None
    is_active: bool


async def members_of(session: AsyncSession, org_id: int) -> list[Member]:
    """Everyone of the org, in one read of five columns (imports match owners against it)."""
    rows = await session.execute(select(User.id, User.email, User.name, User.team_id, User.is_active).where(User.org_id == org_id))
    return [Member(int(i), e, n, t, bool(a)) for i, e, n, t, a in rows]


@dataclass(frozen=True)
class Person:
    """Someone shown by name on a record (a visit's rep, a redemption's decider), active or not."""

    id: int
    name: str

    @property
    def initials(self) -> str:
        return initials(self.name)


async def people_named(session: AsyncSession, user_ids: set[int]) -> dict[int, Person]:
    """The named people of these ids, in one read."""
    if not user_ids:
        return {}
    return {uid: Person(uid, name) for uid, name in await session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))}


async def team_ids(session: AsyncSession, org_id: int) -> list[int]:
    return [int(i) for i in await session.scalars(select(Team.id).where(Team.org_id == org_id).order_by(Team.id))]


async def merged_into(session: AsyncSession, org_id: int, team_id: int) -> tuple[int, ...]:
    """The units merged into this one, directly or through one merged into it (their credited history counts for it)."""
    rows = (await session.execute(select(Team.id, Team.merged_into_id).where(Team.org_id == org_id, Team.merged_into_id.is_not(None)))).all()
    found: set[int] = set()
    frontier = {team_id}
    while frontier:
        frontier = {int(i) for i, into in rows if into in frontier and i not in found}
        found |= frontier
    return tuple(sorted(found))


async def user_in_org(session: AsyncSession, org_id: int, user_id: int) -> User | None:
    """A person of this org, active or not; another org's person reads as nobody."""
    user = await session.get(User, user_id)
    return user if user is not None and user.org_id == org_id else None


async def org_by_id(session: AsyncSession, org_id: int) -> Org | None:
    return await session.get(Org, org_id)


async def team_in_org(session: AsyncSession, org_id: int, team_id: int) -> Team | None:
    team = await session.get(Team, team_id)
    return team if team is not None and team.org_id == org_id else None


async def lock_user(session: AsyncSession, user_id: int) -> None:
    """Serialize one person's ledger writes (daily caps); SQLite's BEGIN IMMEDIATE already does."""
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())


async def lock_org(session: AsyncSession, org_id: int) -> None:
    """Serialize replacing one of the org's settings (a year's calendar); SQLite's BEGIN IMMEDIATE already does.

    FOR NO KEY UPDATE: rows that merely point at the org (every insert of every capability) still go ahead.
    """
    await session.execute(select(Org.id).where(Org.id == org_id).with_for_update(key_share=True))


async def directory(session: AsyncSession, org_id: int) -> list[tuple[int, str, str]]:
    """(id, email, name) of the org's active people: an import finds owners by email or name in it."""
    query = select(User.id, User.email, User.name).where(User.org_id == org_id, User.is_active.is_(True))
    return [(int(i), str(e), str(n)) for i, e, n in await session.execute(query)]
