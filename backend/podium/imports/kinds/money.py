"""Orders and payments (回款; a negative amount is a refund), by the source system's numbers; the checks and the
writing belong to pipeline/history_money.py."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.errors import DomainError, Problem
from podium.core.periods import PeriodKind, window
from podium.imports import messages, values
from podium.imports.kinds.base import ApplyState, Blocked, Column, Context, Item, Kind, Outcome, Plan, PlanState, Row, RowError
from podium.pipeline import history_money as money
from podium.pipeline.models import Order, Payment

messages.add({
    "NOT_FOUND": ("Not found: import it first.", "未找到，请先导入。"),
    "DUPLICATE": ("Repeated in the file.", "文件中重复。"),
})
_COLUMNS = {"externalId": "external_id", "amount": "amount", "at": "at", "deal": "deal", "order": "order", "note": "note"}


def _past(cell: values.Cell, context: Context) -> datetime | None:
    return values.datetime_value(cell, context.zone, past=True, now=context.now)


def _text(limit: int) -> Any:
    return lambda cell, _c: values.text(cell, limit)


def _errors(problems: list[Problem], row: Row) -> list[RowError]:
    found = []
    for p in problems:
        column = _COLUMNS.get(p.field or "")
        found.append(RowError(p.code.value, column, row.shown.get(column or "", ""), {k: str(v) for k, v in p.params.items()}))
    return found


def _plans(rows: list[Row], planned: money.MoneyPlan, state: PlanState, name: str) -> list[Plan]:
    plans = []
    for row, (key, outcome) in zip(rows, planned.outcomes, strict=True):
        first = state.repeat(f"{name}:{key}", row.line) if not isinstance(outcome, list) else None
        if isinstance(outcome, list):
            plans.append(Plan.error(*_errors(outcome, row)))
        elif first is not None:
            plans.append(Plan.error(RowError("REPEATED", "external_id", key, {"line": first})))
        else:
            old = planned.existing.get(key)
            encoded = {k: str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, datetime) else v for k, v in planned.values[key].items()}
            plans.append(Plan(Outcome(outcome), old.id if old else None, money.snapshot(old) if old else None, {"key": key, "values": encoded}))
    return plans


def _decoded(item: Item) -> dict[str, Any]:
    raw = item.plan.changes["values"]
    return {k: Decimal(v) if k == "amount" else datetime.fromisoformat(v) if k in ("ordered_at", "collected_at") else v for k, v in raw.items()}


async def _versions(session: AsyncSession, model: Any, org_id: int, targets: list[int]) -> dict[int, str]:
    return {row.id: money.snapshot(row) for row in await session.scalars(select(model).where(model.org_id == org_id, model.id.in_(targets)))}


def _results(items: list[Item], created: dict[str, int], updated: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    results = []
    for it in items:
        key = it.plan.changes.get("key", "")
        if key in created:
            results.append({"id": created[key]})
        elif key in updated:
            results.append({"id": it.plan.target, "before": updated[key][0], "after": updated[key][1]})
        else:
            results.append({})
    return results


async def _undo(session: AsyncSession, model: Any, items: list[Item], state: ApplyState) -> None:
    updated = {it.result["id"]: (it.result["before"], it.result["after"]) for it in items if "before" in it.result}
    try:
        await money.undo_money(session, model, state.org_id, state.run_id, updated)
    except DomainError:
        raise Blocked("CHANGED_SINCE", items[0].line if items else 0) from None


class _Money(Kind):
    """What orders and payments share: versions are the stored row's fields, undo restores them."""

    model: ClassVar[Any]

    async def versions(self, session: AsyncSession, org_id: int, targets: list[int]) -> dict[int, str]:
        return await _versions(session, self.model, org_id, targets)

    async def undo(self, session: AsyncSession, items: list[Item], state: ApplyState) -> None:
        await _undo(session, self.model, items, state)

    async def _apply(self, items: list[Item], write: Any) -> list[dict[str, Any]]:
        todo = {it.plan.changes["key"]: it for it in items if it.plan.outcome in (Outcome.CREATED, Outcome.UPDATED)}
        created, updated = await write({k: it.plan.outcome.value for k, it in todo.items()}, {k: _decoded(it) for k, it in todo.items()})
        return _results(items, created, updated)


class Orders(_Money):
    model: ClassVar[Any] = Order
    name: ClassVar[str] = "orders"
    en: ClassVar[str] = "Orders"
    zh: ClassVar[str] = "订单"
    columns: ClassVar[tuple[Column, ...]] = (
        Column("external_id", "Order Number", "订单号", _text(100), ("订单编号", "Order No", "Order ID"), required=True),
        Column("deal", "Opportunity ID", "商机编号", _text(100), ("Deal ID", "商机ID"), required=True),
        Column("amount", "Order Amount", "订单金额", lambda c, _x: values.amount(c), ("Amount", "金额"), required=True),
        Column("at", "Order Date", "下单日期", _past, ("订单日期", "Ordered", "日期"), required=True),
    )

    async def plan(self, session: AsyncSession, rows: list[Row], state: PlanState) -> list[Plan]:
        data = [money.OrderRow(r.values["external_id"], r.values["deal"], r.values["amount"], r.values["at"]) for r in rows]
        planned = await money.plan_orders(session, state.org_id, data, state.context.now, state.cache.setdefault("room", {}))
        return _plans(rows, planned, state, self.name)

    async def apply(self, session: AsyncSession, items: list[Item], state: ApplyState) -> list[dict[str, Any]]:
        return await self._apply(items, lambda outcomes, data: money.write_orders(
            session, state.org_id, state.run_id, state.user_id, state.now, outcomes, data))


class Payments(_Money):
    model: ClassVar[Any] = Payment
    name: ClassVar[str] = "payments"
    en: ClassVar[str] = "Payments"
    zh: ClassVar[str] = "回款"
    columns: ClassVar[tuple[Column, ...]] = (
        Column("external_id", "Payment Number", "回款编号", _text(100), ("回款单号", "Payment ID", "收款编号"), required=True),
        Column("order", "Order Number", "订单号", _text(100), ("订单编号", "Order No"), required=True),
        Column("amount", "Payment Amount", "回款金额", lambda c, _x: values.amount(c, negative=True), ("Amount", "收款金额", "金额"), required=True),
        Column("at", "Payment Date", "回款日期", _past, ("收款日期", "Collected", "日期"), required=True),
        Column("note", "Note", "备注", _text(500), ("Remark", "说明")),
    )

    async def plan(self, session: AsyncSession, rows: list[Row], state: PlanState) -> list[Plan]:
        data = [money.PaymentRow(r.values["external_id"], r.values["order"], r.values["amount"], r.values["at"], r.values.get("note") or "") for r in rows]
        planned = await money.plan_payments(session, state.org_id, data, state.context.now, state.cache.setdefault("balance", {}))
        return _plans(rows, planned, state, self.name)

    async def apply(self, session: AsyncSession, items: list[Item], state: ApplyState) -> list[dict[str, Any]]:
        month_start = window(PeriodKind.MONTH, str(state.context.zone), state.now).start
        return await self._apply(items, lambda outcomes, data: money.write_payments(
            session, state.org_id, state.run_id, state.user_id, state.now, month_start, outcomes, data))
