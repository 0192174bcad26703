"""Invitations: a one-time link and a short code to share in WeCom, DingTalk or by hand; accepting creates the person."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from podium.core import mail
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.i18n import Locale, parse_locale
from podium.core.policies import Role, Viewer
from podium.orgs import policies
from podium.orgs.events import InvitationRevoked, PersonInvited, PersonJoined
from podium.orgs.models import Invitation, Org, User
from podium.orgs.passwords import check_password, new_hash
from podium.orgs.people import checked_employee_number, employee_number_taken
from podium.orgs.service import LOGIN_WINDOW_SECONDS, checked_email, create_user, start_session, token_hash, viewer_of
from podium.orgs.tree import reach

# No 0/O, 1/I/L: read aloud or copied from a chat, a code is typed right the first time.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
NAME_MAX = 200
LIST_MAX = 200


@dataclass(frozen=True)
class NewInvitation:
    name: str
    role: Role
    team_id: int | None
    manager_id: int | None = None
    email: str | None = None
    employee_number: str = ""  # admins only


@dataclass(frozen=True)
class InvitationView:
    id: int
    name: str
    email: str | None
    role: Role
    team_id: int | None
    team_name: str | None
    manager_id: int | None
    manager_name: str | None
    invited_by_name: str | None
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Issued:
    invitation: InvitationView
    token: str  # shown once; only hashes are stored
    code: str
    emailed: bool

    @property
    def path(self) -> str:
        return f"/join/{self.token}"


def normalize_code(code: str) -> str:
    """Case, spaces and dashes do not matter: "abcd-efgh" is "ABCDEFGH"."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _email(problems: Problems, email: str | None, field: str = "email") -> str | None:
    if email is None or not email.strip():
        return None
    return checked_email(problems, email, field)


async def invite(env: Env, viewer: Viewer, data: NewInvitation, base_url: str = "") -> Issued:
    """Invite someone: an admin anywhere in the org, a manager (reps and managers only) into units they reach."""
    policies.require_people_manager(viewer)
    problems = Problems()
    name = data.name.strip()
    if not name:
        problems.add(ErrorCode.REQUIRED, "name")
    elif len(name) > NAME_MAX:
        problems.add(ErrorCode.TOO_LONG, "name", max=NAME_MAX)
    email = _email(problems, data.email)
    number = checked_employee_number(problems, data.employee_number)
    if number and not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN, "employeeNumber")
    token, code = secrets.token_urlsafe(32), _new_code()
    now = env.clock()
    async with transaction(env.db) as tx:
        tree, seen = await reach(tx.session, viewer)
        policies.check_placement(problems, viewer, tree, seen, role=data.role, team_id=data.team_id, manager_id=data.manager_id)
        if email and await tx.session.scalar(select(User.id).where(User.email == email)):
            problems.add(ErrorCode.DUPLICATE, "email")
        if number and await employee_number_taken(tx.session, viewer.org_id, number):
            problems.add(ErrorCode.DUPLICATE, "employeeNumber")
        problems.raise_if_any()
        row = Invitation(
            org_id=viewer.org_id, token_hash=token_hash(token), code_hash=token_hash(code), name=name, email=email,
            role=data.role.value, team_id=data.team_id, manager_id=data.manager_id, invited_by=viewer.user_id,
            created_at=now, expires_at=now + timedelta(days=env.settings.accounts.invite_days), employee_number=number,
        )
        tx.session.add(row)
        await tx.session.flush()
        org = await tx.session.get_one(Org, viewer.org_id)
        emailed = bool(email) and env.settings.mail.enabled
        tx.record(PersonInvited(
            org_id=viewer.org_id, invitation=row.id, person_name=name, role=data.role.value, team=data.team_id,
            manager=data.manager_id, emailed=emailed, by=viewer.user_id,
        ))
        (view,) = _views([row], tree.units, {m.id: m.name for m in tree.members.values()})
    issued = Issued(view, token, code, emailed)
    if email and emailed:
        base = env.settings.mail.public_url or base_url.rstrip("/")
        subject, body = _message(viewer.locale, org.name, viewer.name, name, f"{base}{issued.path}", formatted_code(code), view.expires_at)
        issued = Issued(view, token, code, await mail.send(env.settings.mail, to=email, subject=subject, body=body))
    return issued


def formatted_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _message(locale: Locale, org: str, inviter: str, name: str, link: str, code: str, expires_at: datetime) -> tuple[str, str]:
    day = expires_at.date().isoformat()
    if locale is Locale.EN:
        return (f"{inviter} invites you to {org} on Podium",
                f"Hello {name},\n\n{inviter} invites you to join {org} on Podium.\n\nOpen this link to set your password:\n{link}\n\n"
                f"Or enter the code {code} at the sign-in page. It works once, until {day}.\n")
    return (f"{inviter} 邀请你加入 {org}（Podium）",
            f"{name}，你好：\n\n{inviter} 邀请你加入 {org} 的 Podium。\n\n打开以下链接设置密码：\n{link}\n\n"
            f"或在登录页输入邀请码 {code}。仅可使用一次，{day} 前有效。\n")


def _views(rows: list[Invitation], units: dict, names: dict[int, str]) -> list[InvitationView]:  # type: ignore[type-arg]
    return [
        InvitationView(
            r.id, r.name, r.email, Role(r.role), r.team_id, units[r.team_id].name if r.team_id in units else None,
            r.manager_id, names.get(r.manager_id) if r.manager_id else None, names.get(r.invited_by) if r.invited_by else None,
            r.created_at, r.expires_at,
        )
        for r in rows
    ]


def _visible(viewer: Viewer, units_seen, row: Invitation) -> bool:  # type: ignore[no-untyped-def]
    """An admin sees every invitation; a manager those into units they reach and their own."""
    return viewer.is_admin or row.invited_by == viewer.user_id or (row.team_id is not None and units_seen(row.team_id))


async def pending(env: Env, viewer: Viewer) -> list[InvitationView]:
    """Invitations not yet accepted, revoked or expired, newest first, within the viewer's reach."""
    policies.require_people_manager(viewer)
    async with env.db() as session:
        tree, seen = await reach(session, viewer)
        rows = list(await session.scalars(
            select(Invitation)
            .where(Invitation.org_id == viewer.org_id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                   Invitation.expires_at > env.clock())
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
            .limit(LIST_MAX)
        ))
        names = {uid: name for uid, name in await session.execute(
            select(User.id, User.name).where(User.org_id == viewer.org_id, User.id.in_({r.invited_by for r in rows} | {r.manager_id for r in rows} - {None}))
        )}
    return _views([r for r in rows if _visible(viewer, seen.sees_unit, r)], tree.units, names)


async def revoke(env: Env, viewer: Viewer, invitation_id: int) -> None:
    """Withdraw a pending invitation: its link and code stop working at once."""
    policies.require_people_manager(viewer)
    async with transaction(env.db) as tx:
        row = await tx.session.get(Invitation, invitation_id, with_for_update=True)
        _, seen = await reach(tx.session, viewer)
        if row is None or row.org_id != viewer.org_id or not _visible(viewer, seen.sees_unit, row):
            raise DomainError.one(ErrorCode.NOT_FOUND, "id")
        if row.accepted_at is not None:
            raise DomainError.one(ErrorCode.USED, "id")
        if row.revoked_at is not None:
            return  # a double tap: already withdrawn
        row.revoked_at = env.clock()
        tx.record(InvitationRevoked(org_id=row.org_id, invitation=row.id, by=viewer.user_id))


@dataclass(frozen=True)
class Invited:
    """What the accept page shows before a password is chosen."""

    name: str
    org_name: str
    role: Role
    email: str | None
    locale: Locale


async def _find(env: Env, token: str | None, code: str | None, client_address: str) -> Invitation:
    """The usable invitation for a link's token or a typed code; every attempt counts against the caller's address."""
    if not await env.limiter.hit(f"code:addr:{client_address}", env.settings.accounts.code_attempts, LOGIN_WINDOW_SECONDS):
        raise DomainError.one(ErrorCode.RATE_LIMITED)
    field, secret = ("token", token) if token else ("code", normalize_code(code or ""))
    if not secret:
        raise DomainError.one(ErrorCode.REQUIRED, "code")
    async with env.db() as session:
        row = await session.scalar(select(Invitation).where(getattr(Invitation, f"{field}_hash") == token_hash(secret))) if len(secret) <= 200 else None
    if row is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, field)
    _usable(row, env.clock(), field)
    return row


def _usable(row: Invitation, now: datetime, field: str) -> None:
    if row.accepted_at is not None:
        raise DomainError.one(ErrorCode.USED, field)
    if row.revoked_at is not None:
        raise DomainError.one(ErrorCode.REVOKED, field)
    if row.expires_at <= now:
        raise DomainError.one(ErrorCode.EXPIRED, field)


async def look_up(env: Env, *, token: str | None, code: str | None, client_address: str) -> Invited:
    row = await _find(env, token, code, client_address)
    async with env.db() as session:
        org = await session.get_one(Org, row.org_id)
    return Invited(row.name, org.name, Role(row.role), row.email, parse_locale(org.locale))


async def accept(
    env: Env, *, token: str | None, code: str | None, password: str, email: str | None, client_address: str,
    locale: Locale | None = None,
) -> tuple[Viewer, str]:
    """Create the invited person with their password and sign them in; the invitation is then used up.

    `locale` is the language they accepted in (the join page follows their phone); None takes the company's.
    """
    row = await _find(env, token, code, client_address)
    problems = Problems()
    address = row.email or _email(problems, email)
    if address is None:
        problems.add(ErrorCode.REQUIRED, "email")
    check_password(problems, password, name=row.name, email=address or "")
    problems.raise_if_any()
    hashed = await new_hash(password)
    field = "token" if token else "code"
    async with transaction(env.db) as tx:
        invitation = await tx.session.get_one(Invitation, row.id, with_for_update=True)
        _usable(invitation, env.clock(), field)  # two taps on the link: only the first creates the person
        org = await tx.session.get_one(Org, invitation.org_id)
        if await tx.session.scalar(select(func.count()).select_from(User).where(User.email == address)):
            raise DomainError.one(ErrorCode.DUPLICATE, "email")
        user = await create_user(
            tx.session, env, org_id=invitation.org_id, email=address or "", name=invitation.name, password="",
            role=Role(invitation.role), team_id=invitation.team_id, locale=locale or parse_locale(org.locale), password_hash=hashed,
        )
        user.manager_id = invitation.manager_id
        # Someone may have been given the number since the invitation: joining still works, an admin sets it again.
        if invitation.employee_number and not await employee_number_taken(tx.session, user.org_id, invitation.employee_number):
            user.employee_number = invitation.employee_number
        invitation.accepted_at = env.clock()
        invitation.user_id = user.id
        session_token = start_session(tx, env, user)
        tx.record(PersonJoined(
            org_id=user.org_id, user=user.id, invitation=invitation.id, role=user.role, team=user.team_id, manager=user.manager_id,
        ))
        viewer = viewer_of(user)
    await env.limiter.reset(f"code:addr:{client_address}")
    return viewer, session_token
