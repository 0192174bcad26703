"""The audit log over GraphQL (admins): search it, page through it, read one entry. No field changes it."""

from __future__ import annotations

import json
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from podium.audit import service
from podium.audit.models import AuditEntry as AuditRow
from podium.graphql.context import Info
from podium.graphql.ids import int_id


@strawberry.type(description="Who changed what, when and from where; before and after as JSON objects.")
class AuditEntry:
    id: strawberry.ID
    at: datetime
    action: str = strawberry.field(description="The domain event's name, e.g. person_changed.")
    subject_type: str
    subject_id: str
    actor_user_id: strawberry.ID | None
    actor_token_id: strawberry.ID | None = strawberry.field(description="Set when an API token made the change.")
    actor_name: str = strawberry.field(description="As it was then (a token's own name when a token acted).")
    actor_email: str
    ip: str
    user_agent: str
    before: JSON
    after: JSON

    @classmethod
    def of(cls, row: AuditRow) -> AuditEntry:
        return cls(
            id=strawberry.ID(str(row.id)), at=row.at, action=row.action, subject_type=row.subject_type, subject_id=row.subject_id,
            actor_user_id=strawberry.ID(str(row.actor_user_id)) if row.actor_user_id else None,
            actor_token_id=strawberry.ID(str(row.actor_token_id)) if row.actor_token_id else None,
            actor_name=row.actor_name, actor_email=row.actor_email, ip=row.ip, user_agent=row.user_agent,
            before=json.loads(row.before or "{}"), after=json.loads(row.after or "{}"),
        )


@strawberry.type
class AuditPage:
    entries: list[AuditEntry]
    total: int = strawberry.field(description="How many entries match, on every page.")


@strawberry.input(description="Every field narrows the search; empty ones are ignored.")
class AuditFilterInput:
    actor: str = strawberry.field(default="", description="Part of the actor's name or email.")
    action: str = ""
    subject_type: str = ""
    subject_id: str = ""
    since: datetime | None = None
    until: datetime | None = strawberry.field(default=None, description="Exclusive.")
    text: str = strawberry.field(default="", description="Anywhere in the entry, before and after included.")

    def to_filter(self) -> service.AuditFilter:
        return service.AuditFilter(
            actor=self.actor, action=self.action, subject_type=self.subject_type, subject_id=self.subject_id, since=self.since,
            until=self.until, text=self.text,
        )


@strawberry.type
class Query:
    @strawberry.field(description="My org's audit log, newest first, a page at a time (admins).")
    async def audit_entries(
        self, info: Info, filter: AuditFilterInput | None = None, offset: int = 0, first: int = 50
    ) -> AuditPage:
        ctx = info.context
        chosen = (filter or AuditFilterInput()).to_filter()
        page = await service.entries(ctx.env, ctx.require_viewer(), chosen, offset=offset, first=first)
        return AuditPage(entries=[AuditEntry.of(r) for r in page.entries], total=page.total)

    @strawberry.field(description="One entry of my org's audit log (admins).")
    async def audit_entry(self, info: Info, id: strawberry.ID) -> AuditEntry:
        ctx = info.context
        return AuditEntry.of(await service.entry(ctx.env, ctx.require_viewer(), int_id(id)))

    @strawberry.field(description="The actions my org's log holds, for a filter's choices (admins).")
    async def audit_actions(self, info: Info) -> list[str]:
        ctx = info.context
        return await service.actions(ctx.env, ctx.require_viewer())
