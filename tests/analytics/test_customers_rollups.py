"""Property: after any sequence of wins, reversals, orders, payments, refunds and visits, each handled as its event,
the rollups equal the same figures computed from the source tables; a rebuild gives the same rows again.

Hypothesis draws the sequences (25 of them); they run against one org per stack, a new customer each.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from podium.analytics import customers_rollup as rollup
from podium.analytics.customers_models import CustomerMonth, PersonDay
from podium.core.events import transaction
from podium.customers.models import Customer
from podium.customers.names import name_key
from podium.pipeline.events import DealChanged, OrderRecorded, PaymentRecorded
from podium.pipeline.models import Deal, Order, Payment
from podium.visits.events import VisitChanged, VisitVerified
from podium.visits.models import Visit
from tests.support import World

pytestmark = pytest.mark.asyncio(loop_scope="module")
ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 1, tzinfo=UTC)

amounts = st.integers(min_value=1, max_value=100_000).map(lambda cents: Decimal(cents) / 100)
hours = st.integers(min_value=0, max_value=24 * 120)
op = st.one_of(
    st.tuples(st.just("win"), amounts, hours),
    st.tuples(st.just("reverse"), st.integers(0, 5), hours),
    st.tuples(st.just("order"), amounts, hours),
    st.tuples(st.just("payment"), amounts, hours),
    st.tuples(st.just("refund"), st.integers(0, 5), hours),
    st.tuples(st.just("visit"), st.sampled_from(["verified", "flagged", "approved", "rejected"]), hours),
)
SEQUENCES: list[list[tuple[Any, ...]]] = []


@settings(max_examples=25, deadline=None, database=None)
@given(st.lists(op, min_size=1, max_size=12))
def _collect(ops: list[tuple[Any, ...]]) -> None:
    SEQUENCES.append(ops)


async def _apply(env: Any, w: World, stage_id: int, customer_id: int, ops: list[tuple[Any, ...]]) -> None:
    deals: list[int] = []
    payments: list[int] = []
    orders: list[int] = []
    for kind, value, hour in ops:
        when = START + timedelta(hours=hour)
        implicit: OrderRecorded | None = None
        async with transaction(env.db) as tx:
            s = tx.session
            if kind == "win" or (kind in ("order", "payment") and not deals):
                d = Deal(org_id=w.org_id, client_id=str(uuid.uuid4()), created_by=w.rep.id, owner_id=w.rep.id, customer_id=customer_id, title="d",
                         amount=value if kind == "win" else Decimal(10), currency="CNY", margin=Decimal(1), lead_source="web", expected_close=date(2026, 6, 1),
                         stage_id=stage_id, status="won", probability=100, closed_at=when, stage_entered_at=when, created_at=when, updated_at=when)
                s.add(d)
                await s.flush()
                deals.append(d.id)
                event: Any = DealChanged(org_id=w.org_id, id=d.id, status="won", owner=w.rep.id, team=w.team_a)
                if kind == "win":
                    await _handled(env, tx, event)
                    continue
                await _handled(env, tx, event)
        async with transaction(env.db) as tx:
            s = tx.session
            if kind == "reverse" and deals:
                d = await s.get(Deal, deals[value % len(deals)])
                d.status, d.reversed_at = "reversed", when
                event = DealChanged(org_id=w.org_id, id=d.id, status="reversed", owner=w.rep.id, team=w.team_a)
            elif kind == "order":
                o = Order(org_id=w.org_id, deal_id=deals[-1], client_id=str(uuid.uuid4()), created_by=w.rep.id, number="O", amount=value, ordered_at=when, created_at=when)
                s.add(o)
                await s.flush()
                orders.append(o.id)
                event = OrderRecorded(org_id=w.org_id, order=o.id, deal=deals[-1])
            elif kind == "payment" or (kind == "refund" and payments):
                if kind == "payment":
                    if not orders:  # a payment is against an order
                        o = Order(org_id=w.org_id, deal_id=deals[-1], client_id=str(uuid.uuid4()), created_by=w.rep.id, number="O", amount=value,
                                  ordered_at=when, created_at=when)
                        s.add(o)
                        await s.flush()
                        orders.append(o.id)
                        implicit = OrderRecorded(org_id=w.org_id, order=o.id, deal=deals[-1])
                    p = _payment(w, deals[-1], orders[-1], value, when, None)
                else:
                    of = await s.get(Payment, payments[value % len(payments)])
                    p = _payment(w, of.deal_id, of.order_id, -of.amount / 2, when, of.id)
                s.add(p)
                await s.flush()
                payments.append(p.id)
                # Every other payment names itself, as the service records them; the others are as stored before it did.
                named = len(payments) % 2 == 0
                event = PaymentRecorded(org_id=w.org_id, deal=p.deal_id, owner=w.rep.id, team=w.team_a, payment=p.id if named else None)
            elif kind == "visit":
                v = Visit(org_id=w.org_id, user_id=w.rep.id, customer_id=customer_id, client_id=str(uuid.uuid4()), latitude=31.2, longitude=121.5,
                          accuracy_m=10, occurred_at=when, distance_m=5, within_geofence=True, status=value, created_at=when)
                s.add(v)
                await s.flush()
                counted = value in ("verified", "approved")
                event = VisitVerified(org_id=w.org_id, user=w.rep.id, team=w.team_a, visit=v.id) if counted else VisitChanged(org_id=w.org_id, user=w.rep.id, visit=v.id)
            else:
                continue
            await _handled(env, tx, event)
            if implicit is not None:
                await _handled(env, tx, implicit)


def _payment(w: World, deal_id: int, order_id: int, amount: Decimal, when: datetime, refund_of: int | None) -> Payment:
    return Payment(org_id=w.org_id, order_id=order_id, deal_id=deal_id, owner_id=w.rep.id, team_id=w.team_a, client_id=str(uuid.uuid4()),
                   created_by=w.rep.id, amount=amount.quantize(Decimal("0.01")), refund_of_id=refund_of, collected_at=when, created_at=when)


async def _handled(env: Any, tx: Any, event: Any) -> None:
    """The event's handler, after the commit (run twice: handlers are idempotent)."""
    await tx.session.commit()
    handler = {DealChanged: rollup.on_deal_changed, OrderRecorded: rollup.on_money, PaymentRecorded: rollup.on_money,
               VisitVerified: rollup.on_person_event, VisitChanged: rollup.on_person_event}[type(event)]
    await handler(env, event)
    await handler(env, event)


async def _expected(env: Any, customer_id: int, user_id: int) -> tuple[dict[date, tuple[Decimal, int, int, Decimal, Decimal]], dict[date, tuple[int, int]]]:
    months: dict[date, list[Any]] = defaultdict(lambda: [Decimal(0), 0, 0, Decimal(0), Decimal(0)])
    days: dict[date, list[int]] = defaultdict(lambda: [0, 0])

    def month(when: datetime) -> date:
        return when.astimezone(ZONE).date().replace(day=1)

    async with env.db() as s:
        for d in await s.scalars(select(Deal).where(Deal.customer_id == customer_id, Deal.status == "won")):
            months[month(d.closed_at)][0] += d.amount
            months[month(d.closed_at)][1] += 1
        for o in await s.scalars(select(Order).join(Deal, Deal.id == Order.deal_id).where(Deal.customer_id == customer_id)):
            months[month(o.ordered_at)][2] += 1
            months[month(o.ordered_at)][3] += o.amount
        for p in await s.scalars(select(Payment).join(Deal, Deal.id == Payment.deal_id).where(Deal.customer_id == customer_id)):
            months[month(p.collected_at)][4] += p.amount
        for v in await s.scalars(select(Visit).where(Visit.user_id == user_id)):
            day = days[v.occurred_at.astimezone(ZONE).date()]
            day[0] += 1
            day[1] += v.status in ("verified", "approved")
    return {k: tuple(v) for k, v in months.items()}, {k: tuple(v) for k, v in days.items()}  # type: ignore[misc]


async def _rolled(env: Any, customer_id: int, user_id: int) -> tuple[dict[date, tuple[Any, ...]], dict[date, tuple[int, int]]]:
    async with env.db() as s:
        months = {r.month: (r.revenue, r.deals_won, r.orders, r.order_amount, r.collections)
                  for r in await s.scalars(select(CustomerMonth).where(CustomerMonth.customer_id == customer_id))}
        days = {r.day: (r.visits, r.verified + r.approved) for r in await s.scalars(select(PersonDay).where(PersonDay.user_id == user_id))}
    return months, days


async def test_rollups_equal_the_source_tables_after_any_sequence(stage: tuple[Any, World, int]) -> None:
    env, w, stage_id = stage
    if not SEQUENCES:
        _collect()
    for n, ops in enumerate(SEQUENCES):
        async with transaction(env.db) as tx:
            c = Customer(org_id=w.org_id, name=f"P{n}-{uuid.uuid4().hex[:6]}", name_key=name_key(f"P{n}-{uuid.uuid4().hex[:6]}"), owner_id=w.rep.id)
            tx.session.add(c)
            await tx.session.flush()
            customer_id = c.id
        await _apply(env, w, stage_id, customer_id, ops)
        expected = await _expected(env, customer_id, w.rep.id)
        assert await _rolled(env, customer_id, w.rep.id) == expected, ops
    await rollup.rebuild_org(env, w.org_id)
    assert await _rolled(env, customer_id, w.rep.id) == await _expected(env, customer_id, w.rep.id)
