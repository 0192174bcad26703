"""Targets for every node of the org tree: set, split top-down, decomposed over the year, and live attainment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import Tx, names_of, transaction
from podium.core.money import check_amount
from podium.core.periods import FIRST_YEAR, LAST_YEAR
from podium.core.policies import Role, Viewer
from podium.customers import service as customers
from podium.orgs import service as orgs
from podium.orgs import tree as org_tree
from podium.orgs.tree import OrgTree, Reach
from podium.pipeline import ledger as deals
from podium.targets.calendar import FiscalCalendar, FiscalPeriod, Grain, YearOutOfRange, decompose
from podium.targets.events import TargetSaved, TargetSet
from podium.targets.models import Target
from podium.customers.events import CustomerAdded
from podium.pipeline.events import DealChanged, PaymentRecorded
from podium.visits.events import VisitVerified
from podium.targets.split import minor_unit, split
from podium.visits import service as visits


class NodeKind(StrEnum):
    ORG = "org"
    TEAM = "team"
    USER = "user"


class Metric(StrEnum):
    REVENUE = "revenue"
    GROSS_MARGIN = "gross_margin"
    COLLECTIONS = "collections"
    NEW_CUSTOMERS = "new_customers"
    VISITS = "visits"
    DEALS_WON = "deals_won"

    @property
    def is_money(self) -> bool:
        return self in (Metric.REVENUE, Metric.GROSS_MARGIN, Metric.COLLECTIONS)


class Basis(StrEnum):
    EQUAL = "equal"
    LAST_YEAR = "last_year"
    POTENTIAL = "potential"
    MANUAL = "manual"


class Pace(StrEnum):
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_TARGET = "no_target"


# Within 5 % of the straight line from zero to the target counts as on track.
PACE_TOLERANCE = Fraction(5, 100)
# Events that can move attainment: wins, payments, verified visits, new targets.
MOVING_EVENTS = names_of(DealChanged, PaymentRecorded, VisitVerified, TargetSaved, CustomerAdded)


@dataclass(frozen=True, order=True)
class Node:
    kind: NodeKind
    id: int


@dataclass(frozen=True)
class Scope:
    """One org's tree, calendar and currency, and how far the viewer reaches into it."""

    tree: OrgTree
    reach: Reach
    calendar: FiscalCalendar
    currency: str

    def places(self, metric: Metric) -> int:
        # Targets are stored as NUMERIC(18, 2): three-decimal currencies are set to the cent.
        return min(minor_unit(self.currency), 2) if metric.is_money else 0

    def label(self, node: Node) -> str:
        if node.kind is NodeKind.ORG:
            return self.tree.org_name
        if node.kind is NodeKind.TEAM:
            return self.tree.units[node.id].name
        return self.tree.members[node.id].name

    def exists(self, node: Node) -> bool:
        if node.kind is NodeKind.ORG:
            return node.id == self.tree.org_id
        if node.kind is NodeKind.TEAM:
            return node.id in self.tree.units
        return node.id in self.tree.members

    def sees(self, node: Node) -> bool:
        if self.reach.org_wide:
            return True
        if node.kind is NodeKind.TEAM:
            return self.reach.sees_unit(node.id)
        return node.kind is NodeKind.USER and self.reach.sees_user(node.id)

    def children(self, node: Node) -> list[Node]:
        """Units below, then the people who sell directly in it."""
        if node.kind is NodeKind.USER:
            return []
        unit_id = node.id if node.kind is NodeKind.TEAM else None
        units = [Node(NodeKind.TEAM, u.id) for u in self.tree.child_units(unit_id)]
        people = [Node(NodeKind.USER, m.id) for m in self.tree.direct_members(unit_id) if m.role is Role.REP]
        return units + people

    def parent(self, node: Node) -> Node | None:
        if node.kind is NodeKind.ORG:
            return None
        unit_id = self.tree.units[node.id].parent_id if node.kind is NodeKind.TEAM else self.tree.members[node.id].team_id
        if unit_id is not None and unit_id in self.tree.units:
            return Node(NodeKind.TEAM, unit_id)
        return Node(NodeKind.ORG, self.tree.org_id)


@dataclass(frozen=True)
class Attainment:
    node: Node
    label: str
    period: FiscalPeriod
    metric: Metric
    target: Decimal | None
    actual: Decimal
    elapsed: Fraction
    children_target: Decimal | None = None
    children: list[Attainment] = field(default_factory=list)

    @property
    def ratio(self) -> Decimal | None:
        """Actual over target (1 = 100 %), four decimals."""
        if not self.target:
            return None
        return (self.actual / self.target).quantize(Decimal("0.0001"))

    @property
    def expected(self) -> Decimal | None:
        """Where a straight line from zero to the target stands now."""
        if self.target is None:
            return None
        return (self.target * Decimal(self.elapsed.numerator) / Decimal(self.elapsed.denominator)).quantize(Decimal("0.01"))

    @property
    def pace(self) -> Pace:
        if not self.target:
            return Pace.NO_TARGET
        expected = Fraction(self.target) * self.elapsed
        actual = Fraction(self.actual)
        if actual >= Fraction(self.target) or actual > expected * (1 + PACE_TOLERANCE):
            return Pace.AHEAD
        return Pace.BEHIND if actual < expected * (1 - PACE_TOLERANCE) else Pace.ON_TRACK

    @property
    def gap(self) -> Decimal | None:
        """Parent target less the sum of its children's own targets: where bottom-up disagrees."""
        if self.target is None or self.children_target is None:
            return None
        return self.target - self.children_target


@dataclass(frozen=True)
class SplitRequest:
    node: Node
    period_key: str
    metric: Metric
    amount: Decimal
    basis: Basis
    manual: Mapping[Node, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class SplitRow:
    node: Node
    label: str
    weight: Decimal
    amount: Decimal
    last_year: Decimal
    current: Decimal | None


@dataclass(frozen=True)
class SplitPlan:
    node: Node
    label: str
    period: FiscalPeriod
    metric: Metric
    amount: Decimal
    basis: Basis
    rows: list[SplitRow]
    # The basis had no data (no sales last year, no potential): split equally instead, and say so.
    fell_back_to_equal: bool


# ---------------------------------------------------------------- scope and periods


async def scope_of(session: AsyncSession, viewer: Viewer) -> Scope:
    tree, reach = await org_tree.reach(session, viewer)
    org = await orgs.org_by_id(session, viewer.org_id)
    assert org is not None
    return Scope(tree, reach, FiscalCalendar(org.fiscal_year_start_month, org.time_zone), org.currency)


def require_node(scope: Scope, node: Node, field_name: str = "node") -> None:
    """Refuses a node the viewer may not see; analytics checks its nodes the same way."""
    # Another org's node and one outside the viewer's reach look the same: not found.
    if not scope.exists(node) or not scope.sees(node):
        raise DomainError.one(ErrorCode.NOT_FOUND, field_name)


def _period(scope: Scope, key: str | None, grain: Grain, now: datetime) -> FiscalPeriod:
    if key is None:
        return scope.calendar.period(grain, now)
    return _parse(scope, key)


def _parse(scope: Scope, key: str) -> FiscalPeriod:
    try:
        return scope.calendar.parse(key)
    except YearOutOfRange:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "period", min=FIRST_YEAR, max=LAST_YEAR) from None
    except ValueError:
        raise DomainError.one(ErrorCode.INVALID, "period") from None


def default_node(viewer: Viewer) -> Node:
    if viewer.is_admin:
        return Node(NodeKind.ORG, viewer.org_id)
    if viewer.role is Role.MANAGER and viewer.team_id is not None:
        return Node(NodeKind.TEAM, viewer.team_id)
    return Node(NodeKind.USER, viewer.user_id)


# ---------------------------------------------------------------- actuals


async def _facts(session: AsyncSession, scope: Scope, metric: Metric, period: FiscalPeriod) -> list[tuple[int, int | None, Decimal]]:
    """(person, credited unit or None for "their unit now", value) for everything the metric counts."""
    start, end = period.bounds(scope.calendar.time_zone)
    org_id = scope.tree.org_id
    if metric in (Metric.REVENUE, Metric.GROSS_MARGIN, Metric.DEALS_WON):
        rows = await deals.credited(session, org_id, start, end)
        pick = {Metric.REVENUE: 2, Metric.GROSS_MARGIN: 3, Metric.DEALS_WON: 4}[metric]
        return [(r[0], r[1], Decimal(r[pick])) for r in rows]
    if metric is Metric.COLLECTIONS:
        return list(await deals.collected(session, org_id, start, end))
    counts = await (visits.verified_counts if metric is Metric.VISITS else customers.new_counts)(session, org_id, start, end)
    return [(uid, None, Decimal(n)) for uid, n in counts]


def _sum_for(scope: Scope, node: Node, facts: Sequence[tuple[int, int | None, Decimal]]) -> Decimal:
    if node.kind is NodeKind.ORG:
        return sum((v for _, _, v in facts), Decimal(0))
    if node.kind is NodeKind.USER:
        return sum((v for uid, _, v in facts if uid == node.id), Decimal(0))
    units = scope.tree.units_under(node.id)
    total = Decimal(0)
    for uid, unit, value in facts:
        credited = unit if unit is not None else (scope.tree.members[uid].team_id if uid in scope.tree.members else None)
        if credited in units:
            total += value
    return total


async def _targets(session: AsyncSession, org_id: int, period_key: str, metric: Metric) -> dict[Node, Target]:
    rows = await session.scalars(select(Target).where(Target.org_id == org_id, Target.period_key == period_key, Target.metric == metric.value))
    return {Node(NodeKind(t.node_kind), t.node_id): t for t in rows}


async def attainment(env: Env, viewer: Viewer, node: Node | None, period_key: str | None, grain: Grain, metric: Metric) -> Attainment:
    """The node's target and actual for the period, with its children's, as they stand now."""
    async with env.db() as session:
        scope = await scope_of(session, viewer)
        node = node or default_node(viewer)
        require_node(scope, node)
        return await _attainment(session, scope, node, _period(scope, period_key, grain, env.clock()), metric, env.clock())


async def _attainment(session: AsyncSession, scope: Scope, node: Node, period: FiscalPeriod, metric: Metric, now: datetime) -> Attainment:
    facts = await _facts(session, scope, metric, period)
    targets = await _targets(session, scope.tree.org_id, period.key, metric)
    elapsed = scope.calendar.elapsed_fraction(period, now)

    def one(n: Node) -> Attainment:
        found = targets.get(n)
        return Attainment(n, scope.label(n), period, metric, found.amount if found else None, _sum_for(scope, n, facts), elapsed)

    children = [one(c) for c in scope.children(node)]
    child_targets = [c.target for c in children if c.target is not None]
    top = one(node)
    return Attainment(
        top.node, top.label, period, metric, top.target, top.actual, elapsed,
        children_target=sum(child_targets, Decimal(0)) if child_targets else None, children=children,
    )


# ---------------------------------------------------------------- setting and splitting


def _may_set(viewer: Viewer) -> None:
    if viewer.role not in (Role.ADMIN, Role.MANAGER):
        raise DomainError.one(ErrorCode.FORBIDDEN, "node")


async def plan_split(env: Env, viewer: Viewer, request: SplitRequest) -> SplitPlan:
    """What a split would give each child, without saving anything."""
    _may_set(viewer)
    async with env.db() as session:
        return await _plan(session, await scope_of(session, viewer), request)


async def _plan(session: AsyncSession, scope: Scope, request: SplitRequest) -> SplitPlan:
    require_node(scope, request.node)
    period = _parse(scope, request.period_key)
    places = scope.places(request.metric)
    problems = Problems()
    check_amount(problems, "amount", request.amount, places=places)
    problems.raise_if_any()
    children = scope.children(request.node)
    last_year_period = scope.calendar.same_period_last_year(period)
    last_facts = await _facts(session, scope, request.metric, last_year_period)
    last_year = {c: _sum_for(scope, c, last_facts) for c in children}
    current = await _targets(session, scope.tree.org_id, period.key, request.metric)
    fell_back = False
    if request.basis is Basis.MANUAL:
        amounts = _manual(request, children, places)
        weights = dict(amounts)
    else:
        weights = await _weights(session, scope, request.basis, children, last_year)
        if children and not any(weights.values()) and request.basis is not Basis.EQUAL:
            fell_back = True
        amounts = split(request.amount, weights, places) if children else {}
    rows = [
        SplitRow(c, scope.label(c), weights.get(c, Decimal(0)), amounts[c], last_year[c], current[c].amount if c in current else None)
        for c in children
    ]
    return SplitPlan(request.node, scope.label(request.node), period, request.metric, request.amount, request.basis, rows, fell_back)


def _manual(request: SplitRequest, children: list[Node], places: int) -> dict[Node, Decimal]:
    problems = Problems()
    unknown = set(request.manual) - set(children)
    if unknown:
        problems.add(ErrorCode.NOT_FOUND, "manual")
    amounts = {c: request.manual.get(c, Decimal(0)) for c in children}
    for i, child in enumerate(children):
        check_amount(problems, f"manual.{i}", amounts[child], places=places)
    problems.raise_if_any()
    total = sum(amounts.values(), Decimal(0))
    if total != request.amount:
        raise DomainError.one(ErrorCode.MISMATCH, "manual", expected=f"{request.amount:,}")
    return amounts


async def _weights(session: AsyncSession, scope: Scope, basis: Basis, children: list[Node], last_year: dict[Node, Decimal]) -> dict[Node, Decimal]:
    if basis is Basis.LAST_YEAR:
        return {c: max(Decimal(0), last_year[c]) for c in children}
    if basis is Basis.POTENTIAL:
        by_owner = await customers.potential_by_owner(session, scope.tree.org_id)

        def potential(node: Node) -> Decimal:
            if node.kind is NodeKind.USER:
                return by_owner.get(node.id, Decimal(0))
            own = scope.tree.units[node.id].potential
            if own is not None:  # a territory's own estimate wins over the sum of its accounts
                return own
            return sum((by_owner.get(m.id, Decimal(0)) for m in scope.tree.members_under(node.id)), Decimal(0))

        return {c: potential(c) for c in children}
    return {c: Decimal(1) for c in children}


async def set_target(env: Env, viewer: Viewer, request: SplitRequest) -> SplitPlan:
    """Save the node's target and its children's, split by the basis; children always sum to the parent."""
    _may_set(viewer)
    async with transaction(env.db) as tx:
        scope = await scope_of(tx.session, viewer)
        plan = await _plan(tx.session, scope, request)
        now = env.clock()
        await _upsert(tx, scope, viewer, request.node, plan.period, request.metric, request.amount, "direct", now)
        for row in plan.rows:
            await _upsert(tx, scope, viewer, row.node, plan.period, request.metric, row.amount, request.basis.value, now)
        _publish(tx, env, viewer.org_id)
    return plan


async def _upsert(tx: Tx, scope: Scope, viewer: Viewer, node: Node, period: FiscalPeriod, metric: Metric, amount: Decimal, basis: str, now: datetime) -> None:
    session = tx.session
    query = (
        select(Target)
        .where(Target.org_id == scope.tree.org_id, Target.node_kind == node.kind.value, Target.node_id == node.id)
        .where(Target.period_key == period.key, Target.metric == metric.value)
        .with_for_update()
    )
    found = await session.scalar(query)
    if found is None:
        try:
            async with session.begin_nested():  # a savepoint: losing the race below must not abort the transaction
                made = Target(
                    org_id=scope.tree.org_id, node_kind=node.kind.value, node_id=node.id, grain=period.grain.value,
                    period_key=period.key, metric=metric.value, amount=amount, basis=basis, version=1,
                    set_by=viewer.user_id, updated_at=now,
                )
                session.add(made)
            _set(tx, made, viewer, now)
            return
        except IntegrityError:
            # FOR UPDATE locks no row that is not there yet: someone set this new target at the same
            # moment and committed first. Ours comes after theirs, as if sent a moment later.
            found = await session.scalar(query)
            if found is None:
                raise
    if found.amount != amount or found.basis != basis:
        found.amount, found.basis, found.version = amount, basis, found.version + 1
        found.set_by, found.updated_at = viewer.user_id, now
        _set(tx, found, viewer, now)


def _set(tx: Tx, target: Target, viewer: Viewer, now: datetime) -> None:
    tx.record(
        TargetSet(
            org_id=target.org_id, target=target.id, version=target.version, node_kind=target.node_kind, node=target.node_id,
            period=target.period_key, metric=target.metric, amount=target.amount, basis=target.basis, by=viewer.user_id, at=now,
        )
    )


def _publish(tx: Tx, env: Env, org_id: int) -> None:
    tx.record(TargetSaved(org_id=org_id))


# ---------------------------------------------------------------- seasonal decomposition


@dataclass(frozen=True)
class Decomposition:
    node: Node
    label: str
    period: FiscalPeriod
    metric: Metric
    amount: Decimal
    parts: list[tuple[FiscalPeriod, Decimal]]
    # Last year had no data for these months: split by days instead of by season.
    by_days: bool


async def plan_decomposition(env: Env, viewer: Viewer, node: Node, period_key: str, metric: Metric, down_to: Grain, save: bool) -> Decomposition:
    """A year's or a quarter's target spread over its quarters, months (and weeks) by last year's seasonality."""
    _may_set(viewer)
    if down_to not in (Grain.MONTH, Grain.WEEK):
        raise DomainError.one(ErrorCode.INVALID, "downTo")
    async with transaction(env.db) as tx:
        session = tx.session
        scope = await scope_of(session, viewer)
        require_node(scope, node)
        period = _period(scope, period_key, Grain.YEAR, env.clock())
        if period.grain not in (Grain.YEAR, Grain.QUARTER):
            raise DomainError.one(ErrorCode.INVALID, "period")
        target = (await _targets(session, scope.tree.org_id, period.key, metric)).get(node)
        if target is None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "period")
        history: dict[str, Decimal] = {}
        for month in scope.calendar.months(period):
            last = scope.calendar.same_period_last_year(month)
            history[last.key] = _sum_for(scope, node, await _facts(session, scope, metric, last))
        amounts = decompose(target.amount, period, scope.calendar, history, scope.places(metric), down_to)
        parts = sorted(((scope.calendar.parse(k), v) for k, v in amounts.items()), key=lambda p: (p[0].first, _grain_rank(p[0].grain)))
        if save:
            now = env.clock()
            for part, amount in parts:
                await _upsert(tx, scope, viewer, node, part, metric, amount, "seasonal", now)
            _publish(tx, env, viewer.org_id)
    return Decomposition(node, scope.label(node), period, metric, target.amount, parts, by_days=not any(history.values()))


def _grain_rank(grain: Grain) -> int:
    return [Grain.YEAR, Grain.QUARTER, Grain.MONTH, Grain.WEEK].index(grain)


# ---------------------------------------------------------------- the tree a viewer may target


@dataclass(frozen=True)
class TreeNode:
    node: Node
    label: str
    parent: Node | None
    depth: int


async def tree_nodes(env: Env, viewer: Viewer) -> list[TreeNode]:
    """Every node the viewer may see, depth first from the top they reach."""
    async with env.db() as session:
        scope = await scope_of(session, viewer)
    top = default_node(viewer)
    result: list[TreeNode] = []

    def walk(node: Node, parent: Node | None, depth: int) -> None:
        result.append(TreeNode(node, scope.label(node), parent, depth))
        for child in scope.children(node):
            walk(child, node, depth + 1)

    walk(top, None, 0)
    return result


async def node_targets(session: AsyncSession, org_id: int, period_key: str, metric: Metric, nodes: Sequence[Node]) -> dict[Node, Decimal]:
    """These nodes' own targets for one period and metric (the cockpit's pace); a node without one is absent."""
    wanted = set(nodes)
    return {n: t.amount for n, t in (await _targets(session, org_id, period_key, metric)).items() if n in wanted}


async def person_targets(session: AsyncSession, org_id: int, period_key: str, metric: Metric, user_ids: set[int] | None = None) -> dict[int, Decimal]:
    """Each person's own target for one period and metric: the quota compensation measures attainment against."""
    query = select(Target.node_id, Target.amount).where(
        Target.org_id == org_id, Target.node_kind == NodeKind.USER.value, Target.period_key == period_key, Target.metric == metric.value
    )
    if user_ids is not None:
        query = query.where(Target.node_id.in_(user_ids))
    return {int(uid): Decimal(amount) for uid, amount in await session.execute(query)}


async def people_pace(env: Env, viewer: Viewer, grain: Grain = Grain.MONTH, metric: Metric = Metric.REVENUE) -> tuple[Attainment, list[Attainment]]:
    """My node's attainment for this period, and every rep's in my reach: who is ahead of the straight line and who behind."""
    now = env.clock()
    async with env.db() as session:
        scope = await scope_of(session, viewer)
        node = default_node(viewer)
        period = _period(scope, None, grain, now)
        top = await _attainment(session, scope, node, period, metric, now)
        facts = await _facts(session, scope, metric, period)
        targets = await _targets(session, scope.tree.org_id, period.key, metric)
    elapsed = scope.calendar.elapsed_fraction(period, now)
    people = []
    for member in sorted(scope.tree.members.values(), key=lambda m: (m.name, m.id)):
        if member.role is not Role.REP or not scope.reach.sees_user(member.id):
            continue
        n = Node(NodeKind.USER, member.id)
        found = targets.get(n)
        people.append(Attainment(n, member.name, period, metric, found.amount if found else None, _sum_for(scope, n, facts), elapsed))
    return top, people
