"""Approving many statements in one request (the review table's "Approve N").

Each statement is approved on its own, through `service.approve`, in its own transaction: one
that is disputed, moved since the reviewer looked, or out of reach is answered with its own
typed error while the others lock. All-or-nothing was rejected: one rep's open dispute would
hold the whole team's pay. `approve`'s handling of two reviewers racing holds for each one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from podium.compensation import policies
from podium.compensation.models import Statement
from podium.compensation.service import StatementView, _book, approve, check_period, shift
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.policies import Viewer

MAX_APPROVALS = 100


@dataclass(frozen=True)
class Approval:
    user_id: int
    expected_payable: Decimal | None = None


@dataclass(frozen=True)
class Approved:
    user_id: int
    view: StatementView | None
    error: DomainError | None


async def approve_many(env: Env, viewer: Viewer, period: str, items: Sequence[Approval]) -> list[Approved]:
    """Each statement's own outcome, in the order asked; a person named twice is approved once."""
    check_period("period", period)
    if not policies.may_review(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    problems = Problems()
    if not items:
        problems.add(ErrorCode.REQUIRED, "items")
    elif len(items) > MAX_APPROVALS:
        problems.add(ErrorCode.TOO_MANY, "items", max=MAX_APPROVALS)
    problems.raise_if_any()
    results: list[Approved] = []
    seen: set[int] = set()
    for item in items:
        if item.user_id in seen:
            continue
        seen.add(item.user_id)
        try:
            view = await approve(env, viewer, item.user_id, period, item.expected_payable)
        except DomainError as exc:
            results.append(Approved(item.user_id, None, exc))
        else:
            results.append(Approved(item.user_id, view, None))
    return results


@dataclass(frozen=True)
class Awaiting:
    period: str  # last month: the latest one that can be approved
    count: int  # statements I may approve there that nobody has yet


async def awaiting(env: Env, viewer: Viewer) -> Awaiting | None:
    """Last month's statements waiting for me (a home's "approvals waiting"); None for someone who approves nothing."""
    if not policies.may_review(viewer):
        return None
    async with env.db() as session:
        book, reach = await _book(env, session, viewer)
        period = shift(book.org.current, -1)
        members = book.org.tree.members
        payees = {u for u in await book.on_plan(period) if u in members and reach.sees_user(u) and policies.may_approve(viewer, u)}
        approved = set(await session.scalars(select(Statement.user_id).where(Statement.org_id == viewer.org_id, Statement.period == period)))
    return Awaiting(period, len(payees - approved))
