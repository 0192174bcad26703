"""Targets: a node of the org tree (the company, a unit by name, a person by email or name), a period, a metric and
an amount; the invariants and the writing belong to targets/imported.py."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.errors import DomainError, ErrorCode, Problems
from podium.imports import messages, values
from podium.imports.kinds.base import ApplyState, Blocked, Column, Item, Kind, Outcome, Plan, PlanState, Row, RowError
from podium.pipeline.history_values import HistoryValues, fold
from podium.targets import imported
from podium.targets.models import Target
from podium.targets.service import Metric, Node, NodeKind, Scope

messages.add({
    "UNKNOWN_NODE": ("“{value}” is neither the company, a unit nor a person of this org.", "“{value}”既不是本公司，也不是本公司的部门或人员。"),
    "AMBIGUOUS_UNIT": ("{count} units are called “{value}”.", "有 {count} 个部门名为“{value}”。"),
    "BAD_PERIOD": ("Not a period: write 2026-11, 2026年11月, FY2026, FY2026-Q1 or 2026-W05.",
                   "不是有效期间：请写作 2026-11、2026年11月、FY2026、FY2026-Q1 或 2026-W05。"),
})

METRIC_NAMES: dict[Metric, tuple[str, ...]] = {
    Metric.REVENUE: ("revenue", "收入", "销售额", "业绩", "销售收入", "合同额"),
    Metric.GROSS_MARGIN: ("gross margin", "gross_margin", "毛利", "毛利额"),
    Metric.COLLECTIONS: ("collections", "回款", "回款额"),
    Metric.NEW_CUSTOMERS: ("new customers", "new_customers", "新客户", "新增客户"),
    Metric.VISITS: ("visits", "拜访", "拜访数"),
    Metric.DEALS_WON: ("deals won", "deals_won", "赢单数", "成交数", "签单数"),
}
_METRICS = {fold(name): m.value for m, names in METRIC_NAMES.items() for name in names}
COMPANY = {fold(n) for n in ("公司", "全公司", "总公司", "company", "org", "organisation", "organization")}
_CN_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月$")
_CN_YEAR = re.compile(r"^(\d{4})\s*年?$")
_QUARTER = re.compile(r"^(?:FY)?(\d{4})\s*[-年]?\s*Q([1-4])(?:季度)?$", re.IGNORECASE)


def period_key(text: str) -> str:
    """The calendar's key for the usual ways of writing a period; anything else is left for the calendar to refuse."""
    value = text.strip().upper().replace("－", "-")
    if m := _CN_MONTH.match(value):
        return f"{m[1]}-{int(m[2]):02d}"
    if m := _CN_YEAR.match(value):
        return f"FY{m[1]}"
    if m := _QUARTER.match(value):
        return f"FY{m[1]}-Q{m[2]}"
    return value


class Targets(Kind):
    name: ClassVar[str] = "targets"
    en: ClassVar[str] = "Targets"
    zh: ClassVar[str] = "目标"
    columns: ClassVar[tuple[Column, ...]] = (
        Column("node", "Who", "对象", lambda c, _x: values.text(c, 320), ("Node", "节点", "部门", "人员", "负责人", "Owner", "Team"), required=True),
        Column("period", "Period", "期间", lambda c, _x: values.text(c, 20), ("周期", "月份", "Month"), required=True),
        Column("metric", "Metric", "指标", lambda c, _x: values.text(c, 40), ("目标类型", "Type"), required=True),
        Column("amount", "Target", "目标", lambda c, _x: values.amount(c), ("目标值", "目标金额", "Quota", "Amount"), required=True),
    )

    async def plan(self, session: AsyncSession, rows: list[Row], state: PlanState) -> list[Plan]:
        if "scope" not in state.cache:
            state.cache["scope"] = await imported.org_scope(session, state.org_id)
            state.cache["history"] = await HistoryValues.load(session, state.org_id)
        scope: Scope = state.cache["scope"]
        made: list[imported.TargetRow | list[RowError]] = [self._row(scope, state.cache["history"], row) for row in rows]
        planned = iter(await imported.plan(session, scope, [m for m in made if isinstance(m, imported.TargetRow)]))
        plans = []
        for row, m in zip(rows, made, strict=True):
            if isinstance(m, list):
                plans.append(Plan.error(*m))
                continue
            p = next(planned)
            first = state.repeat(f"{m.node.kind.value}:{m.node.id}:{m.period_key}:{m.metric.value}", row.line)
            if first is not None:
                plans.append(Plan.error(RowError("REPEATED", "node", row.shown.get("node", ""), {"line": first})))
            elif isinstance(p, list):
                fields = {"node": "node", "period": "period", "amount": "amount"}
                plans.append(Plan.error(*(
                    RowError("BAD_PERIOD" if e.field == "period" else e.code.value, fields.get(e.field or ""), row.shown.get(fields.get(e.field or "", ""), ""),
                             {k: str(v) for k, v in e.params.items()}) for e in p
                )))
            else:
                changes = {"kind": m.node.kind.value, "id": m.node.id, "period": m.period_key, "metric": m.metric.value, "amount": str(m.amount), "grain": p.grain}
                plans.append(Plan(Outcome(p.outcome), p.target_id, str(p.version) if p.version else None, changes))
        return plans

    def _row(self, scope: Scope, known: HistoryValues, row: Row) -> imported.TargetRow | list[RowError]:
        v, errors = row.values, []
        node = self._node(scope, known, v["node"] or "", row, errors)
        metric = _METRICS.get(fold(v["metric"] or ""))
        if metric is None:
            errors.append(RowError("UNKNOWN_CHOICE", "metric", row.shown.get("metric", ""), {"choices": ", ".join(m.value for m in Metric)}))
        if errors or node is None or metric is None:
            return errors
        return imported.TargetRow(node, period_key(v["period"] or ""), Metric(metric), v["amount"] or Decimal(0))

    def _node(self, scope: Scope, known: HistoryValues, text: str, row: Row, errors: list[RowError]) -> Node | None:
        key = fold(text)
        if key in COMPANY or key == fold(scope.tree.org_name):
            return Node(NodeKind.ORG, scope.tree.org_id)
        units = [u for u in scope.tree.units.values() if fold(u.name) == key and not u.retired]
        if len(units) == 1:
            return Node(NodeKind.TEAM, units[0].id)
        if units:
            errors.append(RowError("AMBIGUOUS_UNIT", "node", text, {"value": text, "count": len(units)}))
            return None
        problems = Problems()
        person = known.owner(problems, "node", text)
        if person is not None:
            return Node(NodeKind.USER, person.id)
        code = problems.items[0].code if problems.items else ErrorCode.UNKNOWN_PERSON
        errors.append(RowError("UNKNOWN_NODE" if code is ErrorCode.UNKNOWN_PERSON else code.value, "node", text,
                               {k: str(v) for k, v in (problems.items[0].params if problems.items else {"value": text}).items()}))
        return None

    async def versions(self, session: AsyncSession, org_id: int, targets: list[int]) -> dict[int, str]:
        rows = await session.execute(select(Target.id, Target.version).where(Target.org_id == org_id, Target.id.in_(targets)))
        return {int(i): str(version) for i, version in rows}

    async def apply(self, session: AsyncSession, items: list[Item], state: ApplyState) -> list[dict[str, Any]]:
        todo = [it for it in items if it.plan.outcome in (Outcome.CREATED, Outcome.UPDATED)]
        planned = [
            imported.Planned(it.plan.outcome.value, imported.TargetRow(Node(NodeKind(c["kind"]), c["id"]), c["period"], Metric(c["metric"]), Decimal(c["amount"])),
                             c["grain"], it.plan.target, int(it.plan.version) if it.plan.version else None)
            for it in todo for c in [it.plan.changes]
        ]
        created, befores = await imported.save(session, state.org_id, state.run_id, state.user_id, planned, state.now)
        by_target = {b.target_id: b for b in befores}
        results: dict[int, dict[str, Any]] = {}
        for i, it in enumerate(todo):
            if i in created:
                results[id(it)] = {"id": created[i]}
            elif it.plan.target in by_target:
                b = by_target[it.plan.target]
                results[id(it)] = {"id": b.target_id, "version": b.version, "before": b.snapshot}
        return [results.get(id(it), {}) for it in items]

    async def undo(self, session: AsyncSession, items: list[Item], state: ApplyState) -> None:
        befores = [imported.Before(it.result["id"], it.result["version"], it.result["before"]) for it in items if "before" in it.result]
        try:
            await imported.undo(session, state.org_id, state.run_id, befores, state.now)
        except DomainError:
            raise Blocked("CHANGED_SINCE", items[0].line if items else 0) from None
