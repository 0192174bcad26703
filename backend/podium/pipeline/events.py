"""What the pipeline capability announces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class DealChanged(DomainEvent):
    """A deal was created, edited, moved, won, lost or reversed; `status` is where it is now."""

    name = "deal"
    id: int
    status: str
    owner: int
    team: int | None


@dataclass(frozen=True)
class DealWon(DomainEvent):
    """Recorded before the deal's DealChanged, so revenue boards have moved when live screens re-read."""

    name = "deal_won"
    live = False
    deal: int
    owner: int
    team: int | None
    amount: Decimal
    closed_at: datetime
    customer: int | None


@dataclass(frozen=True)
class DealLost(DomainEvent):
    """A deal moved to a lost stage (its DealChanged follows, for live screens)."""

    name = "deal_lost"
    live = False
    deal: int
    owner: int
    team: int | None
    amount: Decimal
    closed_at: datetime
    customer: int | None
    reason: str


@dataclass(frozen=True)
class DealReversed(DomainEvent):
    """A won deal undone (a cancelled contract): it stops counting as revenue."""

    name = "deal_reversed"
    live = False
    deal: int
    owner: int
    team: int | None
    amount: Decimal
    reversed_at: datetime
    customer: int | None
    reason: str


@dataclass(frozen=True)
class PaymentRecorded(DomainEvent):
    """Money collected on a deal (a negative amount is a refund)."""

    name = "payment"
    deal: int
    owner: int
    team: int | None
    # For outbound webhooks (None in events stored before they were added); a refund's amount is negative.
    payment: int | None = None
    order: int | None = None
    amount: Decimal | None = None
    collected_at: datetime | None = None
    refund_of: int | None = None


@dataclass(frozen=True)
class OrderRecorded(DomainEvent):
    """An order against a won deal: the customer's buying rhythm (accounts' figures) follows it."""

    name = "order"
    live = False
    order: int
    deal: int


@dataclass(frozen=True)
class ActivityLogged(DomainEvent):
    name = "activity"
    user: int
    team: int | None
    deal: int | None
    # None in events stored before it was added.
    activity: int | None = None


@dataclass(frozen=True)
class StagesChanged(DomainEvent):
    name = "stages"


@dataclass(frozen=True)
class ProductCreated(DomainEvent):
    name = "product_created"
    product: int
    sku: str
    by: int


@dataclass(frozen=True)
class ProductChanged(DomainEvent):
    """Edited, deactivated or reactivated; `fields` names what changed (GraphQL names)."""

    name = "product_changed"
    product: int
    fields: tuple[str, ...]
    by: int


@dataclass(frozen=True)
class DealsReassigned(DomainEvent):
    """Open deals given to another owner in one step (a manager's bulk reassign); `previous` pairs with `deals`."""

    name = "deals_reassigned"
    deals: tuple[int, ...]
    previous: tuple[int, ...]
    owner: int
    by: int
