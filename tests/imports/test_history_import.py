"""Two years of deals through the import the way an admin drives it: an XLSX file with Chinese headers and stage
history uploaded, dry-run, committed, reported, imported again, undone; quiet, and the figures rebuilt after."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import python_calamine
from sqlalchemy import func, select

from podium.celebrations.models import Celebration
from podium.core.events import transaction
from podium.core.models import EventRow
from podium.customers.models import Customer
from podium.pipeline.models import Deal, Product
from podium.points.models import PointsEntry
from tests.conftest import Server
from tests.imports.test_customers_import import COMMIT, DRY, ROWS, UNDO
from tests.imports.test_history_deals import rows, write_xlsx
from tests.pipeline.test_deals import DETAIL, login
from tests.support import World

BOARD = "query { leaderboard(period: MONTH, scope: ORG, metric: REVENUE) { entries { user { id } amount } } }"


async def xlsx(tmp_path: Path) -> bytes:
    path = tmp_path / "商机.xlsx"
    write_xlsx(path, rows())
    return path.read_bytes()


async def quiet(server: Server) -> tuple[int, int, int]:
    """Celebrations dated from an hour ago on (the past's badges are dated when earned), points, events still to handle."""
    since = datetime.now(UTC) - timedelta(hours=1)
    async with server.runtime.env.db() as s:
        return (int(await s.scalar(select(func.count()).select_from(Celebration).where(Celebration.created_at >= since)) or 0),
                int(await s.scalar(select(func.count()).select_from(PointsEntry)) or 0),
                int(await s.scalar(select(func.count()).select_from(EventRow).where(EventRow.done_at.is_(None))) or 0))


async def test_an_admin_imports_deals_with_history_reads_the_report_imports_again_and_undoes(server: Server, world: World, tmp_path: Path) -> None:
    async with transaction(server.runtime.env.db) as tx:
        tx.session.add(Product(org_id=world.org_id, sku="FL-200", name="叉车", list_price=Decimal("700.00"), unit_cost=Decimal("400.00")))
    before = await quiet(server)
    body = await xlsx(tmp_path)
    async with await login(server, world.admin.email) as admin:
        uploaded = await admin.http.post("/api/imports/file", params={"kind": "deals", "name": "商机.xlsx"}, content=body)
        assert uploaded.status_code == 200, uploaded.text
        run_id = uploaded.json()["runId"]
        run = (await admin.data(DRY, {"id": run_id}))["dryRunImport"]["run"]
        mapped = {m["header"]: m["column"] for m in run["mapping"]}
        assert (mapped["商机名称"], mapped["阶段"], mapped["负责人"], mapped["赢单日期"], mapped["阶段历史"]) == (
            "title", "stage", "owner", "won_at", "stage_history")
        assert (run["state"], run["created"], run["updated"], run["unchanged"], run["errors"]) == ("planned", 3, 0, 0, 5)
        errors = {r["line"]: r["errors"][0] for r in (await admin.data(ROWS, {"id": run_id, "o": "error"}))["importRows"]}
        assert {line: (e["code"], e["column"]) for line, e in errors.items()} == {
            5: ("UNKNOWN_STAGE", "stage"), 6: ("TOO_PRECISE", "amount"), 7: ("IN_FUTURE", "won_at"), 8: ("UNKNOWN_PERSON", "owner"),
            9: ("REPEATED", "external_id"),
        }
        assert "签了" in errors[5]["reason"]

        done = (await admin.data(COMMIT, {"id": run_id, "t": run["planToken"]}))["commitImport"]["run"]
        assert (done["state"], done["created"]) == ("committed", 3)
        async with server.runtime.env.db() as s:
            won = await s.scalar(select(Deal).where(Deal.org_id == world.org_id, Deal.external_id == "SF-001"))
            assert won is not None
            near = await s.get(Customer, world.customer_id)
            assert near is not None and near.lifetime_revenue == Decimal("2100.00")  # rebuilt after the commit
            assert near.open_pipeline == Decimal("12000.00")
        detail = (await admin.data(DETAIL, {"id": str(won.id)}))["deal"]
        assert [(h["stage"]["key"], h["seconds"]) for h in detail["history"]] == [
            ("first_contact", 10 * 86400), ("needs_assessment", 10 * 86400), ("proposal", 10 * 86400), ("won", None)]
        assert await quiet(server) == before

        report = await admin.http.get(f"/api/imports/{run_id}/report")
        assert report.status_code == 200
        sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(report.content)).get_sheet_by_index(0).to_python()
        assert len(sheet) == 9 and "SF-004" in [str(c) for c in sheet[4]] + [str(c) for r in sheet for c in r]

        again = (await admin.http.post("/api/imports/file", params={"kind": "deals", "name": "商机.xlsx"}, content=body)).json()["runId"]
        second = (await admin.data(DRY, {"id": again}))["dryRunImport"]["run"]
        assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 3)
        assert (await admin.data(COMMIT, {"id": again, "t": second["planToken"]}))["commitImport"]["run"]["state"] == "committed"

        undone = (await admin.data(UNDO, {"id": run_id}))["undoImport"]
        assert undone["run"]["state"] == "undone", undone
        async with server.runtime.env.db() as s:
            assert await s.scalar(select(func.count()).select_from(Deal).where(Deal.org_id == world.org_id)) == 0
            near = await s.get(Customer, world.customer_id)
            assert near is not None and near.lifetime_revenue == Decimal("0.00")
