"""Importing customers: a GBK CSV with Chinese headers planned, committed, reported, imported again, undone; bad files."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import python_calamine
import xlsxwriter
from sqlalchemy import func, select

from podium.core.events import transaction
from podium.core.policies import Role
from podium.customers.models import Customer, CustomerContact
from podium.orgs import service as orgs
from podium.imports.values import credit_code_ok
from tests.pipeline.test_deals import login
from tests.support import PASSWORD, World

RUN = """fragment R on ImportRunView { id state totalRows doneRows created updated unchanged errors planToken failure
  mapping { index header column } }"""
MAP = RUN + """mutation($id: ID!, $m: [ImportMappingInput!]!, $s: String!) { setImportMapping(runId: $id, mapping: $m, saveAs: $s) {
  ... on ImportRunSuccess { run { ...R } } ... on OperationError { errors { field code message } } } }"""
DRY = RUN + """mutation($id: ID!) { dryRunImport(runId: $id) { ... on ImportRunSuccess { run { ...R } } ... on OperationError { errors { code } } } }"""
COMMIT = RUN + """mutation($id: ID!, $t: String!) { commitImport(runId: $id, planToken: $t) {
  ... on ImportRunSuccess { run { ...R } } ... on OperationError { errors { code message } } } }"""
UNDO = RUN + """mutation($id: ID!) { undoImport(runId: $id) { ... on ImportRunSuccess { run { ...R } } ... on OperationError { errors { code message } } } }"""
ROWS = """query($id: ID!, $o: String) { importRows(runId: $id, outcome: $o) { line outcome cells decision
  errors { column value code reason } candidates { id label } } }"""
RUNS = "query { importRuns { id state } }"


def code(base17: str) -> str:
    """A valid credit code from its first 17 characters."""
    return next(base17 + c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if credit_code_ok(base17 + c))


C1, C2, C3 = code("91310000MA1K00001"), code("91310000MA1K00002"), code("91440300MA5F00003")
HEADER = "外部编号,客户名称,统一社会信用代码,负责人,地址,行业,等级,纬度,经度,坐标系,市场潜力,创建日期,联系人,职务,电话\n"
GOOD = [
    f"SF-1,上海澎湃科技有限公司,{C1},rep@acme.test,上海市浦东新区世纪大道1号,制造,A,31.2304,121.4737,GCJ-02,\"1,200.50\",2024/3/5,王伟,采购经理,13800000001\n",
    f"SF-2,杭州远景贸易有限公司,{C2}, REP2@ACME.TEST ,杭州市西湖区文三路2号,贸易,B,30.27,120.15,WGS84,1.5万,2024年3月6日,李娜,总监,13800000002\n",
    f"SF-3,深圳前海物流股份有限公司,{C3},,深圳市南山区3号,物流,C,22.54,113.93,百度,￥300,2024-03-07,,,\n",
    "SF-4,Near Co,,Rita Rep,,,,,,,,,,,\n",  # matches the existing customer by name: updated (its name stays)
]
BAD = [
    "SF-5,公式公司,,=HYPERLINK(\"x\"),,,,,,,,,,,\n",
    "SF-6,科学计数公司,9.14403E+17,,,,,,,,,,,,\n",
    "SF-7,无人公司,,nobody@acme.test,,,,,,,,,,,\n",
    "SF-8,三位小数公司,,,,,,,,,1.234,,,,\n",
    "SF-9,未来公司,,,,,,,,,,2999-01-01,,,\n",
    "SF-1,上海澎湃科技有限公司,,,,,,,,,,,,,\n",  # repeats line 2
]


def gbk(rows: list[str]) -> bytes:
    return (HEADER + "".join(rows)).encode("gbk")


async def upload(client, body: bytes, name: str = "客户.csv", **params: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    return await client.http.post("/api/imports/file", params={"kind": "customers", "name": name, **params}, content=body)


async def count(server, model, org_id: int) -> int:  # type: ignore[no-untyped-def]
    async with server.runtime.env.db() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(model.org_id == org_id)) or 0)


async def test_a_gbk_customers_file_is_planned_committed_reported_reimported_and_undone(server, world: World) -> None:  # type: ignore[no-untyped-def]
    before = await count(server, Customer, world.org_id)
    async with await login(server, world.admin.email) as admin:
        # Given a GBK file with Chinese headers, every column recognised.
        uploaded = await upload(admin, gbk(GOOD + BAD))
        assert uploaded.status_code == 200, uploaded.text
        run_id = uploaded.json()["runId"]
        run = (await admin.data(DRY, {"id": run_id}))["dryRunImport"]["run"]
        assert {m["header"]: m["column"] for m in run["mapping"]}["负责人"] == "owner"
        assert (run["state"], run["created"], run["updated"], run["unchanged"], run["errors"]) == ("planned", 3, 1, 0, 6)
        errors = {r["line"]: r["errors"][0] for r in (await admin.data(ROWS, {"id": run_id, "o": "error"}))["importRows"]}
        assert {line: e["code"] for line, e in errors.items()} == {
            6: "FORMULA", 7: "NUMBER_AS_TEXT", 8: "OWNER_NOT_FOUND", 9: "TOO_PRECISE", 10: "IN_FUTURE", 11: "REPEATED"}
        assert errors[7]["column"] == "credit_code" and errors[7]["value"] == "9.14403E+17" and "9.14403E+17" in errors[7]["reason"]
        assert await count(server, Customer, world.org_id) == before  # a dry run writes nothing

        # When committed: exactly the plan.
        done = (await admin.data(COMMIT, {"id": run_id, "t": run["planToken"]}))["commitImport"]["run"]
        assert (done["state"], done["created"], done["updated"]) == ("committed", 3, 1)
        assert await count(server, Customer, world.org_id) == before + 3
        async with server.runtime.env.db() as s:
            made = {c.external_id: c for c in await s.scalars(select(Customer).where(Customer.org_id == world.org_id, Customer.external_id.is_not(None)))}
            contacts = await s.scalar(select(func.count()).select_from(CustomerContact).where(CustomerContact.org_id == world.org_id))
        assert made["SF-1"].owner_id == world.rep.id and made["SF-2"].owner_id == world.rep2.id
        assert made["SF-3"].owner_id is None  # the open pool
        assert made["SF-1"].potential == Decimal("1200.50") and made["SF-2"].potential == Decimal("15000.00")
        assert made["SF-1"].credit_code == C1 and made["SF-1"].city == "上海" and made["SF-1"].tier == "A"
        assert abs(made["SF-2"].latitude - 30.27) < 1e-9 and abs(made["SF-1"].latitude - 31.2304) > 1e-4  # GCJ-02 converted
        assert made["SF-4"].id == world.customer_id and made["SF-4"].name == "Near Co" and made["SF-4"].owner_id == world.rep.id
        assert contacts == 2

        # The report: the original rows with their outcome and reason.
        report = await admin.http.get(f"/api/imports/{run_id}/report")
        assert report.status_code == 200
        sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(report.content)).get_sheet_by_index(0).to_python()
        assert sheet[0][:4] == ["Line", "Outcome", "Reason", "外部编号"] or sheet[0][:4] == ["行号", "结果", "原因", "外部编号"]
        outcomes = [r[1] for r in sheet[1:]]
        assert len(outcomes) == 10 and outcomes.count(sheet[1][1]) == 3  # three created first
        assert "9.14403E+17" in sheet[6][2]

        # Importing the same file again changes nothing.
        again = (await upload(admin, gbk(GOOD))).json()["runId"]
        second = (await admin.data(DRY, {"id": again}))["dryRunImport"]["run"]
        assert (second["created"], second["updated"], second["unchanged"], second["errors"]) == (0, 0, 4, 0)
        assert (await admin.data(COMMIT, {"id": again, "t": second["planToken"]}))["commitImport"]["run"]["state"] == "committed"
        assert await count(server, Customer, world.org_id) == before + 3

        # Undo removes exactly the first run: its customers and contacts go, Near Co's owner comes back.
        undone = (await admin.data(UNDO, {"id": run_id}))["undoImport"]
        assert undone["run"]["state"] == "undone", undone
        assert await count(server, Customer, world.org_id) == before
        assert await count(server, CustomerContact, world.org_id) == 0
        async with server.runtime.env.db() as s:
            near = await s.get(Customer, world.customer_id)
        assert near is not None and near.owner_id is None and near.external_id is None

    # Another org's admin sees nothing of it; a rep may not import.
    async with await login(server, world.rep.email) as rep:
        refused = await upload(rep, gbk(GOOD))
        assert refused.status_code == 403
        assert "errors" in await rep.execute(RUNS)


async def test_a_stale_plan_a_near_match_and_an_ambiguous_owner(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.admin.email) as admin:
        async with transaction(server.runtime.env.db) as tx:  # a second Rob Rep: the name no longer says who
            await orgs.create_user(tx.session, server.runtime.env, org_id=world.org_id, email="rob.two@acme.test", name="Rob  Rep",
                                   password=PASSWORD, role=Role.REP, team_id=world.team_b)
        rows = ["X-1,Near Co Ltd,,Rita Rep,,,,,,,,,,,\n", "X-2,Far Co,,rita rep,,,,,,,,,,,\n", "X-3,Robs Co,,Rob Rep,,,,,,,,,,,\n"]
        run_id = (await upload(admin, gbk(rows))).json()["runId"]
        run = (await admin.data(DRY, {"id": run_id}))["dryRunImport"]["run"]
        near = {r["line"]: r for r in (await admin.data(ROWS, {"id": run_id, "o": "error"}))["importRows"]}
        assert near[2]["errors"][0]["code"] == "NEAR_MATCH" and near[2]["candidates"][0]["label"] == "Near Co"
        assert near[4]["errors"][0]["code"] == "OWNER_AMBIGUOUS" and near[4]["errors"][0]["column"] == "owner"
        decided = (await admin.data("""mutation($id: ID!) { decideImportRow(runId: $id, line: 2, decision: "new") {
          ... on ImportRowSuccess { row { outcome } run { planToken created } } } }""", {"id": run_id}))["decideImportRow"]
        assert decided["row"]["outcome"] == "created" and decided["run"]["created"] == 1
        # The old token no longer commits; and a matched record edited since the dry run makes the plan stale.
        stale = (await admin.data(COMMIT, {"id": run_id, "t": run["planToken"]}))["commitImport"]
        assert stale["errors"][0]["code"] == "PLAN_STALE"
        async with server.runtime.env.db() as s:
            far = await s.get(Customer, world.far_customer_id)
            assert far is not None
            far.tier = "A"
            far.updated_at = datetime.now(UTC)
            await s.commit()
        moved = (await admin.data(COMMIT, {"id": run_id, "t": decided["run"]["planToken"]}))["commitImport"]
        assert moved["errors"][0]["code"] == "PLAN_STALE"


async def test_bad_files_are_refused_and_nothing_is_written(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.admin.email) as admin:
        cases = {
            "not a table": (b"%PDF-1.4 binary \x00\x01", "FILE_TYPE"),
            "empty": (b"", "FILE_EMPTY"),
            "headers only": (HEADER.encode("gbk"), "FILE_NO_ROWS"),
            "a zip": (b"PK\x03\x04" + b"\x00" * 40, "FILE_TYPE"),
        }
        for label, (body, expected) in cases.items():
            response = await upload(admin, body)
            assert response.status_code == 400, label
            assert response.json()["errors"][0]["code"] == expected, label
        limit = server.runtime.env.settings.imports.max_bytes

        async def endless():  # type: ignore[no-untyped-def]
            chunk = b"a," * 512 * 1024
            for _ in range(limit // len(chunk) + 10):
                yield chunk

        big = await admin.http.post("/api/imports/file", params={"kind": "customers"}, content=endless())
        assert big.status_code == 413 and big.json()["errors"][0]["code"] == "FILE_TOO_LARGE"

        # An XLSX with a formula cell and a credit code stored as a number: row errors, not wrong values.
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["Account Name", "Credit Code", "Owner"])
        sheet.write_row(1, 0, ["Formula Co", "", "rep@acme.test"])
        sheet.write_formula(1, 0, '="Formula"&" Co"', None, "Formula Co")
        sheet.write_row(2, 0, ["Float Co", 914403001234567890, "rep@acme.test"])
        sheet.write_row(3, 0, ["Fine Co", C3, "rep@acme.test"])
        book.close()
        run_id = (await upload(admin, buffer.getvalue(), "crm.xlsx")).json()["runId"]
        run = (await admin.data(DRY, {"id": run_id}))["dryRunImport"]["run"]
        assert (run["created"], run["errors"]) == (1, 2)
        codes = {r["line"]: r["errors"][0]["code"] for r in (await admin.data(ROWS, {"id": run_id, "o": "error"}))["importRows"]}
        assert codes == {2: "FORMULA", 3: "NUMBER_AS_TEXT"}
    async with server.runtime.env.db() as s:
        assert await s.scalar(select(Customer.id).where(Customer.name == "Fine Co")) is None
