"""The customers rollups' handlers re-derive only what their event changed: the visit's or activity's day, the deal's,
order's or payment's month, never a person's or a customer's whole history (that work would grow with it on the
check-in path).

How a test tells: after seeding a history and its rollups, it plants a deliberate marker (an impossible figure) in
the row of an unrelated older day or month. A handler that re-derived the whole history would "repair" the marker;
one that re-derives only its own day or month leaves it, while fixing its own row. The markers stand in for "rows
this handler must not have touched", so the test does not depend on timing or on counting statements. A rebuild
then repairs them (and a second one writes nothing).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from podium.analytics import customers_rollup as rollup
from podium.analytics.customers_models import ActivityDay, CustomerMonth, PersonDay
from podium.core.events import transaction
from podium.customers.models import Customer
from podium.customers.names import name_key
from podium.pipeline.events import ActivityLogged, DealChanged, OrderRecorded
from podium.pipeline.models import Activity, Deal, Order
from podium.visits.events import VisitChanged, VisitReviewed, VisitVerified
from podium.visits.models import Visit
from tests.support import World

pytestmark = pytest.mark.asyncio(loop_scope="module")
ZONE = ZoneInfo("Asia/Shanghai")
# Noon in Shanghai on the first day of the seeded history.
FIRST = datetime(2026, 3, 1, 4, tzinfo=UTC)
MARKER = 999


def _day(at: datetime) -> date:
    return at.astimezone(ZONE).date()


async def _customer(env: Any, w: World, owner: int) -> int:
    async with transaction(env.db) as tx:
        label = f"C-{uuid.uuid4().hex[:8]}"
        c = Customer(org_id=w.org_id, name=label, name_key=name_key(label), owner_id=owner)
        tx.session.add(c)
        await tx.session.flush()
        return c.id


async def _visit(env: Any, w: World, user_id: int, customer_id: int, at: datetime, status: str = "verified") -> int:
    async with transaction(env.db) as tx:
        v = Visit(org_id=w.org_id, user_id=user_id, customer_id=customer_id, client_id=str(uuid.uuid4()), latitude=31.2, longitude=121.5,
                  accuracy_m=10, occurred_at=at, distance_m=5, within_geofence=True, status=status, created_at=at)
        tx.session.add(v)
        await tx.session.flush()
        return v.id


async def _history(env: Any, w: World, user_id: int, customer_id: int, days: int) -> None:
    """A visit and an activity on each of `days` days from FIRST, rolled up whole."""
    for n in range(days):
        at = FIRST + timedelta(days=n)
        await _visit(env, w, user_id, customer_id, at)
        async with transaction(env.db) as tx:
            tx.session.add(Activity(org_id=w.org_id, user_id=user_id, client_id=str(uuid.uuid4()), customer_id=customer_id, kind="call",
                                    outcome="neutral", note="", occurred_at=at, created_at=at))
    async with transaction(env.db) as tx:
        await rollup.recompute_people(tx.session, w.org_id, [user_id], "Asia/Shanghai")


async def _plant_marker(env: Any, user_id: int, day: date) -> None:
    async with transaction(env.db) as tx:
        await tx.session.execute(update(PersonDay).where(PersonDay.user_id == user_id, PersonDay.day == day).values(visits=MARKER))
        await tx.session.execute(update(ActivityDay).where(ActivityDay.user_id == user_id, ActivityDay.day == day).values(count=MARKER))


async def _days(env: Any, user_id: int) -> dict[date, tuple[int, ...]]:
    async with env.db() as s:
        return {r.day: (r.visits, r.verified, r.approved, r.flagged, r.rejected, r.converted)
                for r in await s.scalars(select(PersonDay).where(PersonDay.user_id == user_id))}


async def _activity_days(env: Any, user_id: int) -> dict[date, int]:
    async with env.db() as s:
        return {r.day: r.count for r in await s.scalars(select(ActivityDay).where(ActivityDay.user_id == user_id))}


async def _twice(handler: Any, env: Any, event: Any) -> None:
    await handler(env, event)
    await handler(env, event)


async def test_a_check_in_or_an_activity_re_derives_its_day_only(stage: tuple[Any, World, int]) -> None:
    env, w, _ = stage
    customer_id = await _customer(env, w, w.rep2.id)
    await _history(env, w, w.rep2.id, customer_id, 40)
    old = _day(FIRST)
    await _plant_marker(env, w.rep2.id, old)
    # When: a check-in and an activity on a later day, each handled (twice).
    at = FIRST + timedelta(days=60, hours=1)
    visit_id = await _visit(env, w, w.rep2.id, customer_id, at)
    await _twice(rollup.on_person_event, env, VisitVerified(org_id=w.org_id, user=w.rep2.id, team=w.team_a, visit=visit_id, customer=customer_id,
                                                            occurred_at=at))
    async with transaction(env.db) as tx:
        a = Activity(org_id=w.org_id, user_id=w.rep2.id, client_id=str(uuid.uuid4()), customer_id=customer_id, kind="demo", outcome="neutral",
                     note="", occurred_at=at, created_at=at)
        tx.session.add(a)
        await tx.session.flush()
        activity_id = a.id
    await _twice(rollup.on_person_event, env, ActivityLogged(org_id=w.org_id, user=w.rep2.id, team=w.team_a, deal=None, activity=activity_id))
    # Then: the new day is right, the marker on the older day is untouched.
    days = await _days(env, w.rep2.id)
    assert days[_day(at)] == (1, 1, 0, 0, 0, 0)
    assert days[old][0] == MARKER
    assert (await _activity_days(env, w.rep2.id))[old] == MARKER
    async with transaction(env.db) as tx:
        # Re-deriving the day again writes no row: nothing differs.
        assert await rollup.recompute_person_days(tx.session, w.org_id, w.rep2.id, [_day(at)], "Asia/Shanghai") == 0
        # The whole re-derivation repairs exactly the two planted rows, and then has nothing left to write.
        assert await rollup.recompute_people(tx.session, w.org_id, [w.rep2.id], "Asia/Shanghai") == 2
        assert await rollup.recompute_people(tx.session, w.org_id, [w.rep2.id], "Asia/Shanghai") == 0
    assert (await _days(env, w.rep2.id))[old] == (1, 1, 0, 0, 0, 0)


async def test_a_rejected_or_approved_visit_fixes_its_own_day(stage: tuple[Any, World, int]) -> None:
    env, w, _ = stage
    customer_id = await _customer(env, w, w.rep3.id)
    await _history(env, w, w.rep3.id, customer_id, 10)
    await _plant_marker(env, w.rep3.id, _day(FIRST))
    # Given: two doubtful check-ins synced late onto an older day of the history, handled as the service records them.
    at = FIRST + timedelta(days=5, hours=2)
    doubtful = [await _visit(env, w, w.rep3.id, customer_id, at + timedelta(minutes=m), "flagged") for m in (0, 30)]
    for visit_id in doubtful:
        await _twice(rollup.on_person_event, env, VisitChanged(org_id=w.org_id, user=w.rep3.id, visit=visit_id))
    assert (await _days(env, w.rep3.id))[_day(at)] == (3, 1, 0, 2, 0, 0)
    # When: one is rejected (VisitChanged) and the other approved (VisitVerified, then VisitReviewed).
    async with transaction(env.db) as tx:
        await tx.session.execute(update(Visit).where(Visit.id == doubtful[0]).values(status="rejected"))
        await tx.session.execute(update(Visit).where(Visit.id == doubtful[1]).values(status="approved"))
    await _twice(rollup.on_person_event, env, VisitChanged(org_id=w.org_id, user=w.rep3.id, visit=doubtful[0]))
    await _twice(rollup.on_person_event, env, VisitVerified(org_id=w.org_id, user=w.rep3.id, team=w.team_b, visit=doubtful[1]))
    await _twice(rollup.on_person_event, env, VisitReviewed(org_id=w.org_id, user=w.rep3.id, visit=doubtful[1], approved=True, reviewer="M",
                                                            customer="C", note=""))
    # Then: that day counts one rejected and one approved visit; the planted marker is untouched.
    days = await _days(env, w.rep3.id)
    assert days[_day(at)] == (3, 1, 1, 0, 1, 0)
    assert days[_day(FIRST)][0] == MARKER
    # An event stored before it named its visit re-derives the person whole (the marker goes).
    await rollup.on_person_event(env, VisitChanged(org_id=w.org_id, user=w.rep3.id))
    assert (await _days(env, w.rep3.id))[_day(FIRST)] == (1, 1, 0, 0, 0, 0)


async def test_a_new_deal_converts_the_visits_before_it_and_an_order_re_derives_its_month(stage: tuple[Any, World, int]) -> None:
    env, w, stage_id = stage
    customer_id = await _customer(env, w, w.rep.id)
    await _history(env, w, w.rep.id, customer_id, 70)
    await _plant_marker(env, w.rep.id, _day(FIRST))
    created = FIRST + timedelta(days=69, hours=3)
    # When: the rep's deal on that customer is created, won and ordered on (each event handled twice).
    async with transaction(env.db) as tx:
        d = Deal(org_id=w.org_id, client_id=str(uuid.uuid4()), created_by=w.rep.id, owner_id=w.rep.id, customer_id=customer_id, title="d",
                 amount=Decimal(500), currency="CNY", margin=Decimal(100), lead_source="web", expected_close=date(2026, 6, 1), stage_id=stage_id,
                 status="won", probability=100, closed_at=created, stage_entered_at=created, created_at=created, updated_at=created)
        tx.session.add(d)
        await tx.session.flush()
        deal_id = d.id
    await _twice(rollup.on_deal_changed, env, DealChanged(org_id=w.org_id, id=deal_id, status="won", owner=w.rep.id, team=w.team_a))
    month = _day(created).replace(day=1)
    async with transaction(env.db) as tx:
        # A marker on an older month of the customer, which no event here concerns.
        tx.session.add(CustomerMonth(customer_id=customer_id, month=date(2025, 1, 1), org_id=w.org_id, revenue=Decimal(MARKER), margin=Decimal(0),
                                     deals_won=MARKER, orders=0, order_amount=Decimal(0), collections=Decimal(0)))
        o = Order(org_id=w.org_id, deal_id=deal_id, client_id=str(uuid.uuid4()), created_by=w.rep.id, number="O1", amount=Decimal(80),
                  ordered_at=created + timedelta(hours=1), created_at=created)
        tx.session.add(o)
        await tx.session.flush()
        order_id = o.id
    await _twice(rollup.on_money, env, OrderRecorded(org_id=w.org_id, order=order_id, deal=deal_id))
    # Then: the visits of the 30 days before the deal converted (the 40th day's visit was 3 hours earlier), not those
    # before; the marker day is untouched.
    days = await _days(env, w.rep.id)
    converted = {day for day, row in days.items() if row[5]}
    assert converted == {_day(FIRST + timedelta(days=n)) for n in range(40, 70)}
    assert days[_day(FIRST)][0] == MARKER
    async with env.db() as s:
        months = {r.month: (r.revenue, r.deals_won, r.orders, r.order_amount) for r in await s.scalars(
            select(CustomerMonth).where(CustomerMonth.customer_id == customer_id))}
    assert months == {month: (Decimal(500), 1, 1, Decimal(80)), date(2025, 1, 1): (Decimal(MARKER), MARKER, 0, Decimal(0))}
    # And: a rebuild repairs every marker and converts the same days.
    await rollup.rebuild_org(env, w.org_id)
    days = await _days(env, w.rep.id)
    assert {day for day, row in days.items() if row[5]} == converted
    assert days[_day(FIRST)] == (1, 1, 0, 0, 0, 0)
    async with env.db() as s:
        assert set(await s.scalars(select(CustomerMonth.month).where(CustomerMonth.customer_id == customer_id))) == {month}
