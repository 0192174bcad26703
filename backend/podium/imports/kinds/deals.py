"""Deals with their stage, owner, lead source, expected close, stage history, win or loss, and a product line.

The kind reads cells and names; what a deal is and how history is written belong to pipeline/history.py.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.errors import DomainError, Problem, Problems
from podium.core.periods import PeriodKind, window
from podium.imports import messages, values
from podium.imports.kinds.base import ApplyState, Blocked, Column, Context, Item, Kind, Outcome, Plan, PlanState, Row, RowError
from podium.orgs import service as orgs
from podium.pipeline import history
from podium.customers import imported as imported_customers
from podium.customers.names import name_key
from podium.pipeline.history_values import HistoryValues, fold
from podium.pipeline.models import Deal, Stage

messages.add({
    "UNKNOWN_STAGE": ("This org has no stage called “{value}”.", "本公司没有名为“{value}”的阶段。"),
    "UNKNOWN_PERSON": ("Nobody in this org has the email or name “{value}”.", "本公司没有邮箱或姓名为“{value}”的人员。"),
    "AMBIGUOUS_PERSON": ("{count} people are called “{value}”: give the email instead.", "有 {count} 人名为“{value}”，请改填邮箱。"),
    "UNKNOWN_PRODUCT": ("No product has the SKU “{value}”.", "没有 SKU 为“{value}”的产品。"),
    "UNKNOWN_CUSTOMER": ("No customer “{value}” was found: import it with the customers first.", "未找到客户“{value}”，请先导入客户。"),
    "MISMATCH": ("Must equal {expected}.", "必须等于 {expected}。"),
    "TOO_EARLY": ("Must not be before {earliest}.", "不能早于 {earliest}。"),
    "INVALID": ("This value is not valid here.", "该值在此无效。"),
    "BAD_HISTORY": ("Write the history as “stage date; stage date”, e.g. “初步接触 2024-03-01; 方案提供 2024-03-20”.",
                    "阶段历史应写作“阶段 日期; 阶段 日期”，如“初步接触 2024-03-01; 方案提供 2024-03-20”。"),
    "CHANGED_SINCE": ("A record of this run was changed since: undo is not possible.", "本次导入的记录之后已被修改，无法撤销。"),
})

# Service field → the column it is about.
_FIELDS = {
    "externalId": "external_id", "title": "title", "amount": "amount", "won_at": "won_at", "lost_at": "lost_at", "createdAt": "created_at",
    "steps": "stage_history", "closeReason": "close_reason", "lines.0.quantity": "quantity", "lines.0.unitPrice": "unit_price",
}
_PIECES = re.compile(r"[;；\n]+")
_PIECE = re.compile(r"^(.*?)[\s@:：]+(\d{4}\s*[-/.年].*)$")


def _text(limit: int) -> Any:
    return lambda cell, _c: values.text(cell, limit)


def _past_moment(cell: values.Cell, context: Context) -> datetime | None:
    return values.datetime_value(cell, context.zone, past=True, now=context.now)


class Deals(Kind):
    name: ClassVar[str] = "deals"
    en: ClassVar[str] = "Deals"
    zh: ClassVar[str] = "商机"
    columns: ClassVar[tuple[Column, ...]] = (
        Column("external_id", "Opportunity ID", "商机编号", _text(100), ("External ID", "外部编号", "商机ID", "Deal ID", "ID"), required=True),
        Column("title", "Opportunity Name", "商机名称", _text(200), ("Deal Name", "Title", "名称", "商机"), required=True),
        Column("customer", "Account Name", "客户名称", _text(200), ("Customer", "Account", "客户", "公司名称")),
        Column("customer_id", "Account ID", "客户编号", _text(64), ("Customer ID", "客户ID", "客户外部编号")),
        Column("credit_code", "Unified Social Credit Code", "统一社会信用代码", lambda c, _x: values.credit_code(c), ("Credit Code", "信用代码")),
        Column("amount", "Amount", "商机金额", lambda c, _x: values.amount(c), ("金额", "Deal Amount", "预计金额")),
        Column("stage", "Stage", "阶段", _text(100), ("销售阶段", "商机阶段", "Sales Stage"), required=True),
        Column("expected_close", "Close Date", "预计成交日期", lambda c, _x: values.date_value(c), ("Expected Close", "预计成交时间")),
        Column("owner", "Owner", "负责人", _text(320), ("Opportunity Owner", "销售", "所有人", "Owner Email", "负责人邮箱"), required=True),
        Column("lead_source", "Lead Source", "线索来源", _text(100), ("Source", "来源", "商机来源")),
        Column("created_at", "Created Date", "创建日期", _past_moment, ("Created", "创建时间")),
        Column("won_at", "Won Date", "赢单日期", _past_moment, ("Date Won", "成交日期", "签约日期")),
        Column("lost_at", "Lost Date", "输单日期", _past_moment, ("Date Lost", "丢单日期")),
        Column("close_reason", "Loss Reason", "输单原因", _text(500), ("Reason", "原因", "赢单原因", "Close Reason", "丢单原因")),
        Column("stage_history", "Stage History", "阶段历史", _text(2000), ("阶段变更记录", "Stage Changes")),
        Column("sku", "SKU", "产品", _text(40), ("产品编码", "Product", "Product Code", "产品SKU")),
        Column("quantity", "Quantity", "数量", lambda c, _x: values.amount(c, places=3), ("Qty",)),
        Column("unit_price", "Unit Price", "单价", lambda c, _x: values.amount(c), ("Sales Price", "销售单价")),
    )

    async def plan(self, session: AsyncSession, rows: list[Row], state: PlanState) -> list[Plan]:
        if "history" not in state.cache:
            state.cache["history"] = await HistoryValues.load(session, state.org_id)
        known: HistoryValues = state.cache["history"]
        if "customers" not in state.cache:
            state.cache["customers"] = await imported_customers.index(session, state.org_id)
        found: imported_customers.Index = state.cache["customers"]
        resolved: list[history.DealRow | list[Problem]] = []
        errors: list[list[RowError]] = []
        for row in rows:
            made, extra = self._row(known, found, row, state.context)
            resolved.append(made)
            errors.append(extra)
        deal_plan = await history.plan_deals(session, state.org_id, resolved, state.context.now)
        plans = []
        for row, extra, (key, outcome) in zip(rows, errors, deal_plan.outcomes, strict=True):
            if isinstance(outcome, list) or extra:
                problems = outcome if isinstance(outcome, list) else []
                repeated = [RowError("REPEATED", "external_id", key, {"line": state.repeat(key, row.line)}) for p in problems if p.code.value == "DUPLICATE"]
                stage = known.stages.get(fold(row.values.get("stage") or ""))
                closing = "lost_at" if stage is not None and stage.outcome == "lost" else "won_at"
                plans.append(Plan.error(*extra, *repeated, *(_row_error(p, row, closing) for p in problems if p.code.value != "DUPLICATE")))
                continue
            first = state.repeat(key, row.line)
            if first is not None:
                plans.append(Plan.error(RowError("REPEATED", "external_id", key, {"line": first})))
                continue
            old = deal_plan.existing.get(key)
            changes = {"key": key, "shape": history.dump(deal_plan.shapes[key]), "team": deal_plan.teams.get(deal_plan.shapes[key].owner_id)}
            plans.append(Plan(Outcome(outcome), old.deal.id if old else None, str(old.deal.version) if old else None, changes))
        return plans

    def _row(self, known: HistoryValues, customers: imported_customers.Index, row: Row, context: Context) -> tuple[history.DealRow | list[Problem], list[RowError]]:
        v, problems, extra = row.values, Problems(), []
        stage = known.stage(problems, "stage", v["stage"] or "")
        owner = known.owner(problems, "owner", v["owner"] or "")
        source = known.lead_source(problems, "leadSource", v.get("lead_source") or "")
        customer = _customer(customers, v, row, extra)
        steps = []
        for piece in _PIECES.split(v.get("stage_history") or ""):
            if not piece.strip():
                continue
            parts = _PIECE.match(piece.strip())
            at = None
            if parts:
                try:
                    at = values.datetime_value(parts.group(2).strip(), context.zone, past=True, now=context.now)
                except values.Refused as refused:
                    extra.append(RowError(refused.code, "stage_history", piece.strip(), refused.params))
                    continue
            if parts is None or at is None:
                extra.append(RowError("BAD_HISTORY", "stage_history", piece.strip()))
                continue
            step_stage = known.stage(problems, "steps", parts.group(1))
            if step_stage is not None:
                steps.append(history.Step(step_stage, at))
        lines: tuple[history.Line, ...] = ()
        if v.get("sku"):
            product = known.product(problems, "sku", v["sku"])
            if product is not None:
                lines = (history.Line(product, v.get("quantity") or Decimal(1), v.get("unit_price")),)
        if problems.items or stage is None or owner is None or customer is None:
            return problems.items, extra
        closed_at = v.get("won_at") if stage.outcome == "won" else v.get("lost_at") if stage.outcome == "lost" else None
        closed_at = closed_at or v.get("won_at") or v.get("lost_at")
        expected = v.get("expected_close") or (closed_at.astimezone(context.zone).date() if closed_at else context.today)
        return history.DealRow(
            external_id=v["external_id"], customer_id=customer, owner_id=owner.id, owner_team_id=owner.team_id, title=v["title"],
            stage=stage, expected_close=expected, lead_source=source or "existing_customer", amount=v.get("amount"),
            steps=tuple(steps), closed_at=closed_at, close_reason=v.get("close_reason") or "", created_at=v.get("created_at"), lines=lines,
        ), extra

    async def versions(self, session: AsyncSession, org_id: int, targets: list[int]) -> dict[int, str]:
        rows = await session.execute(select(Deal.id, Deal.version).where(Deal.org_id == org_id, Deal.id.in_(targets)))
        return {int(i): str(version) for i, version in rows}

    async def apply(self, session: AsyncSession, items: list[Item], state: ApplyState) -> list[dict[str, Any]]:
        shapes = {it.plan.changes["key"]: history.load(it.plan.changes["shape"]) for it in items if it.plan.outcome in (Outcome.CREATED, Outcome.UPDATED)}
        teams = {it.plan.changes["shape"]["owner_id"]: it.plan.changes["team"] for it in items if it.plan.changes}
        outcomes = {it.plan.changes["key"]: it.plan.outcome.value for it in items if it.plan.changes}
        existing = await history.stored(session, state.org_id, [k for k, o in outcomes.items() if o == history.UPDATED])
        stages = {s.id: s for s in await session.scalars(select(Stage).where(Stage.org_id == state.org_id))}
        written = await history.write(
            session, org_id=state.org_id, run_id=state.run_id, by=state.user_id, currency=await orgs.org_currency(session, state.org_id),
            now=state.now, month_start=window(PeriodKind.MONTH, str(state.context.zone), state.now).start,
            shapes=shapes, teams=teams, outcomes={k: o for k, o in outcomes.items() if k in shapes}, existing=existing,
            stages=stages,
        )
        before = {b.deal_id: b for b in written.updated}
        results = []
        for it in items:
            key = it.plan.changes.get("key")
            if it.plan.outcome == Outcome.CREATED:
                results.append({"id": written.created[key]})
            elif it.plan.outcome == Outcome.UPDATED and it.plan.target in before:
                b = before[it.plan.target]
                results.append({"id": b.deal_id, "version": b.version, "before": b.snapshot})
            else:
                results.append({})
        return results

    async def undo(self, session: AsyncSession, items: list[Item], state: ApplyState) -> None:
        updated = [history.Before(it.result["id"], it.result["version"], it.result["before"]) for it in items if "before" in it.result]
        try:
            await history.undo(session, state.org_id, state.run_id, updated, state.user_id, state.now)
        except DomainError:
            raise Blocked("CHANGED_SINCE", items[0].line if items else 0) from None


def _customer(customers: imported_customers.Index, v: dict[str, Any], row: Row, extra: list[RowError]) -> int | None:
    """By the source system's id, then the credit code, then the exact name (as customers keep it): never a guess."""
    given = [(column, v.get(column)) for column in ("customer_id", "credit_code", "customer") if v.get(column)]
    if not given:
        extra.append(RowError("REQUIRED", "customer"))
        return None
    for column, value in given:
        table = {"customer_id": customers.by_external, "credit_code": customers.by_code, "customer": customers.by_key}[column]
        found = table.get(name_key(value) if column == "customer" else value)
        if found is not None:
            return found.id
    column, value = given[0]
    extra.append(RowError("UNKNOWN_CUSTOMER", column, row.shown.get(column, ""), {"value": value}))
    return None


def _row_error(problem: Problem, row: Row, closing: str) -> RowError:
    """The service's problem as the row's error, on the column it is about (a close date: the won or the lost one)."""
    name = problem.field or ""
    if name == "closedAt":
        name = closing
    column = _FIELDS.get("steps" if name.startswith("steps.") else name) or {"stage": "stage", "owner": "owner", "leadSource": "lead_source", "sku": "sku"}.get(name)
    params = {k: str(v) for k, v in problem.params.items()}
    return RowError(problem.code.value, column, row.shown.get(column or "", ""), params)
