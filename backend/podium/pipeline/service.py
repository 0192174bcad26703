"""Deals through the stages, orders and payments against won deals, and selling activities."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.checks import check_client_id, check_moment
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import Tx, catch_up, transaction
from podium.core.i18n import Label
from podium.core.money import check_amount
from podium.core.policies import Viewer
from podium.customers import service as customers
from podium.orgs import service as orgs
from podium.orgs import tree as org_tree
from podium.pipeline import policies
from podium.pipeline.events import ActivityLogged, DealChanged, DealLost, DealReversed, DealWon, OrderRecorded, PaymentRecorded, StagesChanged
from podium.pipeline.models import Activity, Deal, DealChange, DealLine, Order, Payment, Product, Stage, StageChange
from podium.points import service as points

TITLE_MAX = 200
REASON_MAX = 500
NOTE_MAX = 2000
MAX_LINES = 50
ACTIVITY_MAX_AGE = timedelta(days=90)
CENT = Decimal("0.01")


class Outcome(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    REVERSED = "reversed"  # won, then undone: no longer credited


class LeadSource(StrEnum):
    WEB = "web"
    EVENT = "event"
    REFERRAL = "referral"
    OUTBOUND = "outbound"
    PARTNER = "partner"
    INBOUND_CALL = "inbound_call"
    EXISTING_CUSTOMER = "existing_customer"


class ActivityKind(StrEnum):
    CALL = "call"
    DEMO = "demo"
    PROPOSAL = "proposal"
    MEETING = "meeting"
    EMAIL = "email"


class ActivityOutcome(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"
    NO_ANSWER = "no_answer"


# (key, English, Chinese, probability %, outcome): the stages every new org starts with.
DEFAULT_STAGES = (
    ("first_contact", "First contact", "初步接触", 10, Outcome.OPEN),
    ("needs_assessment", "Needs assessment", "需求评估", 25, Outcome.OPEN),
    ("proposal", "Proposal", "方案提供", 50, Outcome.OPEN),
    ("negotiation", "Negotiation", "谈判签约", 75, Outcome.OPEN),
    ("won", "Won", "赢单", 100, Outcome.WON),
    ("lost", "Lost", "输单", 0, Outcome.LOST),
)


@dataclass(frozen=True)
class LineInput:
    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None  # None: the product's list price


@dataclass(frozen=True)
class DealInput:
    client_id: str
    customer_id: int
    title: str
    lead_source: str
    expected_close: date
    amount: Decimal | None = None  # None: the sum of the lines
    lines: Sequence[LineInput] = ()
    stage_id: int | None = None
    owner_id: int | None = None
    probability: int | None = None


@dataclass(frozen=True)
class DealPatch:
    """Only the fields that are not None change; `version` is the one the editor saw."""

    deal_id: int
    version: int
    client_id: str | None = None
    title: str | None = None
    amount: Decimal | None = None
    lines: Sequence[LineInput] | None = None
    lead_source: str | None = None
    expected_close: date | None = None
    probability: int | None = None
    owner_id: int | None = None

    def fields(self) -> list[str]:
        names = ("title", "amount", "lines", "lead_source", "expected_close", "probability", "owner_id")
        return [_camel(n) for n in names if getattr(self, n) is not None]


@dataclass(frozen=True)
class Move:
    deal_id: int
    version: int
    stage_id: int
    client_id: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class OrderInput:
    client_id: str
    deal_id: int
    number: str
    amount: Decimal
    ordered_at: datetime


@dataclass(frozen=True)
class PaymentInput:
    client_id: str
    order_id: int
    amount: Decimal
    collected_at: datetime
    note: str = ""


@dataclass(frozen=True)
class RefundInput:
    client_id: str
    payment_id: int
    amount: Decimal
    refunded_at: datetime
    note: str = ""


@dataclass(frozen=True)
class Reversal:
    deal_id: int
    version: int
    reason: str
    client_id: str | None = None


@dataclass(frozen=True)
class ActivityInput:
    client_id: str
    kind: str
    outcome: str
    occurred_at: datetime
    customer_id: int | None = None
    deal_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class DealView:
    deal: Deal
    customer: customers.Customer
    owner: orgs.PublicUser
    stage: Stage


@dataclass(frozen=True)
class Stay:
    """One continuous time in a stage; `left_at` is None while the deal is still there."""

    stage: Stage
    entered_at: datetime
    left_at: datetime | None
    seconds: int | None


@dataclass(frozen=True)
class LineView:
    line: DealLine
    product: Product

    @property
    def total(self) -> Decimal:
        return (self.line.quantity * self.line.unit_price).quantize(CENT, ROUND_HALF_EVEN)


@dataclass(frozen=True)
class OrderView:
    order: Order
    payments: list[Payment]

    @property
    def collected(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    @property
    def outstanding(self) -> Decimal:
        return self.order.amount - self.collected

    @property
    def collected_share(self) -> Decimal:
        """Collected over ordered, 0-1 with four decimals (an empty order counts as fully collected)."""
        if self.order.amount == 0:
            return Decimal(1)
        return (self.collected / self.order.amount).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class DealDetail:
    view: DealView
    lines: list[LineView]
    stays: list[Stay]
    orders: list[OrderView]
    activities: list[tuple[Activity, orgs.PublicUser | None]]
    can_edit: bool

    @property
    def dwell_seconds(self) -> dict[int, int]:
        """Total seconds spent in each stage (a deal may come back to one)."""
        totals: dict[int, int] = {}
        for stay in self.stays:
            if stay.seconds is not None:
                totals[stay.stage.id] = totals.get(stay.stage.id, 0) + stay.seconds
        return totals


@dataclass(frozen=True)
class Column:
    stage: Stage
    deals: list[DealView] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return sum((v.deal.amount for v in self.deals), Decimal(0))

    @property
    def weighted(self) -> Decimal:
        return sum((v.deal.amount * v.deal.probability / 100 for v in self.deals), Decimal(0)).quantize(CENT)


@dataclass(frozen=True)
class Changed:
    view: DealView
    replayed: bool = False
    points_awarded: int = 0


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest) if name != "owner_id" else "ownerId"


# ---------------------------------------------------------------- stages and products


async def ensure_stages(session: AsyncSession, org_id: int) -> list[Stage]:
    """The org's stages in order, creating the defaults the first time they are needed."""
    rows = list(await session.scalars(select(Stage).where(Stage.org_id == org_id).order_by(Stage.position, Stage.id)))
    if rows:
        return rows
    created = [
        Stage(org_id=org_id, key=key, name_en=en, name_zh=zh, position=i, probability=p, outcome=o.value)
        for i, (key, en, zh, p, o) in enumerate(DEFAULT_STAGES)
    ]
    try:
        async with session.begin_nested():
            session.add_all(created)
            await session.flush()
    except IntegrityError:  # another request created them first
        return list(await session.scalars(select(Stage).where(Stage.org_id == org_id).order_by(Stage.position)))
    return created


async def stages(env: Env, viewer: Viewer) -> list[Stage]:
    async with transaction(env.db) as tx:
        return [s for s in await ensure_stages(tx.session, viewer.org_id) if s.is_active]


async def products(env: Env, viewer: Viewer) -> list[Product]:
    async with env.db() as session:
        query = select(Product).where(Product.org_id == viewer.org_id, Product.is_active.is_(True)).order_by(Product.line, Product.name)
        return list(await session.scalars(query))


# ---------------------------------------------------------------- reading deals


async def _views(session: AsyncSession, org_id: int, deals: Sequence[Deal]) -> list[DealView]:
    if not deals:
        return []
    people = await orgs.public_users(session, org_id, also={d.owner_id for d in deals})
    stage_rows = {s.id: s for s in await session.scalars(select(Stage).where(Stage.org_id == org_id))}
    customer_ids = {d.customer_id for d in deals}
    found = await customers.by_ids(session, org_id, customer_ids)
    return [DealView(d, found[d.customer_id], people[d.owner_id], stage_rows[d.stage_id]) for d in deals if d.owner_id in people]


async def pipeline(env: Env, viewer: Viewer, owner_id: int | None = None, closed_days: int = 30) -> list[Column]:
    """One column per active stage with the owner's open deals, and those closed in the last days."""
    owner_id = owner_id or viewer.user_id
    if not 0 <= closed_days <= 366:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "closedDays", min=0, max=366)
    async with transaction(env.db) as tx:
        session = tx.session
        _, reach = await org_tree.reach(session, viewer)
        if not reach.sees_user(owner_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "ownerId")
        columns = [Column(s) for s in await ensure_stages(session, viewer.org_id) if s.is_active]
        since = env.clock() - timedelta(days=closed_days)
        query = (
            select(Deal)
            .where(Deal.org_id == viewer.org_id, Deal.owner_id == owner_id)
            .where((Deal.status == Outcome.OPEN.value) | (Deal.closed_at >= since))
            .order_by(Deal.expected_close, Deal.id)
        )
        views = await _views(session, viewer.org_id, list(await session.scalars(query)))
    by_stage = {c.stage.id: c for c in columns}
    for view in views:
        if view.deal.stage_id in by_stage:
            by_stage[view.deal.stage_id].deals.append(view)
    return columns


async def deal_detail(env: Env, viewer: Viewer, deal_id: int) -> DealDetail:
    async with env.db() as session:
        deal = await session.get(Deal, deal_id)
        _, reach = await org_tree.reach(session, viewer)
        if deal is None or deal.org_id != viewer.org_id or not policies.can_read(reach, deal):
            raise DomainError.one(ErrorCode.NOT_FOUND, "id")
        (view,) = await _views(session, viewer.org_id, [deal])
        line_rows = await session.execute(
            select(DealLine, Product).join(Product, Product.id == DealLine.product_id).where(DealLine.deal_id == deal.id).order_by(DealLine.position)
        )
        stage_rows = {s.id: s for s in await session.scalars(select(Stage).where(Stage.org_id == viewer.org_id))}
        changes = list(await session.scalars(select(StageChange).where(StageChange.deal_id == deal.id).order_by(StageChange.changed_at, StageChange.id)))
        order_rows = list(await session.scalars(select(Order).where(Order.deal_id == deal.id).order_by(Order.ordered_at, Order.id)))
        payment_rows = list(await session.scalars(select(Payment).where(Payment.deal_id == deal.id).order_by(Payment.collected_at, Payment.id)))
        activity_rows = list(
            await session.scalars(select(Activity).where(Activity.deal_id == deal.id).order_by(Activity.occurred_at.desc(), Activity.id.desc()).limit(100))
        )
        people = await orgs.public_users(session, viewer.org_id)
    orders = [OrderView(o, [p for p in payment_rows if p.order_id == o.id]) for o in order_rows]
    return DealDetail(
        view=view,
        lines=[LineView(line, product) for line, product in line_rows],
        stays=stays(changes, stage_rows, open_until=env.clock() if deal.status == Outcome.OPEN.value else None),
        orders=orders,
        activities=[(a, people.get(a.user_id)) for a in activity_rows],
        can_edit=policies.can_edit(viewer, reach, deal),
    )


def stays(changes: Sequence[StageChange], stage_rows: dict[int, Stage], open_until: datetime | None) -> list[Stay]:
    """Consecutive stays from the stage history; the current one runs until `open_until` (None: the deal closed)."""
    result: list[Stay] = []
    for i, change in enumerate(changes):
        left = changes[i + 1].changed_at if i + 1 < len(changes) else None
        until = left or open_until
        # UTC instants: a stay across a DST change or a month end is its real length.
        seconds = int((until - change.changed_at).total_seconds()) if until is not None else None
        result.append(Stay(stage_rows[change.to_stage_id], change.changed_at, left, seconds))
    return result


# ---------------------------------------------------------------- writing deals


def _check_text(problems: Problems, field_name: str, value: str, maximum: int, required: bool) -> None:
    if required and not value.strip():
        problems.add(ErrorCode.REQUIRED, field_name)
    elif len(value) > maximum:
        problems.add(ErrorCode.TOO_LONG, field_name, max=maximum)


def _check_choice(problems: Problems, field_name: str, value: str, choices: type[StrEnum]) -> None:
    if value not in {c.value for c in choices}:
        problems.add(ErrorCode.INVALID, field_name)


def _check_close_date(problems: Problems, value: date, today: date) -> None:
    if not today - timedelta(days=366) <= value <= today + timedelta(days=5 * 366):
        problems.add(ErrorCode.OUT_OF_RANGE, "expectedClose", min=today - timedelta(days=366), max=today + timedelta(days=5 * 366))


def _check_probability(problems: Problems, value: int | None) -> None:
    if value is not None and not 0 <= value <= 100:
        problems.add(ErrorCode.OUT_OF_RANGE, "probability", min=0, max=100)


def _check_lines(problems: Problems, lines: Sequence[LineInput]) -> None:
    if len(lines) > MAX_LINES:
        problems.add(ErrorCode.OUT_OF_RANGE, "lines", min=0, max=MAX_LINES)
        return
    for i, line in enumerate(lines):
        check_amount(problems, f"lines.{i}.quantity", line.quantity, places=3, positive=True, maximum=Decimal("1e9"))
        if line.unit_price is not None:
            check_amount(problems, f"lines.{i}.unitPrice", line.unit_price)


async def _priced_lines(session: AsyncSession, org_id: int, lines: Sequence[LineInput], kept: frozenset[int] = frozenset()) -> list[DealLine]:
    """Lines with prices and costs settled; unknown or other orgs' products are NOT_FOUND, deactivated ones RETIRED
    unless the deal already had them (`kept`): an old deal keeps its lines, a new line is of the current catalog."""
    ids = {line.product_id for line in lines}
    found = {p.id: p for p in await session.scalars(select(Product).where(Product.id.in_(ids), Product.org_id == org_id))}
    problems = Problems()
    result = []
    for i, line in enumerate(lines):
        product = found.get(line.product_id)
        if product is None:
            problems.add(ErrorCode.NOT_FOUND, f"lines.{i}.productId")
            continue
        if not product.is_active and product.id not in kept:
            problems.add(ErrorCode.RETIRED, f"lines.{i}.productId", name=product.name)
            continue
        price = line.unit_price if line.unit_price is not None else product.list_price
        result.append(DealLine(product_id=product.id, position=i, quantity=line.quantity, unit_price=price, unit_cost=product.unit_cost))
    problems.raise_if_any()
    return result


def _settle_amount(amount: Decimal | None, lines: list[DealLine]) -> tuple[Decimal, Decimal | None]:
    """(amount, margin): the lines decide both when there are any; a given amount must agree with them."""
    if not lines:
        if amount is None:
            raise DomainError.one(ErrorCode.REQUIRED, "amount")
        return amount, None
    total = sum(((ln.quantity * ln.unit_price).quantize(CENT, ROUND_HALF_EVEN) for ln in lines), Decimal(0))
    cost = sum(((ln.quantity * ln.unit_cost).quantize(CENT, ROUND_HALF_EVEN) for ln in lines), Decimal(0))
    if amount is not None and amount != total:
        raise DomainError.one(ErrorCode.MISMATCH, "amount", expected=f"{total:,.2f}")
    return total, total - cost


async def _owner(session: AsyncSession, viewer: Viewer, reach: org_tree.Reach, owner_id: int | None) -> orgs.User:
    owner = await orgs.user_in_org(session, viewer.org_id, owner_id or viewer.user_id)
    if owner is None or not owner.is_active or not reach.sees_user(owner.id):
        raise DomainError.one(ErrorCode.NOT_FOUND, "ownerId")
    if owner.id != viewer.user_id and not policies.may_assign(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN, "ownerId")
    return owner


async def create_deal(env: Env, viewer: Viewer, data: DealInput) -> Changed:
    """Open a deal once per client id, in the first stage unless another open one is named."""
    replay = await _created_replay(env, viewer, data.client_id)
    if replay is not None:
        return replay
    now = env.clock()
    problems = Problems()
    check_client_id(problems, data.client_id)
    _check_text(problems, "title", data.title, TITLE_MAX, required=True)
    _check_choice(problems, "leadSource", data.lead_source, LeadSource)
    _check_close_date(problems, data.expected_close, now.date())
    _check_probability(problems, data.probability)
    if data.amount is not None:
        check_amount(problems, "amount", data.amount)
    _check_lines(problems, data.lines)
    problems.raise_if_any()
    try:
        async with transaction(env.db) as tx:
            session = tx.session
            _, reach = await org_tree.reach(session, viewer)
            customer = await customers.customer_in_org(session, viewer, data.customer_id)
            owner = await _owner(session, viewer, reach, data.owner_id)
            all_stages = await ensure_stages(session, viewer.org_id)
            stage = _open_stage(all_stages, data.stage_id)
            lines = await _priced_lines(session, viewer.org_id, data.lines)
            amount, margin = _settle_amount(data.amount, lines)
            currency = await orgs.org_currency(session, viewer.org_id)
            deal = Deal(
                org_id=viewer.org_id,
                client_id=data.client_id,
                created_by=viewer.user_id,
                owner_id=owner.id,
                team_id=owner.team_id,
                customer_id=customer.id,
                title=data.title.strip(),
                amount=amount,
                currency=currency or "CNY",
                margin=margin,
                lead_source=data.lead_source,
                expected_close=data.expected_close,
                stage_id=stage.id,
                status=Outcome.OPEN.value,
                probability=data.probability if data.probability is not None else stage.probability,
                version=1,
                stage_entered_at=now,
                created_at=now,
                updated_at=now,
            )
            session.add(deal)
            await session.flush()
            for line in lines:
                line.deal_id = deal.id
            session.add_all(lines)
            session.add(StageChange(org_id=viewer.org_id, deal_id=deal.id, from_stage_id=None, to_stage_id=stage.id, changed_at=now, changed_by=viewer.user_id))
            _publish_deal(tx, env, deal)
            (view,) = await _views(session, viewer.org_id, [deal])
    except IntegrityError:
        replay = await _created_replay(env, viewer, data.client_id)
        if replay is None:
            raise
        return replay
    return Changed(view)


def _open_stage(all_stages: list[Stage], stage_id: int | None) -> Stage:
    open_stages = [s for s in all_stages if s.is_active and s.outcome == Outcome.OPEN.value]
    if stage_id is None:
        return open_stages[0]
    stage = next((s for s in open_stages if s.id == stage_id), None)
    if stage is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "stageId")
    return stage


async def _created_replay(env: Env, viewer: Viewer, client_id: str) -> Changed | None:
    async with env.db() as session:
        deal = await session.scalar(select(Deal).where(Deal.created_by == viewer.user_id, Deal.client_id == client_id))
        if deal is None:
            return None
        views = await _views(session, viewer.org_id, [deal])
    await catch_up(env.db, viewer.org_id)
    return Changed(views[0], replayed=True) if views else None


async def _editable(
    tx: Tx, viewer: Viewer, deal_id: int, version: int, client_id: str | None, fields: list[str], *, closed: bool = False
) -> Deal | Changed:
    """The locked deal, after access, replay and version checks; a Changed when the write is a replay."""
    session = tx.session
    query = select(Deal).where(Deal.id == deal_id).with_for_update()
    deal = await session.scalar(query)
    _, reach = await org_tree.reach(session, viewer)
    if deal is None or deal.org_id != viewer.org_id or not policies.can_read(reach, deal):
        raise DomainError.one(ErrorCode.NOT_FOUND, "id")
    if not policies.can_edit(viewer, reach, deal):
        raise DomainError.one(ErrorCode.FORBIDDEN, "id")
    if client_id is not None:
        seen = await session.scalar(select(DealChange.id).where(DealChange.deal_id == deal.id, DealChange.client_id == client_id))
        if seen is not None:
            (view,) = await _views(session, viewer.org_id, [deal])
            return Changed(view, replayed=True)
    if version != deal.version:
        await _conflict(session, deal, version, fields)
    if deal.status != Outcome.OPEN.value and not closed:
        raise DomainError.one(ErrorCode.CLOSED, "id")
    return deal


async def _conflict(session: AsyncSession, deal: Deal, version: int, fields: list[str]) -> None:
    """Name what changed since the writer's version: the fields they were changing first."""
    rows = await session.scalars(select(DealChange.fields).where(DealChange.deal_id == deal.id, DealChange.version > version))
    changed = [f for row in rows for f in row.split(",") if f]
    clash = [f for f in fields if f in changed] or changed or ["version"]
    raise DomainError.one(ErrorCode.CONFLICT, clash[0], changed=Label(f"field.{clash[0]}"), version=deal.version)


def _record_change(tx: Tx, viewer: Viewer, deal: Deal, fields: list[str], client_id: str | None, now: datetime) -> None:
    deal.version += 1
    deal.updated_at = now
    tx.session.add(DealChange(deal_id=deal.id, version=deal.version, fields=",".join(fields), client_id=client_id, changed_by=viewer.user_id, changed_at=now))


async def update_deal(env: Env, viewer: Viewer, patch: DealPatch) -> Changed:
    now = env.clock()
    problems = Problems()
    check_client_id(problems, patch.client_id, required=False)
    if patch.title is not None:
        _check_text(problems, "title", patch.title, TITLE_MAX, required=True)
    if patch.lead_source is not None:
        _check_choice(problems, "leadSource", patch.lead_source, LeadSource)
    if patch.expected_close is not None:
        _check_close_date(problems, patch.expected_close, now.date())
    _check_probability(problems, patch.probability)
    if patch.amount is not None:
        check_amount(problems, "amount", patch.amount)
    if patch.lines is not None:
        _check_lines(problems, patch.lines)
    if not patch.fields():
        problems.add(ErrorCode.REQUIRED, None)
    problems.raise_if_any()
    async with transaction(env.db) as tx:
        session = tx.session
        found = await _editable(tx, viewer, patch.deal_id, patch.version, patch.client_id, patch.fields())
        if isinstance(found, Changed):
            return found
        deal = found
        if patch.owner_id is not None and patch.owner_id != deal.owner_id:
            _, reach = await org_tree.reach(session, viewer)
            owner = await _owner(session, viewer, reach, patch.owner_id)
            deal.owner_id, deal.team_id = owner.id, owner.team_id
        if patch.lines is not None or patch.amount is not None:
            if patch.lines is not None:
                olds = list(await session.scalars(select(DealLine).where(DealLine.deal_id == deal.id)))
                lines = await _priced_lines(session, viewer.org_id, patch.lines, frozenset(o.product_id for o in olds))
                for old in olds:
                    await session.delete(old)
                for line in lines:
                    line.deal_id = deal.id
                session.add_all(lines)
            else:
                lines = list(await session.scalars(select(DealLine).where(DealLine.deal_id == deal.id)))
            deal.amount, deal.margin = _settle_amount(patch.amount if patch.lines is None or patch.amount is not None else None, lines)
        if patch.title is not None:
            deal.title = patch.title.strip()
        if patch.lead_source is not None:
            deal.lead_source = patch.lead_source
        if patch.expected_close is not None:
            deal.expected_close = patch.expected_close
        if patch.probability is not None:
            deal.probability = patch.probability
        _record_change(tx, viewer, deal, patch.fields(), patch.client_id, now)
        _publish_deal(tx, env, deal)
        await session.flush()
        (view,) = await _views(session, viewer.org_id, [deal])
    return Changed(view)


async def move_deal(env: Env, viewer: Viewer, move: Move) -> Changed:
    """Move a deal to another stage; won and lost close it and need a reason; winning earns points."""
    now = env.clock()
    problems = Problems()
    check_client_id(problems, move.client_id, required=False)
    _check_text(problems, "reason", move.reason, REASON_MAX, required=False)
    problems.raise_if_any()
    awarded = 0
    async with transaction(env.db) as tx:
        session = tx.session
        found = await _editable(tx, viewer, move.deal_id, move.version, move.client_id, ["stageId"])
        if isinstance(found, Changed):
            return found
        deal = found
        stage = next((s for s in await ensure_stages(session, viewer.org_id) if s.id == move.stage_id and s.is_active), None)
        if stage is None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "stageId")
        if stage.outcome != Outcome.OPEN.value and not move.reason.strip():
            raise DomainError.one(ErrorCode.REQUIRED, "reason")
        if stage.id == deal.stage_id:
            (view,) = await _views(session, viewer.org_id, [deal])
            return Changed(view)
        session.add(StageChange(org_id=deal.org_id, deal_id=deal.id, from_stage_id=deal.stage_id, to_stage_id=stage.id, changed_at=now, changed_by=viewer.user_id))
        deal.stage_id = stage.id
        deal.stage_entered_at = now
        deal.probability = stage.probability
        if stage.outcome != Outcome.OPEN.value:
            deal.status = stage.outcome
            deal.closed_at = now
            deal.close_reason = move.reason.strip()
        _record_change(tx, viewer, deal, ["stageId"], move.client_id, now)
        await session.flush()
        if deal.status == Outcome.WON.value:
            owner = await orgs.viewer_for(session, deal.owner_id)
            assert owner is not None
            awarded = await points.award_deal_won(tx, env, owner=owner, deal_id=deal.id, amount=deal.amount, occurred_at=now)
            _after_win(tx, env, deal, owner.user_id)
        elif deal.status == Outcome.LOST.value:
            assert deal.closed_at is not None
            tx.record(
                DealLost(
                    org_id=deal.org_id, deal=deal.id, owner=deal.owner_id, team=deal.team_id, amount=deal.amount, closed_at=deal.closed_at,
                    customer=deal.customer_id, reason=deal.close_reason,
                )
            )
        _publish_deal(tx, env, deal)
        (view,) = await _views(session, viewer.org_id, [deal])
    return Changed(view, points_awarded=awarded)


def _after_win(tx: Tx, env: Env, deal: Deal, owner_id: int) -> None:
    assert deal.closed_at is not None
    tx.record(
        DealWon(
            org_id=deal.org_id, deal=deal.id, owner=owner_id, team=deal.team_id, amount=deal.amount, closed_at=deal.closed_at,
            customer=deal.customer_id,
        )
    )


def _publish_deal(tx: Tx, env: Env, deal: Deal) -> None:
    tx.record(DealChanged(org_id=deal.org_id, id=deal.id, status=deal.status, owner=deal.owner_id, team=deal.team_id))


# ---------------------------------------------------------------- orders and payments


async def _deal_for_money(session: AsyncSession, viewer: Viewer, deal_id: int, *, refund: bool = False) -> Deal:
    deal = await session.scalar(select(Deal).where(Deal.id == deal_id).with_for_update())
    _, reach = await org_tree.reach(session, viewer)
    if deal is None or deal.org_id != viewer.org_id or not policies.can_read(reach, deal):
        raise DomainError.one(ErrorCode.NOT_FOUND, "dealId")
    if not policies.can_edit(viewer, reach, deal):
        raise DomainError.one(ErrorCode.FORBIDDEN, "dealId")
    # Money comes in on won deals only; it may go back out on a reversed one.
    if deal.status != Outcome.WON.value and not (refund and deal.status == Outcome.REVERSED.value):
        raise DomainError.one(ErrorCode.INVALID, "dealId")
    return deal


def _not_before_win(deal: Deal, field_name: str, moment: datetime) -> None:
    """Money on a deal is dated after it was won: commission is released by month, from the win on."""
    if deal.closed_at is not None and moment < deal.closed_at:
        raise DomainError.one(ErrorCode.TOO_EARLY, field_name, earliest=f"{deal.closed_at:%Y-%m-%d %H:%M} UTC")


async def record_order(env: Env, viewer: Viewer, data: OrderInput) -> tuple[OrderView, bool]:
    """An order against a won deal; orders together never exceed the deal's amount."""
    replay = await _order_replay(env, viewer, data.client_id)
    if replay is not None:
        return replay, True
    problems = Problems()
    check_client_id(problems, data.client_id)
    _check_text(problems, "number", data.number, 40, required=True)
    check_amount(problems, "amount", data.amount, positive=True)
    check_moment(problems, "orderedAt", data.ordered_at, env.clock(), timedelta(days=366))
    problems.raise_if_any()
    try:
        async with transaction(env.db) as tx:
            session = tx.session
            deal = await _deal_for_money(session, viewer, data.deal_id)
            _not_before_win(deal, "orderedAt", data.ordered_at)
            ordered = await session.scalar(select(func.coalesce(func.sum(Order.amount), 0)).where(Order.deal_id == deal.id))
            room = deal.amount - Decimal(ordered or 0)
            if data.amount > room:
                raise DomainError.one(ErrorCode.OUT_OF_RANGE, "amount", min="0.01", max=f"{room:,.2f}")
            order = Order(
                org_id=deal.org_id, deal_id=deal.id, client_id=data.client_id, created_by=viewer.user_id,
                number=data.number.strip(), amount=data.amount, ordered_at=data.ordered_at, created_at=env.clock(),
            )
            session.add(order)
            await session.flush()
            tx.record(OrderRecorded(org_id=deal.org_id, order=order.id, deal=deal.id))
    except IntegrityError:
        replay = await _order_replay(env, viewer, data.client_id)
        if replay is None:
            raise
        return replay, True
    return OrderView(order, []), False


async def _order_replay(env: Env, viewer: Viewer, client_id: str) -> OrderView | None:
    async with env.db() as session:
        order = await session.scalar(select(Order).where(Order.created_by == viewer.user_id, Order.client_id == client_id))
        if order is None:
            return None
        paid = list(await session.scalars(select(Payment).where(Payment.order_id == order.id)))
    await catch_up(env.db, viewer.org_id)
    return OrderView(order, paid)


async def record_payment(env: Env, viewer: Viewer, data: PaymentInput) -> tuple[OrderView, bool]:
    """Money collected against an order, never more than is outstanding; it moves collections attainment."""

    def check() -> None:
        problems = Problems()
        check_client_id(problems, data.client_id)
        check_amount(problems, "amount", data.amount, positive=True)
        check_moment(problems, "collectedAt", data.collected_at, env.clock(), timedelta(days=366))
        _check_text(problems, "note", data.note, REASON_MAX, required=False)
        problems.raise_if_any()

    async def write(tx: Tx) -> int:
        session = tx.session
        order = await session.get(Order, data.order_id)
        if order is None or order.org_id != viewer.org_id:
            raise DomainError.one(ErrorCode.NOT_FOUND, "orderId")
        deal = await _deal_for_money(session, viewer, order.deal_id)
        _not_before_win(deal, "collectedAt", data.collected_at)
        paid = await session.scalar(select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.order_id == order.id))
        outstanding = order.amount - Decimal(paid or 0)
        if data.amount > outstanding:
            raise DomainError.one(ErrorCode.OUT_OF_RANGE, "amount", min="0.01", max=f"{outstanding:,.2f}")
        payment = await _add_payment(tx, env, viewer, deal, order.id, data.client_id, data.amount, data.collected_at, data.note, None)
        owner = await orgs.viewer_for(session, deal.owner_id)
        if owner is not None:
            # Collected money earns its deal's owner points, like the win did.
            await points.award_payment(tx, env, owner=owner, payment_id=payment.id, amount=data.amount, occurred_at=data.collected_at)
        return order.id

    return await _money_once(env, viewer, data.client_id, check, write)


async def refund_payment(env: Env, viewer: Viewer, data: RefundInput) -> tuple[OrderView, bool]:
    """Money given back on a payment (never more than it brought in); commission paid on it is clawed back."""

    def check() -> None:
        problems = Problems()
        check_client_id(problems, data.client_id)
        check_amount(problems, "amount", data.amount, positive=True)
        check_moment(problems, "refundedAt", data.refunded_at, env.clock(), timedelta(days=366))
        _check_text(problems, "note", data.note, REASON_MAX, required=True)
        problems.raise_if_any()

    async def write(tx: Tx) -> int:
        session = tx.session
        payment = await session.get(Payment, data.payment_id)
        if payment is None or payment.org_id != viewer.org_id or payment.refund_of_id is not None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "paymentId")
        deal = await _deal_for_money(session, viewer, payment.deal_id, refund=True)
        refunded = await session.scalar(select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.refund_of_id == payment.id))
        left = payment.amount + Decimal(refunded or 0)
        if data.amount > left:
            raise DomainError.one(ErrorCode.OUT_OF_RANGE, "amount", min="0.01", max=f"{left:,.2f}")
        if data.refunded_at < payment.collected_at:
            raise DomainError.one(ErrorCode.TOO_EARLY, "refundedAt", earliest=f"{payment.collected_at:%Y-%m-%d %H:%M} UTC")
        await _add_payment(tx, env, viewer, deal, payment.order_id, data.client_id, -data.amount, data.refunded_at, data.note, payment.id)
        return payment.order_id

    return await _money_once(env, viewer, data.client_id, check, write)


async def _add_payment(
    tx: Tx, env: Env, viewer: Viewer, deal: Deal, order_id: int, client_id: str, amount: Decimal, at: datetime, note: str, refund_of: int | None
) -> Payment:
    payment = Payment(
        org_id=deal.org_id, order_id=order_id, deal_id=deal.id, owner_id=deal.owner_id, team_id=deal.team_id,
        client_id=client_id, created_by=viewer.user_id, amount=amount, refund_of_id=refund_of,
        collected_at=at, note=note.strip(), created_at=env.clock(),
    )
    tx.session.add(payment)
    await tx.session.flush()  # its id, for the event
    tx.record(
        PaymentRecorded(
            org_id=deal.org_id, deal=deal.id, owner=deal.owner_id, team=deal.team_id, payment=payment.id, order=order_id, amount=amount,
            collected_at=at, refund_of=refund_of,
        )
    )
    return payment


async def _money_once(
    env: Env, viewer: Viewer, client_id: str, check: Callable[[], None], write: Callable[[Tx], Awaitable[int]]
) -> tuple[OrderView, bool]:
    """A payment or refund written once per client id: a replay, or a duplicate racing it, gets the first one's order."""

    async def seen() -> int | None:
        async with env.db() as session:
            return await session.scalar(select(Payment.order_id).where(Payment.created_by == viewer.user_id, Payment.client_id == client_id))

    order_id = await seen()
    if order_id is not None:
        return await _order_view(env, order_id), True
    check()
    try:
        async with transaction(env.db) as tx:
            order_id = await write(tx)
    except IntegrityError:
        order_id = await seen()
        if order_id is None:
            raise
        return await _order_view(env, order_id), True
    return await _order_view(env, order_id), False


async def reverse_deal(env: Env, viewer: Viewer, reversal: Reversal) -> Changed:
    """Undo a win (a cancelled contract): it stops counting as revenue, and commission on it is clawed back."""
    problems = Problems()
    check_client_id(problems, reversal.client_id, required=False)
    _check_text(problems, "reason", reversal.reason, REASON_MAX, required=True)
    problems.raise_if_any()
    now = env.clock()
    async with transaction(env.db) as tx:
        session = tx.session
        found = await _editable(tx, viewer, reversal.deal_id, reversal.version, reversal.client_id, ["status"], closed=True)
        if isinstance(found, Changed):
            return found
        deal = found
        if not policies.may_assign(viewer):
            raise DomainError.one(ErrorCode.FORBIDDEN, "dealId")
        if deal.status != Outcome.WON.value:
            raise DomainError.one(ErrorCode.INVALID, "dealId")
        deal.status = Outcome.REVERSED.value
        deal.reversed_at = now
        deal.reversal_reason = reversal.reason.strip()
        _record_change(tx, viewer, deal, ["status"], reversal.client_id, now)
        tx.record(
            DealReversed(
                org_id=deal.org_id, deal=deal.id, owner=deal.owner_id, team=deal.team_id, amount=deal.amount, reversed_at=now,
                customer=deal.customer_id, reason=deal.reversal_reason,
            )
        )
        _publish_deal(tx, env, deal)
        await session.flush()
        (view,) = await _views(session, viewer.org_id, [deal])
    return Changed(view)


async def _order_view(env: Env, order_id: int) -> OrderView:
    async with env.db() as session:
        order = await session.get(Order, order_id)
        assert order is not None
        paid = list(await session.scalars(select(Payment).where(Payment.order_id == order_id).order_by(Payment.collected_at, Payment.id)))
    return OrderView(order, paid)


# ---------------------------------------------------------------- activities


async def log_activity(env: Env, viewer: Viewer, data: ActivityInput) -> tuple[Activity, orgs.PublicUser | None, bool]:
    """A call, demo, proposal, meeting or email with its outcome, once per client id; with its author."""
    activity, replayed = await _log_activity(env, viewer, data)
    async with env.db() as session:
        author = (await orgs.public_users(session, viewer.org_id)).get(viewer.user_id)
    return activity, author, replayed


async def _log_activity(env: Env, viewer: Viewer, data: ActivityInput) -> tuple[Activity, bool]:
    replay = await _activity_replay(env, viewer, data.client_id)
    if replay is not None:
        return replay, True
    problems = Problems()
    check_client_id(problems, data.client_id)
    _check_choice(problems, "kind", data.kind, ActivityKind)
    _check_choice(problems, "outcome", data.outcome, ActivityOutcome)
    check_moment(problems, "occurredAt", data.occurred_at, env.clock(), ACTIVITY_MAX_AGE)
    _check_text(problems, "note", data.note, NOTE_MAX, required=False)
    if data.customer_id is None and data.deal_id is None:
        problems.add(ErrorCode.REQUIRED, "customerId")
    problems.raise_if_any()
    try:
        async with transaction(env.db) as tx:
            session = tx.session
            customer_id = data.customer_id
            if data.deal_id is not None:
                deal = await session.get(Deal, data.deal_id)
                _, reach = await org_tree.reach(session, viewer)
                if deal is None or deal.org_id != viewer.org_id or not policies.can_read(reach, deal):
                    raise DomainError.one(ErrorCode.NOT_FOUND, "dealId")
                if customer_id is not None and customer_id != deal.customer_id:
                    raise DomainError.one(ErrorCode.MISMATCH, "customerId", expected=deal.customer_id)
                customer_id = deal.customer_id
            assert customer_id is not None
            customer = await customers.customer_in_org(session, viewer, customer_id)
            activity = Activity(
                org_id=viewer.org_id, user_id=viewer.user_id, team_id=viewer.team_id, client_id=data.client_id,
                customer_id=customer.id, deal_id=data.deal_id, kind=data.kind, outcome=data.outcome,
                note=data.note.strip(), occurred_at=data.occurred_at, created_at=env.clock(),
            )
            session.add(activity)
            await session.flush()
            await orgs.lock_user(session, viewer.user_id)  # the daily cap counts this person's activities
            await points.award_activity(tx, env, viewer=viewer, activity_id=activity.id, occurred_at=activity.occurred_at)
            tx.record(ActivityLogged(org_id=viewer.org_id, user=viewer.user_id, team=viewer.team_id, deal=data.deal_id, activity=activity.id))
    except IntegrityError:
        replay = await _activity_replay(env, viewer, data.client_id)
        if replay is None:
            raise
        return replay, True
    return activity, False


async def _activity_replay(env: Env, viewer: Viewer, client_id: str) -> Activity | None:
    async with env.db() as session:
        found = await session.scalar(select(Activity).where(Activity.user_id == viewer.user_id, Activity.client_id == client_id))
    if found is not None:
        await catch_up(env.db, viewer.org_id)
    return found



# ---------------------------------------------------------------- configuring stages


@dataclass(frozen=True)
class StageInput:
    name_en: str
    name_zh: str
    probability: int
    outcome: str
    id: int | None = None


MAX_STAGES = 20


async def save_stages(env: Env, viewer: Viewer, items: Sequence[StageInput]) -> list[Stage]:
    """Replace the org's active stages with `items`, in order: rename, reorder, add, retire.

    Exactly one won and one lost stage stay active, with at least one open stage; a stage
    keeps its outcome for life (its deals' history depends on it), and one with open deals
    cannot be retired.
    """
    if not policies.may_configure(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN, "stages")
    problems = Problems()
    if not 3 <= len(items) <= MAX_STAGES:
        problems.add(ErrorCode.OUT_OF_RANGE, "stages", min=3, max=MAX_STAGES)
    for i, item in enumerate(items):
        _check_text(problems, f"stages.{i}.nameEn", item.name_en, 100, required=True)
        _check_text(problems, f"stages.{i}.nameZh", item.name_zh, 100, required=True)
        if not 0 <= item.probability <= 100:
            problems.add(ErrorCode.OUT_OF_RANGE, f"stages.{i}.probability", min=0, max=100)
        _check_choice(problems, f"stages.{i}.outcome", item.outcome, Outcome)
        if item.outcome == Outcome.REVERSED.value:  # a deal's state, never a stage's
            problems.add(ErrorCode.INVALID, f"stages.{i}.outcome")
    outcomes = [item.outcome for item in items]
    if outcomes.count(Outcome.WON.value) != 1 or outcomes.count(Outcome.LOST.value) != 1 or Outcome.OPEN.value not in outcomes:
        problems.add(ErrorCode.INVALID, "stages")
    ids = [item.id for item in items if item.id is not None]
    if len(ids) != len(set(ids)):
        problems.add(ErrorCode.INVALID, "stages")
    problems.raise_if_any()
    async with transaction(env.db) as tx:
        session = tx.session
        existing = {s.id: s for s in await ensure_stages(session, viewer.org_id)}
        for i, item in enumerate(items):
            if item.id is not None and (item.id not in existing or existing[item.id].outcome != item.outcome):
                raise DomainError.one(ErrorCode.INVALID, f"stages.{i}.id")
        for stage in existing.values():
            if stage.is_active and stage.id not in ids:
                busy = await session.scalar(select(func.count()).select_from(Deal).where(Deal.stage_id == stage.id, Deal.status == Outcome.OPEN.value))
                if busy:
                    raise DomainError.one(ErrorCode.CONFLICT, "stages", changed=stage.name_en)
                stage.is_active = False
        # Positions move past every current one first: (org, position) carries no unique rule, but order must be total.
        base = max((s.position for s in existing.values()), default=0) + 1
        saved: list[Stage] = []
        for i, item in enumerate(items):
            stage = existing[item.id] if item.id is not None else Stage(org_id=viewer.org_id, key=f"s{_new_key()}", outcome=item.outcome)
            stage.name_en, stage.name_zh = item.name_en.strip(), item.name_zh.strip()
            stage.probability, stage.position, stage.is_active = item.probability, base + i, True
            session.add(stage)
            saved.append(stage)
        for stage in existing.values():
            if not stage.is_active:
                stage.position = base + len(items) + stage.id
        await session.flush()
        tx.record(StagesChanged(org_id=viewer.org_id))
    return saved


def _new_key() -> str:
    return uuid.uuid4().hex[:12]
