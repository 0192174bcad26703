"""Importing products from XLSX: SKU match, typed prices, a second import unchanged, an update undone."""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter
from sqlalchemy import select

from podium.pipeline.models import Product
from tests.imports.test_customers_import import COMMIT, DRY, ROWS, UNDO
from tests.pipeline.test_deals import login
from tests.support import World


def book(rows: list[list[object]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["产品编号", "产品名称", "英文名称", "产品线", "标准价", "成本", "在售"])
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    workbook.close()
    return buffer.getvalue()


async def run(admin, body: bytes) -> dict:  # type: ignore[no-untyped-def]
    response = await admin.http.post("/api/imports/file", params={"kind": "products", "name": "产品.xlsx"}, content=body)
    assert response.status_code == 200, response.text
    return (await admin.data(DRY, {"id": response.json()["runId"]}))["dryRunImport"]["run"]


async def test_products_by_sku_with_typed_prices(server, world: World) -> None:  # type: ignore[no-untyped-def]
    rows: list[list[object]] = [
        ["FL-E30", "三吨电动叉车", "3 t forklift", "叉车", 128000, "91,000.50", "是"],
        ["PL-1210", "塑料托盘", "", "托盘", "¥260", 148.2, "Y"],
        ["BAD-1", "三位小数", "", "", "1.234", 1, "是"],
        ["NEW-2", "", "", "", 10, 5, ""],
    ]
    async with await login(server, world.admin.email) as admin:
        first = await run(admin, book(rows))
        assert (first["created"], first["errors"]) == (2, 2)
        errors = {r["line"]: r["errors"][0]["code"] for r in (await admin.data(ROWS, {"id": first["id"], "o": "error"}))["importRows"]}
        assert errors == {4: "TOO_PRECISE", 5: "REQUIRED"}
        assert (await admin.data(COMMIT, {"id": first["id"], "t": first["planToken"]}))["commitImport"]["run"]["state"] == "committed"
        async with server.runtime.env.db() as s:
            made = {p.sku: p for p in await s.scalars(select(Product).where(Product.org_id == world.org_id))}
        assert made["FL-E30"].unit_cost == Decimal("91000.50") and made["PL-1210"].list_price == Decimal("260.00")
        assert made["PL-1210"].unit_cost == Decimal("148.20") and "BAD-1" not in made

        again = await run(admin, book(rows[:2]))
        assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
        rows[0][4] = 130000
        changed = await run(admin, book(rows[:2]))
        assert (changed["updated"], changed["unchanged"]) == (1, 1)
        await admin.data(COMMIT, {"id": changed["id"], "t": changed["planToken"]})
        undone = (await admin.data(UNDO, {"id": changed["id"]}))["undoImport"]
        assert undone["run"]["state"] == "undone"
        async with server.runtime.env.db() as s:
            price = await s.scalar(select(Product.list_price).where(Product.org_id == world.org_id, Product.sku == "FL-E30"))
        assert price == Decimal("128000.00")
