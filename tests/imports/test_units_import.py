"""Importing org units by path: missing units created under their parents, an existing one updated, a name found
elsewhere refused; undone as a whole."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from podium.orgs.models import Team
from tests.imports.test_customers_import import COMMIT, DRY, ROWS, UNDO
from tests.pipeline.test_deals import login
from tests.support import World

FILE = "组织路径,负责人,市场潜力\n华东大区/上海一组,manager@acme.test,\n华东大区 / 杭州组,,100万\nTeam A,,\"2,000,000\"\n别处/Team B,,\n"


async def test_units_by_path(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.admin.email) as admin:
        response = await admin.http.post("/api/imports/file", params={"kind": "units", "name": "org.csv"}, content=FILE.encode("gbk"))
        run = (await admin.data(DRY, {"id": response.json()["runId"]}))["dryRunImport"]["run"]
        assert (run["created"], run["updated"], run["errors"]) == (2, 1, 1)
        errors = (await admin.data(ROWS, {"id": run["id"], "o": "error"}))["importRows"]
        assert errors[0]["line"] == 5 and errors[0]["errors"][0]["code"] == "UNIT_ELSEWHERE"
        assert (await admin.data(COMMIT, {"id": run["id"], "t": run["planToken"]}))["commitImport"]["run"]["state"] == "committed"
        async with server.runtime.env.db() as s:
            units = {t.name: t for t in await s.scalars(select(Team).where(Team.org_id == world.org_id))}
        assert units["上海一组"].parent_id == units["华东大区"].id == units["杭州组"].parent_id
        assert units["上海一组"].manager_id == world.manager.id and units["杭州组"].potential == Decimal("1000000.00")
        assert units["Team A"].potential == Decimal("2000000.00")
        assert (await admin.data(UNDO, {"id": run["id"]}))["undoImport"]["run"]["state"] == "undone"
        async with server.runtime.env.db() as s:
            left = {t.name: t for t in await s.scalars(select(Team).where(Team.org_id == world.org_id))}
        assert set(left) == {"Team A", "Team B"} and left["Team A"].potential is None
