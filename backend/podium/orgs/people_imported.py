"""People's side of an import: who an address already names (in any org: an address is one account), pending
invitations, bulk invitations and updates. Invitations made here are the ordinary ones (a link and a code that
expire after PODIUM_INVITE_DAYS); no events are recorded per person (the import records one per run)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.orgs.invitations import CODE_ALPHABET, CODE_LENGTH, formatted_code
from podium.orgs.models import Invitation, Team, User
from podium.orgs.service import token_hash

FIELDS = ("name", "role", "team_id", "manager_id")


@dataclass(frozen=True)
class Known:
    id: int
    org_id: int
    name: str
    role: str
    team_id: int | None
    manager_id: int | None
    is_active: bool

    @property
    def version(self) -> str:
        text = f"{self.name}|{self.role}|{self.team_id}|{self.manager_id}|{self.is_active}"
        return hashlib.sha256(text.encode()).hexdigest()[:40]


def _known(u: User) -> Known:
    return Known(u.id, u.org_id, u.name, u.role, u.team_id, u.manager_id, u.is_active)


async def by_emails(session: AsyncSession, emails: list[str]) -> dict[str, Known]:
    if not emails:
        return {}
    return {u.email: _known(u) for u in await session.scalars(select(User).where(User.email.in_(emails)))}


async def by_ids(session: AsyncSession, org_id: int, ids: list[int]) -> dict[int, Known]:
    if not ids:
        return {}
    return {u.id: _known(u) for u in await session.scalars(select(User).where(User.org_id == org_id, User.id.in_(ids)))}


async def pending(session: AsyncSession, org_id: int, emails: list[str], now: datetime) -> set[str]:
    """Of these addresses, those with an invitation still open in the org."""
    if not emails:
        return set()
    query = select(Invitation.email).where(Invitation.org_id == org_id, Invitation.email.in_(emails), Invitation.accepted_at.is_(None),
                                           Invitation.revoked_at.is_(None), Invitation.expires_at > now)
    return {str(e) for e in await session.scalars(query)}


async def unit_ids(session: AsyncSession, org_id: int) -> dict[str, int]:
    query = select(Team.name, Team.id).where(Team.org_id == org_id, Team.merged_into_id.is_(None))
    return {str(n): int(i) for n, i in await session.execute(query)}


@dataclass(frozen=True)
class Issued:
    id: int
    path: str  # /join/<token>: shown in the report, the only place it is ever shown
    code: str


async def invite(session: AsyncSession, org_id: int, by: int, person: dict[str, Any], now: datetime, days: int) -> Issued:
    token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = Invitation(org_id=org_id, token_hash=token_hash(token), code_hash=token_hash(code), name=person["name"], email=person["email"],
                     role=person["role"], team_id=person.get("team_id"), manager_id=person.get("manager_id"), invited_by=by,
                     created_at=now, expires_at=now + timedelta(days=days))
    session.add(row)
    await session.flush()
    return Issued(row.id, f"/join/{token}", formatted_code(code))


async def update_person(session: AsyncSession, org_id: int, user_id: int, values: dict[str, Any]) -> None:
    await session.execute(update(User).where(User.org_id == org_id, User.id == user_id).values(**values))


async def accepted(session: AsyncSession, org_id: int, invitation_ids: list[int]) -> set[int]:
    if not invitation_ids:
        return set()
    query = select(Invitation.id).where(Invitation.org_id == org_id, Invitation.id.in_(invitation_ids), Invitation.accepted_at.is_not(None))
    return {int(i) for i in await session.scalars(query)}


async def revoke(session: AsyncSession, org_id: int, invitation_ids: list[int], now: datetime) -> None:
    if invitation_ids:
        await session.execute(update(Invitation).where(Invitation.org_id == org_id, Invitation.id.in_(invitation_ids)).values(revoked_at=now))
