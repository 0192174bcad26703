"""`podium rebuild`: derived state recomputed from the ledgers, after an import, a restore or a lost Redis.

Boards are dropped (each is rebuilt from SQL when next read). History earns what it earned: every
person's monthly milestones, and every badge, checked once per day of history with the clock set
to that day, so each is awarded once and dated when it was earned. Everything runs quietly: the
past is stored, never pushed, posted or celebrated live. Ended contests are finished. Customers' list
figures are recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from podium.analytics import deals as analytics_deals
from podium.analytics import customers_rollup as analytics_customers
from podium.customer_pages import service as accounts
from podium.badges import service as badges
from podium.celebrations import service as celebrations
from podium.contests import service as contests
from podium.core.env import Env
from podium.core.events import quietly
from podium.core.periods import PeriodKind, window
from podium.leaderboards import service as leaderboards
from podium.orgs import service as orgs
from podium.pipeline import ledger as deals
from podium.points import ledger
from podium.points import service as points



@dataclass
class Rebuilt:
    orgs: int = 0
    days_checked: int = 0
    milestones: int = 0
    badges: int = 0
    contests: int = 0
    customers: int = 0
    analytics_deals: int = 0


async def rebuild(env: Env, only_org: int | None = None) -> Rebuilt:
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
                days = [(d.user_id, d.rule_kind, d.occurred_at) for d in await ledger.last_of_each_day(session, org_id, zone)]
                # Won deals count for badges whether or not they earned points (history imported as deals).
                days += [(owner, points.DEAL_WON, at) for owner, at in await deals.last_win_of_each_day(session, org_id, zone)]
                thresholds = sorted({m for kind in points.KINDS for m in await points.milestones_for(session, org_id, kind)})
            last_in_month: dict[tuple[int, str], datetime] = {}
            for user_id, rule_kind, at in sorted(days, key=lambda d: d[2]):
                then = replace(env, clock=lambda at=at: at)
                person = await orgs.viewer_by_id(env, user_id)
                if person is None:
                    continue
                done.badges += len(await badges.evaluate(then, person, at, rule_kind))
                done.days_checked += 1
                last_in_month[(user_id, window(PeriodKind.MONTH, zone, at).key)] = at
            for (user_id, month_key), at in last_in_month.items():
                month = window(PeriodKind.MONTH, zone, at)
                async with env.db() as session:
                    ((total, _entries),) = await ledger.user_totals(session, user_id, [ledger.Span(month.start, month.end)])
                then = replace(env, clock=lambda at=at: at)
                done.milestones += await celebrations.milestones_of_month(then, org_id, user_id, month_key, total, thresholds, at)
        done.contests = await contests.finalize_ended(env)
    await leaderboards.rebuild_all(env)
    return done
