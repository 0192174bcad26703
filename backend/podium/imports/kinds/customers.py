"""Customers (with one contact per row): matched by external id, then credit code, then name; near matches asked.

A blank cell leaves the stored value as it is (an import fills and corrects, never erases); a blank owner puts a
new customer in the open pool (公海). Positions carry their coordinate system and are stored in WGS-84.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from podium.customers import imported
from podium.customers.coords import CoordSystem, to_wgs84
from podium.customers.manage import derive_city
from podium.customers.models import Customer, CustomerContact
from podium.customers.names import KEY_MAX, loose_of_key, name_key
from podium.imports import messages, values
from podium.imports.kinds.base import (
    ApplyState, Blocked, Candidate, Column, Context, Item, Kind, Outcome, Plan, PlanState, Row, RowError,
)
from podium.imports.lookups import people
from podium.imports.values import Cell, Refused
from podium.pipeline import customers as pipeline
from podium.visits import customers as visits

_TIERS = {"a": "A", "b": "B", "c": "C", "a类": "A", "b类": "B", "c类": "C", "a级": "A", "b级": "B", "c级": "C",
          "重点": "A", "重要": "A", "普通": "B", "一般": "C"}
_SYSTEMS = {"wgs84": "WGS84", "gps": "WGS84", "gcj02": "GCJ02", "高德": "GCJ02", "腾讯": "GCJ02", "火星坐标": "GCJ02",
            "bd09": "BD09", "百度": "BD09", "百度坐标": "BD09"}

messages.add({
    "COORD_SYSTEM_REQUIRED": ("Say which coordinate system the position is in (WGS-84, GCJ-02 or BD-09).",
                              "请注明坐标系（WGS-84、GCJ-02 或 BD-09）。"),
    "CONTACT_NAME_REQUIRED": ("A contact needs a name.", "联系人须有姓名。"),
    "HAS_VISITS": ("the customer has visits", "该客户已有拜访记录"),
    "HAS_DEALS": ("the customer has deals or activities", "该客户已有商机或跟进记录"),
    "HAS_CONTACTS": ("the customer got other contacts", "该客户已新增其他联系人"),
    "MERGED": ("customers were merged into it", "已有客户合并到该客户"),
})


def _text(limit: int):  # type: ignore[no-untyped-def]
    return lambda cell, _ctx: values.text(cell, limit)


def _code(limit: int):  # type: ignore[no-untyped-def]
    return lambda cell, _ctx: values.strict_code(cell, limit)


def _created(cell: Cell, ctx: Context) -> datetime | None:
    return values.datetime_value(cell, ctx.zone, past=True, now=ctx.now)


COLUMNS = (
    Column("external_id", "External ID", "外部编号", _code(64), ("客户编号", "客户ID", "Account ID", "CRM ID", "ID", "编号")),
    Column("name", "Customer name", "客户名称", _text(200), ("公司名称", "Account Name", "Customer", "Company", "客户", "名称", "企业名称"), required=True),
    Column("credit_code", "Credit code", "统一社会信用代码", lambda c, _ctx: values.credit_code(c), ("Credit Code", "USCC", "信用代码", "社会信用代码", "税号")),
    Column("owner", "Owner", "负责人", _text(320), ("Account Owner", "Owner Email", "负责人邮箱", "客户负责人", "所属销售", "归属人", "销售", "销售代表")),
    Column("address", "Address", "地址", _text(400), ("详细地址", "Billing Address", "Street", "公司地址")),
    Column("city", "City", "城市", _text(80), ("所在城市", "Billing City")),
    Column("industry", "Industry", "行业", _text(80), ("所属行业",)),
    Column("tier", "Tier", "等级", lambda c, _ctx: values.choice(c, _TIERS), ("客户等级", "级别", "Rating", "分级")),
    Column("latitude", "Latitude", "纬度", lambda c, _ctx: values.number(c, minimum=-90, maximum=90), ("Lat",)),
    Column("longitude", "Longitude", "经度", lambda c, _ctx: values.number(c, minimum=-180, maximum=180), ("Lng", "Lon", "Long")),
    Column("coord_system", "Coordinate system", "坐标系", lambda c, _ctx: values.choice(c, _SYSTEMS), ("Coordinates", "CRS", "坐标类型")),
    Column("potential", "Potential", "市场潜力", lambda c, _ctx: values.amount(c), ("潜力", "年采购潜力", "Annual Revenue")),
    Column("created_at", "Created", "创建日期", _created, ("创建时间", "Created Date", "Created At", "建档日期")),
    Column("contact_name", "Contact", "联系人", _text(100), ("Contact Name", "联系人姓名", "联系人名称")),
    Column("contact_title", "Contact title", "职务", _text(100), ("Title", "联系人职务", "Job Title", "职位")),
    Column("contact_phone", "Phone", "电话", lambda c, _ctx: values.phone(c), ("联系电话", "手机", "Mobile", "手机号", "联系人电话")),
    Column("contact_email", "Contact email", "联系人邮箱", lambda c, _ctx: values.email(c), ("邮箱", "Email", "E-mail")),
)

_CONTACT_KEYS = {"contact_name": "name", "contact_title": "title", "contact_phone": "phone", "contact_email": "email"}


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _stored(field: str, value: Any) -> Any:
    if value is None:
        return None
    if field == "potential":
        return Decimal(value)
    if field == "created_at":
        return datetime.fromisoformat(value)
    return value


class Customers(Kind):
    name = "customers"
    en = "Customers"
    zh = "客户"
    columns = COLUMNS

    async def plan(self, session: AsyncSession, rows: list[Row], state: PlanState) -> list[Plan]:
        index = state.cache.get("customers")
        if index is None:
            index = state.cache["customers"] = await imported.index(session, state.org_id)
        directory = await people(session, state)
        drafts: list[tuple[Row, dict[str, Any], Plan | int | None]] = []
        for row in rows:
            drafts.append(self._draft(row, index, directory, state))
        targets = {t for _r, _f, t in drafts if isinstance(t, int)}
        current = await imported.rows(session, state.org_id, targets)
        contacts = await imported.contacts(session, state.org_id, targets)
        plans: list[Plan] = []
        for row, fields, target in drafts:
            if isinstance(target, Plan):
                plans.append(target)
            elif target is None:
                plans.append(Plan(Outcome.CREATED, changes={"customer": {k: _json(v) for k, v in fields.items()}, "contact": _contact(row)}))
            else:
                plans.append(self._update(row, fields, current[target], contacts.get(target, []), index))
        return plans

    def _draft(self, row: Row, index: imported.Index, directory: Any, state: PlanState) -> tuple[Row, dict[str, Any], Plan | int | None]:
        """The row's fields, and its match: a record id, None to create, or the error plan."""
        v = row.values
        errors: list[RowError] = []
        fields: dict[str, Any] = {}
        name = v["name"]
        key = name_key(name)
        if not key or len(key) > KEY_MAX:
            errors.append(RowError("REQUIRED", "name", row.shown.get("name", "")))
        fields.update(name=name, name_key=key)
        for field in ("address", "city", "industry", "tier", "external_id", "credit_code", "potential", "created_at"):
            if v.get(field) is not None:
                fields[field] = v[field]
        if v.get("owner") is not None:
            try:
                fields["owner_id"] = directory.find(v["owner"])
            except Refused as refused:
                errors.append(RowError(refused.code, "owner", row.shown.get("owner", ""), refused.params))
        lat, lng = v.get("latitude"), v.get("longitude")
        if (lat is None) != (lng is None):
            errors.append(RowError("INCOMPLETE_POSITION", "latitude" if lat is None else "longitude"))
        elif lat is not None and lng is not None:
            if v.get("coord_system") is None:
                errors.append(RowError("COORD_SYSTEM_REQUIRED", "coord_system"))
            else:
                wgs = to_wgs84(CoordSystem(v["coord_system"]), lat, lng)
                fields["latitude"], fields["longitude"] = round(wgs[0], 7), round(wgs[1], 7)
        if v.get("contact_name") is None and any(v.get(k) is not None for k in ("contact_title", "contact_phone", "contact_email")):
            errors.append(RowError("CONTACT_NAME_REQUIRED", "contact_name"))
        if errors:
            return row, fields, Plan.error(*errors)
        for identity in (f"x:{v.get('external_id')}" if v.get("external_id") else None,
                         f"c:{v.get('credit_code')}" if v.get("credit_code") else None, f"n:{key}"):
            first = state.repeat(identity, row.line) if identity else None
            if first is not None:
                return row, fields, Plan.error(RowError("REPEATED", None, "", {"line": first}))
        return row, fields, self._match(row, fields, index)

    def _match(self, row: Row, fields: dict[str, Any], index: imported.Index) -> Plan | int | None:
        by_external = index.by_external.get(fields.get("external_id") or "")
        by_code = index.by_code.get(fields.get("credit_code") or "")
        if by_external is not None and by_code is not None and by_external.id != by_code.id:
            return Plan.error(RowError("MATCH_CONFLICT", "credit_code", fields["credit_code"]))
        if by_external is not None or by_code is not None:
            return (by_external or by_code).id  # type: ignore[union-attr]
        decided = row.decision
        same_name = index.by_key.get(fields["name_key"])
        near = [k for k in index.by_loose.get(loose_of_key(fields["name_key"]), []) if same_name is None or k.id != same_name.id]
        if same_name is not None:
            code = fields.get("credit_code")
            if code and same_name.credit_code and same_name.credit_code != code and decided != str(same_name.id):
                # Same name, another company by its code: only a person can say which is right.
                return Plan.error(RowError("NEAR_MATCH", "credit_code", code, {"candidate": same_name.name}),
                                  candidates=[Candidate(same_name.id, same_name.name)])
            return same_name.id
        if near:
            if decided == "new":
                return None
            chosen = next((k for k in near if str(k.id) == decided), None)
            if chosen is not None:
                return chosen.id
            return Plan.error(RowError("NEAR_MATCH", "name", fields["name"], {"candidate": near[0].name}),
                              candidates=[Candidate(k.id, k.name) for k in near[:5]])
        return None

    def _update(self, row: Row, fields: dict[str, Any], customer: Customer, contacts: list[CustomerContact], index: imported.Index) -> Plan:
        version = customer.updated_at.isoformat() if customer.updated_at else ""
        changes: dict[str, Any] = {}
        for field, value in fields.items():
            if field == "created_at" and customer.created_at is not None:
                continue  # the first import's date stands
            if field == "name_key":
                continue
            old = getattr(customer, field)
            if field in ("latitude", "longitude") and old is not None and abs(old - value) < 1e-6:
                continue
            if field in ("external_id", "credit_code") and old and old != value:
                continue  # matched by the other key: the stored identity stays
            if old != value:
                changes[field] = _json(value)
        if "name" in changes:
            other = index.by_key.get(fields["name_key"])
            if other is not None and other.id != customer.id:
                return Plan.error(RowError("TAKEN", "name", fields["name"], {"what": "name"}))
            changes["name_key"] = fields["name_key"]
        code = changes.get("credit_code")
        if code and (holder := index.by_code.get(code)) is not None and holder.id != customer.id:
            return Plan.error(RowError("TAKEN", "credit_code", code, {"what": "credit code"}))
        contact = _contact(row)
        contact_change: dict[str, Any] = {}
        if contact:
            same = next((c for c in contacts if c.name.casefold() == contact["name"].casefold()
                         or (contact.get("phone") and c.phone == contact["phone"])), None)
            if same is None:
                contact_change = {"create": contact}
            else:
                diff = {k: val for k, val in contact.items() if getattr(same, k) != val}
                if diff:
                    contact_change = {"id": same.id, "set": diff}
        if not changes and not contact_change:
            return Plan(Outcome.UNCHANGED, target=customer.id, version=version)
        return Plan(Outcome.UPDATED, target=customer.id, version=version, changes={"customer": changes, "contact": contact_change})

    async def versions(self, session: AsyncSession, org_id: int, targets: list[int]) -> dict[int, str]:
        return await imported.versions(session, org_id, targets)

    async def apply(self, session: AsyncSession, items: list[Item], state: ApplyState) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = [{} for _ in items]
        new = [(i, it) for i, it in enumerate(items) if it.plan.outcome is Outcome.CREATED]
        stamp = state.now.isoformat()
        rows = []
        for _i, it in new:
            fields = {k: _stored(k, val) for k, val in it.plan.changes["customer"].items()}
            address = fields.get("address") or ""
            rows.append({
                "name": fields["name"], "name_key": fields["name_key"], "address": address,
                "city": fields.get("city") or derive_city(address), "industry": fields.get("industry") or "",
                "tier": fields.get("tier") or "C", "owner_id": fields.get("owner_id"),
                "latitude": fields.get("latitude"), "longitude": fields.get("longitude"), "geofence_radius_m": 300,
                "potential": fields.get("potential") or Decimal(0), "created_at": fields.get("created_at"),
                "created_by": state.user_id, "external_id": fields.get("external_id"), "credit_code": fields.get("credit_code"),
                "updated_at": state.now, "open_pipeline": Decimal(0), "lifetime_revenue": Decimal(0),
            })
        ids = await imported.insert_many(session, state.org_id, rows)
        contact_rows, contact_of = [], []
        for (i, it), customer_id in zip(new, ids, strict=True):
            results[i] = {"customer": customer_id, "version": stamp}
            if it.plan.changes.get("contact"):
                contact_rows.append({"customer_id": customer_id, "created_at": state.now, **_contact_values(it.plan.changes["contact"])})
                contact_of.append(i)
        for i, contact_id in zip(contact_of, await imported.insert_contacts(session, state.org_id, contact_rows), strict=True):
            results[i]["contact"] = contact_id
        existing = [(i, it) for i, it in enumerate(items) if it.plan.outcome is Outcome.UPDATED]
        current = await imported.rows(session, state.org_id, [it.plan.target for _i, it in existing if it.plan.target])
        contacts = await imported.contacts(session, state.org_id, current)
        for i, it in existing:
            customer = current[it.plan.target]  # type: ignore[index]
            changed = {k: _stored(k, val) for k, val in it.plan.changes["customer"].items()}
            result: dict[str, Any] = {"customer": customer.id, "version": stamp, "before": it.plan.version,
                                      "previous": {k: _json(getattr(customer, k)) for k in changed}}
            if changed:
                await imported.update_one(session, state.org_id, customer.id, {**changed, "updated_at": state.now})
            contact = it.plan.changes.get("contact") or {}
            if "create" in contact:
                (result["contact"],) = await imported.insert_contacts(
                    session, state.org_id, [{"customer_id": customer.id, "created_at": state.now, **_contact_values(contact["create"])}])
            elif "id" in contact:
                old = next(c for c in contacts.get(customer.id, []) if c.id == contact["id"])
                result["contact_previous"] = {"id": old.id, **{k: getattr(old, k) for k in contact["set"]}}
                await imported.update_contact(session, state.org_id, old.id, contact["set"])
            if not changed:
                await imported.update_one(session, state.org_id, customer.id, {"updated_at": state.now})
            results[i] = result
        return results

    async def undo(self, session: AsyncSession, items: list[Item], state: ApplyState) -> None:
        org = state.org_id
        created = {it.result["customer"]: it for it in items if it.plan.outcome is Outcome.CREATED and it.result.get("customer")}
        updated = [it for it in items if it.plan.outcome is Outcome.UPDATED and it.result.get("customer")]
        ids = list(created) + [it.result["customer"] for it in updated]
        now_versions = await imported.versions(session, org, ids)
        for it in [*created.values(), *updated]:
            if now_versions.get(it.result["customer"], "") != datetime.fromisoformat(it.result["version"]).isoformat():
                raise Blocked("CHANGED_SINCE", it.line)
        created_ids = list(created)
        for found, code in ((await visits.visited(session, created_ids), "HAS_VISITS"),
                            (await pipeline.with_pipeline(session, created_ids), "HAS_DEALS"),
                            (await imported.merged_into(session, org, created_ids), "MERGED")):
            if found:
                raise Blocked(code, created[min(found)].line)
        counts = await imported.contact_counts(session, org, created_ids)
        for customer_id, count in counts.items():
            if count > (1 if created[customer_id].result.get("contact") else 0):
                raise Blocked("HAS_CONTACTS", created[customer_id].line)
        contact_ids = [it.result["contact"] for it in created.values() if it.result.get("contact")]
        contact_ids += [it.result["contact"] for it in updated if it.result.get("contact")]
        for it in updated:
            previous = {k: _stored(k, val) for k, val in it.result["previous"].items()}
            before = datetime.fromisoformat(it.result["before"]) if it.result.get("before") else None
            await imported.update_one(session, org, it.result["customer"], {**previous, "updated_at": before})
            if "contact_previous" in it.result:
                old = dict(it.result["contact_previous"])
                await imported.update_contact(session, org, old.pop("id"), old)
        await imported.delete_many(session, org, created_ids, contact_ids)


def _contact(row: Row) -> dict[str, Any]:
    if row.values.get("contact_name") is None:
        return {}
    return {attr: row.values[key] for key, attr in _CONTACT_KEYS.items() if row.values.get(key) is not None}


def _contact_values(contact: dict[str, Any]) -> dict[str, Any]:
    return {"name": contact["name"], "title": contact.get("title", ""), "phone": contact.get("phone", ""), "email": contact.get("email", "")}
