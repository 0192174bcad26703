"""Org units by path ("华东大区/上海一组"): every unit of the path that does not exist is created under the one
before it; the last one may get a manager and a market potential. Names are unique in an org, so a name found
under another parent is a row error, never a silent move."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from podium.imports import messages, values
from podium.imports.kinds.base import ApplyState, Blocked, Column, Item, Kind, Outcome, Plan, PlanState, Row, RowError
from podium.imports.lookups import people
from podium.imports.values import Refused
from podium.orgs import units_imported as tree
from podium.orgs.units import MAX_DEPTH, NAME_MAX

messages.add({
    "UNIT_ELSEWHERE": ("“{name}” already exists under “{parent}”: move it in the org tree, or fix the path.",
                       "“{name}”已存在于“{parent}”之下：请在组织架构中移动它，或修改路径。"),
    "TOO_DEEP": ("At most {max} levels.", "最多 {max} 层。"),
    "UNIT_IN_USE": ("people or units were added to it", "已有人员或下级单位加入"),
})
_SPLIT = re.compile(r"\s*[/／>＞\\]\s*")
_TOP = "—"


def _path(cell: values.Cell, _ctx: Any) -> list[str] | None:
    text = values.text(cell, 2_000)
    if text is None:
        return None
    parts = [p for p in _SPLIT.split(text) if p]
    if any(len(p) > NAME_MAX for p in parts):
        raise Refused("TOO_LONG", max=NAME_MAX)
    if len(parts) > MAX_DEPTH:
        raise Refused("TOO_DEEP", max=MAX_DEPTH)
    return parts or None


COLUMNS = (
    Column("path", "Unit path", "组织路径", _path, ("路径", "部门", "部门路径", "组织", "团队", "Unit", "Team", "Path", "Department"), required=True),
    Column("manager", "Manager", "负责人", lambda c, _x: values.text(c, 320), ("经理", "主管", "Manager Email", "Head")),
    Column("potential", "Market potential", "市场潜力", lambda c, _x: values.amount(c), ("潜力", "Potential")),
)


class Units(Kind):
    name = "units"
    en = "Org units"
    zh = "组织单位"
    columns = COLUMNS

    async def plan(self, session: AsyncSession, rows: list[Row], state: PlanState) -> list[Plan]:
        known: dict[str, tuple[int | None, str | None]] | None = state.cache.get("units")
        if known is None:
            live = await tree.units(session, state.org_id)
            known = {u.name: (u.id, live[u.parent_id].name if u.parent_id in live else None) for u in live.values()}
            state.cache["units"] = known
        current = {u.name: u for u in (await tree.units(session, state.org_id, [i for i, _p in known.values() if i])).values()}
        directory = await people(session, state)
        plans: list[Plan] = []
        for row in rows:
            path: list[str] = row.values["path"]
            manager = None
            if row.values.get("manager") is not None:
                try:
                    manager = directory.find(row.values["manager"])
                except Refused as refused:
                    plans.append(Plan.error(RowError(refused.code, "manager", row.shown.get("manager", ""), refused.params)))
                    continue
            creates: list[list[str | None]] = []
            problem = None
            for depth, name in enumerate(path):
                parent = path[depth - 1] if depth else None
                if name in known:
                    if known[name][1] != parent:
                        problem = RowError("UNIT_ELSEWHERE", "path", "/".join(path), {"name": name, "parent": known[name][1] or _TOP})
                        break
                elif not any(c[0] == name for c in creates):
                    creates.append([name, parent])
            if problem is not None:
                plans.append(Plan.error(problem))
                continue
            first = state.repeat(f"unit:{path[-1]}", row.line)
            if first is not None:
                plans.append(Plan.error(RowError("REPEATED", None, "", {"line": first})))
                continue
            for name, parent in creates:
                known[str(name)] = (None, parent)
            wanted: dict[str, Any] = {}
            if manager is not None:
                wanted["manager_id"] = manager
            if row.values.get("potential") is not None:
                wanted["potential"] = str(row.values["potential"])
            unit = current.get(path[-1])
            if creates:
                plans.append(Plan(Outcome.CREATED, changes={"create": creates, "set": wanted}))
            elif unit is None:
                plans.append(Plan.error(RowError("REPEATED", "path", "/".join(path), {"line": "—"})))
            else:
                changed = {k: x for k, x in wanted.items() if str(getattr(unit, k)) != str(x)}
                plans.append(Plan(Outcome.UPDATED if changed else Outcome.UNCHANGED, target=unit.id, version=unit.version,
                                  changes={"set": changed} if changed else {}))
        return plans

    async def versions(self, session: AsyncSession, org_id: int, targets: list[int]) -> dict[int, str]:
        return await tree.versions(session, org_id, targets)

    async def apply(self, session: AsyncSession, items: list[Item], state: ApplyState) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        for item in items:
            setting = _values(item.plan.changes.get("set", {}))
            if item.plan.outcome is Outcome.CREATED:
                made: list[int] = []
                for name, parent in item.plan.changes["create"]:
                    parent_id = await tree.id_named(session, state.org_id, parent) if parent else None
                    made.append(await tree.create(session, state.org_id, name, parent_id))
                if setting:
                    await tree.update_unit(session, state.org_id, made[-1], setting)
                results.append({"units": made})
                continue
            assert item.plan.target is not None
            before = (await tree.units(session, state.org_id, [item.plan.target]))[item.plan.target]
            await tree.update_unit(session, state.org_id, item.plan.target, setting)
            after = (await tree.units(session, state.org_id, [item.plan.target]))[item.plan.target]
            results.append({"unit": item.plan.target, "version": after.version,
                            "previous": {k: str(getattr(before, k)) if getattr(before, k) is not None else None for k in setting}})
        return results

    async def undo(self, session: AsyncSession, items: list[Item], state: ApplyState) -> None:
        created = {u: it for it in items if it.plan.outcome is Outcome.CREATED for u in it.result.get("units", [])}
        updated = [it for it in items if it.plan.outcome is Outcome.UPDATED and it.result.get("unit")]
        busy = await tree.in_use(session, state.org_id, list(created))
        if busy:
            raise Blocked("UNIT_IN_USE", created[min(busy)].line)
        now = await tree.versions(session, state.org_id, [it.result["unit"] for it in updated])
        for it in updated:
            if now.get(it.result["unit"]) != it.result["version"]:
                raise Blocked("CHANGED_SINCE", it.line)
        for it in updated:
            await tree.update_unit(session, state.org_id, it.result["unit"], _values(it.result["previous"]))
        await tree.delete_many(session, state.org_id, list(created))


def _values(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "potential":
            out[key] = Decimal(value) if value is not None else None
        elif key == "manager_id":
            out[key] = int(value) if value is not None else None
    return out
