"""Importing people by email: newcomers invited (their join links in the report), known people updated, admins and
other orgs' addresses refused; undo revokes the invitations and restores the changes."""

from __future__ import annotations

import io
import re

import python_calamine
from sqlalchemy import select

from podium.orgs.models import Invitation, User
from podium.orgs.service import token_hash
from tests.imports.test_customers_import import COMMIT, DRY, ROWS, UNDO
from tests.pipeline.test_deals import login
from tests.support import World

FILE = ("邮箱,姓名,角色,组织单位,上级\n"
        "new.one@acme.test,新人一,销售,Team A,manager@acme.test\n"
        " REP2@acme.test ,,经理,Team B,\n"
        "rep@rival.test,外人,,,\n"
        "boss@acme.test,老板,管理员,,\n"
        "nobody@acme.test,无名,,Nowhere,\n")


async def test_people_by_email(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.admin.email) as admin:
        response = await admin.http.post("/api/imports/file", params={"kind": "people", "name": "people.csv"}, content=FILE.encode("utf-8-sig"))
        run = (await admin.data(DRY, {"id": response.json()["runId"]}))["dryRunImport"]["run"]
        assert (run["created"], run["updated"], run["errors"]) == (1, 1, 3)
        codes = {r["line"]: r["errors"][0]["code"] for r in (await admin.data(ROWS, {"id": run["id"], "o": "error"}))["importRows"]}
        assert codes == {4: "EMAIL_ELSEWHERE", 5: "ADMIN_NOT_IMPORTED", 6: "UNKNOWN_UNIT"}
        await admin.data(COMMIT, {"id": run["id"], "t": run["planToken"]})
        async with server.runtime.env.db() as s:
            invitation = await s.scalar(select(Invitation).where(Invitation.email == "new.one@acme.test"))
            rob = await s.get(User, world.rep2.id)
        assert invitation is not None and invitation.team_id == world.team_a and invitation.manager_id == world.manager.id
        assert rob is not None and rob.role == "manager" and rob.team_id == world.team_b
        report = await admin.http.get(f"/api/imports/{run['id']}/report")
        sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(report.content)).get_sheet_by_index(0).to_python()
        found = re.search(r"/join/([A-Za-z0-9_-]+)", sheet[1][2])
        assert found is not None
        token = found.group(1)
        assert token_hash(token) == invitation.token_hash  # the report's link is the invitation's

        assert (await admin.data(UNDO, {"id": run["id"]}))["undoImport"]["run"]["state"] == "undone"
        async with server.runtime.env.db() as s:
            invitation = await s.scalar(select(Invitation).where(Invitation.email == "new.one@acme.test"))
            rob = await s.get(User, world.rep2.id)
        assert invitation is not None and invitation.revoked_at is not None
        assert rob is not None and rob.role == "rep" and rob.team_id == world.team_a
