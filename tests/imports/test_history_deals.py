"""The deals kind on an XLSX file with Chinese headers and stage history: plan, commit, plan again, undo; quietly."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
import xlsxwriter
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from podium.core.events import transaction
from podium.core.models import EventRow
from podium.imports import messages
from podium.imports.kinds.base import ApplyState, Blocked, Context, Item, Outcome, PlanState, Row
from podium.imports.kinds.deals import Deals
from podium.imports.values import Refused, shown
from podium.pipeline.models import Deal, Product, StageChange
from podium.points.models import PointsEntry
from podium.core.i18n import Locale
from tests.conftest import Server, open_stack, start_server, stop_server
from tests.support import World, make_world

pytestmark = pytest.mark.asyncio(loop_scope="module")
SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADERS = ["商机编号", "商机名称", "客户名称", "商机金额", "阶段", "预计成交日期", "负责人", "线索来源", "赢单日期", "输单原因", "阶段历史", "产品", "数量"]


def day(days_ago: int) -> str:
    return (datetime.now(SHANGHAI) - timedelta(days=days_ago)).strftime("%Y-%m-%d")


def rows() -> list[list[object]]:
    return [
        ["SF-001", "叉车采购", "Near Co", None, "赢单", day(60), "rep@acme.test", "转介绍", day(60), "",
         f"初步接触 {day(90)}; 需求评估 {day(80)}; 方案提供 {day(70)}", "FL-200", 3],
        ["SF-002", "仓储货架", "Far Co", 5000, "输单", day(30), " Rob Rep ", "展会", day(30), "预算取消", f"初步接触 {day(45)}", "", None],
        ["SF-003", "Hoists", "Near Co", "1.2万", "Proposal", day(-20), "REP2@ACME.TEST", "web", None, "", f"first_contact {day(10)}; 方案提供 {day(4)}", "", None],
        ["SF-004", "Bad stage", "Near Co", 100, "签了", day(1), "rep@acme.test", "", None, "", "", "", None],
        ["SF-005", "Three decimals", "Near Co", "10.125", "初步接触", day(1), "rep@acme.test", "", None, "", "", "", None],
        ["SF-006", "Future win", "Near Co", 100, "赢单", day(1), "rep@acme.test", "", day(-3), "", "", "", None],
        ["SF-007", "Ghost", "Near Co", 100, "初步接触", day(1), "ghost@acme.test", "", None, "", "", "", None],
        ["SF-001", "Twice", "Near Co", 100, "初步接触", day(1), "rep@acme.test", "", None, "", "", "", None],
    ]


def write_xlsx(path: Path, data: list[list[object]]) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for i, row in enumerate(data, start=1):
        for j, value in enumerate(row):
            if value is not None:
                sheet.write(i, j, value)
    book.close()


def read_rows(kind: Deals, path: Path, context: Context) -> tuple[list[Row], dict[int, list[str]]]:
    """What the engine does before the kind: headers matched by label or synonym, each cell parsed by its column."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    names = {h: c for c in kind.columns for h in (c.en, c.zh, *c.synonyms)}
    columns = [names[h] for h in sheet[0]]
    parsed, refused = [], {}
    for line, cells in enumerate(sheet[1:], start=2):
        values, codes = {}, []
        for column, cell in zip(columns, cells, strict=False):
            try:
                values[column.key] = column.parse(None if cell == "" else cell, context)
            except Refused as no:
                codes.append(no.code)
        if codes:
            refused[line] = codes
        else:
            parsed.append(Row(line, {c.key: values.get(c.key) for c in kind.columns}, {c.key: shown(cell) for c, cell in zip(columns, cells, strict=False)}))
    return parsed, refused


@dataclass
class Org:
    server: Server
    world: World


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Org]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("kind"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            server, uvicorn_server, task = await start_server(dataclasses.replace(stack.settings))
            world = await make_world(server.runtime.env)
            async with transaction(server.runtime.env.db) as tx:
                tx.session.add(Product(org_id=world.org_id, sku="FL-200", name="叉车", list_price=Decimal("700.00"), unit_cost=Decimal("400.00")))
            try:
                yield Org(server, world)
            finally:
                await stop_server(uvicorn_server, task)


def context() -> Context:
    now = datetime.now(UTC)
    return Context(SHANGHAI, now, now.astimezone(SHANGHAI).date())


async def run(org: Org, tmp_path: Path, run_id: int, *, org_id: int | None = None) -> tuple[list[Item], dict[int, list[str]], list[dict]]:
    """Dry run, then commit exactly its plans (after the version check), as the engine does."""
    kind, ctx = Deals(), context()
    path = tmp_path / "deals.xlsx"
    write_xlsx(path, rows())
    parsed, refused = read_rows(kind, path, ctx)
    env = org.server.runtime.env
    org_id = org_id or org.world.org_id
    async with transaction(env.db) as tx:
        plans = await kind.plan(tx.session, parsed, PlanState(org_id, ctx))
    items = [Item(r.line, p) for r, p in zip(parsed, plans, strict=True)]
    async with transaction(env.db) as tx:
        targets = [i.plan.target for i in items if i.plan.target is not None]
        assert await kind.versions(tx.session, org_id, targets) == {i.plan.target: i.plan.version for i in items if i.plan.target}
        todo = [i for i in items if i.plan.outcome is not Outcome.ERROR]
        results = await kind.apply(tx.session, todo, ApplyState(org_id, org.world.admin.id, run_id, ctx.now, ctx))
    for item, result in zip(todo, results, strict=True):
        item.result = result
    return items, refused, results


async def quiet(org: Org) -> tuple[int, int]:
    async with org.server.runtime.env.db() as s:
        return (int(await s.scalar(select(func.count()).select_from(EventRow)) or 0),
                int(await s.scalar(select(func.count()).select_from(PointsEntry)) or 0))


async def test_an_xlsx_deals_file_with_stage_history_is_planned_committed_reimported_and_undone(org: Org, tmp_path: Path) -> None:
    before = await quiet(org)
    items, refused, _ = await run(org, tmp_path, run_id=7)

    assert refused == {6: ["TOO_PRECISE"], 7: ["IN_FUTURE"]}  # the parsers refuse 10.125 and a win three days ahead
    outcomes = {i.line: (i.plan.outcome.value, [(e.code, e.column) for e in i.plan.errors]) for i in items}
    assert outcomes == {
        2: ("created", []), 3: ("created", []), 4: ("created", []), 5: ("error", [("UNKNOWN_STAGE", "stage")]),
        8: ("error", [("UNKNOWN_PERSON", "owner")]), 9: ("error", [("REPEATED", "external_id")]),
    }
    stage_error = items[3].plan.errors[0]
    assert messages.reason(stage_error.code, Locale.ZH_CN, stage_error.params) == "本公司没有名为“签了”的阶段。"
    assert await quiet(org) == before  # nothing celebrated, pushed or awarded

    env = org.server.runtime.env
    async with env.db() as s:
        won = await s.scalar(select(Deal).where(Deal.external_id == "SF-001"))
        assert won is not None and (won.status, won.amount, won.margin) == ("won", Decimal("2100.00"), Decimal("900.00"))
        history = list(await s.scalars(select(StageChange).where(StageChange.deal_id == won.id).order_by(StageChange.changed_at)))
        dwell = [(b.changed_at - a.changed_at).days for a, b in zip(history, history[1:], strict=False)]
        assert dwell == [10, 10, 10]  # 初步接触, 需求评估 and 方案提供 ten days each, then won
        lost = await s.scalar(select(Deal).where(Deal.external_id == "SF-002"))
        assert lost is not None and (lost.status, lost.close_reason, lost.owner_id) == ("lost", "预算取消", org.world.rep2.id)
        open_deal = await s.scalar(select(Deal).where(Deal.external_id == "SF-003"))
        assert open_deal is not None and (open_deal.status, open_deal.amount, open_deal.lead_source) == ("open", Decimal("12000.00"), "web")

    again, _, _ = await run(org, tmp_path, run_id=8)
    assert [i.plan.outcome.value for i in again if i.plan.outcome is not Outcome.ERROR] == ["unchanged"] * 3

    created = [i for i in items if i.plan.outcome is Outcome.CREATED]
    ctx = context()
    async with transaction(env.db) as tx:
        await Deals().undo(tx.session, created, ApplyState(org.world.org_id, org.world.admin.id, 7, ctx.now, ctx))
    async with env.db() as s:
        assert await s.scalar(select(func.count()).select_from(Deal).where(Deal.org_id == org.world.org_id)) == 0


async def test_an_undo_is_blocked_once_a_deal_of_the_run_changed(org: Org, tmp_path: Path) -> None:
    items, _, _ = await run(org, tmp_path, run_id=9)
    env = org.server.runtime.env
    async with transaction(env.db) as tx:
        deal = await tx.session.scalar(select(Deal).where(Deal.external_id == "SF-003", Deal.org_id == org.world.org_id))
        assert deal is not None
        deal.version += 1  # edited in the app since
    ctx = context()
    with pytest.raises(Blocked):
        async with transaction(env.db) as tx:
            await Deals().undo(tx.session, [i for i in items if i.plan.outcome is Outcome.CREATED], ApplyState(org.world.org_id, org.world.admin.id, 9, ctx.now, ctx))
    async with env.db() as s:
        assert await s.scalar(select(func.count()).select_from(Deal).where(Deal.org_id == org.world.org_id)) == 3


async def test_another_org_matches_none_of_this_orgs_people_customers_or_deals(org: Org, tmp_path: Path) -> None:
    items, _, _ = await run(org, tmp_path, run_id=10, org_id=org.world.other_org_id)
    assert {i.plan.outcome for i in items} == {Outcome.ERROR}
    assert all(any(e.code == "UNKNOWN_CUSTOMER" for e in i.plan.errors) for i in items if i.line in (2, 3, 4))
