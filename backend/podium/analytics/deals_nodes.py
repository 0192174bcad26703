"""The pipeline's rollups per node of the org tree, kept beside the owners' rows so a node reads one row per key.

A node's figures are the sum of the owner rows under it (deals_read.owners_of): the org's of every owner, a unit's of
its active members under it, merged units included. They are stored in the same three tables under reserved owner
ids: 0 for the org, -unit_id for a unit (people's ids are positive), so a read of any node is `owner_id = one id`.

Kept exactly: every owner delta is also added, in the same transaction, to the org's row and to the rows of the units
that count the owner (`with_nodes`, from analytics.deals._apply). A change of the tree (someone moving team or
deactivated, a unit moved, merged or deleted) moves figures between units: `recompute` makes the unit rows equal the
sums of the owner rows under the tree as it is now, set-based in SQL, writing only rows that differ; the rebuild ends
with it for the org's row too.

A delta must never fall between a recompute's read and a stale tree: on PostgreSQL each delta holds the org's
advisory lock shared from before it reads the tree to its commit, a recompute holds it exclusively; a recompute
therefore sees every delta made on the old tree, and a delta after it reads the new tree. SQLite runs one writing
transaction at a time (transaction() begins IMMEDIATE), which gives the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics.deals_models import Histogram, ResultSums, StageSums
from podium.core.env import Env
from podium.core.events import DomainEvent, transaction
from podium.orgs.events import PersonChanged
from podium.orgs.tree import OrgTree, load_tree
from podium.targets.service import Node, NodeKind

ORG_ROW = 0
# pg_advisory_xact_lock(key1, key2): key1 names this lock ("NODE"), key2 the org.
LOCK_SPACE = 0x4E4F4445

Delta = dict[str, dict[str, Any]]


def unit_row(unit_id: int) -> int:
    return -unit_id


def row_of(node: Node) -> int:
    """The owner id under which the node's figures are stored: a person's own rows, a unit's or the org's node rows."""
    if node.kind is NodeKind.ORG:
        return ORG_ROW
    if node.kind is NodeKind.TEAM:
        return unit_row(node.id)
    return node.id


def chains(tree: OrgTree) -> dict[int, tuple[int, ...]]:
    """Each active member with a unit → the unit rows that count them (their unit and every one it rolls up into)."""
    above: dict[int, list[int]] = {}
    for unit_id in tree.units:
        for below in tree.units_under(unit_id):
            above.setdefault(below, []).append(unit_row(unit_id))
    return {m.id: tuple(sorted(above.get(m.team_id, ()))) for m in tree.members.values() if m.team_id is not None}


async def _lock(session: AsyncSession, org_id: int, *, exclusive: bool) -> None:
    if (await session.connection()).dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await session.execute(text(f"SELECT {function}(:space, :org)"), {"space": LOCK_SPACE, "org": org_id % 2**31})


async def with_nodes(session: AsyncSession, org_id: int, delta: Delta) -> Delta:
    """The owners' delta and the same differences on the org's row and the unit rows that count each owner."""
    owners = {int(key.split("|")[3]) for key in delta}
    people = {o for o in owners if o > 0}
    if not people:
        return delta
    await _lock(session, org_id, exclusive=False)
    chain = chains(await load_tree(session, org_id, only=people))
    found: Delta = {}
    for key, row in delta.items():
        prefix, grain, period, owner, rest = key.split("|", 4)
        rows = (int(owner),) if int(owner) <= 0 else (int(owner), ORG_ROW, *chain.get(int(owner), ()))
        for node in rows:
            target = found.setdefault(f"{prefix}|{grain}|{period}|{node}|{rest}", {})
            for column, value in row.items():
                target[column] = target.get(column, 0) + value
    return found


# Per table: its key columns beyond (org_id, grain, period, owner_id); every other column but the id is summed.
PLANS: tuple[tuple[Any, tuple[str, ...]], ...] = ((ResultSums, ("lead_source",)), (StageSums, ("stage_id",)), (Histogram, ("series", "bin")))


def _columns(model: Any, keys: Sequence[str]) -> list[str]:
    fixed = {"id", "org_id", "grain", "period", "owner_id", *keys}
    return [c.name for c in model.__table__.c if c.name not in fixed]


def _differs(model: Any, column: str) -> str:
    # Money is NUMERIC(18, 2): exact on PostgreSQL, a float on SQLite, where sums in another order may differ below the cent.
    if getattr(model.__table__.c[column].type, "scale", None):
        return f"ABS(s.{column} - e.{column}) > 0.001"
    return f"s.{column} <> e.{column}"


async def recompute(session: AsyncSession, org_id: int, *, org_row: bool = False) -> int:
    """Make the unit rows (and with `org_row` the org's) the sums of the owner rows under the tree now; how many rows moved."""
    await _lock(session, org_id, exclusive=True)
    tree = await load_tree(session, org_id)
    pairs = sorted((owner, node) for owner, nodes in chains(tree).items() for node in nodes)
    # The owner → unit row mapping inlined as a VALUES list of integers (thousands of pairs: too many for bound
    # parameters on SQLite); one row that matches nothing when the org has no units.
    mapping = ", ".join(f"({int(o)}, {int(n)})" for o, n in pairs) or "(0, 0)"
    moved = 0
    for model, keys in PLANS:
        table = model.__tablename__
        columns = _columns(model, keys)
        group = ", ".join(f"r.{k}" for k in ("grain", "period", *keys))
        sums = ", ".join(f"SUM(r.{c}) AS {c}" for c in columns)
        expected = f"SELECT m.node_id AS owner_id, {group}, {sums} FROM node_map m JOIN {table} r ON r.owner_id = m.owner_id WHERE r.org_id = :org GROUP BY m.node_id, {group}"
        if org_row:
            expected += f" UNION ALL SELECT {ORG_ROW} AS owner_id, {group}, {sums} FROM {table} r WHERE r.org_id = :org AND r.owner_id > 0 GROUP BY {group}"
        head = f"WITH node_map(owner_id, node_id) AS (VALUES {mapping}), expected AS ({expected}) "
        same_key = " AND ".join(f"s.{k} = e.{k}" for k in ("grain", "period", "owner_id", *keys))
        names = ", ".join(("grain", "period", "owner_id", *keys, *columns))
        upsert = (
            f"{head}INSERT INTO {table} (org_id, {names}) SELECT :org, {', '.join(f'e.{n}' for n in names.split(', '))} FROM expected e "
            f"LEFT JOIN {table} s ON s.org_id = :org AND {same_key} WHERE s.id IS NULL OR {' OR '.join(_differs(model, c) for c in columns)} "
            f"ON CONFLICT (org_id, grain, period, owner_id, {', '.join(keys)}) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in columns)}"
        )
        moved += (await session.execute(text(upsert), {"org": org_id})).rowcount or 0
        nodes = "s.owner_id <= 0" if org_row else "s.owner_id < 0"
        stale = f"{head}DELETE FROM {table} AS s WHERE s.org_id = :org AND {nodes} AND NOT EXISTS (SELECT 1 FROM expected e WHERE {same_key})"
        moved += (await session.execute(text(stale), {"org": org_id})).rowcount or 0
    return moved


async def recompute_org(env: Env, org_id: int, *, org_row: bool = False) -> int:
    async with transaction(env.db) as tx:
        return await recompute(tx.session, org_id, org_row=org_row)


async def on_tree_changed(env: Env, event: DomainEvent) -> None:
    """Handler: someone deactivated, a unit moved, merged or deleted: figures follow the people to their units now."""
    await recompute_org(env, event.org_id)


async def on_person_changed(env: Env, event: PersonChanged) -> None:
    """Handler: someone changed unit (a role or manager change moves no figure)."""
    if event.team_before != event.team_after:
        await recompute_org(env, event.org_id)
