"""Open deals follow their people and their customers: a deactivated person's open deals go to their successor, and
a customer given to another owner takes along the open deals its former owner held on it. Won, lost and reversed
deals keep their owner (history)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from podium.core.env import Env
from podium.core.events import Tx, transaction
from podium.customers.events import CustomersReassigned
from podium.orgs import service as orgs
from podium.orgs.events import PersonDeactivated
from podium.pipeline.events import DealChanged
from podium.pipeline.models import Deal, DealChange
from podium.pipeline.service import Outcome


async def _hand_over(tx: Tx, env: Env, org_id: int, to: int, by: int | None, *which: ColumnElement[bool]) -> None:
    """Each open deal of the org matching `which` moves to `to` and their unit, as a versioned change (a phone holding
    the old version gets CONFLICT on ownerId). Nothing moves to someone who is not in the org."""
    session = tx.session
    successor = await orgs.user_in_org(session, org_id, to)
    if successor is None:
        return
    now = env.clock()
    deals = await session.scalars(
        select(Deal).where(Deal.org_id == org_id, Deal.status == Outcome.OPEN.value, *which).order_by(Deal.id).with_for_update()
    )
    for deal in deals:
        deal.owner_id, deal.team_id = successor.id, successor.team_id
        deal.version += 1
        deal.updated_at = now
        session.add(DealChange(deal_id=deal.id, version=deal.version, fields="ownerId", changed_by=by or None, changed_at=now))
        tx.record(DealChanged(org_id=deal.org_id, id=deal.id, status=deal.status, owner=deal.owner_id, team=deal.team_id))


async def on_person_deactivated(env: Env, event: PersonDeactivated) -> None:
    """Handler: each open deal still owned by the person moves to the successor. A rerun finds nothing left to move."""
    async with transaction(env.db) as tx:
        await _hand_over(tx, env, event.org_id, event.successor, event.by, Deal.owner_id == event.user)


async def on_customers_reassigned(env: Env, event: CustomersReassigned) -> None:
    """Handler: the open deals a reassigned customer's former owner held on it go to the new owner. Open deals someone
    else holds on the customer were given to them on purpose and stay; a customer that had no owner moves none.
    A rerun finds nothing left to move."""
    by_former: dict[int, list[int]] = {}
    for customer, former in event.previous.items():
        if former is not None and former != event.owner:
            by_former.setdefault(former, []).append(int(customer))
    if not by_former:
        return
    async with transaction(env.db) as tx:
        for former, customers in sorted(by_former.items()):
            await _hand_over(
                tx, env, event.org_id, event.owner, event.user, Deal.owner_id == former, Deal.customer_id.in_(customers)
            )
