"""The open pool (公海): customers without an owner. Managers assign from it (manage.reassign); reps claim from it.

Who sees it: everyone of the org but a TV lists the pool (listing.ListQuery.pool), read-only for a rep, so they
know what they may claim; a manager or an admin may also edit and assign a pool customer (policies.sees).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.events import transaction
from podium.core.policies import Viewer
from podium.customers import policies
from podium.customers.events import CustomerClaimed
from podium.customers.models import Customer, PoolSettings
from podium.orgs import service as orgs

MAX_OWNED_LIMIT = 100_000


@dataclass(frozen=True)
class PoolRules:
    claims_allowed: bool = True
    max_owned: int | None = None


async def rules(env: Env, viewer: Viewer) -> PoolRules:
    """The org's pool rules (the defaults until an admin changes them)."""
    if viewer.is_display:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    async with env.db() as session:
        row = await session.get(PoolSettings, viewer.org_id)
    return PoolRules(row.claims_allowed, row.max_owned) if row is not None else PoolRules()


async def set_rules(env: Env, viewer: Viewer, new: PoolRules) -> PoolRules:
    """An admin's choice: whether reps may claim, and how many customers one may own for a claim to go through."""
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    if new.max_owned is not None and not 1 <= new.max_owned <= MAX_OWNED_LIMIT:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "maxOwned", min=1, max=MAX_OWNED_LIMIT)
    async with transaction(env.db) as tx:
        row = await tx.session.get(PoolSettings, viewer.org_id)
        if row is None:
            row = PoolSettings(org_id=viewer.org_id)
            tx.session.add(row)
        row.claims_allowed, row.max_owned, row.updated_at = new.claims_allowed, new.max_owned, env.clock()
    return new


async def claim(env: Env, viewer: Viewer, customer_id: int) -> Customer:
    """Take a pool customer as one's own. Of two claims at once exactly one wins; the other gets CONFLICT."""
    if not policies.sees_pool(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN, "customerId")
    async with transaction(env.db) as tx:
        session = tx.session
        # One person's claims in a row: the limit below counts what they own, and their own claims must not race it.
        await orgs.lock_user(session, viewer.user_id)
        customer = await session.get(Customer, customer_id)
        if customer is None or customer.org_id != viewer.org_id or customer.merged_into_id is not None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "customerId")
        settings = await session.get(PoolSettings, viewer.org_id)
        if settings is not None and not settings.claims_allowed and not viewer.is_manager_or_admin:
            raise DomainError.one(ErrorCode.FORBIDDEN, "customerId")
        if settings is not None and settings.max_owned is not None:
            owned = await session.scalar(
                select(func.count()).select_from(Customer)
                .where(Customer.org_id == viewer.org_id, Customer.owner_id == viewer.user_id, Customer.merged_into_id.is_(None))
            )
            if int(owned or 0) >= settings.max_owned:
                raise DomainError.one(ErrorCode.TOO_MANY, "customerId", max=settings.max_owned)
        now = env.clock()
        # The condition is the arbiter: whoever's UPDATE finds the owner still empty wins, on either database.
        won = await session.execute(
            update(Customer)
            .where(Customer.id == customer_id, Customer.owner_id.is_(None), Customer.merged_into_id.is_(None))
            .values(owner_id=viewer.user_id, updated_at=now)
        )
        if not won.rowcount:  # type: ignore[attr-defined]
            raise DomainError.one(ErrorCode.CONFLICT, "customerId")
        tx.record(CustomerClaimed(org_id=viewer.org_id, user=viewer.user_id, team=viewer.team_id, customer=customer_id))
        await session.refresh(customer)
    return customer
