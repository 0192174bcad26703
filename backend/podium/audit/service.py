"""The audit log: a handler writes one entry per audit-worthy event; admins search it; the sweep prunes past the keep."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from podium.audit.catalog import audited, dumps, split
from podium.audit.models import AuditEntry
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import DomainEvent, Provenance
from podium.core.outbox import handling
from podium.core.policies import Viewer
from podium.db.like import LIKE_ESCAPE, contains
from podium.db.session import WRITE_OPTION

log = logging.getLogger(__name__)

MAX_PAGE = 200
TEXT_MAX = 200


def audits(name: str) -> bool:
    """Whether events of this name may be audited (a points event only when it is a manual adjustment)."""
    return audited(name, {"rule": "adjustment"}) is not None


async def on_event(env: Env, event: DomainEvent) -> None:
    """Append the event's entry, with who made the change and from where; once per stored event."""
    meta = handling()
    payload = json.loads(event.payload())
    subject = audited(event.name, payload)
    if meta is None or subject is None:
        return
    who = Provenance.read(meta.actor) or Provenance()
    before, after = split(payload)
    async with env.db() as session:
        await session.connection(execution_options={WRITE_OPTION: True})
        if await session.scalar(select(AuditEntry.id).where(AuditEntry.event_id == meta.id)) is not None:
            return
        session.add(
            AuditEntry(
                org_id=event.org_id, event_id=meta.id, at=meta.created_at, action=event.name, subject_type=subject[0],
                subject_id=subject[1][:64], actor_user_id=who.user_id, actor_token_id=who.token_id, actor_name=who.name[:200],
                actor_email=who.email[:320], ip=who.ip[:64], user_agent=who.user_agent[:400], before=dumps(before), after=dumps(after),
            )
        )
        try:
            await session.commit()
        except IntegrityError:  # another instance wrote it first
            await session.rollback()


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # matched in the actor's name or email
    action: str = ""
    subject_type: str = ""
    subject_id: str = ""
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""  # anywhere: actor, action, subject, address, user agent, before, after


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int


def _require_admin(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)


def _conditions(org_id: int, f: AuditFilter) -> list[ColumnElement[bool]]:
    problems = Problems()
    for field, value in (("actor", f.actor), ("action", f.action), ("subjectType", f.subject_type), ("subjectId", f.subject_id), ("text", f.text)):
        if len(value) > TEXT_MAX:
            problems.add(ErrorCode.TOO_LONG, field, max=TEXT_MAX)
    if f.since and f.until and f.since > f.until:
        problems.add(ErrorCode.INVALID, "until")
    problems.raise_if_any()
    where: list[ColumnElement[bool]] = [AuditEntry.org_id == org_id]
    if actor := f.actor.strip().lower():
        pattern = contains(actor)
        where.append(or_(func.lower(AuditEntry.actor_name).like(pattern, escape=LIKE_ESCAPE), AuditEntry.actor_email.like(pattern, escape=LIKE_ESCAPE)))
    if f.action.strip():
        where.append(AuditEntry.action == f.action.strip())
    if f.subject_type.strip():
        where.append(AuditEntry.subject_type == f.subject_type.strip())
    if f.subject_id.strip():
        where.append(AuditEntry.subject_id == f.subject_id.strip())
    if f.since is not None:
        where.append(AuditEntry.at >= f.since)
    if f.until is not None:
        where.append(AuditEntry.at < f.until)
    if text := f.text.strip().lower():
        pattern = contains(text)
        columns = (AuditEntry.actor_name, AuditEntry.actor_email, AuditEntry.action, AuditEntry.subject_type, AuditEntry.subject_id,
                   AuditEntry.ip, AuditEntry.user_agent, AuditEntry.before, AuditEntry.after)
        where.append(or_(*(func.lower(c).like(pattern, escape=LIKE_ESCAPE) for c in columns)))
    return where


async def entries(env: Env, viewer: Viewer, f: AuditFilter, *, offset: int = 0, first: int = 50) -> AuditPage:
    """The org's entries matching `f`, newest first, one page of them and how many match (admins)."""
    _require_admin(viewer)
    if not 1 <= first <= MAX_PAGE:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_PAGE)
    if offset < 0:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "offset", min=0)
    where = _conditions(viewer.org_id, f)
    async with env.db() as session:
        total = await session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
        rows = (await session.scalars(select(AuditEntry).where(*where).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(first))).all()
    return AuditPage(list(rows), int(total))


async def each_entry(env: Env, viewer: Viewer, f: AuditFilter, batch: int = 1000) -> AsyncIterator[AuditEntry]:
    """Every matching entry, newest first, read in batches (exports)."""
    _require_admin(viewer)
    where = _conditions(viewer.org_id, f)
    last: tuple[datetime, int] | None = None
    while True:
        query = select(AuditEntry).where(*where)
        if last is not None:
            query = query.where(or_(AuditEntry.at < last[0], (AuditEntry.at == last[0]) & (AuditEntry.id < last[1])))
        async with env.db() as session:
            rows = (await session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(batch))).all()
        for row in rows:
            yield row
        if len(rows) < batch:
            return
        last = (rows[-1].at, rows[-1].id)


async def entry(env: Env, viewer: Viewer, entry_id: int) -> AuditEntry:
    _require_admin(viewer)
    async with env.db() as session:
        row = await session.get(AuditEntry, entry_id)
    if row is None or row.org_id != viewer.org_id:
        raise DomainError.one(ErrorCode.NOT_FOUND, "id")
    return row


async def actions(env: Env, viewer: Viewer) -> list[str]:
    """The actions the org's log holds, for the filter's choices."""
    _require_admin(viewer)
    async with env.db() as session:
        return list((await session.scalars(select(AuditEntry.action).where(AuditEntry.org_id == viewer.org_id).distinct().order_by(AuditEntry.action))).all())


async def prune(env: Env) -> int:
    """The only DELETE the log ever sees: entries older than the keep (at least two years)."""
    keep = max(730, env.settings.audit.keep_days)
    async with env.db() as session:
        await session.connection(execution_options={WRITE_OPTION: True})
        result = await session.execute(delete(AuditEntry).where(AuditEntry.at < env.clock() - timedelta(days=keep)))
        await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
