"""Lookups a kind's plan shares across batches, loaded once per run into `PlanState.cache`."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from podium.imports.kinds.base import PlanState
from podium.imports.values import Refused
from podium.orgs import service as orgs


@dataclass
class People:
    by_email: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)

    def find(self, value: str) -> int:
        """The active person with this email (any case, spaces trimmed) or this name; a name two people share is
        refused with OWNER_AMBIGUOUS (the row must give the email)."""
        value = value.strip()
        if "@" in value:
            found = self.by_email.get(value.lower())
            if found is None:
                raise Refused("OWNER_NOT_FOUND")
            return found
        ids = self.by_name.get(" ".join(value.split()).casefold(), [])
        if not ids:
            raise Refused("OWNER_NOT_FOUND")
        if len(ids) > 1:
            raise Refused("OWNER_AMBIGUOUS", count=len(ids))
        return ids[0]


async def people(session: AsyncSession, state: PlanState) -> People:
    found = state.cache.get("people")
    if found is None:
        found = People()
        for user_id, email, name in await orgs.directory(session, state.org_id):
            found.by_email[email.strip().lower()] = user_id
            found.by_name.setdefault(" ".join(name.split()).casefold(), []).append(user_id)
        state.cache["people"] = found
    return found
