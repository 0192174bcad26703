"""Reading the pipeline's rollups for the cockpit: where (a node of the tree, checked), when (a period), and the sums.

A node's figures are the sum over the owners under it in the tree as it is now (like targets' attainment); the org's
are every owner's. They are read from the node's own rows (analytics/deals_nodes.py: the org's and each unit's sums are
kept beside the owners'), one row per key whatever the node's size. Weeks read the week sums; months the month sums;
quarters and fiscal years add up their months.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics import deals_nodes
from podium.analytics.deals import BIN_EDGES, MONTH, RESULT_COLUMNS, STAGE_COLUMNS, WEEK
from podium.analytics.deals_models import Histogram, ResultSums, StageSums
from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import Locale
from podium.core.policies import Viewer
from podium.pipeline import facts as pipeline_facts
from podium.pipeline.facts import StageRow
from podium.targets import service as targets
from podium.targets.calendar import FiscalCalendar, FiscalPeriod, Grain
from podium.targets.service import Node, NodeKind, Scope


@dataclass(frozen=True)
class Place:
    """A checked node of the viewer's scope."""

    scope: Scope
    node: Node
    top: Node

    @property
    def org_id(self) -> int:
        return self.scope.tree.org_id


async def place(session: AsyncSession, viewer: Viewer, node: Node | None) -> Place:
    """The node (the viewer's reach top when None); NOT_FOUND for one outside reach or of another org."""
    scope = await targets.scope_of(session, viewer)
    top = targets.default_node(viewer)
    node = node or top
    targets.require_node(scope, node)
    return Place(scope, node, top)


def period_of(calendar: FiscalCalendar, key: str | None, now: datetime) -> FiscalPeriod:
    """The period a key names (the current fiscal month without one); INVALID for a bad key."""
    if key is None:
        return calendar.period(Grain.MONTH, now)
    try:
        return calendar.parse(key)
    except ValueError:
        raise DomainError.one(ErrorCode.INVALID, "period") from None


@dataclass(frozen=True)
class Window:
    """A checked node and a period, with the sums that period reads and the owner id its figures are stored under."""

    place: Place
    period: FiscalPeriod
    grain: str
    keys: list[str]
    row: int


async def window(session: AsyncSession, viewer: Viewer, node: Node | None, period_key: str | None, now: datetime) -> Window:
    where = await place(session, viewer, node)
    period = period_of(where.scope.calendar, period_key, now)
    grain, keys = grain_keys(where.scope.calendar, period)
    return Window(where, period, grain, keys, deals_nodes.row_of(where.node))


def label_of(period: FiscalPeriod, locale: Locale) -> str:
    zh = locale is Locale.ZH_CN
    key = period.key
    if period.grain is Grain.YEAR:
        return f"{key[2:]}财年" if zh else key
    if period.grain is Grain.QUARTER:
        return f"{key[2:6]}财年第{key[-1]}季度" if zh else f"{key[:6]} Q{key[-1]}"
    if period.grain is Grain.MONTH:
        return f"{period.first.year}年{period.first.month}月" if zh else period.first.strftime("%b %Y")
    return f"{key[:4]}年第{int(key[-2:])}周" if zh else f"{key[:4]} W{key[-2:]}"


def grain_keys(calendar: FiscalCalendar, period: FiscalPeriod) -> tuple[str, list[str]]:
    """Which sums a period reads: its week's, or its months'."""
    if period.grain is Grain.WEEK:
        return WEEK, [period.key]
    if period.grain is Grain.MONTH:
        return MONTH, [period.key]
    return MONTH, [m.key for m in calendar.months(period)]


def owners_of(scope: Scope, node: Node) -> frozenset[int] | None:
    """The owners whose deals count for the node; None: everyone in the org."""
    if node.kind is NodeKind.ORG:
        return None
    if node.kind is NodeKind.USER:
        return frozenset({node.id})
    return frozenset(m.id for m in scope.tree.members_under(node.id))


def _where(model: Any, org_id: int, grain: str, keys: Sequence[str], rows: Collection[int]) -> list[ColumnElement[bool]]:
    """The rows of these owner ids: people's own, or nodes' (deals_nodes.row_of); never a sum over many owners."""
    ids = sorted(set(rows))
    return [model.org_id == org_id, model.grain == grain, model.owner_id.in_(ids) if len(ids) != 1 else model.owner_id == ids[0], model.period.in_(list(keys))]


@dataclass
class Sums:
    """Summed columns of analytics_results or analytics_stages (money as Decimal, counts as int)."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, column: str) -> Any:
        return self.values.get(column, 0)

    def add(self, other: Sums) -> None:
        for column, value in other.values.items():
            self.values[column] = self.values.get(column, 0) + value


def _sums(columns: Iterable[str], row: Sequence[Any]) -> Sums:
    return Sums({c: (Decimal(v) if isinstance(v, (Decimal, float)) else int(v or 0)) for c, v in zip(columns, row, strict=True)})


async def result_sums(
    session: AsyncSession, org_id: int, grain: str, keys: Sequence[str], rows: Collection[int], by: Sequence[str] = (),
    upto: str | None = None,
) -> dict[tuple[Any, ...], Sums]:
    """analytics_results summed over the periods (or, with `upto`, every period of the grain up to that key), grouped by `by`."""
    group = [getattr(ResultSums, b) for b in by]
    where = _where(ResultSums, org_id, grain, keys, rows)
    if upto is not None:
        where[3] = ResultSums.period <= upto
    query = select(*group, *(func.sum(getattr(ResultSums, c)) for c in RESULT_COLUMNS)).where(*where)
    if group:
        query = query.group_by(*group)
    found = {}
    for row in await session.execute(query):
        if not group and row[0] is None:
            continue
        found[tuple(row[: len(group)])] = _sums(RESULT_COLUMNS, [v if v is not None else 0 for v in row[len(group):]])
    return found


async def stage_sums(session: AsyncSession, org_id: int, grain: str, keys: Sequence[str], rows: Collection[int]) -> dict[int, Sums]:
    query = (
        select(StageSums.stage_id, *(func.sum(getattr(StageSums, c)) for c in STAGE_COLUMNS))
        .where(*_where(StageSums, org_id, grain, keys, rows)).group_by(StageSums.stage_id)
    )
    return {int(row[0]): _sums(STAGE_COLUMNS, [v or 0 for v in row[1:]]) for row in await session.execute(query)}


async def histograms(
    session: AsyncSession, org_id: int, grain: str, keys: Sequence[str], rows: Collection[int], prefix: str, by_owner: bool = False
) -> dict[tuple[Any, ...], dict[int, int]]:
    """Duration bins of the series starting with `prefix`, per (series) or per (owner, series)."""
    group = [Histogram.owner_id, Histogram.series] if by_owner else [Histogram.series]
    query = (
        select(*group, Histogram.bin, func.sum(Histogram.count))
        .where(*_where(Histogram, org_id, grain, keys, rows), Histogram.series.like(f"{prefix}%")).group_by(*group, Histogram.bin)
    )
    found: dict[tuple[Any, ...], dict[int, int]] = {}
    for row in await session.execute(query):
        bins = found.setdefault(tuple(row[: len(group)]), {})
        bins[int(row[-2])] = bins.get(int(row[-2]), 0) + int(row[-1] or 0)
    return found


def merge_bins(parts: Iterable[dict[int, int]]) -> dict[int, int]:
    total: dict[int, int] = {}
    for part in parts:
        for b, n in part.items():
            total[b] = total.get(b, 0) + n
    return total


def percentile(bins: dict[int, int], q: float) -> float | None:
    """Nearest-rank percentile in days: the lower edge of the bin holding it; None without any sample."""
    n = sum(c for c in bins.values() if c > 0)
    if n <= 0:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for b in sorted(bins):
        seen += max(0, bins[b])
        if seen >= rank:
            return float(BIN_EDGES[b])
    return float(BIN_EDGES[max(bins)])


async def open_stages(session: AsyncSession, org_id: int) -> list[StageRow]:
    """The org's active open stages in funnel order."""
    return [s for s in await pipeline_facts.stage_rows(session, org_id) if s.outcome == "open" and s.is_active]


def ratio(part: Decimal | int, whole: Decimal | int) -> float | None:
    return float(Decimal(part) / Decimal(whole)) if whole else None
