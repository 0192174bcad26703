"""What the visits capability announces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class VisitVerified(DomainEvent):
    """A visit that counts (verified on arrival, or approved): its points are in the same transaction."""

    name = "visit"
    user: int
    team: int | None
    visit: int
    # For outbound webhooks (None in events stored before they were added).
    customer: int | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class VisitChanged(DomainEvent):
    """Anything else about a person's visits: a doubtful check-in, a check-out, a photo, a rejection."""

    name = "visit_changed"
    user: int
    # The visit that changed (None in events stored before it was added): its day is what the rollups re-derive.
    visit: int | None = None


@dataclass(frozen=True)
class VisitReviewed(DomainEvent):
    """A manager decided on a flagged visit: the person hears of it."""

    name = "visit_reviewed"
    live = False
    user: int
    visit: int
    approved: bool
    reviewer: str
    customer: str
    note: str
