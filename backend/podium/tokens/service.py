"""API tokens: admins create, rotate and revoke them; a request's bearer token becomes a Viewer."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.i18n import parse_locale
from podium.core.policies import Role, Viewer
from podium.db.session import WRITE_OPTION
from podium.orgs import service as orgs
from podium.tokens.events import TokenCreated, TokenRevoked, TokenRotated
from podium.tokens.models import ApiToken
from podium.tokens.scopes import SCOPES

PREFIX = "pod_"
NAME_MAX = 80
MAX_DAYS = 366
MAX_OVERLAP_HOURS = 7 * 24
MAX_TOKENS = 100
# Last use is written at most this often per token: reading the row is on every request, writing it is not.
LAST_USE_EVERY = timedelta(seconds=60)


class TokenStatus(StrEnum):
    ACTIVE = "active"
    ROTATING = "rotating"  # replaced, still valid until the end of its overlap
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    created_by: str
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    last_used_ip: str
    replaced_by_id: int | None
    status: TokenStatus


@dataclass(frozen=True)
class Issued:
    """A new token: `secret` is the whole bearer value, shown this once and never stored."""

    token: TokenView
    secret: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _require_admin(viewer: Viewer) -> None:
    # A token never manages tokens, whatever its scopes (tokens/scopes.py lists no token fields either).
    if not viewer.is_admin or viewer.is_token:
        raise DomainError.one(ErrorCode.FORBIDDEN)


def status_of(row: ApiToken, now: datetime) -> TokenStatus:
    if row.revoked_at is not None:
        return TokenStatus.REVOKED
    if row.expires_at <= now:
        return TokenStatus.EXPIRED
    return TokenStatus.ROTATING if row.replaced_by_id is not None else TokenStatus.ACTIVE


def _view(row: ApiToken, now: datetime, creator: str = "") -> TokenView:
    return TokenView(
        id=row.id, name=row.name, prefix=f"{PREFIX}{row.prefix}", scopes=tuple(row.scopes.split()), created_at=row.created_at,
        created_by=creator, expires_at=row.expires_at, revoked_at=row.revoked_at, last_used_at=row.last_used_at,
        last_used_ip=row.last_used_ip, replaced_by_id=row.replaced_by_id, status=status_of(row, now),
    )


def _checked_days(problems: Problems, days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        problems.add(ErrorCode.OUT_OF_RANGE, "expiresInDays", min=1, max=MAX_DAYS)


def _new_row(org_id: int, name: str, scopes: str, by: int, now: datetime, days: int) -> tuple[ApiToken, str]:
    prefix = secrets.token_hex(6)
    secret = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken(
        org_id=org_id, name=name, prefix=prefix, secret_hash=_hash(secret), scopes=scopes, created_by=by, created_at=now,
        expires_at=now + timedelta(days=days), last_used_ip="",
    )
    return row, secret


async def create_token(env: Env, viewer: Viewer, *, name: str, scopes: list[str], expires_in_days: int) -> Issued:
    _require_admin(viewer)
    problems = Problems()
    name = name.strip()
    if not name:
        problems.add(ErrorCode.REQUIRED, "name")
    elif len(name) > NAME_MAX:
        problems.add(ErrorCode.TOO_LONG, "name", max=NAME_MAX)
    chosen = sorted(set(scopes))
    if not chosen:
        problems.add(ErrorCode.REQUIRED, "scopes")
    elif any(s not in SCOPES for s in chosen):
        problems.add(ErrorCode.INVALID, "scopes")
    _checked_days(problems, expires_in_days)
    problems.raise_if_any()
    now = env.clock()
    async with transaction(env.db) as tx:
        live = (ApiToken.org_id == viewer.org_id) & ApiToken.revoked_at.is_(None) & (ApiToken.expires_at > now)
        count = await tx.session.scalar(select(func.count()).select_from(ApiToken).where(live)) or 0
        if count >= MAX_TOKENS:
            raise DomainError.one(ErrorCode.TOO_MANY, max=MAX_TOKENS)
        row, secret = _new_row(viewer.org_id, name, " ".join(chosen), viewer.user_id, now, expires_in_days)
        tx.session.add(row)
        await tx.session.flush()
        tx.record(TokenCreated(org_id=viewer.org_id, token=row.id, title=name, scopes=tuple(chosen), expires_at=row.expires_at, by=viewer.user_id))
        return Issued(_view(row, now, viewer.name), secret)


async def _own_token(viewer: Viewer, session: AsyncSession, token_id: int) -> ApiToken:
    row = await session.get(ApiToken, token_id, with_for_update=True)
    if row is None or row.org_id != viewer.org_id:
        raise DomainError.one(ErrorCode.NOT_FOUND, "id")
    return row


async def rotate_token(env: Env, viewer: Viewer, token_id: int, *, overlap_hours: int, expires_in_days: int) -> Issued:
    """A new token with the same name and scopes; the old one keeps working `overlap_hours` more (0: stops now)."""
    _require_admin(viewer)
    problems = Problems()
    if not 0 <= overlap_hours <= MAX_OVERLAP_HOURS:
        problems.add(ErrorCode.OUT_OF_RANGE, "overlapHours", min=0, max=MAX_OVERLAP_HOURS)
    _checked_days(problems, expires_in_days)
    problems.raise_if_any()
    now = env.clock()
    async with transaction(env.db) as tx:
        old = await _own_token(viewer, tx.session, token_id)
        if status_of(old, now) is not TokenStatus.ACTIVE:
            raise DomainError.one(ErrorCode.CLOSED, "id")
        row, secret = _new_row(viewer.org_id, old.name, old.scopes, viewer.user_id, now, expires_in_days)
        tx.session.add(row)
        await tx.session.flush()
        before = old.expires_at
        old.expires_at = min(before, now + timedelta(hours=overlap_hours))
        old.replaced_by_id = row.id
        tx.record(TokenRotated(org_id=viewer.org_id, token=old.id, successor=row.id, expires_at_before=before, expires_at_after=old.expires_at, by=viewer.user_id))
        return Issued(_view(row, now, viewer.name), secret)


async def revoke_token(env: Env, viewer: Viewer, token_id: int) -> TokenView:
    _require_admin(viewer)
    now = env.clock()
    async with transaction(env.db) as tx:
        row = await _own_token(viewer, tx.session, token_id)
        if row.revoked_at is None:
            row.revoked_at = now
            tx.record(TokenRevoked(org_id=viewer.org_id, token=row.id, title=row.name, by=viewer.user_id))
        named = await orgs.people_named(tx.session, {row.created_by} if row.created_by else set())
        return _view(row, now, named[row.created_by].name if row.created_by in named else "")


async def tokens(env: Env, viewer: Viewer) -> list[TokenView]:
    """The org's tokens, newest first, with the name of the admin each acts as."""
    _require_admin(viewer)
    now = env.clock()
    async with env.db() as session:
        query = select(ApiToken).where(ApiToken.org_id == viewer.org_id).order_by(ApiToken.id.desc()).limit(MAX_TOKENS * 4)
        rows = (await session.scalars(query)).all()
        named = await orgs.people_named(session, {r.created_by for r in rows if r.created_by is not None})
    return [_view(row, now, named[row.created_by].name if row.created_by in named else "") for row in rows]


async def authenticate(env: Env, bearer: str, client_address: str) -> Viewer | None:
    """The principal of a bearer token: an admin of its org limited to its scopes; None when it opens nothing.

    The token must be unrevoked and unexpired, and the admin it acts as still an active admin of the org.
    """
    if not bearer.startswith(PREFIX) or len(bearer) > 200:
        return None
    prefix, _, rest = bearer[len(PREFIX):].partition("_")
    if not prefix or not rest:
        return None
    now = env.clock()
    async with env.db() as session:
        row = await session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
        if row is None or not hmac.compare_digest(row.secret_hash, _hash(bearer)):
            return None
        if status_of(row, now) in (TokenStatus.EXPIRED, TokenStatus.REVOKED) or row.created_by is None:
            return None
        user = await orgs.user_in_org(session, row.org_id, row.created_by)
    if user is None or not user.is_active or user.role != Role.ADMIN.value:
        return None
    if row.last_used_at is None or row.last_used_at <= now - LAST_USE_EVERY:
        await _note_use(env, row.id, now, client_address[:64])
    return Viewer(
        user_id=user.id, org_id=row.org_id, team_id=user.team_id, role=Role.ADMIN, locale=parse_locale(user.locale),
        name=row.name, email=user.email, token_id=row.id, scopes=frozenset(row.scopes.split()),
    )


async def _note_use(env: Env, token_id: int, now: datetime, address: str) -> None:
    async with env.db() as session:
        await session.connection(execution_options={WRITE_OPTION: True})
        await session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now, last_used_ip=address))
        await session.commit()
