"""Compensation: plans and who is on them, credit splits, statements (live while open, locked once approved),
approvals, disputes, what-if and the payroll export.

Periods are calendar months in the org's time zone (keys like 2026-11). An open statement is always
computed from the data as it is now; approving it stores its lines and locks it. Whatever later changes a
locked period (a reversed deal, a late split, a new plan version) shows up as adjustment lines in the next
open period, so a locked statement is never changed silently.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.compensation import engine, policies
from podium.compensation.engine import DERIVED, Credit, Inputs, Line, LineKind, NextStep, Portion
from podium.compensation.loader import EVERYONE, LocalDays, Payees, PeriodData, load_period
from podium.compensation.models import (
    CompAssignment,
    CompPlan,
    CompPlanVersion,
    CreditSplit,
    Dispute,
    DisputeMessage,
    Statement,
    StatementLine,
)
from podium.compensation.plan import Basis, Kind, Plan, check_plan, from_json
from podium.core.checks import check_client_id
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.compensation.events import PlanChanged, SplitChanged, StatementApproved, StatementChanged
from podium.core.events import names_of, transaction
from podium.customers.events import CustomerAdded
from podium.pipeline.events import DealChanged, PaymentRecorded
from podium.targets.events import TargetSaved
from podium.core.memory import collector_paused
from podium.core.money import places_of
from podium.core.periods import FIRST_YEAR, LAST_YEAR
from podium.core.policies import Role, Viewer
from podium.orgs import service as orgs
from podium.orgs import tree as org_tree
from podium.orgs.tree import OrgTree, Reach
from podium.pipeline import ledger as deals
from podium.targets import service as targets
from podium.targets.calendar import FiscalCalendar
from podium.targets.split import minor_unit

T = TypeVar("T")
PERIOD_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])", re.ASCII)
# How far back a statement looks for held commission, draw and corrections.
LOOKBACK_MONTHS = 24
MAX_SPLITS = 10
TEXT_MAX = 2000
# Events after which a live earnings figure is recomputed.
MOVING_EVENTS = names_of(DealChanged, PaymentRecorded, TargetSaved, PlanChanged, SplitChanged, StatementChanged, CustomerAdded)


class Status(StrEnum):
    OPEN = "open"
    APPROVED = "approved"


class DisputeStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


# ---------------------------------------------------------------- periods


def period_problem(key: str) -> tuple[ErrorCode, dict[str, int]] | None:
    """What is wrong with a month key (YYYY-MM): its shape, or a year no month's bounds can be computed for."""
    if not PERIOD_RE.fullmatch(key):
        return ErrorCode.INVALID, {}
    if not FIRST_YEAR <= int(key[:4]) <= LAST_YEAR:
        return ErrorCode.OUT_OF_RANGE, {"min": FIRST_YEAR, "max": LAST_YEAR}
    return None


def check_period(field_name: str, key: str | None) -> str:
    if key is None:
        raise DomainError.one(ErrorCode.INVALID, field_name)
    if found := period_problem(key):
        raise DomainError.one(found[0], field_name, **found[1])
    return key


def shift(key: str, months: int) -> str:
    year, month = int(key[:4]), int(key[5:7])
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_bounds(key: str, zone: str) -> tuple[datetime, datetime]:
    return FiscalCalendar.month(int(key[:4]), int(key[5:7])).bounds(zone)


@dataclass(frozen=True)
class OrgBasics:
    org_id: int
    zone: str
    currency: str
    places: int
    tree: OrgTree
    current: str  # this month's key in the org's zone

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def month_of(self, moment: datetime) -> str:
        """The key of the month an instant falls in, in the org's zone."""
        return moment.astimezone(self.tz).strftime("%Y-%m")


async def org_basics(session: AsyncSession, org_id: int, now: datetime) -> OrgBasics:
    zone = await orgs.org_time_zone(session, org_id)
    currency = await orgs.org_currency(session, org_id)
    tree = await org_tree.load_tree(session, org_id)
    current = now.astimezone(ZoneInfo(zone)).strftime("%Y-%m")
    return OrgBasics(org_id, zone, currency, minor_unit(currency), tree, current)


# ---------------------------------------------------------------- the statement book


@dataclass(frozen=True)
class PlanRef:
    plan_id: int
    plan_name: str
    version_id: int
    version: int
    plan: Plan


@dataclass(frozen=True)
class Snapshot:
    row: Statement
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class StatementView:
    user_id: int
    user_name: str
    period: str
    status: Status
    plan: PlanRef
    result: engine.Statement
    currency: str
    approved_by: str | None = None
    approved_at: datetime | None = None
    open_disputes: int = 0


class Book:
    """One org's statements for one request: a period depends on earlier ones (held commission,
    draw balance, corrections to locked periods), so each is computed at most once."""

    def __init__(self, session: AsyncSession, basics: OrgBasics) -> None:
        self.session = session
        self.org = basics
        self._assignments: dict[int, list[CompAssignment]] | None = None
        self._versions: dict[int, list[CompPlanVersion]] = {}
        self._plan_names: dict[int, str] = {}
        self._plans: dict[int, Plan] = {}
        self._statements: dict[int, dict[str, Statement]] | None = None
        self._snapshots: dict[int, Snapshot] = {}
        self._disputes: dict[str, dict[int, int]] = {}
        # Reviewing a whole month: every read loads all of these payees' data at once.
        self.payees: Payees | None = None
        # Totals only (not itemized): deal titles are not read, and each component's lines are
        # summed as they are computed instead of kept. Margins are read only if a plan pays on them.
        self.itemized = True
        self.margins = True
        self._data: dict[tuple[str, int], PeriodData] = {}
        self._bases: dict[tuple[int, str], engine.Statement | None] = {}
        self._fulls: dict[tuple[int, str], engine.Statement | None] = {}
        self._quotas: dict[str, dict[int, Decimal]] = {}
        self._days: dict[str, LocalDays] = {}

    # -------------------------------------------------------- plans

    async def _load_plans(self) -> None:
        if self._assignments is not None:
            return
        org_id = self.org.org_id
        self._assignments = defaultdict(list)
        for a in await self.session.scalars(select(CompAssignment).where(CompAssignment.org_id == org_id)):
            self._assignments[a.user_id].append(a)
        for plan in await self.session.scalars(select(CompPlan).where(CompPlan.org_id == org_id)):
            self._plan_names[plan.id] = plan.name
        versions = await self.session.scalars(
            select(CompPlanVersion).join(CompPlan, CompPlan.id == CompPlanVersion.plan_id)
            .where(CompPlan.org_id == org_id).order_by(CompPlanVersion.effective_from, CompPlanVersion.version)
        )
        for version in versions:
            self._versions.setdefault(version.plan_id, []).append(version)

    async def plan_for(self, user_id: int, period: str) -> PlanRef | None:
        """The plan version governing a person's period: their assignment's latest version that has begun."""
        await self._load_plans()
        assert self._assignments is not None
        for a in self._assignments.get(user_id, []):
            if a.starts <= period and (a.ends is None or period <= a.ends):
                begun = [v for v in self._versions.get(a.plan_id, []) if v.effective_from <= period]
                if not begun:
                    return None
                v = begun[-1]
                if v.id not in self._plans:
                    self._plans[v.id] = from_json(v.document)
                return PlanRef(a.plan_id, self._plan_names.get(a.plan_id, ""), v.id, v.version, self._plans[v.id])
        return None

    async def locked_plan(self, version_id: int) -> PlanRef:
        await self._load_plans()
        version = next(v for versions in self._versions.values() for v in versions if v.id == version_id)
        if version.id not in self._plans:
            self._plans[version.id] = from_json(version.document)
        return PlanRef(version.plan_id, self._plan_names.get(version.plan_id, ""), version.id, version.version, self._plans[version.id])

    async def on_plan(self, period: str) -> set[int]:
        """Everyone on a plan in a month."""
        await self._load_plans()
        assert self._assignments is not None
        return {uid for uid, rows in self._assignments.items() if any(a.starts <= period and (a.ends is None or period <= a.ends) for a in rows)}

    # -------------------------------------------------------- locked statements

    async def _statement_rows(self) -> dict[int, dict[str, Statement]]:
        if self._statements is None:
            self._statements = defaultdict(dict)
            for row in await self.session.scalars(select(Statement).where(Statement.org_id == self.org.org_id)):
                self._statements[row.user_id][row.period] = row
        return self._statements

    async def snapshot(self, user_id: int, period: str) -> Snapshot | None:
        row = (await self._statement_rows()).get(user_id, {}).get(period)
        if row is None:
            return None
        if row.id not in self._snapshots:
            lines = await self.session.scalars(select(StatementLine).where(StatementLine.statement_id == row.id).order_by(StatementLine.position))
            self._snapshots[row.id] = Snapshot(row, tuple(_line_of(line) for line in lines))
        return self._snapshots[row.id]

    async def locked_after(self, user_id: int, period: str) -> list[Snapshot]:
        found = []
        for later in sorted(p for p in (await self._statement_rows()).get(user_id, {}) if p > period):
            snap = await self.snapshot(user_id, later)
            assert snap is not None
            found.append(snap)
        return found

    async def open_disputes(self, user_id: int, period: str) -> int:
        if period not in self._disputes:
            rows = await self.session.execute(
                select(Dispute.user_id, func.count()).where(
                    Dispute.org_id == self.org.org_id, Dispute.period == period, Dispute.status == DisputeStatus.OPEN.value
                ).group_by(Dispute.user_id)
            )
            self._disputes[period] = {int(uid): int(n) for uid, n in rows}
        return self._disputes[period].get(user_id, 0)

    # -------------------------------------------------------- inputs

    async def data(self, period: str, user_id: int) -> PeriodData:
        """A month's credits: for the book's payees at once when it has them, else for one person."""
        payees = self.payees or Payees(ids=frozenset({user_id}))
        key = (period, 0 if self.payees else user_id)
        if key not in self._data:
            start, end = month_bounds(period, self.org.zone)
            units: set[int] = set()
            for uid in self.org.tree.members:
                if payees.has(uid):
                    units |= self._rollup_units(uid)
            self._data[key] = await load_period(
                self.session, self.org.org_id, start, end, self.org.zone, self.org.places, payees, units,
                labels=self.itemized, margins=self.margins,
            )
        return self._data[key]

    def _rollup_units(self, user_id: int) -> set[int]:
        member = self.org.tree.members.get(user_id)
        if member is None or member.team_id is None or member.role is Role.REP:
            return set()
        return self.org.tree.units_under(member.team_id)

    async def quota(self, user_id: int, period: str) -> Decimal | None:
        if period not in self._quotas:
            self._quotas[period] = await targets.person_targets(self.session, self.org.org_id, period, targets.Metric.REVENUE)
        return self._quotas[period].get(user_id)

    async def inputs(self, user_id: int, period: str, plan: Plan, extra: Sequence[Credit] = ()) -> Inputs:
        data = await self.data(period, user_id)
        credits = [*data.credits.get(user_id, []), *extra]
        team_credits: list[Credit] = []
        if any(c.kind is Kind.ROLLUP for c in plan.components):
            for unit in self._rollup_units(user_id):
                team_credits += [c for c in data.team_credits.get(unit, []) if c.owner_id != user_id]
        path = tuple(u.id for u in self.org.tree.path(self.org.tree.members[user_id].team_id)) if user_id in self.org.tree.members else ()
        customers = [replace(n, team_path=path) for n in data.new_customers.get(user_id, [])]
        # Commission held on deals won in earlier months, read once per month they were won in.
        held: dict[tuple[str, int], Decimal] = {}
        earlier = data.earlier_deals.get(user_id, {})
        for won_period in {self.org.month_of(won_at) for won_at in earlier.values()}:
            held.update({k: v for k, v in (await self.deal_commission(user_id, won_period)).items() if k[1] in earlier})
        released: dict[int, dict[str, Decimal]] = {}
        for payment_id, paid_at in data.earlier_payments.get(user_id, {}).items():
            released[payment_id] = await self.payment_release(user_id, self.org.month_of(paid_at), payment_id)
        return Inputs(
            quota=await self.quota(user_id, period), credits=credits, collections=data.collections.get(user_id, []),
            held=held, released=released, team_credits=team_credits, new_customers=customers, day_of=self.days(period),
        )

    def days(self, period: str) -> LocalDays:
        if period not in self._days:
            start, end = month_bounds(period, self.org.zone)
            self._days[period] = LocalDays(start, end, self.org.tz)
        return self._days[period]

    async def deal_commission(self, user_id: int, period: str) -> dict[tuple[str, int], Decimal]:
        snap = await self.snapshot(user_id, period)
        if snap is not None:
            found: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
            for line in snap.lines:
                if line.kind is LineKind.COMMISSION:
                    found[(line.component, _deal_of(line.ref))] += line.amount
            return dict(found)
        base = await self.base(user_id, period)
        return dict(base.deal_commission) if base else {}

    async def payment_release(self, user_id: int, period: str, payment_id: int) -> dict[str, Decimal]:
        snap = await self.snapshot(user_id, period)
        lines = snap.lines if snap is not None else ((await self.base(user_id, period)) or _EMPTY).lines
        ref = f"payment:{payment_id}"
        return {line.component: line.payable for line in lines if line.ref == ref and line.kind in (LineKind.RELEASE, LineKind.COLLECTION)}

    # -------------------------------------------------------- computing

    async def base(self, user_id: int, period: str) -> engine.Statement | None:
        """The period from its own transactions only: no draw, no corrections (what corrections diff)."""
        key = (user_id, period)
        if key not in self._bases:
            self._bases[key] = None  # a cycle (there should be none) stops here
            ref = await self.plan_for(user_id, period)
            if ref is not None:
                plan = replace(ref.plan, floor=None, draw=None)
                self._bases[key] = engine.compute(plan, await self.inputs(user_id, period, plan), self.org.places)
        return self._bases[key]

    async def full(self, user_id: int, period: str, extra: Sequence[Credit] = ()) -> engine.Statement | None:
        key = (user_id, period)
        if extra or key not in self._fulls:
            ref = await self.plan_for(user_id, period)
            result = None
            if ref is not None:
                inputs = await self.inputs(user_id, period, ref.plan, extra)
                inputs = replace(inputs, adjustments=tuple(await self.adjustments(user_id, period)), draw_balance=await self.draw_before(user_id, period, ref.plan))
                result = engine.compute(ref.plan, inputs, self.org.places, itemized=self.itemized)
            if extra:
                return result
            self._fulls[key] = result
        return self._fulls[key]

    def forget(self, user_id: int, period: str) -> None:
        """Drop a person's computed month and credits once their totals are taken: a month of
        10,000 people then never holds more than one person's lines."""
        self._fulls.pop((user_id, period), None)
        self._bases.pop((user_id, period), None)
        for (month, _), data in self._data.items():
            if month == period:
                data.credits.pop(user_id, None)

    async def draw_before(self, user_id: int, period: str, plan: Plan) -> Decimal:
        if plan.draw is None:
            return Decimal(0)
        previous = shift(period, -1)
        snap = await self.snapshot(user_id, previous)
        if snap is not None:
            return snap.row.draw_balance
        if previous < shift(self.org.current, -LOOKBACK_MONTHS) or await self.plan_for(user_id, previous) is None:
            return Decimal(0)
        before = await self.full(user_id, previous)
        return before.draw_balance if before else Decimal(0)

    async def adjustments(self, user_id: int, period: str) -> list[Line]:
        """Corrections to the locked periods just before this one (up to the previous open period)."""
        found: list[Line] = []
        locked = period
        for _ in range(LOOKBACK_MONTHS):
            locked = shift(locked, -1)
            snap = await self.snapshot(user_id, locked)
            if snap is None:
                break
            found += await self._corrections(user_id, locked, snap)
        return found

    async def _corrections(self, user_id: int, locked: str, snap: Snapshot) -> list[Line]:
        now = await self.base(user_id, locked)
        totals: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        labels: dict[tuple[str, str, str], tuple[str, datetime | None]] = {}
        for line in now.lines if now else ():
            if line.kind not in DERIVED:
                totals[line.key][0] += line.amount
                totals[line.key][1] += line.payable
                labels[line.key] = (line.label, line.at)
        for line in snap.lines:
            if line.kind not in DERIVED:
                totals[line.key][0] -= line.amount
                totals[line.key][1] -= line.payable
                labels.setdefault(line.key, (line.label, line.at))
        # Corrections already carried by locked statements after it.
        for later in await self.locked_after(user_id, locked):
            for line in later.lines:
                if line.kind is LineKind.ADJUSTMENT and line.note == locked:
                    key = (line.component, _original_kind(line), line.ref)
                    totals[key][0] -= line.amount
                    totals[key][1] -= line.payable
        lines = []
        for key in sorted(totals):
            amount, payable = totals[key]
            if amount or payable:
                component, kind, ref = key
                label, at = labels.get(key, ("", None))
                lines.append(Line(component, LineKind.ADJUSTMENT, ref, label, at, Decimal(0), None, None, amount, payable,
                                  portions=(), note=locked, original=kind))
        return lines


_EMPTY = engine.Statement((), Decimal(0), Decimal(0), Decimal(0), Decimal(0), None, None, Decimal(0), None)


def _deal_of(ref: str) -> int:
    return int(ref.split(":", 1)[1].split("/", 1)[0])


def _original_kind(line: Line) -> str:
    return line.original or LineKind.COMMISSION.value


def _line_of(row: StatementLine) -> Line:
    portions = tuple(Portion(Decimal(b), Decimal(r), Decimal(m), int(t)) for b, r, m, t in json.loads(row.portions))
    kind, _, original = row.kind.partition("/")
    return Line(
        row.component, LineKind(kind), row.ref, row.label, row.at, Decimal(row.basis),
        Decimal(row.rate) if row.rate is not None else None, Decimal(row.multiplier) if row.multiplier is not None else None,
        Decimal(row.amount), Decimal(row.payable), portions, row.note, original, row.tier,
    )


def _row_of(line: Line, statement_id: int, position: int) -> StatementLine:
    portions = json.dumps([[str(p.basis), str(p.rate), str(p.multiplier), p.tier] for p in line.portions])
    kind = f"{line.kind.value}/{line.original}" if line.original else line.kind.value
    return StatementLine(
        statement_id=statement_id, position=position, component=line.component, kind=kind, ref=line.ref, label=line.label[:300],
        at=line.at, basis=line.basis.quantize(Decimal("0.000001")), rate=line.rate, multiplier=line.multiplier,
        amount=line.amount, payable=line.payable, portions=portions, note=line.note, tier=line.tier,
    )


# ---------------------------------------------------------------- reading statements


async def _book(env: Env, session: AsyncSession, viewer: Viewer) -> tuple[Book, Reach]:
    basics = await org_basics(session, viewer.org_id, env.clock())
    return Book(session, basics), org_tree.reach_of(basics.tree, viewer)


async def view_of(book: Book, user_id: int, period: str) -> StatementView | None:
    ref = await book.plan_for(user_id, period)
    snap = await book.snapshot(user_id, period)
    member = book.org.tree.members.get(user_id)
    name = member.name if member else ""
    disputes = await book.open_disputes(user_id, period)
    if snap is not None:
        row = snap.row
        plan = await book.locked_plan(row.plan_version_id)
        result = engine.Statement(
            lines=snap.lines, earned=row.earned, payable=row.payable, held=row.held, revenue=row.revenue, quota=row.quota,
            attainment=None if not row.quota else (row.revenue / row.quota * 100).quantize(Decimal("0.01")),
            draw_balance=row.draw_balance, next_step=None, line_count=len(snap.lines),
        )
        approver = book.org.tree.members.get(row.approved_by) if row.approved_by else None
        return StatementView(user_id, name, period, Status.APPROVED, plan, result, book.org.currency,
                             approver.name if approver else None, row.approved_at, int(disputes or 0))
    if ref is None:
        return None
    result = await book.full(user_id, period)
    assert result is not None
    return StatementView(user_id, name, period, Status.OPEN, ref, result, book.org.currency, open_disputes=int(disputes or 0))


async def statement(env: Env, viewer: Viewer, user_id: int | None, period: str | None) -> StatementView | None:
    """One person's statement (mine by default) for a month (this one by default); None when off plan."""
    async with env.db() as session:
        book, reach = await _book(env, session, viewer)
        period = check_period("period", period) if period is not None else book.org.current
        if period > book.org.current:
            raise DomainError.one(ErrorCode.IN_FUTURE, "period")
        user_id = user_id or viewer.user_id
        if not reach.sees_user(user_id) or user_id not in book.org.tree.members:
            raise DomainError.one(ErrorCode.NOT_FOUND, "userId")
        return await view_of(book, user_id, period)


async def statements(env: Env, viewer: Viewer, period: str) -> list[StatementView]:
    """Everyone I may review for a month, every line kept: what the payroll export reads."""
    return await each_statement(env, viewer, period, itemized=True, take=lambda view: view)


async def each_statement(env: Env, viewer: Viewer, period: str, *, itemized: bool, take: Callable[[StatementView], T]) -> list[T]:
    """`take` of the statement of everyone I may review for a month, by name.

    Not `itemized` (the review queue's totals), deal titles are not read, margins only if a plan
    pays on them, and each person's lines are dropped once summed.
    """
    check_period("period", period)
    if not policies.may_review(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    async with env.db() as session:
        book, reach = await _book(env, session, viewer)
        book.payees = EVERYONE if reach.org_wide else Payees(ids=frozenset(reach.user_ids))
        book.itemized = itemized
        members = book.org.tree.members
        found = []
        with collector_paused():
            payees = sorted(
                (u for u in await book.on_plan(period) if u in members and reach.sees_user(u)), key=lambda u: (members[u].name, u)
            )
            if not itemized:
                plans = [ref.plan for uid in payees if (ref := await book.plan_for(uid, period)) is not None]
                book.margins = any(c.basis is Basis.MARGIN for plan in plans for c in plan.components)
            for user_id in payees:
                view = await view_of(book, user_id, period)
                if view is not None:
                    found.append(take(view))
                    if not itemized:
                        book.forget(user_id, period)
        return found


# ---------------------------------------------------------------- what-if


@dataclass(frozen=True)
class WhatIf:
    deal_id: int | None = None  # close this open deal …
    amount: Decimal | None = None  # … at this amount (or a new deal of this amount)
    attainment: Decimal | None = None  # or: reach this percent of quota this month


@dataclass(frozen=True)
class Simulation:
    before: engine.Statement
    after: engine.Statement
    added_revenue: Decimal
    changed: list[Line]

    @property
    def earned_change(self) -> Decimal:
        return self.after.earned - self.before.earned

    @property
    def payable_change(self) -> Decimal:
        return self.after.payable - self.before.payable


async def simulate(env: Env, viewer: Viewer, what: WhatIf) -> Simulation:
    """This month's statement as it would be after the hypothetical win, and the lines that change; stores nothing."""
    problems = Problems()
    if what.attainment is None and what.deal_id is None and what.amount is None:
        problems.add(ErrorCode.REQUIRED, "amount")
    elif what.attainment is not None and (what.deal_id is not None or what.amount is not None):
        problems.add(ErrorCode.INVALID, "attainment")  # one question at a time: a deal or amount, or an attainment
    if what.amount is not None and (not what.amount.is_finite() or what.amount <= 0 or what.amount >= Decimal("1e13") or places_of(what.amount) > 2):
        problems.add(ErrorCode.OUT_OF_RANGE, "amount", min="0.01", max="10,000,000,000,000")
    if what.attainment is not None and (not what.attainment.is_finite() or what.attainment < 0 or what.attainment > 1000):
        problems.add(ErrorCode.OUT_OF_RANGE, "attainment", min=0, max=1000)
    problems.raise_if_any()
    async with env.db() as session:
        book, reach = await _book(env, session, viewer)
        period = book.org.current
        before = await book.full(viewer.user_id, period)
        if before is None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "period")
        now = env.clock()
        title, deal_id = "", 0
        if what.deal_id is not None:
            deal = await deals.deal_basics(session, what.deal_id)
            if deal is None or deal.org_id != viewer.org_id or not reach.sees_user(deal.owner_id) or deal.status != "open":
                raise DomainError.one(ErrorCode.NOT_FOUND, "dealId")
            title, deal_id = deal.title, deal.id
            added = what.amount if what.amount is not None else deal.amount
            margin = added * (deal.margin / deal.amount) if deal.margin is not None and deal.amount else Decimal(0)
        elif what.amount is not None:
            added, margin = what.amount, Decimal(0)
        else:
            assert what.attainment is not None
            if not before.quota:
                raise DomainError.one(ErrorCode.NOT_FOUND, "attainment")
            goal = (before.quota * what.attainment / 100).quantize(Decimal(10) ** -book.org.places)
            added, margin = max(Decimal(0), goal - before.revenue), Decimal(0)
        if added <= 0:
            return Simulation(before, before, Decimal(0).quantize(Decimal(10) ** -book.org.places), [])
        hypothetical = Credit(
            ref=f"deal:{deal_id}" if deal_id else "whatif", deal_id=deal_id, label=title, at=now,
            day=now.astimezone(book.org.tz).date(), revenue=added, margin=margin.quantize(Decimal("0.01")),
        )
        after = await book.full(viewer.user_id, period, extra=[hypothetical])
        assert after is not None
        old = {line.key: line for line in before.lines}
        changed = [line for line in after.lines if (prior := old.get(line.key)) is None or prior.amount != line.amount or prior.payable != line.payable]
        return Simulation(before, after, added, changed)


# ---------------------------------------------------------------- approving


async def approve(env: Env, viewer: Viewer, user_id: int, period: str, expected_payable: Decimal | None) -> StatementView:
    """Lock a past month's statement as it stands; a changed figure since the reviewer looked is a conflict."""
    check_period("period", period)
    async with transaction(env.db) as tx:
        session = tx.session
        book, reach = await _book(env, session, viewer)
        if not reach.sees_user(user_id) or user_id not in book.org.tree.members:
            raise DomainError.one(ErrorCode.NOT_FOUND, "userId")
        if not policies.may_approve(viewer, user_id):
            raise DomainError.one(ErrorCode.FORBIDDEN, "userId")
        if period >= book.org.current:
            raise DomainError.one(ErrorCode.NOT_ENDED, "period", period=period)
        if await book.snapshot(user_id, period) is not None:
            view = await view_of(book, user_id, period)
            assert view is not None
            return view
        open_disputes = await session.scalar(
            select(func.count()).select_from(Dispute).where(Dispute.user_id == user_id, Dispute.period == period, Dispute.status == DisputeStatus.OPEN.value)
        )
        if open_disputes:
            raise DomainError.one(ErrorCode.DISPUTED, "period", count=int(open_disputes))
        ref = await book.plan_for(user_id, period)
        result = await book.full(user_id, period)
        if ref is None or result is None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "period")
        if expected_payable is not None and expected_payable != result.payable:
            raise DomainError.one(ErrorCode.STALE, "expectedPayable", payable=f"{result.payable:,.2f}")
        row = Statement(
            org_id=viewer.org_id, user_id=user_id, period=period, plan_version_id=ref.version_id, earned=result.earned,
            payable=result.payable, held=result.held, revenue=result.revenue, quota=result.quota, draw_balance=result.draw_balance,
            approved_by=viewer.user_id, approved_at=env.clock(),
        )
        try:
            async with session.begin_nested():  # a savepoint: losing the race below must not abort the transaction
                session.add(row)
        except IntegrityError:
            # Approved by someone else at the same moment (one statement per person and month): theirs stands.
            book, _ = await _book(env, session, viewer)
            view = await view_of(book, user_id, period)
            if view is None or view.status is not Status.APPROVED:
                raise
            return view
        session.add_all(_row_of(line, row.id, i) for i, line in enumerate(result.lines))
        tx.record(
            StatementApproved(
                org_id=viewer.org_id, statement=row.id, user=user_id, period=period, earned=row.earned, payable=row.payable,
                approved_by=viewer.user_id, approved_at=row.approved_at,
            )
        )
        tx.record(StatementChanged(org_id=viewer.org_id, user=user_id, period=period))
    async with env.db() as session:
        book, _ = await _book(env, session, viewer)
        view = await view_of(book, user_id, period)
        assert view is not None
        return view


# ---------------------------------------------------------------- disputes


@dataclass(frozen=True)
class DisputeView:
    dispute: Dispute
    messages: list[tuple[DisputeMessage, str]]
    payee: str


async def _dispute_views(session: AsyncSession, tree: OrgTree, rows: Sequence[Dispute]) -> list[DisputeView]:
    if not rows:
        return []
    messages: dict[int, list[tuple[DisputeMessage, str]]] = defaultdict(list)
    for m in await session.scalars(select(DisputeMessage).where(DisputeMessage.dispute_id.in_([r.id for r in rows])).order_by(DisputeMessage.created_at, DisputeMessage.id)):
        author = tree.members.get(m.author_id)
        messages[m.dispute_id].append((m, author.name if author else ""))
    return [DisputeView(r, messages[r.id], tree.members[r.user_id].name if r.user_id in tree.members else "") for r in rows]


async def disputes(env: Env, viewer: Viewer, period: str, user_id: int | None = None) -> list[DisputeView]:
    check_period("period", period)
    async with env.db() as session:
        tree, reach = await org_tree.reach(session, viewer)
        query = select(Dispute).where(Dispute.org_id == viewer.org_id, Dispute.period == period)
        if user_id is not None:
            query = query.where(Dispute.user_id == user_id)
        rows = [r for r in await session.scalars(query.order_by(Dispute.created_at, Dispute.id)) if reach.sees_user(r.user_id)]
        return await _dispute_views(session, tree, rows)


def _check_text(problems: Problems, field_name: str, value: str) -> None:
    if not value.strip():
        problems.add(ErrorCode.REQUIRED, field_name)
    elif len(value) > TEXT_MAX:
        problems.add(ErrorCode.TOO_LONG, field_name, max=TEXT_MAX)


async def raise_dispute(env: Env, viewer: Viewer, period: str, line_key: str, message: str, client_id: str) -> DisputeView:
    """A payee questions one line of their statement; idempotent on clientId."""
    problems = Problems()
    check_client_id(problems, client_id)
    _check_text(problems, "message", message)
    problems.raise_if_any()
    check_period("period", period)
    async with env.db() as session:
        seen = await session.scalar(select(Dispute).where(Dispute.raised_by == viewer.user_id, Dispute.client_id == client_id))
        if seen is None:
            book, _ = await _book(env, session, viewer)
            view = await view_of(book, viewer.user_id, period)
            line = next((x for x in view.result.lines if "|".join(x.key) == line_key), None) if view else None
            if line is None:
                raise DomainError.one(ErrorCode.NOT_FOUND, "lineKey")
    if seen is None:
        try:
            async with transaction(env.db) as tx:
                row = Dispute(
                    org_id=viewer.org_id, user_id=viewer.user_id, period=period, line_key=line_key, line_label=line.label[:300],
                    client_id=client_id, raised_by=viewer.user_id, created_at=env.clock(),
                )
                tx.session.add(row)
                await tx.session.flush()
                tx.session.add(DisputeMessage(dispute_id=row.id, author_id=viewer.user_id, client_id=client_id, body=message.strip(), created_at=env.clock()))
                tx.record(StatementChanged(org_id=viewer.org_id, user=viewer.user_id, period=period))
                dispute_id = row.id
        except IntegrityError:
            dispute_id = 0
    else:
        dispute_id = seen.id
    return await _one_dispute(env, viewer, dispute_id, client_id)


async def _one_dispute(env: Env, viewer: Viewer, dispute_id: int, client_id: str | None = None) -> DisputeView:
    async with env.db() as session:
        tree, reach = await org_tree.reach(session, viewer)
        row = await session.get(Dispute, dispute_id) if dispute_id else await session.scalar(
            select(Dispute).where(Dispute.raised_by == viewer.user_id, Dispute.client_id == client_id)
        )
        if row is None or row.org_id != viewer.org_id or not reach.sees_user(row.user_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "disputeId")
        (view,) = await _dispute_views(session, tree, [row])
        return view


async def reply_dispute(env: Env, viewer: Viewer, dispute_id: int, message: str, client_id: str) -> DisputeView:
    problems = Problems()
    check_client_id(problems, client_id)
    _check_text(problems, "message", message)
    problems.raise_if_any()
    await _one_dispute(env, viewer, dispute_id)  # access
    try:
        async with transaction(env.db) as tx:
            seen = await tx.session.scalar(select(DisputeMessage.id).where(DisputeMessage.author_id == viewer.user_id, DisputeMessage.client_id == client_id))
            if seen is None:
                tx.session.add(DisputeMessage(dispute_id=dispute_id, author_id=viewer.user_id, client_id=client_id, body=message.strip(), created_at=env.clock()))
    except IntegrityError:
        pass  # the same reply, sent twice at once: it is there
    return await _one_dispute(env, viewer, dispute_id)


async def resolve_dispute(env: Env, viewer: Viewer, dispute_id: int, status: DisputeStatus, resolution: str) -> DisputeView:
    """A manager accepts (the data or plan gets corrected) or rejects a dispute, saying why."""
    problems = Problems()
    _check_text(problems, "resolution", resolution)
    if status is DisputeStatus.OPEN:
        problems.add(ErrorCode.INVALID, "status")
    problems.raise_if_any()
    async with transaction(env.db) as tx:
        row = await tx.session.get(Dispute, dispute_id)
        _, reach = await org_tree.reach(tx.session, viewer)
        if row is None or row.org_id != viewer.org_id or not reach.sees_user(row.user_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "disputeId")
        if not policies.may_approve(viewer, row.user_id):
            raise DomainError.one(ErrorCode.FORBIDDEN, "disputeId")
        if row.status != DisputeStatus.OPEN.value:
            raise DomainError.one(ErrorCode.CLOSED, "disputeId")
        row.status, row.resolution, row.resolved_by, row.resolved_at = status.value, resolution.strip(), viewer.user_id, env.clock()
        tx.record(StatementChanged(org_id=viewer.org_id, user=row.user_id, period=row.period))
    return await _one_dispute(env, viewer, dispute_id)


# ---------------------------------------------------------------- credit splits


async def set_splits(env: Env, viewer: Viewer, deal_id: int, parts: Sequence[tuple[int, Decimal]]) -> list[tuple[int, str, Decimal]]:
    """Split a deal's credit between people (percentages summing to 100); none gives it back to the owner."""
    problems = Problems()
    if len(parts) > MAX_SPLITS:
        problems.add(ErrorCode.OUT_OF_RANGE, "splits", min=0, max=MAX_SPLITS)
    for i, (_, percent) in enumerate(parts):
        if not percent.is_finite() or percent <= 0 or percent > 100:
            problems.add(ErrorCode.OUT_OF_RANGE, f"splits.{i}.percent", min="0.01", max=100)
        elif places_of(percent) > 2:
            problems.add(ErrorCode.TOO_PRECISE, f"splits.{i}.percent", places=2)
    if len({uid for uid, _ in parts}) != len(parts):
        problems.add(ErrorCode.INVALID, "splits")
    if parts and not problems.items and sum(p for _, p in parts) != 100:
        problems.add(ErrorCode.MISMATCH, "splits", expected="100")
    problems.raise_if_any()
    async with transaction(env.db) as tx:
        session = tx.session
        tree, reach = await org_tree.reach(session, viewer)
        # Locked: two splits of one deal at once would each delete none of the other's rows and then
        # collide on (deal, person); one after the other, the last one replaces the first whole.
        deal = await deals.deal_basics(session, deal_id, lock=True)
        if deal is None or deal.org_id != viewer.org_id or not reach.sees_user(deal.owner_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "dealId")
        if not policies.may_split(viewer):
            raise DomainError.one(ErrorCode.FORBIDDEN, "dealId")
        for i, (uid, _) in enumerate(parts):
            if uid not in tree.members or not reach.sees_user(uid):
                raise DomainError.one(ErrorCode.NOT_FOUND, f"splits.{i}.userId")
        await session.execute(delete(CreditSplit).where(CreditSplit.deal_id == deal.id))
        session.add_all(CreditSplit(org_id=deal.org_id, deal_id=deal.id, user_id=uid, percent=p) for uid, p in parts)
        tx.record(SplitChanged(org_id=viewer.org_id, deal=deal.id))
        names = {uid: tree.members[uid].name for uid, _ in parts}
    return [(uid, names[uid], p) for uid, p in parts]


async def splits_of(env: Env, viewer: Viewer, deal_id: int) -> list[tuple[int, str, Decimal]]:
    async with env.db() as session:
        tree, reach = await org_tree.reach(session, viewer)
        deal = await deals.deal_basics(session, deal_id)
        if deal is None or deal.org_id != viewer.org_id or not reach.sees_user(deal.owner_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "dealId")
        rows = list(await session.execute(select(CreditSplit.user_id, CreditSplit.percent).where(CreditSplit.deal_id == deal_id).order_by(CreditSplit.percent.desc(), CreditSplit.user_id)))
        if not rows:
            owner = tree.members.get(deal.owner_id)
            return [(deal.owner_id, owner.name if owner else "", Decimal(100))]
        return [(int(uid), tree.members[int(uid)].name if int(uid) in tree.members else "", Decimal(p)) for uid, p in rows]


# ---------------------------------------------------------------- plans


@dataclass(frozen=True)
class PlanView:
    plan: CompPlan
    versions: list[CompPlanVersion]
    assignments: list[tuple[CompAssignment, str]]

    @property
    def current(self) -> CompPlanVersion:
        return self.versions[-1]


async def plans(env: Env, viewer: Viewer) -> list[PlanView]:
    if not policies.may_review(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    async with env.db() as session:
        tree = await org_tree.load_tree(session, viewer.org_id)
        rows = list(await session.scalars(select(CompPlan).where(CompPlan.org_id == viewer.org_id).order_by(CompPlan.name, CompPlan.id)))
        versions: dict[int, list[CompPlanVersion]] = defaultdict(list)
        assignments: dict[int, list[tuple[CompAssignment, str]]] = defaultdict(list)
        if rows:
            ids = [r.id for r in rows]
            for v in await session.scalars(select(CompPlanVersion).where(CompPlanVersion.plan_id.in_(ids)).order_by(CompPlanVersion.version)):
                versions[v.plan_id].append(v)
            reach = org_tree.reach_of(tree, viewer)
            for a in await session.scalars(select(CompAssignment).where(CompAssignment.plan_id.in_(ids)).order_by(CompAssignment.starts, CompAssignment.id)):
                if not reach.sees_user(a.user_id):
                    continue
                member = tree.members.get(a.user_id)
                assignments[a.plan_id].append((a, member.name if member else ""))
        return [PlanView(r, versions[r.id], assignments[r.id]) for r in rows if versions[r.id]]


async def save_plan(env: Env, viewer: Viewer, plan_id: int | None, name: str, plan: Plan, effective_from: str, note: str = "") -> PlanView:
    """Admins: a new plan, or a new version of one from a month on; earlier versions stay as they were."""
    if not policies.may_configure(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    problems = Problems()
    if not name.strip():
        problems.add(ErrorCode.REQUIRED, "name")
    elif len(name) > 100:
        problems.add(ErrorCode.TOO_LONG, "name", max=100)
    if found := period_problem(effective_from):
        problems.add(found[0], "effectiveFrom", **found[1])
    if len(note) > 500:
        problems.add(ErrorCode.TOO_LONG, "note", max=500)
    problems.raise_if_any()
    async with transaction(env.db) as tx:
        session = tx.session
        tree = await org_tree.load_tree(session, viewer.org_id)
        currency = await orgs.org_currency(session, viewer.org_id)
        check_plan(plan, minor_unit(currency), set(tree.units))
        if plan_id is None:
            row = CompPlan(org_id=viewer.org_id, name=name.strip(), created_at=env.clock())
            session.add(row)
            await session.flush()
            number = 1
        else:
            row = await session.scalar(select(CompPlan).where(CompPlan.id == plan_id).with_for_update())
            if row is None or row.org_id != viewer.org_id:
                raise DomainError.one(ErrorCode.NOT_FOUND, "planId")
            row.name = name.strip()
            number = int(await session.scalar(select(func.max(CompPlanVersion.version)).where(CompPlanVersion.plan_id == row.id)) or 0) + 1
        session.add(CompPlanVersion(
            plan_id=row.id, version=number, effective_from=effective_from, document=plan.to_json(), note=note.strip(),
            created_by=viewer.user_id, created_at=env.clock(),
        ))
        saved_id = row.id
        tx.record(PlanChanged(org_id=viewer.org_id, plan=saved_id))
    return next(p for p in await plans(env, viewer) if p.plan.id == saved_id)


async def assign_plan(env: Env, viewer: Viewer, plan_id: int, user_ids: Sequence[int], starts: str, ends: str | None) -> PlanView:
    """Admins: put people on a plan from one month to another; one plan per person per month."""
    if not policies.may_configure(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    problems = Problems()
    if found := period_problem(starts):
        problems.add(found[0], "starts", **found[1])
    if ends is not None and (found := period_problem(ends)):
        problems.add(found[0], "ends", **found[1])
    elif ends is not None and ends < starts:
        problems.add(ErrorCode.INVALID, "ends")
    if not user_ids or len(user_ids) > 500:
        problems.add(ErrorCode.REQUIRED, "userIds")
    problems.raise_if_any()
    async with transaction(env.db) as tx:
        session = tx.session
        tree = await org_tree.load_tree(session, viewer.org_id)
        plan = await session.get(CompPlan, plan_id)
        if plan is None or plan.org_id != viewer.org_id:
            raise DomainError.one(ErrorCode.NOT_FOUND, "planId")
        for i, uid in enumerate(user_ids):
            if uid not in tree.members:
                raise DomainError.one(ErrorCode.NOT_FOUND, f"userIds.{i}")
            for other in await session.scalars(select(CompAssignment).where(CompAssignment.user_id == uid)):
                if other.starts <= (ends or "9999-12") and starts <= (other.ends or "9999-12"):
                    if other.plan_id == plan_id and other.starts == starts and other.ends == ends:
                        break  # the same assignment again
                    raise DomainError.one(ErrorCode.OVERLAP, f"userIds.{i}", name=tree.members[uid].name)
            else:
                session.add(CompAssignment(org_id=viewer.org_id, plan_id=plan_id, user_id=uid, starts=starts, ends=ends, created_at=env.clock()))
        tx.record(PlanChanged(org_id=viewer.org_id, plan=plan_id))
    return next(p for p in await plans(env, viewer) if p.plan.id == plan_id)


async def end_assignment(env: Env, viewer: Viewer, assignment_id: int, ends: str) -> PlanView:
    """Admins: take someone off a plan after a month (statements already approved stay)."""
    if not policies.may_configure(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    check_period("ends", ends)
    async with transaction(env.db) as tx:
        row = await tx.session.get(CompAssignment, assignment_id)
        if row is None or row.org_id != viewer.org_id:
            raise DomainError.one(ErrorCode.NOT_FOUND, "assignmentId")
        if ends < shift(row.starts, -1):
            raise DomainError.one(ErrorCode.INVALID, "ends")
        if ends < row.starts:
            await tx.session.delete(row)
        else:
            row.ends = ends
        plan_id = row.plan_id
        tx.record(PlanChanged(org_id=viewer.org_id, plan=plan_id))
    return next(p for p in await plans(env, viewer) if p.plan.id == plan_id)
