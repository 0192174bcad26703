"""Merging duplicates keeps every visit, deal, order, payment and activity exactly once; a customer's page and who sees it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from podium.customers.models import Customer, CustomerContact
from podium.pipeline.models import Activity, Deal, Order, Payment
from podium.visits.models import Visit
from tests.customers.helpers import ADD_CONTACT, EDIT_CONTACT, MERGE, PAGE, REMOVE_CONTACT, codes, create, names
from tests.pipeline.test_deals import ACTIVITY, ORDER, PAYMENT, login, move, open_deal, order_input, payment_input, stage_ids
from tests.support import GraphQLClient, World, visit_input


async def _busy_customer(rep: GraphQLClient, world: World, name: str, amount: str) -> dict[str, object]:
    """A customer with a verified visit, a won deal with an order and a payment, an open deal and an activity."""
    customer = await create(rep, name, position={"latitude": world.customer_position[0], "longitude": world.customer_position[1]})
    visit = await rep.log_visit(world, customerId=customer["id"], clientId=str(uuid.uuid4()))
    assert visit["__typename"] == "CheckInSuccess", visit
    stages = await stage_ids(rep)
    won = await open_deal(rep, world, customerId=customer["id"], amount=amount, title=f"{name} won")
    await move(rep, won, stages["won"], reason="Signed")
    order = (await rep.data(ORDER, {"input": order_input(won, amount)}))["recordOrder"]
    await rep.data(PAYMENT, {"input": payment_input(order["order"]["id"], "100.00")})
    await open_deal(rep, world, customerId=customer["id"], amount="50.00", title=f"{name} open")
    activity = {"clientId": str(uuid.uuid4()), "kind": "CALL", "outcome": "POSITIVE", "occurredAt": datetime.now(UTC).isoformat(),
                "customerId": customer["id"], "note": "called"}
    assert (await rep.data(ACTIVITY, {"input": activity}))["logActivity"]["__typename"] == "ActivitySuccess"
    await rep.data(ADD_CONTACT, {"customer": customer["id"], "input": {"name": f"{name} buyer", "phone": "+86 138 0000 0000"}})
    return customer


async def _totals(server, org_id: int) -> dict[str, tuple[int, Decimal]]:  # type: ignore[no-untyped-def]
    async with server.runtime.env.db() as s:
        def pair(row: tuple[object, object]) -> tuple[int, Decimal]:
            return int(row[0]), Decimal(str(row[1] or 0))
        return {
            "visits": pair((await s.execute(select(func.count(), func.count(Visit.id)).where(Visit.org_id == org_id))).one()),
            "deals": pair((await s.execute(select(func.count(), func.sum(Deal.amount)).where(Deal.org_id == org_id))).one()),
            "orders": pair((await s.execute(select(func.count(), func.sum(Order.amount)).where(Order.org_id == org_id))).one()),
            "payments": pair((await s.execute(select(func.count(), func.sum(Payment.amount)).where(Payment.org_id == org_id))).one()),
            "activities": pair((await s.execute(select(func.count(), func.count(Activity.id)).where(Activity.org_id == org_id))).one()),
            "contacts": pair((await s.execute(select(func.count(), func.count(CustomerContact.id)).where(CustomerContact.org_id == org_id))).one()),
            "customers": pair((await s.execute(select(func.count(), func.count(Customer.id)).where(Customer.org_id == org_id))).one()),
        }


async def test_merging_keeps_every_visit_deal_and_payment_exactly_once_and_a_retry_changes_nothing(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    survivor = await _busy_customer(rep, world, "Dup One", "1000.00")
    duplicate = await _busy_customer(rep, world, "Dup Two", "2000.00")
    before = await _totals(server, world.org_id)

    async with await login(server, world.manager.email) as manager:
        merged = (await manager.data(MERGE, {"survivor": survivor["id"], "merged": [duplicate["id"]]}))["mergeCustomers"]
        after_first = await _totals(server, world.org_id)
        again = (await manager.data(MERGE, {"survivor": survivor["id"], "merged": [duplicate["id"]]}))["mergeCustomers"]
        listed = await names(manager)
        page = (await manager.data(PAGE, {"id": duplicate["id"], "first": 50}))["customerPage"]  # the old link
        into_self = (await manager.data(MERGE, {"survivor": survivor["id"], "merged": [survivor["id"]]}))["mergeCustomers"]
        foreign = (await manager.data(MERGE, {"survivor": survivor["id"], "merged": [str(world.other_org_customer_id)]}))["mergeCustomers"]
    by_rep = (await rep.data(MERGE, {"survivor": survivor["id"], "merged": [duplicate["id"]]}))["mergeCustomers"]

    assert merged["__typename"] == "MergeSuccess" and merged["mergedIds"] == [duplicate["id"]]
    assert (merged["visitsMoved"], merged["dealsMoved"], merged["activitiesMoved"]) == (1, 2, 1)
    assert after_first == before == await _totals(server, world.org_id)  # counts and sums: nothing lost, nothing doubled
    assert again["__typename"] == "MergeSuccess" and again["mergedIds"] == [] and again["dealsMoved"] == 0
    assert listed == ["Dup One"]  # the duplicate is a tombstone, not a customer of the list
    customer = page["customer"]
    assert customer["id"] == survivor["id"]
    assert customer["lifetimeRevenue"] == "3000.00" and customer["openPipeline"] == "100.00" and customer["lastVisitAt"]
    kinds = [t["kind"] for t in page["timeline"]]
    assert sorted(kinds) == sorted(["visit", "deal_created", "deal_won", "order", "payment", "deal_created", "activity"] * 2)
    assert {c["name"] for c in page["contacts"]} == {"Dup One buyer", "Dup Two buyer"}
    assert codes(into_self) == {("mergedIds", "INVALID")}
    assert codes(foreign) == {("mergedIds", "NOT_FOUND")}
    assert codes(by_rep) == {("survivorId", "FORBIDDEN")}
    async with server.runtime.env.db() as s:
        tomb = await s.get(Customer, int(duplicate["id"]))
        assert tomb is not None and tomb.merged_into_id == int(survivor["id"])


async def test_a_page_is_for_its_owner_their_managers_and_admins_only(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    mine = await create(rep, "Page Co", position={"latitude": world.customer_position[0], "longitude": world.customer_position[1]})
    await rep.log_visit(world, customerId=mine["id"], clientId=str(uuid.uuid4()))
    own = (await rep.data(PAGE, {"id": mine["id"]}))["customerPage"]
    first = (await rep.data(PAGE, {"id": mine["id"], "first": 1}))["customerPage"]
    async with await login(server, world.rep2.email) as rob:
        colleague = await rob.execute(PAGE, {"id": mine["id"]})
    async with await login(server, world.manager.email) as manager:
        by_manager = (await manager.data(PAGE, {"id": mine["id"]}))["customerPage"]
    async with await login(server, world.admin.email) as admin:
        team_b = await create(admin, "Team B Page", ownerId=str(world.rep3.id))
        by_admin = (await admin.data(PAGE, {"id": team_b["id"]}))["customerPage"]
    async with await login(server, world.manager.email) as manager:
        other_team = await manager.execute(PAGE, {"id": team_b["id"]})
    async with await login(server, world.outsider.email) as outsider:
        foreign = await outsider.execute(PAGE, {"id": mine["id"]})
    bad_page = await rep.execute(PAGE, {"id": mine["id"], "first": 51})
    unknown = await rep.execute(PAGE, {"id": "nope"})

    assert own["customer"]["ownerName"] == "Rita Rep" and own["customer"]["lastVisitAt"] and own["customer"]["atRisk"] is False
    assert [t["kind"] for t in own["timeline"]] == ["visit"] and first["timelineMore"] is False
    assert by_manager["customer"]["name"] == "Page Co" and by_admin["customer"]["name"] == "Team B Page"
    for refused in (colleague, other_team, foreign, unknown):
        assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert bad_page["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE"


async def test_contacts_are_added_edited_and_removed_with_checks(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    mine = await create(rep, "Contact Co")
    added = (await rep.data(ADD_CONTACT, {"customer": mine["id"], "input": {"name": "王经理", "phone": "021-5555 1234", "wecomId": "wang"}}))["addContact"]
    edited = (await rep.data(EDIT_CONTACT, {"id": added["contact"]["id"], "input": {"title": "采购经理"}}))["editContact"]
    bad = (await rep.data(ADD_CONTACT, {"customer": mine["id"], "input": {"name": "", "phone": "call me", "email": "nope", "title": "t" * 101}}))["addContact"]
    async with await login(server, world.rep2.email) as rob:
        not_his = (await rob.data(EDIT_CONTACT, {"id": added["contact"]["id"], "input": {"name": "x"}}))["editContact"]
        not_his_customer = (await rob.data(ADD_CONTACT, {"customer": mine["id"], "input": {"name": "x"}}))["addContact"]
    removed = (await rep.data(REMOVE_CONTACT, {"id": added["contact"]["id"]}))["removeContact"]
    gone = (await rep.data(REMOVE_CONTACT, {"id": added["contact"]["id"]}))["removeContact"]
    page = (await rep.data(PAGE, {"id": mine["id"]}))["customerPage"]

    assert edited["contact"]["title"] == "采购经理" and edited["contact"]["phone"] == "021-5555 1234"
    assert codes(bad) == {("name", "REQUIRED"), ("phone", "INVALID"), ("email", "INVALID"), ("title", "TOO_LONG")}
    assert codes(not_his) == {("contactId", "NOT_FOUND")} and codes(not_his_customer) == {("customerId", "NOT_FOUND")}
    assert removed["__typename"] == "ContactRemoved" and codes(gone) == {("contactId", "NOT_FOUND")}
    assert page["contacts"] == []
