"""People, matched by email. Someone new is invited (the ordinary invitation: a join link and a code, listed in the
run's report, the only place they are shown); someone known gets the name, unit, role and manager the file gives.
Admins are never made or changed by an import; an address another org uses is refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from podium.imports import messages, values
from podium.imports.kinds.base import ApplyState, Blocked, Column, Item, Kind, Outcome, Plan, PlanState, Row, RowError
from podium.imports.lookups import people as directory
from podium.imports.values import Refused
from podium.orgs import people_imported as staff

_ROLES = {"rep": "rep", "sales": "rep", "销售": "rep", "销售代表": "rep", "业务员": "rep", "manager": "manager", "经理": "manager",
          "主管": "manager", "销售经理": "manager", "admin": "admin", "管理员": "admin"}

messages.add({
    "EMAIL_ELSEWHERE": ("This address belongs to an account of another organisation.", "该邮箱已被其他组织的账号使用。"),
    "ADMIN_NOT_IMPORTED": ("Admins are not made or changed by an import: do it in People.", "导入不能设置或修改管理员：请在“人员”中操作。"),
    "UNKNOWN_UNIT": ("No unit of this name: import the org units first.", "没有此名称的组织单位：请先导入组织单位。"),
    "INVITED": ("Invited: {link} (code {code})", "已邀请：{link}（邀请码 {code}）"),
    "ALREADY_INVITED": ("An invitation to this address is still open.", "该邮箱已有未使用的邀请。"),
    "JOINED": ("the person accepted the invitation", "该人员已接受邀请"),
})

COLUMNS = (
    Column("email", "Email", "邮箱", lambda c, _x: values.email(c), ("电子邮箱", "E-mail", "工作邮箱", "Email Address"), required=True),
    Column("name", "Name", "姓名", lambda c, _x: values.text(c, 200), ("名字", "员工姓名", "Full Name")),
    Column("role", "Role", "角色", lambda c, _x: values.choice(c, _ROLES), ("岗位", "职位", "Position")),
    Column("unit", "Unit", "组织单位", lambda c, _x: values.text(c, 200), ("团队", "部门", "Team", "Department")),
    Column("manager", "Manager", "上级", lambda c, _x: values.text(c, 320), ("直属上级", "汇报对象", "Reports To")),
)


class People(Kind):
    name = "people"
    en = "People"
    zh = "人员"
    columns = COLUMNS

    async def plan(self, session: AsyncSession, rows: list[Row], state: PlanState) -> list[Plan]:
        emails = [r.values["email"] for r in rows]
        known = await staff.by_emails(session, emails)
        open_invites = await staff.pending(session, state.org_id, emails, state.context.now)
        units = state.cache.get("unit_ids")
        if units is None:
            units = state.cache["unit_ids"] = await staff.unit_ids(session, state.org_id)
        people = await directory(session, state)
        plans: list[Plan] = []
        for row in rows:
            v, errors = row.values, []
            wanted: dict[str, Any] = {}
            if v.get("name"):
                wanted["name"] = v["name"]
            if v.get("role"):
                wanted["role"] = v["role"]
            if v.get("unit"):
                if v["unit"] not in units:
                    errors.append(RowError("UNKNOWN_UNIT", "unit", v["unit"]))
                else:
                    wanted["team_id"] = units[v["unit"]]
            if v.get("manager"):
                try:
                    wanted["manager_id"] = people.find(v["manager"])
                except Refused as refused:
                    errors.append(RowError(refused.code, "manager", row.shown.get("manager", ""), refused.params))
            first = state.repeat(f"email:{v['email']}", row.line)
            if first is not None:
                errors.append(RowError("REPEATED", None, "", {"line": first}))
            person = known.get(v["email"])
            if person is not None and person.org_id != state.org_id:
                errors.append(RowError("EMAIL_ELSEWHERE", "email", v["email"]))
            elif wanted.get("role") == "admin" or (person is not None and person.role == "admin" and any(k != "name" for k in wanted)):
                errors.append(RowError("ADMIN_NOT_IMPORTED", "role", row.shown.get("role", "")))
            if errors:
                plans.append(Plan.error(*errors))
            elif person is None:
                if v["email"] in open_invites:
                    plans.append(Plan.error(RowError("ALREADY_INVITED", "email", v["email"])))
                elif not wanted.get("name"):
                    plans.append(Plan.error(RowError("REQUIRED", "name")))
                else:
                    plans.append(Plan(Outcome.CREATED, changes={"email": v["email"], "role": "rep", **wanted}))
            else:
                changes = {k: x for k, x in wanted.items() if getattr(person, k) != x}
                plans.append(Plan(Outcome.UPDATED if changes else Outcome.UNCHANGED, target=person.id, version=person.version, changes=changes))
        return plans

    async def versions(self, session: AsyncSession, org_id: int, targets: list[int]) -> dict[int, str]:
        return {i: p.version for i, p in (await staff.by_ids(session, org_id, targets)).items()}

    async def apply(self, session: AsyncSession, items: list[Item], state: ApplyState) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        days = state.settings.accounts.invite_days if state.settings is not None else 7
        current = await staff.by_ids(session, state.org_id, [it.plan.target for it in items if it.plan.target is not None])
        for item in items:
            if item.plan.outcome is Outcome.CREATED:
                issued = await staff.invite(session, state.org_id, state.user_id, item.plan.changes, state.now, days)
                results.append({"invitation": issued.id, "link": issued.path, "code": issued.code})
                continue
            assert item.plan.target is not None
            before = current[item.plan.target]
            await staff.update_person(session, state.org_id, item.plan.target, item.plan.changes)
            after = (await staff.by_ids(session, state.org_id, [item.plan.target]))[item.plan.target]
            results.append({"person": item.plan.target, "version": after.version,
                            "previous": {k: getattr(before, k) for k in item.plan.changes}})
        return results

    async def undo(self, session: AsyncSession, items: list[Item], state: ApplyState) -> None:
        invited = {it.result["invitation"]: it for it in items if it.plan.outcome is Outcome.CREATED and it.result.get("invitation")}
        joined = await staff.accepted(session, state.org_id, list(invited))
        if joined:
            raise Blocked("JOINED", invited[min(joined)].line)
        updated = [it for it in items if it.plan.outcome is Outcome.UPDATED and it.result.get("person")]
        now = {i: p.version for i, p in (await staff.by_ids(session, state.org_id, [it.result["person"] for it in updated])).items()}
        for it in updated:
            if now.get(it.result["person"]) != it.result["version"]:
                raise Blocked("CHANGED_SINCE", it.line)
        for it in updated:
            await staff.update_person(session, state.org_id, it.result["person"], it.result["previous"])
        await staff.revoke(session, state.org_id, list(invited), state.now)
