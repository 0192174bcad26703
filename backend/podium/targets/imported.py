"""Targets from a file: one per node of the org tree, period and metric, saved set-based and undone exactly.

The invariants of a target hold as for one set in the app: its node is of this org, its period a real period of
the org's fiscal calendar (the grain follows from the key), its amount has the metric's places, one per (node,
period, metric), and a change moves its version on. A file sets targets directly (basis "direct"): a parent and its
children may disagree, which attainment shows as the gap, exactly as a bottom-up plan in the app does. No event per
row: attainment reads the targets table when next asked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.errors import DomainError, ErrorCode, Problem, Problems
from podium.core.money import check_amount
from podium.orgs import service as orgs
from podium.orgs import tree as org_tree
from podium.targets.calendar import FiscalCalendar
from podium.targets.models import Target
from podium.targets.service import Metric, Node, Scope, _parse

DIRECT = "direct"


@dataclass(frozen=True)
class TargetRow:
    node: Node
    period_key: str
    metric: Metric
    amount: Decimal


@dataclass(frozen=True)
class Planned:
    outcome: str  # created, updated, unchanged
    row: TargetRow
    grain: str
    target_id: int | None = None
    version: int | None = None


async def org_scope(session: AsyncSession, org_id: int) -> Scope:
    """The whole org's tree and calendar: an import is an admin's, who reaches every node."""
    tree = await org_tree.load_tree(session, org_id)
    org = await orgs.org_by_id(session, org_id)
    assert org is not None
    reach = org_tree.Reach(True, frozenset(tree.units), frozenset(tree.members))
    return Scope(tree, reach, FiscalCalendar(org.fiscal_year_start_month, org.time_zone), org.currency)


def check(scope: Scope, row: TargetRow) -> list[Problem] | str:
    """The row's grain, or what is wrong with it."""
    problems = Problems()
    if not scope.exists(row.node):
        problems.add(ErrorCode.NOT_FOUND, "node")
    check_amount(problems, "amount", row.amount, places=scope.places(row.metric))
    grain = ""
    try:
        grain = _parse(scope, row.period_key).grain.value
    except DomainError as error:
        problems.items += error.problems
    return problems.items or grain


async def plan(session: AsyncSession, scope: Scope, rows: Sequence[TargetRow]) -> list[Planned | list[Problem]]:
    """created, updated or unchanged per row (one read for all), a repeated (node, period, metric) flagged."""
    org_id = scope.tree.org_id
    keys = {(r.node.kind.value, r.node.id, r.period_key, r.metric.value) for r in rows}
    periods = sorted({k[2] for k in keys})
    existing: dict[tuple[str, int, str, str], Target] = {}
    for start in range(0, len(periods), 500):
        query = select(Target).where(Target.org_id == org_id, Target.period_key.in_(periods[start:start + 500]))
        existing.update({(t.node_kind, t.node_id, t.period_key, t.metric): t for t in await session.scalars(query)})
    seen: set[tuple[str, int, str, str]] = set()
    result: list[Planned | list[Problem]] = []
    for row in rows:
        checked = check(scope, row)
        key = (row.node.kind.value, row.node.id, row.period_key, row.metric.value)
        if isinstance(checked, list):
            result.append(checked)
        elif key in seen:
            result.append([Problem(ErrorCode.DUPLICATE, "node")])
        else:
            seen.add(key)
            old = existing.get(key)
            if old is None:
                result.append(Planned("created", row, checked))
            else:
                same = old.amount == row.amount and old.basis == DIRECT
                result.append(Planned("unchanged" if same else "updated", row, checked, old.id, old.version))
    return result


@dataclass(frozen=True)
class Before:
    target_id: int
    version: int  # the version the import left
    snapshot: str


async def save(session: AsyncSession, org_id: int, run_id: int, by: int, planned: Sequence[Planned], now: datetime) -> tuple[dict[int, int], list[Before]]:
    """Carry out the plan: (row index → created target id, the updated ones as they were)."""
    created = [(i, p) for i, p in enumerate(planned) if p.outcome == "created"]
    values = [
        {"org_id": org_id, "node_kind": p.row.node.kind.value, "node_id": p.row.node.id, "grain": p.grain, "period_key": p.row.period_key,
         "metric": p.row.metric.value, "amount": p.row.amount, "basis": DIRECT, "version": 1, "set_by": by, "updated_at": now,
         "import_run_id": run_id}
        for _, p in created
    ]
    ids: list[int] = []
    for start in range(0, len(values), 500):
        ids += [int(i) for i in (await session.execute(insert(Target).returning(Target.id, sort_by_parameter_order=True), values[start:start + 500])).scalars()]
    befores = []
    for p in planned:
        if p.outcome != "updated" or p.target_id is None or p.version is None:
            continue
        old = await session.get(Target, p.target_id)
        assert old is not None
        if old.version != p.version:
            raise DomainError.one(ErrorCode.CONFLICT, "run", changed="targets")
        befores.append(Before(old.id, old.version + 1, json.dumps({"amount": str(old.amount), "basis": old.basis, "set_by": old.set_by})))
        await session.execute(update(Target).where(Target.id == old.id).values(
            amount=p.row.amount, basis=DIRECT, version=Target.version + 1, set_by=by, updated_at=now))
    return {i: t for (i, _), t in zip(created, ids, strict=True)}, befores


async def undo(session: AsyncSession, org_id: int, run_id: int, updated: Sequence[Before], now: datetime) -> None:
    """The run's targets go and the ones it changed return, unless any was set again since (CONFLICT)."""
    moved = await session.scalar(select(Target.id).where(Target.org_id == org_id, Target.import_run_id == run_id, Target.version != 1).limit(1))
    for before in updated:
        current = await session.get(Target, before.target_id)
        if current is not None and current.version != before.version:
            moved = current.id
    if moved is not None:
        raise DomainError.one(ErrorCode.CONFLICT, "run", changed="targets")
    await session.execute(delete(Target).where(Target.org_id == org_id, Target.import_run_id == run_id))
    for before in updated:
        old = json.loads(before.snapshot)
        await session.execute(update(Target).where(Target.id == before.target_id).values(
            amount=Decimal(old["amount"]), basis=old["basis"], set_by=old["set_by"], version=before.version - 1, updated_at=now))
