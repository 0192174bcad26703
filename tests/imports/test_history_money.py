"""Orders and payments kinds after a deals import: checked as the app checks money, quiet, re-imported unchanged,
counted by collections attainment, settled elsewhere when older than the month, undone in order."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from podium.core.events import transaction
from podium.core.models import EventRow
from podium.core.periods import PeriodKind, window
from podium.imports.kinds.base import ApplyState, Blocked, Item, Kind, Outcome, PlanState, Row
from podium.imports.kinds.deals import Deals
from podium.imports.kinds.money import Orders, Payments
from podium.imports.values import Refused
from podium.pipeline.models import Order, Payment
from podium.points.models import PointsEntry
from tests.conftest import Server, open_stack, start_server, stop_server
from tests.imports.test_history_deals import SHANGHAI, context
from tests.support import GraphQLClient, World, make_world

pytestmark = pytest.mark.asyncio(loop_scope="module")
NOW = datetime.now(UTC).replace(microsecond=0)


def at(days: int) -> str:
    return (NOW - timedelta(days=days)).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


MINUTE_AGO = (NOW - timedelta(minutes=1)).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


@dataclass
class Org:
    server: Server
    world: World
    admin: GraphQLClient


async def drive(org: Org, kind: Kind, cells: list[dict[str, Any]], run_id: int, state: PlanState | None = None) -> tuple[list[Item], dict[int, str]]:
    """Parse each cell with its column, plan, check versions, apply: the engine's path without a file."""
    ctx = context()
    rows, refused = [], {}
    for line, raw in enumerate(cells, start=2):
        try:
            rows.append(Row(line, {c.key: c.parse(raw.get(c.key), ctx) for c in kind.columns}, {k: str(v) for k, v in raw.items()}))
        except Refused as no:
            refused[line] = no.code
    env = org.server.runtime.env
    async with transaction(env.db) as tx:
        plans = await kind.plan(tx.session, rows, state or PlanState(org.world.org_id, ctx))
    items = [Item(r.line, p) for r, p in zip(rows, plans, strict=True)]
    todo = [i for i in items if i.plan.outcome is not Outcome.ERROR]
    async with transaction(env.db) as tx:
        targets = [i.plan.target for i in todo if i.plan.target]
        assert await kind.versions(tx.session, org.world.org_id, targets) == {i.plan.target: i.plan.version for i in todo if i.plan.target}
        for item, result in zip(todo, await kind.apply(tx.session, todo, ApplyState(org.world.org_id, org.world.admin.id, run_id, ctx.now, ctx)), strict=True):
            item.result = result
    return items, refused


def outcomes(items: list[Item]) -> dict[int, Any]:
    return {i.line: i.plan.outcome.value if not i.plan.errors else [(e.code, e.column) for e in i.plan.errors] for i in items}


DEALS = [
    {"external_id": "SF-1", "title": "Fleet", "customer": "Near Co", "amount": "10000", "stage": "赢单", "owner": "rep@acme.test", "won_at": at(40)},
    {"external_id": "SF-2", "title": "Hoist", "customer": "Near Co", "amount": "500", "stage": "won", "owner": "rep@acme.test", "won_at": MINUTE_AGO},
    {"external_id": "SF-3", "title": "Open", "customer": "Far Co", "amount": "800", "stage": "方案提供", "owner": "rep@acme.test", "created_at": at(5)},
]
ORDERS = [
    {"external_id": "O-1", "deal": "SF-1", "amount": "6,000", "at": at(35)},
    {"external_id": "O-2", "deal": "SF-1", "amount": "4000", "at": at(30)},
    {"external_id": "O-3", "deal": "SF-1", "amount": "1", "at": at(30)},  # beyond the deal's amount
    {"external_id": "O-4", "deal": "SF-3", "amount": "100", "at": at(1)},  # an open deal
    {"external_id": "O-5", "deal": "SF-1", "amount": "100", "at": at(50)},  # before the win
    {"external_id": "O-6", "deal": "SF-9", "amount": "100", "at": at(1)},  # no such deal
    {"external_id": "O-7", "deal": "SF-2", "amount": "500", "at": MINUTE_AGO},
]
PAYMENTS = [
    {"external_id": "P-1", "order": "O-1", "amount": "6000", "at": at(20)},
    {"external_id": "P-2", "order": "O-1", "amount": "-1000", "at": at(10), "note": "退货"},
    {"external_id": "P-3", "order": "O-2", "amount": "5000", "at": at(10)},  # more than outstanding
    {"external_id": "P-4", "order": "O-7", "amount": "500", "at": MINUTE_AGO},
    {"external_id": "P-5", "order": "O-2", "amount": "12.345", "at": at(10)},
]


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Org]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("money"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            server, uvicorn_server, task = await start_server(dataclasses.replace(stack.settings))
            world = await make_world(server.runtime.env)
            admin = GraphQLClient(server.url)
            await admin.login(world.admin.email)
            made = Org(server, world, admin)
            items, _ = await drive(made, Deals(), DEALS, run_id=1)
            assert [i.plan.outcome for i in items] == [Outcome.CREATED] * 3
            try:
                yield made
            finally:
                await admin.__aexit__(None, None, None)
                await stop_server(uvicorn_server, task)


async def quiet(org: Org) -> tuple[int, int]:
    async with org.server.runtime.env.db() as s:
        return (int(await s.scalar(select(func.count()).select_from(EventRow)) or 0),
                int(await s.scalar(select(func.count()).select_from(PointsEntry)) or 0))


ATTAINMENT = """
query Attainment($node: NodeInput) { attainment(node: $node, grain: MONTH, metric: COLLECTIONS) { actual } }
"""


async def test_orders_and_payments_are_checked_written_quietly_and_counted(org: Org) -> None:
    before = await quiet(org)
    orders, _ = await drive(org, Orders(), ORDERS, run_id=2)
    assert outcomes(orders) == {
        2: "created", 3: "created", 4: [("OUT_OF_RANGE", "amount")], 5: [("INVALID", "deal")], 6: [("TOO_EARLY", "at")],
        7: [("NOT_FOUND", "deal")], 8: "created",
    }
    payments, refused = await drive(org, Payments(), PAYMENTS, run_id=3)
    assert refused == {6: "TOO_PRECISE"}
    assert outcomes(payments) == {2: "created", 3: "created", 4: [("OUT_OF_RANGE", "amount")], 5: "created"}
    assert await quiet(org) == before

    month_start = window(PeriodKind.MONTH, "Asia/Shanghai", NOW).start
    async with org.server.runtime.env.db() as s:
        rows = {p.external_id: p for p in await s.scalars(select(Payment).where(Payment.org_id == org.world.org_id))}
    assert rows["P-2"].refund_of_id == rows["P-1"].id and rows["P-2"].amount == Decimal("-1000.00")
    assert {k: p.settled_elsewhere for k, p in rows.items()} == {
        "P-1": rows["P-1"].collected_at < month_start, "P-2": rows["P-2"].collected_at < month_start, "P-4": False,
    }
    this_month = sum((p.amount for p in rows.values() if p.collected_at >= month_start), Decimal(0))
    rep = {"kind": "USER", "id": str(org.world.rep.id)}
    assert Decimal((await org.admin.data(ATTAINMENT, {"node": rep}))["attainment"]["actual"]) == this_month


async def test_a_second_import_changes_nothing_and_a_changed_amount_is_an_update(org: Org) -> None:
    orders, _ = await drive(org, Orders(), ORDERS, run_id=4)
    assert [o for o in outcomes(orders).values() if isinstance(o, str)] == ["unchanged"] * 3
    changed = [dict(PAYMENTS[3], amount="400")]
    payments, _ = await drive(org, Payments(), changed, run_id=5)
    assert outcomes(payments) == {2: "updated"}
    ctx = context()
    async with transaction(org.server.runtime.env.db) as tx:
        await Payments().undo(tx.session, payments, ApplyState(org.world.org_id, org.world.admin.id, 5, ctx.now, ctx))
    async with org.server.runtime.env.db() as s:
        assert await s.scalar(select(Payment.amount).where(Payment.external_id == "P-4")) == Decimal("500.00")


async def test_orders_cannot_be_undone_while_payments_of_another_run_hang_on_them(org: Org) -> None:
    ctx = context()
    env = org.server.runtime.env
    state = ApplyState(org.world.org_id, org.world.admin.id, 2, ctx.now, ctx)
    with pytest.raises(Blocked):
        async with transaction(env.db) as tx:
            await Orders().undo(tx.session, [], state)
    async with transaction(env.db) as tx:
        await Payments().undo(tx.session, [], dataclasses.replace(state, run_id=3))
        await Orders().undo(tx.session, [], state)
    async with env.db() as s:
        assert await s.scalar(select(func.count()).select_from(Order).where(Order.org_id == org.world.org_id)) == 0
        assert await s.scalar(select(func.count()).select_from(Payment).where(Payment.org_id == org.world.org_id)) == 0
