"""The messages other systems receive: each public type, the domain event it comes from, and its JSON data.

docs/webhooks.md documents every type and payload; ids are strings as the GraphQL API shows them,
amounts decimal strings in the org's currency, times ISO 8601 in UTC.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from podium.celebrations import service as celebrations
from podium.celebrations.events import Celebrated
from podium.compensation.events import StatementApproved
from podium.core.env import Env
from podium.core.events import DomainEvent
from podium.customers.events import CustomerAdded
from podium.pipeline.events import DealLost, DealReversed, DealWon, PaymentRecorded
from podium.rewards.events import RedemptionDecided
from podium.targets.events import TargetSet
from podium.visits.events import VisitVerified


class EventType(StrEnum):
    """Stable public names: receivers switch on them, so they never change once published."""

    DEAL_WON = "deal.won"
    DEAL_LOST = "deal.lost"
    DEAL_REVERSED = "deal.reversed"
    PAYMENT_COLLECTED = "payment.collected"
    PAYMENT_REFUNDED = "payment.refunded"
    VISIT_VERIFIED = "visit.verified"
    CUSTOMER_CREATED = "customer.created"
    TARGET_SAVED = "target.saved"
    STATEMENT_APPROVED = "statement.approved"
    REWARD_DECIDED = "reward.decided"
    BADGE_EARNED = "badge.earned"


# Sent by the "send test event" button only; no endpoint subscribes to it.
TEST_TYPE = "webhook.test"


@dataclass(frozen=True)
class Message:
    type: str
    key: str  # what it is about: one message per key and endpoint
    data: dict[str, Any]
    at: datetime  # when it happened (the envelope's timestamp)


def gid(value: int | None) -> str | None:
    """An id as the GraphQL API shows it."""
    return None if value is None else str(value)


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def when(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _deal(event: DealWon | DealLost | DealReversed) -> dict[str, Any]:
    return {
        "dealId": gid(event.deal), "ownerId": gid(event.owner), "teamId": gid(event.team), "customerId": gid(event.customer),
        "amount": money(event.amount),
    }


async def _won(env: Env, e: DealWon) -> Message:
    return Message(EventType.DEAL_WON, f"deal.won:{e.deal}", {**_deal(e), "closedAt": when(e.closed_at)}, e.closed_at)


async def _lost(env: Env, e: DealLost) -> Message:
    return Message(EventType.DEAL_LOST, f"deal.lost:{e.deal}", {**_deal(e), "closedAt": when(e.closed_at), "reason": e.reason}, e.closed_at)


async def _reversed(env: Env, e: DealReversed) -> Message:
    data = {**_deal(e), "reversedAt": when(e.reversed_at), "reason": e.reason}
    return Message(EventType.DEAL_REVERSED, f"deal.reversed:{e.deal}", data, e.reversed_at)


async def _payment(env: Env, e: PaymentRecorded) -> Message | None:
    if e.payment is None or e.amount is None or e.collected_at is None:
        return None  # stored before payments carried their figures
    base = {"paymentId": gid(e.payment), "orderId": gid(e.order), "dealId": gid(e.deal), "ownerId": gid(e.owner), "teamId": gid(e.team)}
    if e.amount < 0:
        data = {**base, "refundOf": gid(e.refund_of), "amount": money(-e.amount), "refundedAt": when(e.collected_at)}
        return Message(EventType.PAYMENT_REFUNDED, f"payment.refunded:{e.payment}", data, e.collected_at)
    data = {**base, "amount": money(e.amount), "collectedAt": when(e.collected_at)}
    return Message(EventType.PAYMENT_COLLECTED, f"payment.collected:{e.payment}", data, e.collected_at)


async def _visit(env: Env, e: VisitVerified) -> Message:
    data = {"visitId": gid(e.visit), "userId": gid(e.user), "teamId": gid(e.team), "customerId": gid(e.customer), "occurredAt": when(e.occurred_at)}
    return Message(EventType.VISIT_VERIFIED, f"visit.verified:{e.visit}", data, e.occurred_at or env.clock())


async def _customer(env: Env, e: CustomerAdded) -> Message:
    data = {"customerId": gid(e.customer), "createdById": gid(e.user), "teamId": gid(e.team)}
    return Message(EventType.CUSTOMER_CREATED, f"customer.created:{e.customer}", data, env.clock())


async def _target(env: Env, e: TargetSet) -> Message:
    data = {
        "targetId": gid(e.target), "version": e.version, "node": {"kind": e.node_kind, "id": gid(e.node)}, "period": e.period,
        "metric": e.metric, "amount": money(e.amount), "basis": e.basis, "setById": gid(e.by), "setAt": when(e.at),
    }
    return Message(EventType.TARGET_SAVED, f"target.saved:{e.target}:{e.version}", data, e.at)


async def _statement(env: Env, e: StatementApproved) -> Message:
    data = {
        "statementId": gid(e.statement), "userId": gid(e.user), "period": e.period, "earned": money(e.earned), "payable": money(e.payable),
        "approvedById": gid(e.approved_by), "approvedAt": when(e.approved_at),
    }
    return Message(EventType.STATEMENT_APPROVED, f"statement.approved:{e.statement}", data, e.approved_at)


async def _reward(env: Env, e: RedemptionDecided) -> Message:
    data = {
        "redemptionId": gid(e.redemption), "userId": gid(e.user), "approved": e.approved, "reward": e.reward, "quantity": e.quantity,
        "points": e.points, "note": e.note, "decidedBy": e.decider,
    }
    return Message(EventType.REWARD_DECIDED, f"reward.decided:{e.redemption}", data, env.clock())


async def _badge(env: Env, e: Celebrated) -> Message | None:
    if e.of_kind != celebrations.Kind.BADGE.value:
        return None
    views = await celebrations.load(env, e.org_id, [e.id])
    if not views:
        return None
    view = views[0]
    # A built-in badge is named by its key (first_deal, …); an admin's badge by the name it was given.
    data = {"userId": gid(view.user.id), "badge": view.subject, "earnedAt": when(view.created_at), "celebrationId": gid(view.id)}
    return Message(EventType.BADGE_EARNED, f"badge.earned:{view.id}", data, view.created_at)


Describe = Callable[[Env, Any], Awaitable[Message | None]]

# Domain event → its message; app.py subscribes the webhooks handler to exactly these.
SOURCES: dict[type[DomainEvent], Describe] = {
    DealWon: _won,
    DealLost: _lost,
    DealReversed: _reversed,
    PaymentRecorded: _payment,
    VisitVerified: _visit,
    CustomerAdded: _customer,
    TargetSet: _target,
    StatementApproved: _statement,
    RedemptionDecided: _reward,
    Celebrated: _badge,
}


async def describe(env: Env, event: DomainEvent) -> Message | None:
    """The message an event makes, or None (a celebration that is not a badge, a payment stored without figures)."""
    source = SOURCES.get(type(event))
    return await source(env, event) if source is not None else None
