"""What the celebrations capability announces."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class Celebrated(DomainEvent):
    """A celebration was stored (once): live screens show it, the person's phone and the org's robots hear of it."""

    name = "celebration"
    id: int
    user: int
    # overtake, milestone, deal_won, badge or contest (not `kind`: that is the live message's own field).
    of_kind: str
    open_url: str
