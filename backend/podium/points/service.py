"""Awarding points into the ledger, and what a person has earned."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

import logging
from datetime import datetime

from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.celebrations import service as celebrations
from podium.core.env import Env
from podium.core.events import Tx, encode_event, org_channel
from podium.core.periods import PeriodKind, window
from podium.core.policies import Viewer
from podium.leaderboards import service as leaderboards
from podium.orgs import service as orgs
from podium.points import ledger
from podium.points.models import PointRule, PointsEntry

log = logging.getLogger(__name__)

VERIFIED_VISIT = "verified_visit"
DEAL_WON = "deal_won"
NO_DAILY_CAP = 1_000_000
DEFAULT_RULES = {
    VERIFIED_VISIT: PointRule(kind=VERIFIED_VISIT, points=10, daily_cap=50, milestones="100,250,500,1000"),
    # One point per 1,000 of the org's currency, at least 10 and at most 200 for one deal.
    DEAL_WON: PointRule(
        kind=DEAL_WON, points=1, daily_cap=NO_DAILY_CAP, milestones="100,250,500,1000",
        unit_amount=Decimal(1000), min_points=10, max_points=200,
    ),
}


@dataclass(frozen=True)
class Summary:
    today: int
    week: int
    month: int
    total: int
    month_rank: int | None
    daily_cap: int
    visit_points: int
    # Only visit points count against the visit rule's daily cap (a won deal's points do not).
    visit_points_today: int = 0


async def rule_for(session: AsyncSession, org_id: int, kind: str) -> PointRule:
    rule = await session.scalar(select(PointRule).where(PointRule.org_id == org_id, PointRule.kind == kind))
    return rule or DEFAULT_RULES[kind]


def milestones_of(rule: PointRule) -> list[int]:
    return sorted(int(x) for x in rule.milestones.split(",") if x.strip().isdigit())


async def award_verified_visit(tx: Tx, env: Env, *, viewer: Viewer, visit_id: int, occurred_at: datetime) -> int:
    """Points for a verified visit, within the rule's daily cap; the caller holds the person's lock."""
    session = tx.session
    rule = await rule_for(session, viewer.org_id, VERIFIED_VISIT)
    day = window(PeriodKind.TODAY, await orgs.org_time_zone(session, viewer.org_id), occurred_at)
    earned_today = await session.scalar(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            PointsEntry.user_id == viewer.user_id,
            PointsEntry.rule_kind == VERIFIED_VISIT,
            PointsEntry.occurred_at >= day.start,
            PointsEntry.occurred_at < day.end,
        )
    )
    awarded = max(0, min(rule.points, rule.daily_cap - int(earned_today or 0)))
    return _enter(tx, env, viewer, rule, awarded, ("visit", visit_id), occurred_at)


def _enter(tx: Tx, env: Env, person: Viewer, rule: PointRule, awarded: int, source: tuple[str, int], occurred_at: datetime) -> int:
    """Write the ledger entry (none for zero points) and move boards and celebrations after the commit."""
    if awarded == 0:
        return 0
    tx.session.add(
        PointsEntry(
            org_id=person.org_id,
            user_id=person.user_id,
            team_id=person.team_id,
            points=awarded,
            rule_kind=rule.kind,
            source_type=source[0],
            source_id=source[1],
            occurred_at=occurred_at,
            created_at=env.clock(),
        )
    )

    async def publish() -> None:
        await points_changed(env, viewer=person, occurred_at=occurred_at, points=awarded, rule=rule)

    tx.after_commit(publish)
    return awarded


def points_for_amount(rule: PointRule, amount: Decimal) -> int:
    """`points` per whole `unit_amount`, kept within the rule's floor and cap."""
    units = (amount / rule.unit_amount).to_integral_value(ROUND_FLOOR) if rule.unit_amount else Decimal(1)
    earned = int(units) * rule.points
    if rule.min_points is not None:
        earned = max(earned, rule.min_points)
    if rule.max_points is not None:
        earned = min(earned, rule.max_points)
    return max(0, earned)


async def award_deal_won(tx: Tx, env: Env, *, owner: Viewer, deal_id: int, amount: Decimal, occurred_at: datetime) -> int:
    """Points for the owner of a won deal, once per deal whoever wins it and however often it is replayed."""
    rule = await rule_for(tx.session, owner.org_id, DEAL_WON)
    return _enter(tx, env, owner, rule, points_for_amount(rule, amount), ("deal", deal_id), occurred_at)


async def points_changed(env: Env, *, viewer: Viewer, occurred_at: datetime, points: int, rule: PointRule) -> None:
    """After commit: move the boards, celebrate, and tell every instance."""
    move = await leaderboards.record_points(
        env, org_id=viewer.org_id, user_id=viewer.user_id, team_id=viewer.team_id, occurred_at=occurred_at, points=points
    )
    await env.publisher.publish(org_channel(viewer.org_id), encode_event("points", user=viewer.user_id, team=viewer.team_id))
    await celebrations.after_points(
        env,
        viewer=viewer,
        occurred_at=occurred_at,
        old_points=move.old_points,
        new_points=move.new_points,
        passed_user_id=move.passed_user_id,
        milestones=milestones_of(rule),
    )


async def summary(env: Env, viewer: Viewer) -> Summary:
    async with env.db() as session:
        time_zone = await orgs.org_time_zone(session, viewer.org_id)
        rule = await rule_for(session, viewer.org_id, VERIFIED_VISIT)
        now = env.clock()
        wins = [window(kind, time_zone, now) for kind in PeriodKind]
        spans = [ledger.Span(w.start, w.end) for w in wins]
        totals = await ledger.user_totals(session, viewer.user_id, spans)
        total = await ledger.lifetime_total(session, viewer.user_id)
        day = wins[0]
        visit_today = await session.scalar(
            select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
                PointsEntry.user_id == viewer.user_id, PointsEntry.rule_kind == VERIFIED_VISIT,
                PointsEntry.occurred_at >= day.start, PointsEntry.occurred_at < day.end,
            )
        )
    try:
        board = await leaderboards.read_board(env, leaderboards.BoardRef(viewer.org_id, PeriodKind.MONTH))
        rank = next((e.rank for e in board.entries if e.user.id == viewer.user_id), None)
    except (RedisError, OSError):
        # The rank lives in the derived store; without it the points, read from SQL, still stand.
        log.warning("board store unavailable; summary without rank", exc_info=True)
        rank = None
    (today, _), (week, _), (month, _) = totals
    return Summary(today, week, month, total, rank, rule.daily_cap, rule.points, int(visit_today or 0))
