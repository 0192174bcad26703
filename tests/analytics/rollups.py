"""The pipeline's rollups as plain data, and the same figures computed straight from the source tables, for comparing."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from podium.analytics.deals import GRAINS, RESULT_COLUMNS, STAGE_COLUMNS, period_key
from podium.analytics.deals_models import Histogram, ResultSums, StageStay, StageSums
from podium.core.env import Env
from podium.orgs.models import Org
from podium.orgs.tree import load_tree
from podium.pipeline.models import Deal, Payment, Stage, StageChange


async def snapshot(env: Env, org_id: int) -> dict[str, Any]:
    """Every non-zero summed figure of the org, and its stays."""
    found: dict[str, Any] = {}
    async with env.db() as session:
        for row in await session.scalars(select(ResultSums).where(ResultSums.org_id == org_id)):
            values = {c: getattr(row, c) for c in RESULT_COLUMNS if getattr(row, c)}
            if values:
                found[f"r|{row.grain}|{row.period}|{row.owner_id}|{row.lead_source}"] = values
        for row in await session.scalars(select(StageSums).where(StageSums.org_id == org_id)):
            values = {c: getattr(row, c) for c in STAGE_COLUMNS if getattr(row, c)}
            if values:
                found[f"s|{row.grain}|{row.period}|{row.owner_id}|{row.stage_id}"] = values
        for row in await session.scalars(select(Histogram).where(Histogram.org_id == org_id)):
            if row.count:
                found[f"h|{row.grain}|{row.period}|{row.owner_id}|{row.series}|{row.bin}"] = row.count
        stays = await session.execute(
            select(StageStay.deal_id, StageStay.stage_id, StageStay.entered_at, StageStay.left_at, StageStay.next_stage_id, StageStay.advanced)
            .where(StageStay.org_id == org_id)
        )
        found["stays"] = sorted(tuple(r) for r in stays)
    return found


async def from_sources(env: Env, org_id: int) -> dict[str, dict[str, Any]]:
    """Results and flow figures per (grain, period, owner, source / stage), straight from deals, stage changes and payments."""
    out: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    async with env.db() as session:
        zone = ZoneInfo(await session.scalar(select(Org.time_zone).where(Org.id == org_id)) or "UTC")
        stages = {s.id: s for s in await session.scalars(select(Stage).where(Stage.org_id == org_id))}
        deals = {d.id: d for d in await session.scalars(select(Deal).where(Deal.org_id == org_id))}
        changes = list(await session.execute(
            select(StageChange.deal_id, StageChange.to_stage_id, StageChange.changed_at).where(StageChange.org_id == org_id)
            .order_by(StageChange.deal_id, StageChange.changed_at, StageChange.id)
        ))
        payments = list(await session.execute(select(Payment.deal_id, Payment.amount, Payment.collected_at).where(Payment.org_id == org_id)))
    for grain in GRAINS:
        for d in deals.values():
            key = lambda moment, d=d: f"r|{grain}|{period_key(grain, moment, zone)}|{d.owner_id}|{d.lead_source}"  # noqa: E731
            out[key(d.created_at)]["created"] += 1
            if d.status in ("won", "reversed"):
                out[key(d.closed_at)]["won"] += 1
                out[key(d.closed_at)]["won_amount"] += d.amount
            if d.status == "lost":
                out[key(d.closed_at)]["lost"] += 1
                out[key(d.closed_at)]["lost_amount"] += d.amount
            if d.status == "reversed":
                out[key(d.reversed_at)]["reversed"] += 1
                out[key(d.reversed_at)]["reversed_amount"] += d.amount
        for deal_id, amount, moment in payments:
            d = deals[deal_id]
            out[f"r|{grain}|{period_key(grain, moment, zone)}|{d.owner_id}|{d.lead_source}"]["collections"] += amount
        entries: Counter[str] = Counter()
        for deal_id, stage_id, moment in changes:
            if stages[stage_id].outcome == "open":
                entries[f"s|{grain}|{period_key(grain, moment, zone)}|{deals[deal_id].owner_id}|{stage_id}"] += 1
        for key, n in entries.items():
            out[key]["entered"] = n
    return {k: {c: v for c, v in row.items() if v} for k, row in out.items() if any(row.values())}


def _owner(key: str) -> int:
    return int(key.split("|")[3])


def owner_rows(snap: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's people's rows (node rows, owner id 0 or below, left out)."""
    return {k: v for k, v in snap.items() if k != "stays" and _owner(k) > 0}


def node_rows(snap: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in snap.items() if k != "stays" and _owner(k) <= 0}


async def by_nodes(env: Env, org_id: int, figures: dict[str, Any]) -> dict[str, Any]:
    """People's figures added up per node of the tree as it is now, the way the cockpit defines a node (deals_read.owners_of):
    the org (owner id 0) every owner's, a unit (-unit id) its active members' under it (tree.members_under)."""
    async with env.db() as session:
        tree = await load_tree(session, org_id)
    under = {unit_id: {m.id for m in tree.members_under(unit_id)} for unit_id in tree.units}
    found: dict[str, Any] = {}
    for key, row in figures.items():
        prefix, grain, period, owner, rest = key.split("|", 4)
        nodes = [0] + [-unit_id for unit_id, members in under.items() if int(owner) in members]
        for node in nodes:
            node_key = f"{prefix}|{grain}|{period}|{node}|{rest}"
            if isinstance(row, dict):
                target = found.setdefault(node_key, {})
                for column, value in row.items():
                    target[column] = target.get(column, 0) + value
            else:
                found[node_key] = found.get(node_key, 0) + row
    return {k: ({c: v for c, v in row.items() if v} if isinstance(row, dict) else row) for k, row in found.items() if (any(row.values()) if isinstance(row, dict) else row)}


def comparable(snap: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The columns that from_sources computes, of the snapshot's rows given (owner_rows or node_rows of it)."""
    wanted = {"created", "won", "won_amount", "lost", "lost_amount", "reversed", "reversed_amount", "collections", "entered"}
    found = {}
    for key, row in snap.items():
        if key[0] not in "rs" or not isinstance(row, dict):
            continue
        values = {c: (Decimal(v) if isinstance(v, Decimal) else v) for c, v in row.items() if c in wanted and v}
        if values:
            found[key] = values
    return found
