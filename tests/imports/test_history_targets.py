"""The targets kind: nodes by company, unit or person name, periods written the usual ways, metrics in both languages."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from podium.core.events import transaction
from podium.imports.kinds.base import ApplyState, Outcome
from podium.imports.kinds.targets import Targets, period_key
from podium.orgs.models import Team
from podium.targets.models import Target
from tests.conftest import Server
from tests.imports.test_history_deals import context
from tests.imports.test_history_money import Org, drive, outcomes
from tests.support import World

ROWS = [
    {"node": "全公司", "period": "2026年", "metric": "收入", "amount": "1,000万"},
    {"node": "Team A", "period": "2026年11月", "metric": "回款", "amount": "50000"},
    {"node": "REP@ACME.TEST", "period": "2026-11", "metric": "赢单数", "amount": "4"},
    {"node": "Rita Rep", "period": "2026-11", "metric": "deals won", "amount": "5"},  # the same target again
    {"node": "Olga Outsider", "period": "2026-11", "metric": "revenue", "amount": "1"},  # another org's person
    {"node": "Team A", "period": "2026-13", "metric": "revenue", "amount": "1"},
    {"node": "Team A", "period": "2026-Q2", "metric": "利润", "amount": "1"},
    {"node": "Bea Rep", "period": "2026-10", "metric": "拜访", "amount": "2.5"},  # a count with decimals
    {"node": "Twin", "period": "2026-10", "metric": "拜访", "amount": "3"},
]


def test_periods_are_read_the_usual_ways() -> None:
    assert [period_key(p) for p in ("2026年3月", "2026年", "2026Q1", "FY2026-Q4", "2026-W05", "2026-03")] == [
        "2026-03", "FY2026", "FY2026-Q1", "FY2026-Q4", "2026-W05", "2026-03",
    ]


async def test_a_targets_file_is_planned_saved_reimported_unchanged_and_undone(server: Server, world: World) -> None:
    env = server.runtime.env
    async with transaction(env.db) as tx:
        tx.session.add_all([Team(org_id=world.org_id, name="Twin"), Team(org_id=world.org_id, name="twin")])
    org = Org(server, world, None)  # type: ignore[arg-type]
    items, _ = await drive(org, Targets(), ROWS, run_id=11)
    assert outcomes(items) == {
        2: "created", 3: "created", 4: "created", 5: [("REPEATED", "node")], 6: [("UNKNOWN_NODE", "node")],
        7: [("BAD_PERIOD", "period")], 8: [("UNKNOWN_CHOICE", "metric")], 9: [("TOO_PRECISE", "amount")], 10: [("AMBIGUOUS_UNIT", "node")],
    }
    async with env.db() as s:
        saved = {(t.node_kind, t.period_key, t.metric): (t.amount, t.grain) for t in await s.scalars(select(Target).where(Target.org_id == world.org_id))}
    assert saved == {
        ("org", "FY2026", "revenue"): (Decimal("10000000.00"), "year"), ("team", "2026-11", "collections"): (Decimal("50000.00"), "month"),
        ("user", "2026-11", "deals_won"): (Decimal("4.00"), "month"),
    }
    again, _ = await drive(org, Targets(), ROWS[:3], run_id=12)
    assert [i.plan.outcome for i in again] == [Outcome.UNCHANGED] * 3
    ctx = context()
    async with transaction(env.db) as tx:
        await Targets().undo(tx.session, items, ApplyState(world.org_id, world.admin.id, 11, ctx.now, ctx))
    async with env.db() as s:
        assert list(await s.scalars(select(Target).where(Target.org_id == world.org_id))) == []
