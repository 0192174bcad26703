"""Imported deals: planned, written with their stage history, unchanged on a second import, undone exactly; quietly."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from podium.core.errors import ErrorCode, Problems
from podium.core.events import transaction
from podium.core.i18n import Locale, translate
from podium.core.models import EventRow
from podium.core.periods import PeriodKind, window
from podium.core.policies import Role
from podium.customers.models import Customer
from podium.orgs import service as orgs
from podium.pipeline import history
from podium.pipeline.history_values import HistoryValues
from podium.pipeline.models import Deal, Product
from podium.points.models import PointsEntry
from podium.rebuild import rebuild
from podium.celebrations.models import Celebration
from tests.conftest import Server, open_stack, start_server, stop_server
from tests.pipeline.test_deals import DETAIL
from tests.support import PASSWORD, GraphQLClient, World, make_world

pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Org:
    server: Server
    world: World
    admin: GraphQLClient
    product: int


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Org]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("history"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            server, uvicorn_server, task = await start_server(dataclasses.replace(stack.settings))
            env = server.runtime.env
            world = await make_world(env)
            async with transaction(env.db) as tx:
                product = Product(org_id=world.org_id, sku="FL-200", name="叉车 200", list_price=Decimal("500.00"), unit_cost=Decimal("300.00"))
                tx.session.add(product)
                for email in ("li.wei.1@acme.test", "li.wei.2@acme.test"):
                    await orgs.create_user(tx.session, env, org_id=world.org_id, email=email, name="Li Wei", password=PASSWORD, role=Role.REP,
                                           team_id=world.team_b)
                await tx.session.flush()
                product_id = product.id
            admin = GraphQLClient(server.url)
            await admin.login(world.admin.email)
            try:
                yield Org(server, world, admin, product_id)
            finally:
                await admin.__aexit__(None, None, None)
                await stop_server(uvicorn_server, task)


def ago(days: int, hour: int = 10) -> datetime:
    base = datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return base - timedelta(days=days)


@dataclass
class FileRow:
    """A row as the deals kind hands it over: text for names, parsed values for the rest."""

    external_id: str
    title: str
    stage: str
    owner: str
    amount: Decimal | None = Decimal("1000.00")
    steps: tuple[tuple[str, datetime], ...] = ()
    closed_at: datetime | None = None
    reason: str = ""
    lead_source: str = "转介绍"
    sku: str = ""
    quantity: Decimal = Decimal(1)
    created_at: datetime | None = None


def resolve(values: HistoryValues, customer_id: int, row: FileRow) -> history.DealRow | list:
    problems = Problems()
    stage = values.stage(problems, "stage", row.stage)
    owner = values.owner(problems, "owner", row.owner)
    source = values.lead_source(problems, "leadSource", row.lead_source)
    steps = tuple(history.Step(s, at) for name, at in row.steps if (s := values.stage(problems, "steps", name)) is not None)
    lines = ()
    if row.sku:
        product = values.product(problems, "sku", row.sku)
        lines = (history.Line(product, row.quantity),) if product else ()
    if problems.items or stage is None or owner is None:
        return problems.items
    return history.DealRow(
        external_id=row.external_id, customer_id=customer_id, owner_id=owner.id, owner_team_id=owner.team_id, title=row.title,
        stage=stage, expected_close=date.today(), lead_source=source or "existing_customer", amount=row.amount, steps=steps,
        closed_at=row.closed_at, close_reason=row.reason, created_at=row.created_at, lines=lines,
    )


def the_file(world: World) -> list[FileRow]:
    return [
        # Won two months ago with its whole history: 初步接触 10 days, 需求评估 5 days, Proposal 3 days, then won.
        FileRow("CRM-1", "Forklift fleet", "赢单", " REP@acme.test ", None, (
            ("初步接触", ago(80)), ("需求评估", ago(70)), ("Proposal", ago(65)),
        ), closed_at=ago(62), reason="Signed", sku="fl-200", quantity=Decimal("4")),
        # Lost with a reason and no history: it entered "lost" when it closed.
        FileRow("CRM-2", "Crane tender", "lost", "Bea Rep", Decimal("2500.50"), closed_at=ago(40), reason="价格太高", created_at=ago(50)),
        # Still open in negotiation, history given.
        FileRow("CRM-3", "Pallet racks", "谈判签约", "rep2@acme.test", Decimal("800.00"), (("初步接触", ago(20)), ("negotiation", ago(3)))),
        # Won minutes ago: this month's statement is still open, so compensation credits it.
        FileRow("CRM-4", "Hoist", "won", "Rob Rep", Decimal("300.00"), closed_at=JUST_NOW, reason="Signed", created_at=ago(30)),
    ]


JUST_NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)


async def _plan(org: Org, rows: list[FileRow], org_id: int | None = None, customer: int | None = None) -> history.DealPlan:
    env = org.server.runtime.env
    async with transaction(env.db) as tx:  # a first import may create the org's default stages
        values = await HistoryValues.load(tx.session, org_id or org.world.org_id)
        resolved = [resolve(values, customer or org.world.customer_id, r) for r in rows]
        return await history.plan_deals(tx.session, org_id or org.world.org_id, resolved, env.clock())


async def _commit(org: Org, deal_plan: history.DealPlan, run_id: int) -> history.Written:
    env = org.server.runtime.env
    now = env.clock()
    async with transaction(env.db) as tx:
        return await history.commit_deals(tx.session, org.world.org_id, run_id, org.world.admin.id, deal_plan, now,
                                          window(PeriodKind.MONTH, "Asia/Shanghai", now).start, "CNY")


async def _counts(org: Org) -> tuple[int, int, int]:
    async with org.server.runtime.env.db() as s:
        events = await s.scalar(select(func.count()).select_from(EventRow))
        points = await s.scalar(select(func.count()).select_from(PointsEntry))
        celebrations = await s.scalar(select(func.count()).select_from(Celebration))
    return int(events or 0), int(points or 0), int(celebrations or 0)


async def _deal(org: Org, external_id: str) -> Deal:
    async with org.server.runtime.env.db() as s:
        deal = await s.scalar(select(Deal).where(Deal.org_id == org.world.org_id, Deal.external_id == external_id))
        assert deal is not None
        return deal


async def test_a_deals_file_is_planned_committed_as_planned_with_its_history_and_quietly(org: Org) -> None:
    quiet_before = await _counts(org)
    planned = await _plan(org, the_file(org.world))
    assert planned.counts() == {"created": 4, "updated": 0, "unchanged": 0, "error": 0}

    written = await _commit(org, planned, run_id=101)

    assert sorted(written.created) == ["CRM-1", "CRM-2", "CRM-3", "CRM-4"]
    assert await _counts(org) == quiet_before  # no event, no points, no celebration for the past
    won = await _deal(org, "CRM-1")
    assert (won.status, won.amount, won.margin, won.close_reason) == ("won", Decimal("2000.00"), Decimal("800.00"), "Signed")
    assert won.closed_at == ago(62) and won.created_at == ago(80) and won.settled_elsewhere
    detail = (await org.admin.data(DETAIL, {"id": str(won.id)}))["deal"]
    assert [(h["stage"]["key"], h["seconds"]) for h in detail["history"]] == [
        ("first_contact", 10 * 86400), ("needs_assessment", 5 * 86400), ("proposal", 3 * 86400), ("won", None),
    ]
    lost = await _deal(org, "CRM-2")
    assert (lost.status, lost.close_reason, lost.closed_at, lost.created_at) == ("lost", "价格太高", ago(40), ago(50))
    assert (await _deal(org, "CRM-3")).stage_entered_at == ago(3)
    assert not (await _deal(org, "CRM-4")).settled_elsewhere


async def test_importing_the_same_file_again_changes_nothing(org: Org) -> None:
    planned = await _plan(org, the_file(org.world))
    assert planned.counts() == {"created": 0, "updated": 0, "unchanged": 4, "error": 0}
    written = await _commit(org, planned, run_id=102)
    assert written.created == {} and written.updated == []


async def test_a_changed_row_is_updated_and_undoing_each_run_puts_back_exactly_what_was_there(org: Org) -> None:
    rows = the_file(org.world)
    rows[2] = dataclasses.replace(rows[2], amount=Decimal("950.00"), stage="赢单", closed_at=ago(1), reason="Won at last", owner="Bea Rep")
    planned = await _plan(org, rows)
    assert planned.counts() == {"created": 0, "updated": 1, "unchanged": 3, "error": 0}
    written = await _commit(org, planned, run_id=103)
    changed = await _deal(org, "CRM-3")
    assert (changed.status, changed.amount, changed.version) == ("won", Decimal("950.00"), 2)
    assert (changed.owner_id, changed.team_id) == (org.world.rep3.id, org.world.team_b)  # the new owner's unit
    env = org.server.runtime.env

    async with transaction(env.db) as tx:
        with pytest.raises(Exception) as refused:  # run 101 created CRM-3, which run 103 changed since
            await history.undo(tx.session, org.world.org_id, 101, [], org.world.admin.id, env.clock())
    assert refused.value.problems[0].code is ErrorCode.CONFLICT  # type: ignore[attr-defined]

    async with transaction(env.db) as tx:
        await history.undo(tx.session, org.world.org_id, 103, written.updated, org.world.admin.id, env.clock())
    back = await _deal(org, "CRM-3")
    assert (back.status, back.amount, back.stage_entered_at, back.closed_at) == ("open", Decimal("800.00"), ago(3), None)
    assert (back.owner_id, back.team_id) == (org.world.rep2.id, org.world.team_a)
    assert (await _plan(org, the_file(org.world))).counts()["unchanged"] == 4

    assert back.version == 1  # as run 101 left it: that run is undoable again
    async with transaction(env.db) as tx:
        await history.undo(tx.session, org.world.org_id, 101, [], org.world.admin.id, env.clock())
    assert (await _plan(org, the_file(org.world))).counts()["created"] == 4
    await _commit(org, await _plan(org, the_file(org.world)), run_id=104)


async def test_bad_rows_are_row_errors_with_codes_and_messages_in_both_languages(org: Org) -> None:
    rows = [
        FileRow("BAD-1", "Unknown stage", "签合同了", "rep@acme.test"),
        FileRow("BAD-2", "Future win", "won", "rep@acme.test", closed_at=datetime.now(UTC) + timedelta(days=2), reason="x"),
        FileRow("BAD-3", "Three decimals", "初步接触", "rep@acme.test", Decimal("10.125")),
        FileRow("BAD-4", "Nobody", "初步接触", "ghost@acme.test"),
        FileRow("BAD-5", "Two Li Weis", "初步接触", "li wei"),
        FileRow("BAD-6", "Won without a date", "赢单", "rep@acme.test"),
        FileRow("OK-1", "Fine", "初步接触", "LI.WEI.2@ACME.TEST", created_at=ago(5)),
        FileRow("OK-1", "Twice in the file", "初步接触", "rep@acme.test", created_at=ago(5)),
    ]
    planned = await _plan(org, rows)
    codes = [[(p.field, p.code) for p in o] if isinstance(o, list) else o for _, o in planned.outcomes]
    assert codes == [
        [("stage", ErrorCode.UNKNOWN_STAGE)], [("closedAt", ErrorCode.IN_FUTURE)], [("amount", ErrorCode.TOO_PRECISE)],
        [("owner", ErrorCode.UNKNOWN_PERSON)], [("owner", ErrorCode.AMBIGUOUS_PERSON)], [("closedAt", ErrorCode.REQUIRED)],
        "created", [("externalId", ErrorCode.DUPLICATE)],
    ]
    ambiguous = planned.outcomes[4][1][0]  # type: ignore[index]
    assert translate(ambiguous.code.value, Locale.ZH_CN, **ambiguous.params) == "有 2 人名为“li wei”，请改填邮箱。"
    assert translate(ambiguous.code.value, Locale.EN, **ambiguous.params) == "2 people are called “li wei”: give the email instead."
    unknown = planned.outcomes[0][1][0]  # type: ignore[index]
    assert translate(unknown.code.value, Locale.ZH_CN, **unknown.params) == "本公司没有名为“签合同了”的阶段。"


async def test_another_orgs_people_and_deals_are_out_of_reach(org: Org) -> None:
    planned = await _plan(org, [FileRow("CRM-1", "Same id elsewhere", "初步接触", org.world.rep.email, created_at=ago(3))],
                          org_id=org.world.other_org_id, customer=org.world.other_org_customer_id)
    assert [(p.field, p.code) for p in planned.outcomes[0][1]] == [("owner", ErrorCode.UNKNOWN_PERSON)]  # type: ignore[union-attr]
    mine = await _plan(org, [FileRow("CRM-1", "Same id elsewhere", "初步接触", org.world.outsider.email, created_at=ago(3))],
                       org_id=org.world.other_org_id, customer=org.world.other_org_customer_id)
    assert mine.counts()["created"] == 1  # CRM-1 of org A is not org B's CRM-1


BOARD = """
query Board { leaderboard(period: MONTH, scope: ORG, metric: REVENUE) { entries { user { id } amount dealsWon } } }
"""
ATTAINMENT = """
query Attainment($node: NodeInput) { attainment(node: $node, grain: MONTH, metric: REVENUE) { actual } }
"""


async def test_after_the_rebuild_customer_figures_boards_and_attainment_count_the_imported_history(org: Org) -> None:
    env = org.server.runtime.env
    done = await rebuild(env)
    assert done.customers >= 2
    async with env.db() as s:
        customer = await s.get(Customer, org.world.customer_id)
        assert customer is not None
        assert customer.lifetime_revenue == Decimal("2300.00")  # CRM-1 and CRM-4 won; CRM-2 lost
        assert customer.open_pipeline == Decimal("800.00")  # CRM-3 open
        # Whatever the rebuild stored (badges dated in the past), nothing waits to be pushed or celebrated live.
        assert await s.scalar(select(func.count()).select_from(EventRow).where(EventRow.done_at.is_(None))) == 0
        assert await s.scalar(select(func.count()).select_from(PointsEntry)) == 0
    board = (await org.admin.data(BOARD))["leaderboard"]["entries"]
    assert [(e["user"]["id"], e["amount"], e["dealsWon"]) for e in board if e["dealsWon"]] == [(str(org.world.rep2.id), "300.00", 1)]
    rob = {"kind": "USER", "id": str(org.world.rep2.id)}
    assert (await org.admin.data(ATTAINMENT, {"node": rob}))["attainment"]["actual"] == "300.00"
