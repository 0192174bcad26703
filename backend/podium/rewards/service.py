"""The rewards store: the catalog, a person's spendable balance, redeeming, and the manager's decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.checks import check_client_id
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import Tx, catch_up, transaction
from podium.core.i18n import Label
from podium.core.policies import Viewer
from podium.orgs import service as orgs
from podium.orgs.service import Person
from podium.orgs.tree import reach
from podium.points import ledger
from podium.rewards import policies
from podium.rewards.events import RedemptionDecided, RewardsChanged
from podium.rewards.models import Redemption, Reward

NAME_MAX = 80
DESCRIPTION_MAX = 1000
NOTE_MAX = 500
# A price or a stock beyond these is a typo (an extra zero), not a reward.
PRICE_MAX = 1_000_000
STOCK_MAX = 100_000
QUANTITY_MAX = 20
MAX_LIST = 200


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Balance:
    """Earned is the ledger's lifetime total, untouched by spending (boards rank what was earned)."""

    earned: int
    held: int
    spent: int

    @property
    def available(self) -> int:
        return self.earned - self.held - self.spent


@dataclass(frozen=True)
class RedemptionView:
    redemption: Redemption
    person: Person
    decided_by: Person | None


@dataclass(frozen=True)
class Redeemed:
    view: RedemptionView
    balance: Balance
    replayed: bool


@dataclass(frozen=True)
class NewReward:
    client_id: str
    name: str
    points_price: int
    description: str = ""
    stock: int | None = None


@dataclass(frozen=True)
class RewardChange:
    """Only the fields given change; `clear_stock` makes the stock unlimited."""

    reward_id: int
    name: str | None = None
    description: str | None = None
    points_price: int | None = None
    stock: int | None = None
    clear_stock: bool = False
    active: bool | None = None


@dataclass(frozen=True)
class RedeemInput:
    client_id: str
    reward_id: int
    quantity: int = 1
    note: str = ""


# --- the catalog ------------------------------------------------------------------------------


def _check_reward(problems: Problems, *, name: str | None, description: str | None, price: int | None, stock: int | None) -> None:
    if name is not None:
        if not name.strip():
            problems.add(ErrorCode.REQUIRED, "name")
        elif len(name.strip()) > NAME_MAX:
            problems.add(ErrorCode.TOO_LONG, "name", max=NAME_MAX)
    if description is not None and len(description) > DESCRIPTION_MAX:
        problems.add(ErrorCode.TOO_LONG, "description", max=DESCRIPTION_MAX)
    if price is not None and not 1 <= price <= PRICE_MAX:
        problems.add(ErrorCode.OUT_OF_RANGE, "pointsPrice", min=1, max=PRICE_MAX)
    if stock is not None and not 0 <= stock <= STOCK_MAX:
        problems.add(ErrorCode.OUT_OF_RANGE, "stock", min=0, max=STOCK_MAX)


def _require_shopper(viewer: Viewer) -> None:
    if not policies.may_shop(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)


def _require_editor(viewer: Viewer) -> None:
    if not policies.may_edit_catalog(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)


async def create_reward(env: Env, viewer: Viewer, data: NewReward) -> tuple[Reward, bool]:
    """Add a reward to my org's catalog, once per client id; (reward, replayed)."""
    _require_editor(viewer)
    problems = Problems()
    check_client_id(problems, data.client_id)
    _check_reward(problems, name=data.name, description=data.description, price=data.points_price, stock=data.stock)
    problems.raise_if_any()
    found = await _reward_by_client_id(env, viewer, data.client_id)
    if found is not None:
        return found, True
    now = env.clock()
    try:
        async with transaction(env.db) as tx:
            reward = Reward(
                org_id=viewer.org_id, client_id=data.client_id, name=data.name.strip(), description=data.description.strip(),
                points_price=data.points_price, stock=data.stock, active=True, created_by=viewer.user_id,
                created_at=now, updated_at=now,
            )
            tx.session.add(reward)
            await tx.session.flush()
            _announce(tx, env, viewer.org_id, catalog=True)
    except IntegrityError:
        found = await _reward_by_client_id(env, viewer, data.client_id)
        if found is None:
            raise
        return found, True
    return reward, False


async def _reward_by_client_id(env: Env, viewer: Viewer, client_id: str) -> Reward | None:
    async with env.db() as session:
        return await session.scalar(select(Reward).where(Reward.org_id == viewer.org_id, Reward.client_id == client_id))


async def update_reward(env: Env, viewer: Viewer, change: RewardChange) -> Reward:
    """Rename, reprice, restock, retire or bring back a reward; pending redemptions keep the price they were made at."""
    _require_editor(viewer)
    problems = Problems()
    _check_reward(problems, name=change.name, description=change.description, price=change.points_price, stock=change.stock)
    problems.raise_if_any()
    async with transaction(env.db) as tx:
        reward = await _reward_in_org(tx.session, viewer, change.reward_id)
        values: dict[str, object] = {"updated_at": env.clock()}
        if change.name is not None:
            values["name"] = change.name.strip()
        if change.description is not None:
            values["description"] = change.description.strip()
        if change.points_price is not None:
            values["points_price"] = change.points_price
        if change.clear_stock:
            values["stock"] = None
        elif change.stock is not None:
            # The stock is what is left to give now, as the admin counts it.
            values["stock"] = change.stock
        if change.active is not None:
            values["active"] = change.active
        await tx.session.execute(update(Reward).where(Reward.id == reward.id).values(**values))
        await tx.session.refresh(reward)
        _announce(tx, env, viewer.org_id, catalog=True)
    return reward


async def _reward_in_org(session: AsyncSession, viewer: Viewer, reward_id: int) -> Reward:
    reward = await session.get(Reward, reward_id)
    if reward is None or reward.org_id != viewer.org_id:
        raise DomainError.one(ErrorCode.NOT_FOUND, "rewardId")
    return reward


async def catalog(env: Env, viewer: Viewer, *, include_retired: bool = False) -> list[Reward]:
    """My org's rewards, cheapest first; retired ones only for admins who ask."""
    _require_shopper(viewer)
    if include_retired:
        _require_editor(viewer)
    async with env.db() as session:
        query = select(Reward).where(Reward.org_id == viewer.org_id)
        if not include_retired:
            query = query.where(Reward.active.is_(True))
        rows = await session.scalars(query.order_by(Reward.active.desc(), Reward.points_price, Reward.id).limit(MAX_LIST))
        return list(rows)


# --- balance ----------------------------------------------------------------------------------


async def _balance(session: AsyncSession, user_id: int) -> Balance:
    earned = await ledger.lifetime_total(session, user_id)
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(case((Redemption.status == Status.PENDING.value, Redemption.points), else_=0)), 0),
                func.coalesce(func.sum(case((Redemption.status == Status.APPROVED.value, Redemption.points), else_=0)), 0),
            ).where(Redemption.user_id == user_id)
        )
    ).one()
    return Balance(earned=earned, held=int(row[0] or 0), spent=int(row[1] or 0))


async def balance(env: Env, viewer: Viewer) -> Balance:
    _require_shopper(viewer)
    async with env.db() as session:
        return await _balance(session, viewer.user_id)


# --- redeeming --------------------------------------------------------------------------------


def _check_redeem(data: RedeemInput) -> None:
    problems = Problems()
    check_client_id(problems, data.client_id)
    if not 1 <= data.quantity <= QUANTITY_MAX:
        problems.add(ErrorCode.OUT_OF_RANGE, "quantity", min=1, max=QUANTITY_MAX)
    if len(data.note) > NOTE_MAX:
        problems.add(ErrorCode.TOO_LONG, "note", max=NOTE_MAX)
    problems.raise_if_any()


async def redeem(env: Env, viewer: Viewer, data: RedeemInput) -> Redeemed:
    """Hold my points for a reward until a manager decides; idempotent on the client id.

    Two redemptions can never overdraw: the person's row is locked (SELECT … FOR UPDATE; SQLite's
    BEGIN IMMEDIATE serializes every write) before the balance is read, and the stock is taken by
    a conditional UPDATE, so the last unit goes to exactly one of two people racing for it.
    """
    _require_shopper(viewer)
    replay = await _find_replay(env, viewer, data.client_id)
    if replay is not None:
        return replay
    _check_redeem(data)
    try:
        async with transaction(env.db) as tx:
            await orgs.lock_user(tx.session, viewer.user_id)
            reward = await _reward_in_org(tx.session, viewer, data.reward_id)
            if not reward.active:
                raise DomainError.one(ErrorCode.RETIRED, "rewardId", name=reward.name)
            cost = reward.points_price * data.quantity
            before = await _balance(tx.session, viewer.user_id)
            if before.available < cost:
                raise DomainError.one(
                    ErrorCode.INSUFFICIENT, "quantity" if data.quantity > 1 else "rewardId",
                    needed=cost, available=max(0, before.available),
                )
            taken = await tx.session.execute(
                update(Reward)
                .where(Reward.id == reward.id, (Reward.stock.is_(None)) | (Reward.stock >= data.quantity))
                .values(stock=Reward.stock - data.quantity)
            )
            if (taken.rowcount or 0) == 0:
                left = await tx.session.scalar(select(Reward.stock).where(Reward.id == reward.id))
                raise DomainError.one(ErrorCode.OUT_OF_STOCK, "quantity" if left else "rewardId", left=int(left or 0))
            redemption = Redemption(
                org_id=viewer.org_id, user_id=viewer.user_id, reward_id=reward.id, client_id=data.client_id,
                reward_name=reward.name, unit_price=reward.points_price, quantity=data.quantity, points=cost,
                status=Status.PENDING.value, note=data.note.strip(), decision_note="", created_at=env.clock(),
            )
            tx.session.add(redemption)
            await tx.session.flush()
            _announce(tx, env, viewer.org_id, user_id=viewer.user_id, status=Status.PENDING)
            after = Balance(before.earned, before.held + cost, before.spent)
    except IntegrityError:
        # Two deliveries of the same write raced; the other one won and is the answer.
        replay = await _find_replay(env, viewer, data.client_id)
        if replay is None:
            raise
        return replay
    return Redeemed(RedemptionView(redemption, Person(viewer.user_id, viewer.name), None), after, replayed=False)


async def _find_replay(env: Env, viewer: Viewer, client_id: str) -> Redeemed | None:
    async with env.db() as session:
        found = await session.scalar(select(Redemption).where(Redemption.user_id == viewer.user_id, Redemption.client_id == client_id))
        if found is None:
            return None
        replayed = Redeemed((await _views(session, [found]))[0], await _balance(session, viewer.user_id), replayed=True)
    await catch_up(env.db, viewer.org_id)
    return replayed


def _announce(tx: Tx, env: Env, org_id: int, *, user_id: int | None = None, status: Status | None = None, catalog: bool = False) -> None:
    """After the commit: screens showing balances, queues or the catalog re-read them."""
    tx.record(RewardsChanged(org_id=org_id, catalog=catalog, user=user_id, status=status.value if status is not None else None))


# --- deciding ---------------------------------------------------------------------------------


async def decide(env: Env, viewer: Viewer, redemption_id: int, *, approve: bool, note: str = "") -> RedemptionView:
    """A manager's (their people's) or an admin's decision; rejecting releases the points and returns the stock.

    A decision is final: the same one again changes nothing, the other one is DECIDED.
    """
    if not policies.may_decide_any(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    if len(note) > NOTE_MAX:
        raise DomainError.one(ErrorCode.TOO_LONG, "note", max=NOTE_MAX)
    decision = Status.APPROVED if approve else Status.REJECTED
    async with transaction(env.db) as tx:
        redemption = await tx.session.get(Redemption, redemption_id)
        if redemption is None or redemption.org_id != viewer.org_id:
            raise DomainError.one(ErrorCode.NOT_FOUND, "redemptionId")
        if redemption.user_id == viewer.user_id:
            raise DomainError.one(ErrorCode.FORBIDDEN, "redemptionId")
        _, scope = await reach(tx.session, viewer)
        if not policies.may_decide(viewer, scope, redemption.user_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "redemptionId")
        # The owner's lock: a decision and the owner's next redemption see each other's balance.
        await orgs.lock_user(tx.session, redemption.user_id)
        await tx.session.refresh(redemption)
        if redemption.status == decision:
            return (await _views(tx.session, [redemption]))[0]
        if redemption.status != Status.PENDING:
            raise DomainError.one(ErrorCode.DECIDED, "redemptionId", decision=Label(f"decision.{redemption.status}"))
        redemption.status = decision.value
        redemption.decided_by, redemption.decided_at, redemption.decision_note = viewer.user_id, env.clock(), note.strip()
        if not approve:
            await tx.session.execute(
                update(Reward)
                .where(Reward.id == redemption.reward_id, Reward.stock.is_not(None))
                .values(stock=Reward.stock + redemption.quantity)
            )
        await tx.session.flush()
        _announce(tx, env, redemption.org_id, user_id=redemption.user_id, status=decision, catalog=not approve)
        view = (await _views(tx.session, [redemption]))[0]
        tx.record(
            RedemptionDecided(
                org_id=redemption.org_id, user=redemption.user_id, redemption=redemption.id, approved=approve, decider=viewer.name,
                reward=redemption.reward_name, quantity=redemption.quantity, points=redemption.points, note=note.strip(),
            )
        )
    return view


def _check_first(first: int) -> None:
    if not 1 <= first <= MAX_LIST:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_LIST)


async def _queue_query(session: AsyncSession, viewer: Viewer):  # type: ignore[no-untyped-def]
    _, scope = await reach(session, viewer)
    query = select(Redemption).where(
        Redemption.org_id == viewer.org_id, Redemption.status == Status.PENDING.value, Redemption.user_id != viewer.user_id
    )
    if not scope.org_wide:
        query = query.where(Redemption.user_id.in_(scope.user_ids))
    return query


async def to_decide(env: Env, viewer: Viewer, first: int = 50) -> list[RedemptionView]:
    """Pending redemptions of the people I manage, oldest first (my own are someone else's to decide)."""
    if not policies.may_decide_any(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    _check_first(first)
    async with env.db() as session:
        query = await _queue_query(session, viewer)
        rows = await session.scalars(query.order_by(Redemption.created_at, Redemption.id).limit(first))
        return await _views(session, list(rows))


async def to_decide_count(env: Env, viewer: Viewer) -> int:
    if not policies.may_decide_any(viewer):
        return 0
    async with env.db() as session:
        query = await _queue_query(session, viewer)
        return int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)


async def my_redemptions(env: Env, viewer: Viewer, first: int = 20) -> list[RedemptionView]:
    _require_shopper(viewer)
    _check_first(first)
    async with env.db() as session:
        rows = await session.scalars(
            select(Redemption).where(Redemption.user_id == viewer.user_id).order_by(Redemption.created_at.desc(), Redemption.id.desc()).limit(first)
        )
        return await _views(session, list(rows))


async def _views(session: AsyncSession, rows: Sequence[Redemption]) -> list[RedemptionView]:
    """Redemptions with their person and decider, in one read whatever their number."""
    if not rows:
        return []
    ids = {r.user_id for r in rows} | {r.decided_by for r in rows if r.decided_by is not None}
    people = await orgs.people_named(session, ids)
    return [
        RedemptionView(r, people.get(r.user_id, Person(r.user_id, "")), people.get(r.decided_by) if r.decided_by is not None else None)
        for r in rows
    ]
