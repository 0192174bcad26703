"""Imported deals: matched by the source system's id, planned, written set-based with their stage history, undone.

What imported history does, decided once for deals, orders and payments (pipeline/history_money.py):

- It is the past, written quietly: no DealChanged, DealWon, OrderRecorded or PaymentRecorded per row, so no live
  push, no celebration, no robot post, no webhook, no points. Afterwards the derived state is rebuilt from the
  tables (`podium rebuild`): customers' figures, boards; attainment, dwell and win rates read the tables directly.
- Points: none. Points reward work done in Podium and the ledger is append-only; nobody earned them at the time.
  Badges are dated when earned by the rebuild from won-deal days (pipeline/ledger.last_win_of_each_day), quietly,
  and a badge the rebuild awards carries no points either: the month's target reached by imported wins is a badge
  dated on that month's first win, never "target reached" points dated in the past (rebuild.py, badges.evaluate).
- Compensation: a won deal or a payment dated before the month the import runs in was paid by the system it came
  from; it is stored `settled_elsewhere` and compensation never credits it, so no past open statement pays it and no
  approved (locked) one grows adjustment lines for it. History of the current month is credited like any deal won
  in the app: its statement is still open and nobody has paid it yet.
- Revenue, attainment, boards, funnel, dwell time and customers' lifetime figures count it: it is what was sold.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.errors import DomainError, ErrorCode, Problem, Problems
from podium.core.money import check_amount
from podium.db import bulk
from podium.pipeline.models import Activity, Deal, DealChange, DealLine, Order, Payment, Product, Stage, StageChange
from podium.pipeline.service import CENT, LeadSource, Outcome, REASON_MAX, TITLE_MAX

CHUNK = 500
EXTERNAL_ID_MAX = 100
# What a deal's history records as the fields an import changed (a stale phone edit is told so).
IMPORT_FIELDS = "import"


# What the plan says for a row, in the engine's words.
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
Planned = str


@dataclass(frozen=True)
class Step:
    """The deal entered `stage` at `at` (UTC)."""

    stage: Stage
    at: datetime


@dataclass(frozen=True)
class Line:
    product: Product
    quantity: Decimal
    unit_price: Decimal | None = None  # None: the product's list price


@dataclass(frozen=True)
class DealRow:
    """One deal as a file gives it, with names already resolved (history_values.py)."""

    external_id: str
    customer_id: int
    owner_id: int
    owner_team_id: int | None
    title: str
    stage: Stage
    expected_close: date
    lead_source: str = LeadSource.EXISTING_CUSTOMER.value
    amount: Decimal | None = None  # None: the lines' total
    steps: tuple[Step, ...] = ()  # the stage history, in any order; the current stage may be left out
    closed_at: datetime | None = None  # won or lost at
    close_reason: str = ""
    created_at: datetime | None = None
    lines: tuple[Line, ...] = ()


@dataclass(frozen=True)
class Shape:
    """A deal's imported content, comparable with what is stored: equal shapes mean an unchanged row."""

    customer_id: int
    owner_id: int
    title: str
    amount: Decimal
    margin: Decimal | None
    lead_source: str
    expected_close: date
    stage_id: int
    status: str
    closed_at: datetime | None
    close_reason: str
    created_at: datetime
    steps: tuple[tuple[int, datetime], ...]
    lines: tuple[tuple[int, Decimal, Decimal, Decimal], ...]  # product, quantity, unit price, unit cost
    # The file gave no date at all (no history, no created or closed date): the stored dates stand.
    undated: bool = field(default=False, compare=False)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def shape(row: DealRow, now: datetime) -> Shape | list[Problem]:
    """The deal the row describes, or what is wrong with it (every problem, with the column it is about)."""
    problems = Problems()
    external = row.external_id.strip()
    if not external:
        problems.add(ErrorCode.REQUIRED, "externalId")
    elif len(external) > EXTERNAL_ID_MAX:
        problems.add(ErrorCode.TOO_LONG, "externalId", max=EXTERNAL_ID_MAX)
    if not row.title.strip():
        problems.add(ErrorCode.REQUIRED, "title")
    elif len(row.title.strip()) > TITLE_MAX:
        problems.add(ErrorCode.TOO_LONG, "title", max=TITLE_MAX)
    if len(row.close_reason.strip()) > REASON_MAX:
        problems.add(ErrorCode.TOO_LONG, "closeReason", max=REASON_MAX)
    if row.amount is not None:
        check_amount(problems, "amount", row.amount)
    for i, line in enumerate(row.lines):
        check_amount(problems, f"lines.{i}.quantity", line.quantity, places=3, positive=True, maximum=Decimal("1e9"))
        if line.unit_price is not None:
            check_amount(problems, f"lines.{i}.unitPrice", line.unit_price)
    for name, moment in (("closedAt", row.closed_at), ("createdAt", row.created_at), *((f"steps.{i}", s.at) for i, s in enumerate(row.steps))):
        if moment is not None and moment > now:
            problems.add(ErrorCode.IN_FUTURE, name)
    if problems.items:
        return problems.items
    steps = _steps(problems, row, now)
    priced = [(ln.product, ln.quantity, ln.unit_price if ln.unit_price is not None else ln.product.list_price) for ln in row.lines]
    lines = tuple((p.id, q, price, p.unit_cost) for p, q, price in priced)
    amount, margin = row.amount, None
    if lines:
        total = sum(((q * price).quantize(CENT, ROUND_HALF_EVEN) for _, q, price, _ in lines), Decimal(0))
        cost = sum(((q * c).quantize(CENT, ROUND_HALF_EVEN) for _, q, _, c in lines), Decimal(0))
        if amount is not None and amount != total:
            problems.add(ErrorCode.MISMATCH, "amount", expected=f"{total:,.2f}")
        amount, margin = total, total - cost
    elif amount is None:
        problems.add(ErrorCode.REQUIRED, "amount")
    if problems.items or amount is None:
        return problems.items
    closed = row.stage.outcome != Outcome.OPEN.value
    return Shape(
        customer_id=row.customer_id, owner_id=row.owner_id, title=row.title.strip(), amount=amount, margin=margin,
        lead_source=row.lead_source, expected_close=row.expected_close, stage_id=row.stage.id, status=row.stage.outcome,
        closed_at=steps[-1][1] if closed else None, close_reason=row.close_reason.strip() if closed else "",
        created_at=min(_utc(row.created_at), steps[0][1]) if row.created_at else steps[0][1], steps=steps, lines=lines,
        undated=not row.steps and row.created_at is None and row.closed_at is None,
    )


def _steps(problems: Problems, row: DealRow, now: datetime) -> tuple[tuple[int, datetime], ...]:
    """The stage history ending in the row's stage: a closed deal's last step is its close; a deal with no history
    entered its stage when it was created (or closed), which is all the file says."""
    closed = row.stage.outcome != Outcome.OPEN.value
    steps = sorted(((s.stage, _utc(s.at)) for s in row.steps), key=lambda s: s[1])
    if any(stage.outcome != Outcome.OPEN.value for stage, _ in steps[:-1]):
        problems.add(ErrorCode.INVALID, "steps")  # a won or lost deal never moves on
        return ()
    if closed:
        if row.closed_at is None:
            if steps and steps[-1][0].id == row.stage.id:
                return tuple((st.id, at) for st, at in steps)
            problems.add(ErrorCode.REQUIRED, "closedAt")
            return ()
        at = _utc(row.closed_at)
        if steps and steps[-1][0].id == row.stage.id:
            steps.pop()
        if steps and steps[-1][1] > at:
            problems.add(ErrorCode.TOO_EARLY, "closedAt", earliest=f"{steps[-1][1]:%Y-%m-%d %H:%M} UTC")
            return ()
        steps.append((row.stage, at))
    elif row.closed_at is not None:
        problems.add(ErrorCode.INVALID, "closedAt")
        return ()
    elif not steps or steps[-1][0].id != row.stage.id:
        steps.append((row.stage, _utc(row.created_at or (steps[-1][1] if steps else now))))
    return tuple((st.id, at) for st, at in steps)


# ---------------------------------------------------------------- matching and planning


@dataclass
class Stored:
    deal: Deal
    steps: list[tuple[int, datetime]] = field(default_factory=list)
    lines: list[tuple[int, Decimal, Decimal, Decimal]] = field(default_factory=list)

    def shape(self) -> Shape:
        d = self.deal
        return Shape(
            d.customer_id, d.owner_id, d.title, d.amount, d.margin, d.lead_source, d.expected_close, d.stage_id, d.status,
            _utc(d.closed_at) if d.closed_at else None, d.close_reason, _utc(d.created_at), tuple(self.steps), tuple(self.lines),
        )


async def stored(session: AsyncSession, org_id: int, external_ids: Sequence[str]) -> dict[str, Stored]:
    """The org's deals with these external ids, with their stage history and lines, in a few reads per 500."""
    found: dict[str, Stored] = {}
    ids = sorted({e.strip() for e in external_ids if e.strip()})
    for start in range(0, len(ids), CHUNK):
        deals = list(await session.scalars(select(Deal).where(Deal.org_id == org_id, Deal.external_id.in_(ids[start:start + CHUNK]))))
        by_id = {d.id: Stored(d) for d in deals}
        if not by_id:
            continue
        changes = await session.execute(
            select(StageChange.deal_id, StageChange.to_stage_id, StageChange.changed_at)
            .where(StageChange.deal_id.in_(by_id)).order_by(StageChange.deal_id, StageChange.changed_at, StageChange.id)
        )
        for deal_id, stage_id, at in changes:
            by_id[deal_id].steps.append((int(stage_id), _utc(at)))
        lines = await session.execute(
            select(DealLine.deal_id, DealLine.product_id, DealLine.quantity, DealLine.unit_price, DealLine.unit_cost)
            .where(DealLine.deal_id.in_(by_id)).order_by(DealLine.deal_id, DealLine.position)
        )
        for deal_id, product_id, quantity, price, cost in lines:
            by_id[deal_id].lines.append((int(product_id), Decimal(quantity), Decimal(price), Decimal(cost)))
        found.update({s.deal.external_id or "": s for s in by_id.values()})
    return found


def plan(shapes: dict[str, Shape], existing: dict[str, Stored]) -> dict[str, Planned]:
    """created, updated or unchanged for each external id: what the commit will do, and all it will do.

    An undated row keeps the stored deal's dates (its shape is adjusted in place), so importing it again changes
    nothing. Decimals compare by value: 5.000 from NUMERIC(14, 3) equals the file's 5.
    """
    outcomes: dict[str, Planned] = {}
    for key, s in shapes.items():
        old = existing.get(key)
        if old is None:
            outcomes[key] = CREATED
            continue
        was = old.shape()
        if s.undated and s.stage_id == was.stage_id:
            s = shapes[key] = replace(s, steps=was.steps, created_at=was.created_at, closed_at=was.closed_at)
        outcomes[key] = UNCHANGED if was == s else UPDATED
    return outcomes


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class Before:
    """An updated deal as it was, to put back on undo; `version` is the one the import left it at."""

    deal_id: int
    version: int
    snapshot: str  # JSON


@dataclass
class Written:
    created: dict[str, int] = field(default_factory=dict)  # external id → deal id
    updated: list[Before] = field(default_factory=list)
    customers: set[int] = field(default_factory=set)


def _columns(s: Shape, stages: dict[int, Stage]) -> dict[str, Any]:
    stage = stages[s.stage_id]
    return {
        "customer_id": s.customer_id, "owner_id": s.owner_id, "title": s.title, "amount": s.amount, "margin": s.margin,
        "lead_source": s.lead_source, "expected_close": s.expected_close, "stage_id": s.stage_id, "status": s.status,
        "probability": stage.probability, "closed_at": s.closed_at, "close_reason": s.close_reason,
        "stage_entered_at": s.steps[-1][1], "created_at": s.created_at,
    }


def settled_elsewhere(s: Shape, month_start: datetime) -> bool:
    """Won before the month the import runs in: its commission was the old system's to pay."""
    return s.status == Outcome.WON.value and s.closed_at is not None and s.closed_at < month_start


async def write(
    session: AsyncSession, *, org_id: int, run_id: int, by: int, currency: str, now: datetime, month_start: datetime,
    shapes: dict[str, Shape], teams: dict[int, int | None], outcomes: dict[str, Planned], existing: dict[str, Stored],
    stages: dict[int, Stage],
) -> Written:
    """Carry out the plan: insert the created deals, overwrite the updated ones, leave the rest; no events."""
    done = Written()
    new_keys = [k for k, o in outcomes.items() if o == CREATED]
    for start in range(0, len(new_keys), CHUNK):
        keys = new_keys[start:start + CHUNK]
        values = [
            {
                **_columns(shapes[k], stages), "org_id": org_id, "client_id": f"import-{uuid.uuid4().hex}", "created_by": by,
                "team_id": teams.get(shapes[k].owner_id), "currency": currency, "version": 1, "reversal_reason": "",
                "updated_at": now, "external_id": k, "import_run_id": run_id,
                "settled_elsewhere": settled_elsewhere(shapes[k], month_start),
            }
            for k in keys
        ]
        done.created.update(zip(keys, await insert_keyed(session, Deal, org_id, values), strict=True))
    changed = [k for k, o in outcomes.items() if o == UPDATED]
    for key in changed:
        s, old = shapes[key], existing[key]
        done.updated.append(Before(old.deal.id, old.deal.version + 1, _snapshot(old)))
        await session.execute(
            update(Deal).where(Deal.id == old.deal.id).values(
                **_columns(s, stages), version=Deal.version + 1, updated_at=now,
                # A new owner brings their unit; the same owner keeps the unit the deal was credited to.
                team_id=teams.get(s.owner_id) if s.owner_id != old.deal.owner_id else old.deal.team_id,
                settled_elsewhere=old.deal.settled_elsewhere or settled_elsewhere(s, month_start),
            )
        )
        session.add(DealChange(deal_id=old.deal.id, version=old.deal.version + 1, fields=IMPORT_FIELDS, changed_by=by, changed_at=now))
    ids_by_key = {**done.created, **{k: existing[k].deal.id for k in changed}}
    await _replace_children(session, org_id, by, {done.created[k]: shapes[k] for k in done.created}, new=True)
    await _replace_children(session, org_id, by, {existing[k].deal.id: shapes[k] for k in changed})
    done.customers = {shapes[k].customer_id for k in ids_by_key} | {existing[k].deal.customer_id for k in changed}
    await session.flush()
    return done


async def insert_keyed(session: AsyncSession, model: Any, org_id: int, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows that each carry the org's unique `external_id`; their new ids, in the rows' order.

    A plain Core executemany (the ORM's bulk insert costs a mapper pass per row), the ids from its RETURNING on
    PostgreSQL, else one indexed read by external id (db/bulk.insert_ids).
    """
    table = model.__table__
    keys = [row["external_id"] for row in rows]

    async def by_external_id() -> list[int]:
        query = select(table.c.external_id, table.c.id).where(table.c.org_id == org_id, table.c.external_id.in_(keys))
        found = {key: new_id for key, new_id in await session.execute(query)}
        return [int(found[key]) for key in keys]

    return await bulk.insert_ids(session, table, rows, by_external_id)


async def _replace_children(session: AsyncSession, org_id: int, by: int | None, shapes: dict[int, Shape], *, new: bool = False) -> None:
    """Each deal's stage history and lines exactly as its shape has them (`new`: deals just inserted, with none yet)."""
    ids = [] if new else list(shapes)
    for start in range(0, len(ids), CHUNK):
        await session.execute(delete(StageChange).where(StageChange.deal_id.in_(ids[start:start + CHUNK])))
        await session.execute(delete(DealLine).where(DealLine.deal_id.in_(ids[start:start + CHUNK])))
    changes = [
        {"org_id": org_id, "deal_id": deal_id, "from_stage_id": s.steps[i - 1][0] if i else None, "to_stage_id": stage_id,
         "changed_at": at, "changed_by": by}
        for deal_id, s in shapes.items() for i, (stage_id, at) in enumerate(s.steps)
    ]
    lines = [
        {"deal_id": deal_id, "product_id": p, "position": i, "quantity": q, "unit_price": price, "unit_cost": cost}
        for deal_id, s in shapes.items() for i, (p, q, price, cost) in enumerate(s.lines)
    ]
    for rows, model in ((changes, StageChange), (lines, DealLine)):
        for start in range(0, len(rows), CHUNK * 4):
            await session.execute(insert(model.__table__), rows[start:start + CHUNK * 4])


def dump(s: Shape) -> dict[str, Any]:
    """The shape as JSON-able values (a stored plan carries it from the dry run to the commit)."""
    return {
        "customer_id": s.customer_id, "owner_id": s.owner_id, "title": s.title, "amount": str(s.amount),
        "margin": None if s.margin is None else str(s.margin), "lead_source": s.lead_source, "expected_close": s.expected_close.isoformat(),
        "stage_id": s.stage_id, "status": s.status, "closed_at": s.closed_at.isoformat() if s.closed_at else None,
        "close_reason": s.close_reason, "created_at": s.created_at.isoformat(),
        "steps": [[i, at.isoformat()] for i, at in s.steps], "lines": [[p, str(q), str(u), str(c)] for p, q, u, c in s.lines],
    }


def load(data: dict[str, Any]) -> Shape:
    return Shape(
        data["customer_id"], data["owner_id"], data["title"], Decimal(data["amount"]),
        Decimal(data["margin"]) if data["margin"] is not None else None, data["lead_source"], date.fromisoformat(data["expected_close"]),
        data["stage_id"], data["status"], datetime.fromisoformat(data["closed_at"]) if data["closed_at"] else None, data["close_reason"],
        datetime.fromisoformat(data["created_at"]), tuple((i, datetime.fromisoformat(at)) for i, at in data["steps"]),
        tuple((p, Decimal(q), Decimal(u), Decimal(c)) for p, q, u, c in data["lines"]),
    )


def _snapshot(old: Stored) -> str:
    d = old.deal
    return json.dumps({
        **dump(old.shape()), "team_id": d.team_id, "probability": d.probability,
        "stage_entered_at": _utc(d.stage_entered_at).isoformat(), "settled_elsewhere": d.settled_elsewhere,
    })


# ---------------------------------------------------------------- undoing a run


async def undo(session: AsyncSession, org_id: int, run_id: int, updated: Sequence[Before], by: int, now: datetime) -> set[int]:
    """Put back what the run changed: its created deals go, its updated ones return to how they were.

    Refused (CONFLICT) while anything newer depends on the run: a deal changed since (its version moved on, in the
    app or by a later import) or an order, payment or activity on a created deal that the run did not write.
    Returns the customers whose figures need a refresh.
    """
    created = list(await session.scalars(select(Deal).where(Deal.org_id == org_id, Deal.import_run_id == run_id)))
    created_ids = [d.id for d in created]
    restored = {b.deal_id: b for b in updated}
    current = {d.id: d for d in await session.scalars(select(Deal).where(Deal.org_id == org_id, Deal.id.in_(list(restored))))} if restored else {}
    if any(d.version != 1 for d in created) or any(restored[i].version != d.version for i, d in current.items()):
        raise DomainError.one(ErrorCode.CONFLICT, "run", changed="deals")
    for start in range(0, len(created_ids), CHUNK):
        chunk = created_ids[start:start + CHUNK]
        for model, run_column in ((Order, Order.import_run_id), (Payment, Payment.import_run_id), (Activity, None)):
            query = select(model.id).where(model.deal_id.in_(chunk))  # type: ignore[attr-defined]
            if run_column is not None:
                query = query.where((run_column.is_(None)) | (run_column != run_id))
            if await session.scalar(query.limit(1)) is not None:
                raise DomainError.one(ErrorCode.CONFLICT, "run", changed="deals")
    customers = {d.customer_id for d in created} | {d.customer_id for d in current.values()}
    for start in range(0, len(created_ids), CHUNK):
        chunk = created_ids[start:start + CHUNK]
        # Children first: SQLite's batch migrations leave ON DELETE CASCADE to PostgreSQL only in some tables.
        for model in (Payment, Order, StageChange, DealLine, DealChange):
            await session.execute(delete(model).where(model.deal_id.in_(chunk)))  # type: ignore[attr-defined]
        await session.execute(delete(Deal).where(Deal.id.in_(chunk)))
    shapes: dict[int, Shape] = {}
    for deal_id, before in restored.items():
        if deal_id not in current:
            continue
        old = json.loads(before.snapshot)
        shapes[deal_id] = was = load(old)
        customers.add(old["customer_id"])
        await session.execute(
            update(Deal).where(Deal.id == deal_id).values(
                customer_id=was.customer_id, owner_id=was.owner_id, team_id=old["team_id"], title=was.title, amount=was.amount,
                margin=was.margin, lead_source=was.lead_source, expected_close=was.expected_close, stage_id=was.stage_id,
                status=was.status, probability=old["probability"], closed_at=was.closed_at, close_reason=was.close_reason,
                created_at=was.created_at, stage_entered_at=datetime.fromisoformat(old["stage_entered_at"]),
                settled_elsewhere=old["settled_elsewhere"], version=before.version - 1, updated_at=now,
            )
        )
        # The version the run made is forgotten with its change: an earlier run stays undoable, and a phone that
        # still holds the version from before the run may write again.
        await session.execute(delete(DealChange).where(DealChange.deal_id == deal_id, DealChange.version >= before.version))
    await _replace_children(session, org_id, by, shapes)
    await session.flush()
    return customers


# ---------------------------------------------------------------- one plan for the dry run and the commit


@dataclass
class DealPlan:
    """Per row (in file order): its external id and outcome, or its problems; what the commit carries out."""

    outcomes: list[tuple[str, Planned | list[Problem]]]
    shapes: dict[str, Shape]
    existing: dict[str, Stored]
    teams: dict[int, int | None]

    def counts(self) -> dict[str, int]:
        found = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, "error": 0}
        for _, outcome in self.outcomes:
            found[outcome if isinstance(outcome, str) else "error"] += 1
        return found


async def plan_deals(session: AsyncSession, org_id: int, rows: Sequence[DealRow | list[Problem]], now: datetime) -> DealPlan:
    """Shape every row, flag an external id repeated in the file, match the rest, and decide each row's outcome."""
    shapes: dict[str, Shape] = {}
    teams: dict[int, int | None] = {}
    results: list[tuple[str, Planned | list[Problem]]] = []
    for row in rows:
        if isinstance(row, list):
            results.append(("", row))
            continue
        key = row.external_id.strip()
        made = shape(row, now)
        if isinstance(made, list):
            results.append((key, made))
        elif key in shapes:
            results.append((key, [Problem(ErrorCode.DUPLICATE, "externalId")]))
        else:
            shapes[key] = made
            teams[row.owner_id] = row.owner_team_id
            results.append((key, ""))
    existing = await stored(session, org_id, list(shapes))
    decided = plan(shapes, existing)
    outcomes = [(key, decided[key] if outcome == "" else outcome) for key, outcome in results]
    return DealPlan(outcomes, shapes, existing, teams)


async def commit_deals(
    session: AsyncSession, org_id: int, run_id: int, by: int, deal_plan: DealPlan, now: datetime, month_start: datetime, currency: str
) -> Written:
    """The plan, carried out in the caller's transaction; a deal changed since the dry run is a CONFLICT (dry-run again)."""
    fresh = await stored(session, org_id, list(deal_plan.shapes))
    if {k: s.deal.version for k, s in fresh.items()} != {k: s.deal.version for k, s in deal_plan.existing.items()}:
        raise DomainError.one(ErrorCode.CONFLICT, "run", changed="deals")
    stages = {s.id: s for s in await session.scalars(select(Stage).where(Stage.org_id == org_id))}
    outcomes = {k: o for k, o in deal_plan.outcomes if isinstance(o, str) and k in deal_plan.shapes}
    return await write(
        session, org_id=org_id, run_id=run_id, by=by, currency=currency, now=now, month_start=month_start,
        shapes=deal_plan.shapes, teams=deal_plan.teams, outcomes=outcomes, existing=fresh, stages=stages,
    )
