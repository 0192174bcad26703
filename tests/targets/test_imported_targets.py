"""Targets from a file: checked like the app's, saved set-based, unchanged on a second import, undone exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from podium.core.errors import ErrorCode
from podium.core.events import transaction
from podium.orgs import service as orgs
from podium.targets import imported
from podium.targets.models import Target
from podium.targets.service import Metric, Node, NodeKind, scope_of
from tests.conftest import Server
from tests.support import World


async def _plan(server: Server, world: World, rows: list[imported.TargetRow]) -> list:
    async with server.runtime.env.db() as s:
        viewer = await orgs.viewer_for(s, world.admin.id)
        assert viewer is not None
        return await imported.plan(s, await scope_of(s, viewer), rows)


async def test_imported_targets_keep_the_invariants_and_undo_exactly(server: Server, world: World) -> None:
    rows = [
        imported.TargetRow(Node(NodeKind.ORG, world.org_id), "FY2026", Metric.REVENUE, Decimal("1000000.00")),
        imported.TargetRow(Node(NodeKind.TEAM, world.team_a), "2026-11", Metric.REVENUE, Decimal("50000")),
        imported.TargetRow(Node(NodeKind.USER, world.rep.id), "2026-11", Metric.DEALS_WON, Decimal("4")),
        imported.TargetRow(Node(NodeKind.USER, world.rep.id), "2026-11", Metric.DEALS_WON, Decimal("5")),  # repeated
        imported.TargetRow(Node(NodeKind.USER, world.outsider.id), "2026-11", Metric.REVENUE, Decimal("1")),  # another org's
        imported.TargetRow(Node(NodeKind.USER, world.rep.id), "2026-13", Metric.REVENUE, Decimal("1")),
        imported.TargetRow(Node(NodeKind.USER, world.rep.id), "2026-10", Metric.VISITS, Decimal("2.5")),  # a count
    ]
    planned = await _plan(server, world, rows)
    assert [p.outcome if isinstance(p, imported.Planned) else [(e.field, e.code) for e in p] for p in planned] == [
        "created", "created", "created", [("node", ErrorCode.DUPLICATE)], [("node", ErrorCode.NOT_FOUND)],
        [("period", ErrorCode.INVALID)], [("amount", ErrorCode.TOO_PRECISE)],
    ]
    env = server.runtime.env
    async with transaction(env.db) as tx:
        created, _ = await imported.save(tx.session, world.org_id, 5, world.admin.id, [p for p in planned if isinstance(p, imported.Planned)], env.clock())
    assert len(created) == 3
    again = await _plan(server, world, rows[:3])
    assert [p.outcome for p in again] == ["unchanged"] * 3

    changed = await _plan(server, world, [imported.TargetRow(Node(NodeKind.TEAM, world.team_a), "2026-11", Metric.REVENUE, Decimal("60000"))])
    async with transaction(env.db) as tx:
        _, befores = await imported.save(tx.session, world.org_id, 6, world.admin.id, changed, env.clock())
    with pytest.raises(Exception):  # run 5's team target was changed by run 6 since
        async with transaction(env.db) as tx:
            await imported.undo(tx.session, world.org_id, 5, [], env.clock())
    async with transaction(env.db) as tx:
        await imported.undo(tx.session, world.org_id, 6, befores, env.clock())
    async with env.db() as s:
        team = await s.scalar(select(Target).where(Target.node_id == world.team_a, Target.node_kind == "team"))
        assert team is not None and (team.amount, team.version) == (Decimal("50000.00"), 1)
    async with transaction(env.db) as tx:  # with run 6 undone, nothing newer depends on run 5
        await imported.undo(tx.session, world.org_id, 5, [], env.clock())
    async with env.db() as s:
        assert list(await s.scalars(select(Target).where(Target.org_id == world.org_id))) == []
