"""`podium rebuild`: derived state recomputed from the ledgers, after an import, a restore or a lost Redis.

Boards are dropped (each is rebuilt from SQL when next read). History earns what it earned: every
person's monthly milestones, and every badge, each awarded once and dated when it was earned, as if it
had been checked once per day of history with the clock set to that day. Only the days on which a badge
can be earned are checked (badges.checks_that_can_award: a person's first win, the first day of a week
their streak reaches five days, the first day of a period an admin's badge's measure moves on when the
period reaches its threshold, ...): two years of 200 reps are a few hundred checks, not 146,000.
`rebuild(every_day=True)` checks every day, as the reference the reduced set is tested against.

Everything runs quietly: the past is stored, never pushed, posted or celebrated live. A badge the rebuild
awards pays no points: the month's target reached, found in imported history, is a badge dated when it
was reached and nothing more (points reward work done in Podium, at the time; pipeline/history.py).
Ended contests are finished. Customers' list figures are recomputed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from podium.analytics import customers_rollup as analytics_customers
from podium.analytics import deals as analytics_deals
from podium.customer_pages import service as accounts
from podium.badges import service as badges
from podium.celebrations import service as celebrations
from podium.contests import service as contests
from podium.core.env import Env
from podium.core.events import quietly
from podium.core.periods import PeriodKind, window
from podium.core.policies import Viewer
from podium.leaderboards import service as leaderboards
from podium.orgs import service as orgs
from podium.pipeline import ledger as deals
from podium.points import ledger
from podium.points import service as points



def _month_keys(zone: str) -> Callable[[datetime], str]:
    """The org's month key of a moment, worked out once per local day (history has hundreds of thousands of wins)."""
    tz = ZoneInfo(zone)
    known: dict[date, str] = {}

    def month_of(at: datetime) -> str:
        day = at.astimezone(tz).date()
        if day not in known:
            known[day] = window(PeriodKind.MONTH, zone, at).key
        return known[day]

    return month_of


@dataclass
class Rebuilt:
    orgs: int = 0
    days_checked: int = 0
    milestones: int = 0
    badges: int = 0
    contests: int = 0
    customers: int = 0
    analytics_deals: int = 0


async def rebuild(env: Env, only_org: int | None = None, *, every_day: bool = False) -> Rebuilt:
    """Everything derived, for every org or only `only_org` (after an import into it)."""
    done = Rebuilt()
    with quietly():
        async with env.db() as session:
            org_zones = [(o, z) for o, z in await orgs.all_time_zones(session) if only_org is None or o == only_org]
        for org_id, zone in org_zones:
            done.orgs += 1
            # Customers' figures (last visit, open pipeline, lifetime revenue, at risk) from visits and the pipeline.
            done.customers += await accounts.refresh_org(env, org_id)
            # The cockpit's pipeline rollups (stays, results, stage and duration sums) from deals, stage changes and payments.
            done.analytics_deals += await analytics_deals.rebuild_org(env, org_id)
            # Analytics' customer months, product months, churn signals and people's visit and activity days.
            await analytics_customers.rebuild_org(env, org_id)
            async with env.db() as session:
                earned = [(d.user_id, d.rule_kind, d.occurred_at) for d in await ledger.last_of_each_day(session, org_id, zone)]
                # Won deals count for badges whether or not they earned points (history imported as deals).
                wins = [(owner, points.DEAL_WON, at) for owner, at in await deals.last_win_of_each_day(session, org_id, zone)]
                thresholds = sorted({m for kind in points.KINDS for m in await points.milestones_for(session, org_id, kind)})
            people: dict[int, Viewer | None] = {}
            for user_id in sorted({d[0] for d in earned} | {d[0] for d in wins}):
                people[user_id] = await orgs.viewer_by_id(env, user_id)
            checks = [d for d in sorted(earned + wins, key=lambda d: d[2]) if people[d[0]] is not None]
            month_of = _month_keys(zone)
            last_in_month: dict[tuple[int, str], datetime] = {}
            for user_id, _kind, at in checks:
                last_in_month[(user_id, month_of(at))] = at
            with_points = {(user_id, month_of(at)) for user_id, _kind, at in earned}
            for user_id, rule_kind, at in checks if every_day else await badges.checks_that_can_award(env, org_id, zone, checks):
                person = people[user_id]
                assert person is not None
                then = replace(env, clock=lambda at=at: at)
                done.badges += len(await badges.evaluate(then, person, at, rule_kind, pay=False))
                done.days_checked += 1
            for (user_id, month_key), at in last_in_month.items():
                if (user_id, month_key) not in with_points and all(t > 0 for t in thresholds):
                    continue  # no ledger entry that month: a total of 0 reaches no milestone
                month = window(PeriodKind.MONTH, zone, at)
                async with env.db() as session:
                    ((total, _entries),) = await ledger.user_totals(session, user_id, [ledger.Span(month.start, month.end)])
                then = replace(env, clock=lambda at=at: at)
                done.milestones += await celebrations.milestones_of_month(then, org_id, user_id, month_key, total, thresholds, at)
        done.contests = await contests.finalize_ended(env)
    await leaderboards.rebuild_all(env)
    return done
