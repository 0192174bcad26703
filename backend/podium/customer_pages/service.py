"""A customer as a whole: its figures kept on the customer row, merging duplicates, and its page.

customers sits below visits and the pipeline, so it cannot read them; accounts sits above both and assembles
from their services (docs/architecture.md, "Customers").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.policies import Viewer
from podium.customers import manage, policies
from podium.customers.events import CustomersMerged
from podium.customers.manage import Customer, CustomerContact  # rows returned by its service, to read
from podium.orgs import service as orgs
from podium.pipeline import customers as pipeline
from podium.pipeline.events import DealChanged, OrderRecorded
from podium.visits import customers as visits
from podium.visits.events import VisitVerified

# ---------------------------------------------------------------- figures on the customer row


async def refresh(session: AsyncSession, env: Env, customer_ids: list[int]) -> None:
    """Recompute these customers' figures from visits and the pipeline (absolute: safe to run again)."""
    await manage.set_figures(session, env, await _figures(session, customer_ids))


async def _figures(session: AsyncSession, customer_ids: list[int]) -> dict[int, manage.Figures]:
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    last = await visits.last_counted(session, ids)
    sums = await pipeline.sums(session, ids)
    return {
        i: manage.Figures(last.get(i), sums[i].last_order_at, sums[i].order_interval_days, sums[i].open_pipeline, sums[i].lifetime_revenue)
        for i in ids
    }


async def _refresh_one(env: Env, customer_id: int | None) -> None:
    if customer_id is None:
        return
    async with transaction(env.db) as tx:
        await refresh(tx.session, env, [customer_id])


async def on_visit_verified(env: Env, event: VisitVerified) -> None:
    """Handler: the customer's last visit moves."""
    async with env.db() as session:
        customer_id = await visits.customer_of(session, event.visit)
    await _refresh_one(env, customer_id)


async def on_deal_changed(env: Env, event: DealChanged) -> None:
    """Handler: open pipeline and lifetime revenue follow every create, edit, move, win, loss and reversal."""
    async with env.db() as session:
        customer_id = await pipeline.customer_of_deal(session, event.id)
    await _refresh_one(env, customer_id)


async def on_order_recorded(env: Env, event: OrderRecorded) -> None:
    """Handler: the last order and the buying interval move."""
    async with env.db() as session:
        customer_id = await pipeline.customer_of_deal(session, event.deal)
    await _refresh_one(env, customer_id)


async def on_customers_merged(env: Env, event: CustomersMerged) -> None:
    """Handler: a retry of the merge's own refresh, should a crash have come between (absolute, so harmless)."""
    async with transaction(env.db) as tx:
        await refresh(tx.session, env, [event.survivor, *event.merged])


async def refresh_org(env: Env, org_id: int) -> int:
    """Every customer's figures of an org from the ledgers (`podium rebuild`, the demo)."""
    async with env.db() as session:
        ids = await manage.ids_of_org(session, org_id)
    # Plain rows, and only the customers whose figures moved are written (after an import, most have none yet).
    for start in range(0, len(ids), 900):
        async with transaction(env.db) as tx:
            await manage.store_figures(tx.session, env, await _figures(tx.session, ids[start:start + 900]))
    return len(ids)


# ---------------------------------------------------------------- merging duplicates


@dataclass(frozen=True)
class Merged:
    survivor: Customer
    merged: list[int]
    visits: int
    deals: int
    activities: int


async def merge(env: Env, viewer: Viewer, survivor_id: int, merged_ids: list[int]) -> Merged:
    """Fold duplicates into a survivor in ONE transaction: tombstones and contacts (customers), visits (visits),
    deals with their orders and payments, and activities (pipeline), then the survivor's figures. Nothing is
    deleted; a retry finds every duplicate merged already and changes nothing."""
    async with transaction(env.db) as tx:
        folded = await manage.fold(tx, env, viewer, survivor_id, merged_ids)
        moved_visits = moved_deals = moved_activities = 0
        if folded.merged:
            moved_visits = await visits.move(tx.session, folded.merged, folded.survivor.id)
            moved_deals, moved_activities = await pipeline.move(tx.session, folded.merged, folded.survivor.id)
            await refresh(tx.session, env, [folded.survivor.id, *folded.merged])
    return Merged(folded.survivor, folded.merged, moved_visits, moved_deals, moved_activities)


# ---------------------------------------------------------------- the customer's page

MAX_TIMELINE_PAGE = 50
MAX_TIMELINE_OFFSET = 1000


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # visit, deal_created, deal_won, deal_lost, order, payment, activity
    at: datetime
    id: int
    user_id: int
    user_name: str
    deal_id: int | None
    title: str
    amount: Decimal | None
    detail: str


@dataclass(frozen=True)
class AccountPage:
    customer: Customer
    owner_name: str | None
    contacts: list[CustomerContact]
    open_deals: list[pipeline.OpenDeal]
    at_risk: bool
    timeline: list[TimelineItem]
    timeline_more: bool


async def page(env: Env, viewer: Viewer, customer_id: int, *, offset: int = 0, first: int = 20) -> AccountPage:
    """The customer's page; a merged customer's id opens its survivor's. Reps: their own; managers: their subtree;
    admins: the org; anything else NOT_FOUND."""
    problems = Problems()
    if not 1 <= first <= MAX_TIMELINE_PAGE:
        problems.add(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_TIMELINE_PAGE)
    if not 0 <= offset <= MAX_TIMELINE_OFFSET:
        problems.add(ErrorCode.OUT_OF_RANGE, "offset", min=0, max=MAX_TIMELINE_OFFSET)
    problems.raise_if_any()
    async with env.db() as session:
        customer = await manage.resolve(session, viewer.org_id, customer_id)
        if customer is None or viewer.is_display or not policies.sees(viewer, await policies.reach(session, viewer), customer):
            raise DomainError.one(ErrorCode.NOT_FOUND, "id")
        contacts = await manage.contacts_of(session, customer.id)
        open_deals = await pipeline.open_deals(session, customer.id)
        want = offset + first + 1
        items: list[tuple[str, datetime, int, int, int | None, str, Decimal | None, str]] = [
            ("visit", v.at, v.id, v.user_id, None, v.status, None, v.note) for v in await visits.newest(session, customer.id, want)
        ]
        items += [(e.kind, e.at, e.id, e.user_id, e.deal_id, e.title, e.amount, e.detail) for e in await pipeline.newest(session, customer.id, want)]
        items.sort(key=lambda i: (i[1], i[0], i[2]), reverse=True)
        window = items[offset:offset + first + 1]
        people = await orgs.people_named(session, {i[3] for i in window} | ({customer.owner_id} if customer.owner_id else set()))
    timeline = [
        TimelineItem(kind=kind, at=at, id=item_id, user_id=uid, user_name=people[uid].name if uid in people else "",
                     deal_id=deal_id, title=title, amount=amount, detail=detail)
        for kind, at, item_id, uid, deal_id, title, amount, detail in window[:first]
    ]
    owner = people.get(customer.owner_id) if customer.owner_id else None
    now = env.clock()
    risky = customer.at_risk_from is None or customer.at_risk_from <= now
    return AccountPage(customer, owner.name if owner else None, contacts, open_deals, risky, timeline, len(window) > first)

