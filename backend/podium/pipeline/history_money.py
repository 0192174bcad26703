"""Imported orders and payments (回款, and refunds as negative amounts): matched by the source system's number,
checked as the app checks them, written set-based and quietly, undone exactly. What imported history does to
points, compensation and the derived state is decided in pipeline/history.py."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.errors import DomainError, ErrorCode, Problem, Problems
from podium.core.money import check_amount
from podium.pipeline.history import CHUNK, CREATED, EXTERNAL_ID_MAX, UNCHANGED, UPDATED, Planned, insert_keyed
from podium.pipeline.models import Deal, Order, Payment
from podium.pipeline.service import Outcome


@dataclass(frozen=True)
class OrderRow:
    external_id: str  # the order number
    deal_external_id: str
    amount: Decimal
    ordered_at: datetime


@dataclass(frozen=True)
class PaymentRow:
    external_id: str
    order_external_id: str
    amount: Decimal  # negative: a refund
    collected_at: datetime
    note: str = ""


@dataclass
class MoneyPlan:
    """Per row: (external id, outcome or problems); `values` the columns each created or updated row gets."""

    outcomes: list[tuple[str, Planned | list[Problem]]]
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    existing: dict[str, Any] = field(default_factory=dict)  # external id → stored Order or Payment


def _key_problems(problems: Problems, external_id: str, amount: Decimal, at: datetime, now: datetime, *, negative: bool) -> None:
    if not external_id.strip():
        problems.add(ErrorCode.REQUIRED, "externalId")
    elif len(external_id.strip()) > EXTERNAL_ID_MAX:
        problems.add(ErrorCode.TOO_LONG, "externalId", max=EXTERNAL_ID_MAX)
    check_amount(problems, "amount", abs(amount) if negative else amount, positive=True)
    if at > now:
        problems.add(ErrorCode.IN_FUTURE, "at")


async def _by_external(session: AsyncSession, model: Any, org_id: int, keys: Sequence[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    ordered = sorted({k.strip() for k in keys if k.strip()})
    for start in range(0, len(ordered), CHUNK):
        query = select(model).where(model.org_id == org_id, model.external_id.in_(ordered[start:start + CHUNK]))
        found.update({row.external_id: row for row in await session.scalars(query)})
    return found


async def _sums(session: AsyncSession, key: Any, amount: Any, ids: list[int]) -> dict[int, Decimal]:
    """The sum of `amount` per `key` for these ids (0 for those with no row), per 500."""
    found = {i: Decimal(0) for i in ids}
    for start in range(0, len(ids), CHUNK):
        rows = await session.execute(select(key, func.sum(amount)).where(key.in_(ids[start:start + CHUNK])).group_by(key))
        found.update({int(i): Decimal(total or 0) for i, total in rows})
    return found


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


async def plan_orders(session: AsyncSession, org_id: int, rows: Sequence[OrderRow], now: datetime, room: dict[int, Decimal]) -> MoneyPlan:
    """Orders on won deals, dated after the win, never more in total than the deal: `room` carries each deal's room
    left from batch to batch of one run."""
    deals = await _by_external(session, Deal, org_id, [r.deal_external_id for r in rows])
    existing = await _by_external(session, Order, org_id, [r.external_id for r in rows])
    by_id = {d.id: d for d in deals.values()}
    ordered = await _sums(session, Order.deal_id, Order.amount, [i for i in by_id if i not in room])
    room.update({i: by_id[i].amount - total for i, total in ordered.items()})
    result = MoneyPlan([], existing=existing)
    seen: set[str] = set()
    for row in rows:
        key, problems = row.external_id.strip(), Problems()
        _key_problems(problems, key, row.amount, row.ordered_at, now, negative=False)
        deal = deals.get(row.deal_external_id.strip())
        if deal is None:
            problems.add(ErrorCode.NOT_FOUND, "deal")
        elif deal.status not in (Outcome.WON.value, Outcome.REVERSED.value):
            problems.add(ErrorCode.INVALID, "deal")  # orders come in on won deals (a reversed one had them before)
        elif deal.closed_at is not None and _utc(row.ordered_at) < _utc(deal.closed_at):
            problems.add(ErrorCode.TOO_EARLY, "at", earliest=f"{_utc(deal.closed_at):%Y-%m-%d %H:%M} UTC")
        if key in seen:
            problems.add(ErrorCode.DUPLICATE, "externalId")
        old = existing.get(key)
        if not problems.items and deal is not None:
            left = room[deal.id] + (old.amount if old is not None and old.deal_id == deal.id else Decimal(0))
            if row.amount > left:
                problems.add(ErrorCode.OUT_OF_RANGE, "amount", min="0.01", max=f"{left:,.2f}")
        if problems.items or deal is None:
            result.outcomes.append((key, problems.items))
            continue
        seen.add(key)
        room[deal.id] -= row.amount - (old.amount if old is not None and old.deal_id == deal.id else Decimal(0))
        values = {"deal_id": deal.id, "number": key[:40], "amount": row.amount, "ordered_at": _utc(row.ordered_at)}
        same = old is not None and all(getattr(old, k) == v if k != "ordered_at" else _utc(old.ordered_at) == v for k, v in values.items())
        result.outcomes.append((key, CREATED if old is None else UNCHANGED if same else UPDATED))
        result.values[key] = values
    return result


async def plan_payments(
    session: AsyncSession, org_id: int, rows: Sequence[PaymentRow], now: datetime, balance: dict[int, Decimal]
) -> MoneyPlan:
    """Collections never above what is outstanding on the order, refunds never above what came in, both after the
    win; `balance` carries each order's collected money from batch to batch of one run."""
    orders = await _by_external(session, Order, org_id, [r.order_external_id for r in rows])
    existing = await _by_external(session, Payment, org_id, [r.external_id for r in rows])
    deals = {d.id: d for d in await session.scalars(select(Deal).where(Deal.id.in_({o.deal_id for o in orders.values()})))} if orders else {}
    balance.update(await _sums(session, Payment.order_id, Payment.amount, [o.id for o in orders.values() if o.id not in balance]))
    result = MoneyPlan([], existing=existing)
    seen: set[str] = set()
    for row in rows:
        key, problems = row.external_id.strip(), Problems()
        refund = row.amount < 0
        _key_problems(problems, key, row.amount, row.collected_at, now, negative=True)
        if len(row.note.strip()) > 500:
            problems.add(ErrorCode.TOO_LONG, "note", max=500)
        order = orders.get(row.order_external_id.strip())
        deal = deals.get(order.deal_id) if order is not None else None
        if order is None or deal is None:
            problems.add(ErrorCode.NOT_FOUND, "order")
        elif deal.status != Outcome.WON.value and not (refund and deal.status == Outcome.REVERSED.value):
            problems.add(ErrorCode.INVALID, "order")
        elif deal.closed_at is not None and _utc(row.collected_at) < _utc(deal.closed_at):
            problems.add(ErrorCode.TOO_EARLY, "at", earliest=f"{_utc(deal.closed_at):%Y-%m-%d %H:%M} UTC")
        if key in seen:
            problems.add(ErrorCode.DUPLICATE, "externalId")
        old = existing.get(key)
        if not problems.items and order is not None:
            paid = balance[order.id] - (old.amount if old is not None and old.order_id == order.id else Decimal(0))
            if not refund and row.amount > order.amount - paid:
                problems.add(ErrorCode.OUT_OF_RANGE, "amount", min="0.01", max=f"{order.amount - paid:,.2f}")
            elif refund and -row.amount > paid:
                problems.add(ErrorCode.OUT_OF_RANGE, "amount", min="-" + f"{paid:,.2f}", max="-0.01")
        if problems.items or order is None or deal is None:
            result.outcomes.append((key, problems.items))
            continue
        seen.add(key)
        balance[order.id] += row.amount - (old.amount if old is not None and old.order_id == order.id else Decimal(0))
        values = {
            "order_id": order.id, "deal_id": deal.id, "owner_id": deal.owner_id, "team_id": deal.team_id, "amount": row.amount,
            "collected_at": _utc(row.collected_at), "note": row.note.strip(),
        }
        same = old is not None and all(getattr(old, k) == v if k != "collected_at" else _utc(old.collected_at) == v for k, v in values.items())
        result.outcomes.append((key, CREATED if old is None else UNCHANGED if same else UPDATED))
        result.values[key] = values
    return result


# ---------------------------------------------------------------- writing and undoing


_ORDER_FIELDS = ("deal_id", "number", "amount", "ordered_at")
_PAYMENT_FIELDS = ("order_id", "deal_id", "owner_id", "team_id", "amount", "collected_at", "note", "refund_of_id", "settled_elsewhere")


def _dump(row: Any, names: Sequence[str]) -> str:
    return json.dumps({n: (str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, datetime) else v) for n in names
                       for v in [getattr(row, n)]})


def _undump(snapshot: str) -> dict[str, Any]:
    raw = json.loads(snapshot)
    money = {"amount"}
    moments = {"ordered_at", "collected_at"}
    return {k: Decimal(v) if k in money else datetime.fromisoformat(v) if k in moments and v else v for k, v in raw.items()}


async def write_orders(
    session: AsyncSession, org_id: int, run_id: int, by: int, now: datetime, outcomes: dict[str, Planned], values: dict[str, dict[str, Any]]
) -> tuple[dict[str, int], dict[str, tuple[str, str]]]:
    """(external id → created order id, external id → the updated order as it was and as the run left it)."""
    created = [k for k, o in outcomes.items() if o == CREATED]
    rows = [{**values[k], "org_id": org_id, "client_id": f"import-{uuid.uuid4().hex}", "created_by": by, "created_at": now,
             "external_id": k, "import_run_id": run_id} for k in created]
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        ids += await insert_keyed(session, Order, org_id, rows[start:start + CHUNK])
    before = {}
    for key in (k for k, o in outcomes.items() if o == UPDATED):
        old = await session.scalar(select(Order).where(Order.org_id == org_id, Order.external_id == key))
        assert old is not None
        was = _dump(old, _ORDER_FIELDS)
        await session.execute(update(Order).where(Order.id == old.id).values(**values[key]))
        before[key] = (was, await _after(session, Order, old.id))
    return dict(zip(created, ids, strict=True)), before


async def write_payments(
    session: AsyncSession, org_id: int, run_id: int, by: int, now: datetime, month_start: datetime,
    outcomes: dict[str, Planned], values: dict[str, dict[str, Any]],
) -> tuple[dict[str, int], dict[str, tuple[str, str]]]:
    """Refunds name the payment they give money back on: the order's last collection before them. Money collected
    before the import's month is `settled_elsewhere` (pipeline/history.py)."""
    keys = [k for k, o in outcomes.items() if o in (CREATED, UPDATED)]
    full = {k: {**values[k], "settled_elsewhere": values[k]["collected_at"] < month_start, "refund_of_id": None} for k in keys}
    ids: dict[str, int] = {}
    # Collections first, so a refund in the same file finds the payment it gives money back on.
    for refunds in (False, True):
        created = [k for k in keys if outcomes[k] == CREATED and (full[k]["amount"] < 0) == refunds]
        if refunds:
            await _name_refunded(session, full, [k for k in keys if full[k]["amount"] < 0])
        inserts = [{**full[k], "org_id": org_id, "client_id": f"import-{uuid.uuid4().hex}", "created_by": by, "created_at": now,
                    "external_id": k, "import_run_id": run_id} for k in created]
        for start in range(0, len(inserts), CHUNK):
            ids.update(zip(created[start:start + CHUNK], await insert_keyed(session, Payment, org_id, inserts[start:start + CHUNK]), strict=True))
    before = {}
    for key in (k for k in keys if outcomes[k] == UPDATED):
        old = await session.scalar(select(Payment).where(Payment.org_id == org_id, Payment.external_id == key))
        assert old is not None
        was = _dump(old, _PAYMENT_FIELDS)
        await session.execute(update(Payment).where(Payment.id == old.id).values(**full[key]))
        before[key] = (was, await _after(session, Payment, old.id))
    return ids, before


async def _name_refunded(session: AsyncSession, full: dict[str, dict[str, Any]], refunds: list[str]) -> None:
    """Each refund gives money back on its order's last collection before it."""
    if not refunds:
        return
    collections: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    query = select(Payment.order_id, Payment.collected_at, Payment.id).where(Payment.order_id.in_({full[k]["order_id"] for k in refunds}), Payment.amount > 0)
    for order_id, moment, pid in await session.execute(query):
        collections[int(order_id)].append((_utc(moment), int(pid)))
    for k in refunds:
        earlier = sorted(c for c in collections[full[k]["order_id"]] if c[0] <= full[k]["collected_at"])
        full[k]["refund_of_id"] = earlier[-1][1] if earlier else None


async def undo_money(session: AsyncSession, model: Any, org_id: int, run_id: int, updated: dict[int, tuple[str, str]]) -> set[int]:
    """The run's orders (or payments) go, the updated ones return to their snapshot (`updated`: id → (snapshot,
    the values the run wrote, as a snapshot)); CONFLICT when one changed since or something newer hangs on a created one.
    Returns the deals touched (their customers' figures need a refresh)."""
    created = list(await session.scalars(select(model).where(model.org_id == org_id, model.import_run_id == run_id)))
    ids = [r.id for r in created]
    names = _ORDER_FIELDS if model is Order else _PAYMENT_FIELDS
    for row_id, (_, after) in updated.items():
        current = await session.get(model, row_id)
        if current is not None and _dump(current, names) != after:
            raise DomainError.one(ErrorCode.CONFLICT, "run", changed=model.__tablename__)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        hanging = (
            select(Payment.id).where(Payment.order_id.in_(chunk)) if model is Order else select(Payment.id).where(Payment.refund_of_id.in_(chunk))
        ).where((Payment.import_run_id.is_(None)) | (Payment.import_run_id != run_id))
        if await session.scalar(hanging.limit(1)) is not None:
            raise DomainError.one(ErrorCode.CONFLICT, "run", changed=model.__tablename__)
    deals = {r.deal_id for r in created}
    for start in range(0, len(ids), CHUNK):
        if model is Payment:  # refunds of this run first: they point at its collections
            await session.execute(delete(Payment).where(Payment.id.in_(ids[start:start + CHUNK]), Payment.refund_of_id.is_not(None)))
        await session.execute(delete(model).where(model.id.in_(ids[start:start + CHUNK])))
    for row_id, (snapshot, _) in updated.items():
        restored = _undump(snapshot)
        deals.add(restored["deal_id"])
        await session.execute(update(model).where(model.id == row_id).values(**restored))
    return deals


def snapshot(row: Any) -> str:
    """A stored order's or payment's fields as undo compares and restores them (also its version for the engine)."""
    return _dump(row, _ORDER_FIELDS if isinstance(row, Order) else _PAYMENT_FIELDS)


async def _after(session: AsyncSession, model: Any, row_id: int) -> str:
    row = await session.scalar(select(model).where(model.id == row_id).execution_options(populate_existing=True))
    return _dump(row, _ORDER_FIELDS if model is Order else _PAYMENT_FIELDS)
