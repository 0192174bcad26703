"""Products, matched by SKU: a new SKU is created (Chinese name and prices required), a known one updated.

A blank cell leaves the stored value as it is. Deals already written keep their prices (the catalog's rule)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from podium.imports import messages, values
from podium.imports.kinds.base import ApplyState, Blocked, Column, Item, Kind, Outcome, Plan, PlanState, Row, RowError
from podium.pipeline import products_imported as catalog
from podium.pipeline.products import LINE_MAX, NAME_MAX, PRICE_MAX, SKU_MAX

messages.add({
    "SKU_SPACES": ("A SKU has no spaces.", "SKU 不能包含空格。"),
    "PRODUCT_USED": ("a deal line uses the product", "已有商机明细使用该产品"),
})


def _price(cell: values.Cell, _ctx: Any) -> Decimal | None:
    return values.amount(cell, maximum=PRICE_MAX)


def _active(cell: values.Cell, _ctx: Any) -> bool | None:
    return values.yes_no(cell)


COLUMNS = (
    Column("sku", "SKU", "SKU", lambda c, _x: values.strict_code(c, SKU_MAX), ("产品编号", "物料编号", "货号", "Product Code", "编码"), required=True),
    Column("name", "Name (Chinese)", "产品名称", lambda c, _x: values.text(c, NAME_MAX), ("名称", "中文名称", "Product Name", "品名")),
    Column("name_en", "Name (English)", "英文名称", lambda c, _x: values.text(c, NAME_MAX), ("English Name",)),
    Column("line", "Product line", "产品线", lambda c, _x: values.text(c, LINE_MAX), ("Line", "系列", "产品系列", "Product Family")),
    Column("list_price", "List price", "标准价", _price, ("价格", "单价", "售价", "Price", "List Price", "Unit Price")),
    Column("unit_cost", "Unit cost", "成本", _cost := _price, ("成本价", "Cost", "Unit Cost")),
    Column("is_active", "Active", "在售", _active, ("启用", "是否在售", "Active", "Status")),
)
del _cost


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _stored(field: str, value: Any) -> Any:
    return Decimal(value) if field in ("list_price", "unit_cost") and value is not None else value


class Products(Kind):
    name = "products"
    en = "Products"
    zh = "产品"
    columns = COLUMNS

    async def plan(self, session: AsyncSession, rows: list[Row], state: PlanState) -> list[Plan]:
        known = await catalog.by_skus(session, state.org_id, [r.values["sku"] for r in rows])
        plans: list[Plan] = []
        for row in rows:
            v = row.values
            sku = v["sku"]
            if any(ch.isspace() for ch in sku):
                plans.append(Plan.error(RowError("SKU_SPACES", "sku", sku)))
                continue
            first = state.repeat(f"sku:{sku.casefold()}", row.line)
            if first is not None:
                plans.append(Plan.error(RowError("REPEATED", None, "", {"line": first})))
                continue
            given = {f: v[f] for f in catalog.FIELDS if v.get(f) is not None}
            product = known.get(sku)
            if product is None:
                missing = [f for f in ("name", "list_price", "unit_cost") if f not in given]
                if missing:
                    plans.append(Plan.error(*(RowError("REQUIRED", f) for f in missing)))
                    continue
                plans.append(Plan(Outcome.CREATED, changes={"sku": sku, **{k: _json(x) for k, x in given.items()}}))
                continue
            changes = {k: _json(x) for k, x in given.items() if getattr(product, k) != x}
            outcome = Outcome.UPDATED if changes else Outcome.UNCHANGED
            plans.append(Plan(outcome, target=product.id, version=catalog.version(product), changes=changes))
        return plans

    async def versions(self, session: AsyncSession, org_id: int, targets: list[int]) -> dict[int, str]:
        return await catalog.versions(session, org_id, targets)

    async def apply(self, session: AsyncSession, items: list[Item], state: ApplyState) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = [{} for _ in items]
        new = [(i, it) for i, it in enumerate(items) if it.plan.outcome is Outcome.CREATED]
        rows = [{"name_en": "", "line": "", "is_active": True, **{k: _stored(k, x) for k, x in it.plan.changes.items()}} for _i, it in new]
        for (i, _it), product_id in zip(new, await catalog.insert_many(session, state.org_id, rows), strict=True):
            results[i] = {"product": product_id}
        changed = [(i, it) for i, it in enumerate(items) if it.plan.outcome is Outcome.UPDATED and it.plan.target is not None]
        ids = [it.plan.target for _i, it in changed if it.plan.target is not None]
        now = await catalog.versions(session, state.org_id, ids)
        for i, it in changed:
            assert it.plan.target is not None
            fields = {k: _stored(k, x) for k, x in it.plan.changes.items()}
            previous = {f: _json(x) for f, x in (await catalog.values_of(session, state.org_id, it.plan.target, list(fields))).items()}
            await catalog.update_one(session, state.org_id, it.plan.target, fields)
            results[i] = {"product": it.plan.target, "previous": previous, "before": now.get(it.plan.target, "")}
        after = await catalog.versions(session, state.org_id, ids)
        for i, it in changed:
            results[i]["version"] = after.get(it.plan.target or 0, "")
        return results

    async def undo(self, session: AsyncSession, items: list[Item], state: ApplyState) -> None:
        created = {it.result["product"]: it for it in items if it.plan.outcome is Outcome.CREATED and it.result.get("product")}
        updated = [it for it in items if it.plan.outcome is Outcome.UPDATED and it.result.get("product")]
        in_use = await catalog.used(session, list(created))
        if in_use:
            raise Blocked("PRODUCT_USED", created[min(in_use)].line)
        now = await catalog.versions(session, state.org_id, [it.result["product"] for it in updated])
        for it in updated:
            if now.get(it.result["product"]) != it.result.get("version"):
                raise Blocked("CHANGED_SINCE", it.line)
        for it in updated:
            await catalog.update_one(session, state.org_id, it.result["product"], {k: _stored(k, x) for k, x in it.result["previous"].items()})
        await catalog.delete_many(session, state.org_id, list(created))

