"""Passwords: what is strong enough, a person changing theirs, an admin's one-time reset link."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.passwords import hash_password, verify_password
from podium.core.policies import Role, Viewer
from podium.orgs import policies
from podium.orgs.events import PasswordChanged, PasswordResetIssued
from podium.orgs.models import PasswordReset, Session, User
from podium.orgs.service import LOGIN_WINDOW_SECONDS, end_sessions, start_session, token_hash, viewer_of
from podium.orgs.tree import reach

MIN_LENGTH = 8
MAX_LENGTH = 1024
# The ones every guessing list starts with (and the demo's, which is printed on its login page).
COMMON = frozenset(
    """password password1 password123 passw0rd 12345678 123456789 1234567890 87654321 11111111 00000000 88888888
    qwertyui qwertyuiop qwerty123 iloveyou abcd1234 abc12345 1q2w3e4r 1qaz2wsx a1b2c3d4 admin123 administrator
    welcome1 letmein1 sunshine football baseball woaini1314 podium-demo""".split()
)


def check_password(problems: Problems, password: str, *, field: str = "password", name: str = "", email: str = "") -> None:
    """Long enough, not only digits, not a common one, not the person's name or email."""
    if len(password) > MAX_LENGTH:
        problems.add(ErrorCode.TOO_LONG, field, max=MAX_LENGTH)
        return
    folded = password.strip().casefold()
    own = {part.casefold() for part in (name, name.replace(" ", ""), email, email.split("@")[0]) if part}
    if len(password) < MIN_LENGTH or folded.isdigit() or folded in COMMON or folded in own or len(set(folded)) < 3:
        problems.add(ErrorCode.WEAK_PASSWORD, field, min=MIN_LENGTH)


async def new_hash(password: str) -> str:
    # argon2id takes a fifth of a second on purpose: off the event loop, or every live socket waits.
    return await asyncio.to_thread(hash_password, password)


async def change_password(env: Env, viewer: Viewer, session_token: str | None, current: str, new: str) -> None:
    """The person's own change: every other session of theirs ends (their sockets close); this one stays."""
    if not await env.limiter.hit(f"password:user:{viewer.user_id}", env.settings.security.login_attempts, LOGIN_WINDOW_SECONDS):
        raise DomainError.one(ErrorCode.RATE_LIMITED)
    async with env.db() as session:
        user = await session.get_one(User, viewer.user_id)
        stored, name, email = user.password_hash, user.name, user.email
    if len(current) > MAX_LENGTH or not await asyncio.to_thread(verify_password, stored, current):
        raise DomainError.one(ErrorCode.INVALID_CREDENTIALS, "currentPassword")
    problems = Problems()
    check_password(problems, new, field="newPassword", name=name, email=email)
    if new == current:
        problems.add(ErrorCode.INVALID, "newPassword")
    problems.raise_if_any()
    hashed = await new_hash(new)
    async with transaction(env.db) as tx:
        user = await tx.session.get_one(User, viewer.user_id, with_for_update=True)
        if user.password_hash != stored:  # changed meanwhile (another device, a reset): this change is stale
            raise DomainError.one(ErrorCode.INVALID_CREDENTIALS, "currentPassword")
        user.password_hash = hashed
        keep = None
        if session_token:
            keep = await tx.session.scalar(select(Session.id).where(Session.token_hash == token_hash(session_token)))
        await end_sessions(tx, env, user.id, keep=keep)
        tx.record(PasswordChanged(org_id=user.org_id, user=user.id, reset=False))
    await env.limiter.reset(f"password:user:{viewer.user_id}")


@dataclass(frozen=True)
class IssuedReset:
    user_id: int
    token: str  # shown once, to the admin who passes it on; only its hash is stored
    expires_at: datetime

    @property
    def path(self) -> str:
        return f"/reset/{self.token}"


async def issue_reset(env: Env, viewer: Viewer, user_id: int) -> IssuedReset:
    """An admin's one-time reset link for someone of the org (earlier unused links of theirs stop working)."""
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    token = secrets.token_urlsafe(32)
    now = env.clock()
    expires_at = now + timedelta(hours=env.settings.accounts.reset_hours)
    async with transaction(env.db) as tx:
        _, seen = await reach(tx.session, viewer)
        person = await tx.session.get(User, user_id)
        if person is None or person.org_id != viewer.org_id or not seen.sees_user(user_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "userId")
        policies.require_may_change(viewer, seen, user_id, Role(person.role))
        for earlier in await tx.session.scalars(select(PasswordReset).where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))):
            earlier.used_at = now
        tx.session.add(PasswordReset(user_id=user_id, token_hash=token_hash(token), issued_by=viewer.user_id, created_at=now, expires_at=expires_at))
        tx.record(PasswordResetIssued(org_id=viewer.org_id, user=user_id, by=viewer.user_id))
    return IssuedReset(user_id, token, expires_at)


async def reset_password(env: Env, token: str, new: str, client_address: str) -> tuple[Viewer, str]:
    """Set a new password with a reset link: every session of the person ends, and this browser is signed in."""
    if not await env.limiter.hit(f"code:addr:{client_address}", env.settings.accounts.code_attempts, LOGIN_WINDOW_SECONDS):
        raise DomainError.one(ErrorCode.RATE_LIMITED)
    async with env.db() as session:
        found = await session.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token))) if len(token) <= 200 else None
        user = await session.get(User, found.user_id) if found else None
    if found is None or user is None or not user.is_active:
        raise DomainError.one(ErrorCode.NOT_FOUND, "token")
    _usable(found.used_at, found.expires_at, env.clock())
    problems = Problems()
    check_password(problems, new, field="newPassword", name=user.name, email=user.email)
    problems.raise_if_any()
    hashed = await new_hash(new)
    async with transaction(env.db) as tx:
        reset = await tx.session.get_one(PasswordReset, found.id, with_for_update=True)
        _usable(reset.used_at, reset.expires_at, env.clock())  # two tabs: only the first one uses it
        reset.used_at = env.clock()
        user = await tx.session.get_one(User, reset.user_id)
        user.password_hash = hashed
        await end_sessions(tx, env, user.id)
        session_token = start_session(tx, env, user)
        tx.record(PasswordChanged(org_id=user.org_id, user=user.id, reset=True))
        viewer = viewer_of(user)
    return viewer, session_token


def _usable(used_at: datetime | None, expires_at: datetime, now: datetime) -> None:
    if used_at is not None:
        raise DomainError.one(ErrorCode.USED, "token")
    if expires_at <= now:
        raise DomainError.one(ErrorCode.EXPIRED, "token")
