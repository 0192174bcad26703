"""What a manager's and an admin's home show: read from each capability through its service, never its tables.

A manager's home is their team today: this month's revenue attainment and pace, the reps below
pace, visits to review, deals stalling, approvals waiting and recent celebrations. An admin's home
is a setup checklist read from real data until every step is done, then the same overview for the
whole org. Deals stall by the org's own p90 stay per stage (pipeline/team.py says how).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from podium.celebrations import service as celebrations
from podium.celebrations.service import CelebrationView
from podium.compensation import approvals
from podium.compensation import service as compensation
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.policies import Role, Viewer
from podium.customers import service as customers
from podium.displays import service as displays
from podium.orgs import service as orgs
from podium.orgs import tree as org_tree
from podium.pipeline import ledger as deals
from podium.pipeline import team as team_pipeline
from podium.pipeline.team import Stalling
from podium.points import service as points
from podium.rewards import service as rewards
from podium.targets import service as targets
from podium.targets.service import Attainment, Pace
from podium.visits import service as visits
from podium.visits.service import VisitView

SHOWN = 5  # items of each list on a home; the count says how many there are


@dataclass(frozen=True)
class TeamToday:
    attainment: Attainment  # this month's revenue for my node (team or org), with pace
    reps: int  # reps in reach
    behind: list[Attainment]  # reps below pace, furthest behind first
    visits_to_review: int
    review: list[VisitView]
    stalling: int
    stalled: list[Stalling]
    redemptions: int  # reward redemptions waiting for my decision
    statements: approvals.Awaiting | None
    celebrations: list[CelebrationView]


class Step(StrEnum):
    COMPANY = "company"
    ORG_TREE = "org_tree"
    PEOPLE = "people"
    PRODUCTS = "products"
    CUSTOMERS = "customers"
    STAGES = "stages"
    PLANS = "plans"
    POINT_RULES = "point_rules"
    TV = "tv"


@dataclass(frozen=True)
class SetupItem:
    step: Step
    done: bool
    count: int  # what the step found (teams, people, products …); 1/0 for yes/no steps


@dataclass(frozen=True)
class AdminHome:
    checklist: list[SetupItem]
    overview: TeamToday

    @property
    def setup_done(self) -> bool:
        return all(item.done for item in self.checklist)


async def team_today(env: Env, viewer: Viewer) -> TeamToday:
    """A manager's team (an admin's org) today."""
    if not viewer.is_manager_or_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    top, people = await targets.people_pace(env, viewer)
    behind = sorted((p for p in people if p.pace is Pace.BEHIND), key=lambda a: (a.actual / a.expected if a.expected else 0, a.label))
    stalling, stalled = await team_pipeline.stalling(env, viewer, SHOWN)
    async with env.db() as session:
        _, reach = await org_tree.reach(session, viewer)
    recent = [c for c in await celebrations.recent(env, viewer, 20) if reach.sees_user(c.user.id)][:SHOWN]
    return TeamToday(
        attainment=top,
        reps=len(people),
        behind=behind,
        visits_to_review=await visits.review_count(env, viewer),
        review=await visits.to_review(env, viewer, SHOWN),
        stalling=stalling,
        stalled=stalled,
        redemptions=await rewards.to_decide_count(env, viewer),
        statements=await approvals.awaiting(env, viewer),
        celebrations=recent,
    )


async def checklist(env: Env, viewer: Viewer) -> list[SetupItem]:
    """Each setup step, done or not, from the org's own data."""
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    async with env.db() as session:
        org = await orgs.org_by_id(session, viewer.org_id)
        teams = len(await orgs.team_ids(session, viewer.org_id))
        people = await orgs.public_users(session, viewer.org_id)
        pipeline = await deals.setup_counts(session, viewer.org_id)
        customer_count = await customers.count_in_org(session, viewer.org_id)
        rules = await points.saved_rule_count(session, viewer.org_id)
    plans = len(await compensation.plans(env, viewer))
    tvs = len(await displays.list_displays(env, viewer))
    reps = sum(1 for p in people.values() if p.role is Role.REP)
    company = bool(org and org.name.strip() and org.time_zone and org.currency)
    return [
        SetupItem(Step.COMPANY, company, int(company)),
        SetupItem(Step.ORG_TREE, teams > 0, teams),
        # Someone to lead and someone to sell: besides the admin, at least one rep.
        SetupItem(Step.PEOPLE, reps > 0 and len(people) > 1, len(people)),
        SetupItem(Step.PRODUCTS, pipeline.products > 0, pipeline.products),
        SetupItem(Step.CUSTOMERS, customer_count > 0, customer_count),
        # The defaults are a fine start: stages count as done once an admin shaped them or deals go through them.
        SetupItem(Step.STAGES, pipeline.stages_own or pipeline.deals > 0, int(pipeline.stages_own or pipeline.deals > 0)),
        SetupItem(Step.PLANS, plans > 0, plans),
        # Likewise the default point rules, once an admin has saved one of them.
        SetupItem(Step.POINT_RULES, rules > 0, rules),
        SetupItem(Step.TV, tvs > 0, tvs),
    ]


async def admin_home(env: Env, viewer: Viewer) -> AdminHome:
    return AdminHome(await checklist(env, viewer), await team_today(env, viewer))
