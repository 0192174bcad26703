"""The product catalog: admins create, edit, deactivate and reactivate; deals offer the active products only."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from podium.core.models import EventRow
from tests.conftest import Server
from tests.pipeline.test_deals import CREATE as CREATE_DEAL
from tests.pipeline.test_deals import UPDATE as UPDATE_DEAL
from tests.pipeline.test_deals import deal_input, login
from tests.support import World

ITEM = "item { unitCost margin product { id sku name nameZh nameEn line listPrice isActive } }"
ERR = "... on OperationError { errors { field code message } }"
CREATE = f"mutation C($input: ProductInput!) {{ createProduct(input: $input) {{ __typename ... on ProductSuccess {{ {ITEM} }} {ERR} }} }}"
UPDATE = f"mutation U($id: ID!, $input: ProductInput!) {{ updateProduct(id: $id, input: $input) {{ __typename ... on ProductSuccess {{ {ITEM} }} {ERR} }} }}"
ACTIVE = f"mutation A($id: ID!, $active: Boolean!) {{ setProductActive(id: $id, active: $active) {{ __typename ... on ProductSuccess {{ {ITEM} }} {ERR} }} }}"
CATALOG = "{ productCatalog { unitCost margin product { id sku name isActive } } }"
OFFERED = "{ products { id sku name } productLines }"
DEAL_LINES = "query D($id: ID!) { deal(id: $id) { lines { product { sku name isActive } quantity } } }"


def product(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "sku": "FL-100", "nameZh": "电动叉车", "nameEn": "Electric forklift", "line": "Forklifts",
        "listPrice": "12000.00", "unitCost": "8000.50", "isActive": True,
    }
    data.update(overrides)
    return data


def codes(result: dict) -> list[tuple[str | None, str]]:
    assert result["__typename"] == "OperationError", result
    return [(e["field"], e["code"]) for e in result["errors"]]


async def test_an_admin_creates_edits_deactivates_and_reactivates_a_product(server: Server, world: World) -> None:
    async with await login(server, world.admin.email) as admin:
        await admin.execute("mutation { setLocale(locale: EN) { locale } }")
        created = (await admin.data(CREATE, {"input": product()}))["createProduct"]
        pid = created["item"]["product"]["id"]
        await admin.data(CREATE, {"input": product(sku="PL-1", nameZh="托盘", nameEn="", line="Pallets", listPrice="10", unitCost="4")})
        edited = (await admin.data(UPDATE, {"id": pid, "input": product(listPrice="12500", nameEn="E-forklift")}))["updateProduct"]
        off = (await admin.data(ACTIVE, {"id": pid, "active": False}))["setProductActive"]
        offered_off = await admin.data(OFFERED)
        catalog = (await admin.data(CATALOG))["productCatalog"]
        on = (await admin.data(ACTIVE, {"id": pid, "active": True}))["setProductActive"]
    async with await login(server, world.rep.email) as rep:
        await rep.execute("mutation { setLocale(locale: ZH_CN) { locale } }")
        offered_zh = await rep.data(OFFERED)
    async with server.runtime.env.db() as session:
        events = [e.name for e in await session.scalars(select(EventRow).where(EventRow.org_id == world.org_id, EventRow.name.like("product%")).order_by(EventRow.id))]

    assert created["__typename"] == "ProductSuccess"
    assert created["item"] == {
        "unitCost": "8000.50", "margin": "3999.50",
        "product": {"id": pid, "sku": "FL-100", "name": "Electric forklift", "nameZh": "电动叉车", "nameEn": "Electric forklift",
                    "line": "Forklifts", "listPrice": "12000.00", "isActive": True},
    }
    assert edited["item"]["product"]["listPrice"] == "12500.00" and edited["item"]["margin"] == "4499.50"
    assert off["item"]["product"]["isActive"] is False and on["item"]["product"]["isActive"] is True
    assert [p["sku"] for p in offered_off["products"]] == ["PL-1"]  # inactive: not offered for new lines
    assert offered_off["productLines"] == ["Forklifts", "Pallets"]  # its line still names a rate table
    assert {p["product"]["sku"]: p["product"]["isActive"] for p in catalog} == {"FL-100": False, "PL-1": True}
    assert {p["sku"]: p["name"] for p in offered_zh["products"]} == {"FL-100": "电动叉车", "PL-1": "托盘"}
    assert events == ["product_created", "product_created", "product_changed", "product_changed", "product_changed"]


async def test_deals_offer_active_products_and_old_deals_keep_their_lines(server: Server, world: World) -> None:
    async with await login(server, world.admin.email) as admin, await login(server, world.rep.email) as rep:
        await rep.execute("mutation { setLocale(locale: EN) { locale } }")
        pid = (await admin.data(CREATE, {"input": product()}))["createProduct"]["item"]["product"]["id"]
        line = [{"productId": pid, "quantity": "2"}]
        deal = (await rep.data(CREATE_DEAL, {"input": deal_input(world, amount=None, lines=line)}))["createDeal"]["deal"]
        await admin.data(ACTIVE, {"id": pid, "active": False})
        new_deal = (await rep.data(CREATE_DEAL, {"input": deal_input(world, amount=None, lines=line)}))["createDeal"]
        kept = (await rep.data(UPDATE_DEAL, {"input": {"id": deal["id"], "version": deal["version"], "lines": [{"productId": pid, "quantity": "3"}]}}))["updateDeal"]
        shown = (await rep.data(DEAL_LINES, {"id": deal["id"]}))["deal"]["lines"]

    assert deal["amount"] == "24000.00"
    assert codes(new_deal) == [("lines.0.productId", "RETIRED")]
    assert "电动叉车" in new_deal["errors"][0]["message"] or "no longer offered" in new_deal["errors"][0]["message"]
    assert kept["__typename"] == "DealSuccess" and kept["deal"]["amount"] == "36000.00"
    assert shown == [{"product": {"sku": "FL-100", "name": "Electric forklift", "isActive": False}, "quantity": "3.000"}]


async def test_bad_input_and_wrong_roles_change_nothing(server: Server, world: World) -> None:
    async with await login(server, world.admin.email) as admin:
        first = (await admin.data(CREATE, {"input": product()}))["createProduct"]
        pid = first["item"]["product"]["id"]
        other = (await admin.data(CREATE, {"input": product(sku="FL-200")}))["createProduct"]["item"]["product"]["id"]
        bad = {
            "duplicate": (await admin.data(CREATE, {"input": product()}))["createProduct"],
            "duplicate on edit": (await admin.data(UPDATE, {"id": other, "input": product()}))["updateProduct"],
            "negative": (await admin.data(CREATE, {"input": product(sku="N-1", listPrice="-1")}))["createProduct"],
            "too precise": (await admin.data(CREATE, {"input": product(sku="N-2", unitCost="1.005")}))["createProduct"],
            "too big": (await admin.data(CREATE, {"input": product(sku="N-3", listPrice="1000000000000")}))["createProduct"],
            "empty": (await admin.data(CREATE, {"input": product(sku=" ", nameZh="")}))["createProduct"],
            "long": (await admin.data(CREATE, {"input": product(sku="S" * 41, nameZh="名" * 201, nameEn="n" * 201, line="l" * 81)}))["createProduct"],
            "spaced sku": (await admin.data(CREATE, {"input": product(sku="FL 9")}))["createProduct"],
            "unknown": (await admin.data(UPDATE, {"id": "999999", "input": product(sku="Z-1")}))["updateProduct"],
            "malformed": (await admin.data(ACTIVE, {"id": "x", "active": False}))["setProductActive"],
        }
        catalog = [p["product"]["sku"] for p in (await admin.data(CATALOG))["productCatalog"]]
        # Two admins adding the same SKU at once: one wins, the other gets the typed error (the database decides).
        raced = await asyncio.gather(*(admin.data(CREATE, {"input": product(sku="RACE-1")}) for _ in range(3)))
    async with await login(server, world.manager.email) as manager, await login(server, world.rep.email) as rep, \
            await login(server, world.outsider.email) as outsider:
        by_manager = [
            (await manager.data(CREATE, {"input": product(sku="M-1")}))["createProduct"],
            (await manager.data(UPDATE, {"id": pid, "input": product()}))["updateProduct"],
            (await manager.data(ACTIVE, {"id": pid, "active": False}))["setProductActive"],
        ]
        manager_catalog = (await manager.data(CATALOG))["productCatalog"]
        rep_catalog = await rep.execute(CATALOG)
        by_rep = (await rep.data(CREATE, {"input": product(sku="R-1")}))["createProduct"]
        # Another org's admin-less rep cannot touch this org's product; another org sees none of its lines.
        foreign = (await outsider.data(ACTIVE, {"id": pid, "active": False}))["setProductActive"]
        foreign_lines = (await outsider.data(OFFERED))["productLines"]

    assert codes(bad["duplicate"]) == [("sku", "DUPLICATE")]
    assert codes(bad["duplicate on edit"]) == [("sku", "DUPLICATE")]
    assert codes(bad["negative"]) == [("listPrice", "OUT_OF_RANGE")]
    assert codes(bad["too precise"]) == [("unitCost", "TOO_PRECISE")]
    assert codes(bad["too big"]) == [("listPrice", "OUT_OF_RANGE")]
    assert codes(bad["empty"]) == [("sku", "REQUIRED"), ("nameZh", "REQUIRED")]
    assert codes(bad["long"]) == [("sku", "TOO_LONG"), ("nameZh", "TOO_LONG"), ("nameEn", "TOO_LONG"), ("line", "TOO_LONG")]
    assert codes(bad["spaced sku"]) == [("sku", "INVALID")]
    assert codes(bad["unknown"]) == [("id", "NOT_FOUND")]
    assert codes(bad["malformed"]) == [("id", "NOT_FOUND")]
    assert sorted(catalog) == ["FL-100", "FL-200"]
    assert sorted(r["createProduct"]["__typename"] for r in raced) == ["OperationError", "OperationError", "ProductSuccess"]
    assert all(codes(r["createProduct"]) == [("sku", "DUPLICATE")] for r in raced if r["createProduct"]["__typename"] == "OperationError")
    assert all(codes(r) == [(None, "FORBIDDEN")] for r in by_manager)
    assert len(manager_catalog) == 3  # managers read the catalog with costs
    assert rep_catalog["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert codes(by_rep) == [(None, "FORBIDDEN")]
    assert codes(foreign) == [(None, "FORBIDDEN")]
    assert foreign_lines == []
