"""A customer changing hands takes along the open deals its former owner held on it (pipeline.handovers handling
customers' CustomersReassigned); deals someone else holds on it, closed deals and other customers' deals stay."""

from __future__ import annotations

from sqlalchemy import select

from podium.core.models import EventRow
from podium.customers.events import CustomersReassigned
from podium.pipeline import handovers
from podium.pipeline.models import Deal, DealChange
from tests.conftest import Server
from tests.customers.helpers import REASSIGN, create
from tests.pipeline.test_deals import login, move, open_deal, stage_ids
from tests.support import GraphQLClient, World


async def _owners(server: Server, deal_ids: list[int]) -> dict[int, tuple[int, int]]:
    async with server.runtime.env.db() as session:
        rows = await session.execute(select(Deal.id, Deal.owner_id, Deal.version).where(Deal.id.in_(deal_ids)))
        return {deal_id: (owner, version) for deal_id, owner, version in rows}


async def test_reassigning_a_customer_takes_its_former_owners_open_deals_along(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.manager.email) as manager:
        mine = await create(manager, "Handover Co", ownerId=str(world.rep.id))
        other = await create(manager, "Stays Co", ownerId=str(world.rep.id))
        going = await open_deal(rep, world, customerId=mine["id"], amount="5000")
        won = await open_deal(rep, world, customerId=mine["id"], amount="9000")
        assert (await move(rep, won, (await stage_ids(rep))["won"], reason="Signed"))["deal"]["status"] == "WON"
        managers = await open_deal(manager, world, customerId=mine["id"], amount="700")  # someone else's, on purpose
        elsewhere = await open_deal(rep, world, customerId=other["id"], amount="300")

        done = (await manager.data(REASSIGN, {"ids": [mine["id"]], "owner": str(world.rep2.id)}))["reassignCustomers"]
        assert done["__typename"] == "ReassignSuccess", done

    ids = [int(d["id"]) for d in (going, won, managers, elsewhere)]  # type: ignore[call-overload]
    after = await _owners(server, ids)
    assert {deal_id: owner for deal_id, (owner, _) in after.items()} == {
        ids[0]: world.rep2.id, ids[1]: world.rep.id, ids[2]: world.manager.id, ids[3]: world.rep.id,
    }
    # A versioned change, by the manager who reassigned: a phone holding the old version gets CONFLICT on ownerId.
    async with server.runtime.env.db() as session:
        change = (await session.scalars(select(DealChange).where(DealChange.deal_id == ids[0]).order_by(DealChange.version.desc()))).first()
        assert change is not None and (change.fields, change.changed_by, change.version) == ("ownerId", world.manager.id, after[ids[0]][1])
        (payload,) = await session.scalars(select(EventRow.payload).where(EventRow.org_id == world.org_id, EventRow.name == "customers_reassigned"))

    # Idempotent: the stored event handled again (a crash after the effect) moves nothing and bumps no version.
    event = CustomersReassigned(org_id=world.org_id, user=world.manager.id, owner=world.rep2.id, customers=(int(mine["id"]),),
                                previous={str(mine["id"]): world.rep.id})
    assert f'"owner":{world.rep2.id}' in payload
    for _ in range(2):
        await handovers.on_customers_reassigned(server.runtime.env, event)
    assert await _owners(server, ids) == after
    # Its new owner, a rep, reads it now.
    async with await login(server, world.rep2.email) as rep2:
        assert (await rep2.data("query D($id: ID!) { deal(id: $id) { deal { id } } }", {"id": str(ids[0])}))["deal"]["deal"]["id"] == str(ids[0])
