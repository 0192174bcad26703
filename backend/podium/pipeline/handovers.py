"""A deactivated person's open deals go to their successor: won, lost and reversed deals keep their owner (history)."""

from __future__ import annotations

from sqlalchemy import select

from podium.core.env import Env
from podium.core.events import transaction
from podium.orgs import service as orgs
from podium.orgs.events import PersonDeactivated
from podium.pipeline.events import DealChanged
from podium.pipeline.models import Deal, DealChange
from podium.pipeline.service import Outcome


async def on_person_deactivated(env: Env, event: PersonDeactivated) -> None:
    """Handler: each open deal still owned by the person moves to the successor and their unit, as a versioned change
    (a phone holding the old version gets CONFLICT on ownerId). A rerun finds nothing left to move."""
    async with transaction(env.db) as tx:
        session = tx.session
        successor = await orgs.user_in_org(session, event.org_id, event.successor)
        if successor is None:
            return
        now = env.clock()
        deals = await session.scalars(
            select(Deal).where(Deal.org_id == event.org_id, Deal.owner_id == event.user, Deal.status == Outcome.OPEN.value).with_for_update()
        )
        for deal in deals:
            deal.owner_id, deal.team_id = successor.id, successor.team_id
            deal.version += 1
            deal.updated_at = now
            session.add(DealChange(deal_id=deal.id, version=deal.version, fields="ownerId", changed_by=event.by or None, changed_at=now))
            tx.record(DealChanged(org_id=deal.org_id, id=deal.id, status=deal.status, owner=deal.owner_id, team=deal.team_id))
