"""The schema, composed from each capability's fragment."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from podium.analytics import graphql_customers as analytics_customers
from podium.customer_pages import graphql as customer_pages
from podium.badges import graphql as badges
from podium.celebrations import graphql as celebrations
from podium.compensation import graphql as compensation
from podium.contests import graphql as contests
from podium.core.i18n import DEFAULT_LOCALE
from podium.customers import graphql as customers
from podium.displays import graphql as displays
from podium.graphql import events
from podium.graphql.errors import present_errors
from podium.graphql.inputs import InputGuard
from podium.homes import graphql as homes
from podium.imports import graphql as imports
from podium.leaderboards import graphql as leaderboards
from podium.analytics import graphql_cockpit as cockpit
from podium.orgs import graphql as orgs
from podium.orgs import graphql_accounts as people_accounts
from podium.orgs import units_graphql as org_units
from podium.pipeline import graphql as pipeline
from podium.pipeline import products_graphql as products
from podium.pipeline import team_graphql as team_pipeline
from podium.points import graphql as points
from podium.push import graphql as push
from podium.realtime.hub import LiveSpec
from podium.rewards import graphql as rewards
from podium.robots import graphql as robots
from podium.webhooks import graphql as webhooks
from podium.targets import graphql as targets
from podium.tokens import graphql as tokens
from podium.audit import graphql as audit
from podium.visits import graphql as visits

MAX_DEPTH = 10
MAX_ALIASES = 20
MAX_TOKENS = 2_000
# Built once: limiter extensions made per request build new rule classes, and ValidationCache,
# keyed on the rules, then never hits. The WebSocket path (documents.py) uses the same rules.
LIMIT_RULES = (depth_rule(MAX_DEPTH, None), aliases_rule(MAX_ALIASES))

Query = merge_types("Query", (orgs.Query, people_accounts.Query, org_units.Query, products.Query, customers.Query, customer_pages.Query, visits.Query, points.Query, points.RulesQuery, badges.Query, leaderboards.Query, celebrations.Query, pipeline.Query, team_pipeline.Query, targets.Query, compensation.Query, contests.Query, rewards.Query, push.Query, displays.Query, robots.Query, events.Query, homes.Query, webhooks.Query, tokens.Query, audit.Query, imports.Query, cockpit.Query, analytics_customers.Query))
Mutation = merge_types("Mutation", (orgs.Mutation, people_accounts.Mutation, org_units.Mutation, products.Mutation, customers.Mutation, customers.ManageMutation, customer_pages.Mutation, visits.Mutation, points.Mutation, badges.Mutation, pipeline.Mutation, team_pipeline.Mutation, targets.Mutation, compensation.Mutation, contests.Mutation, rewards.Mutation, push.Mutation, displays.Mutation, robots.Mutation, events.Mutation, webhooks.Mutation, tokens.Mutation, imports.Mutation))
Subscription = merge_types("Subscription", (leaderboards.Subscription, celebrations.Subscription, targets.Subscription, compensation.Subscription, contests.Subscription, visits.Subscription, imports.Subscription, cockpit.Subscription))

# Subscription fields served by the shared live views (one execution per group of subscribers).
LIVE_FIELDS: dict[str, Callable[[Any, dict[str, Any]], Awaitable[LiveSpec]]] = {
    "leaderboardChanged": leaderboards.board_live,
    "celebrations": celebrations.celebrations_live,
    "attainmentChanged": targets.attainment_live,
    "earningsChanged": compensation.earnings_live,
    "visitsChanged": visits.visits_live,
    "contestStandingsChanged": contests.contest_live,
    "importProgress": imports.import_progress_live,
    "analyticsChanged": cockpit.analytics_live,
}


class PodiumSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        context = execution_context.context if execution_context else None
        # Domain errors are the caller's mistake (no stack trace); unexpected ones are logged there with their id.
        ordinary = present_errors(errors, getattr(context, "locale", DEFAULT_LOCALE))
        super().process_errors(ordinary, execution_context)


def _guard_inputs(*roots: type) -> None:
    for root in roots:
        for field in root.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            if not any(isinstance(e, InputGuard) for e in field.extensions):
                field.extensions.append(InputGuard())


def build_schema() -> PodiumSchema:
    # Subscriptions are checked by realtime/ws.py, which serves them all.
    _guard_inputs(Query, Mutation)
    return PodiumSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            # Factories: each schema gets caches of its own (see shared/PITFALLS.md).
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: AddValidationRules(list(LIMIT_RULES)),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            displays.DisplayScope,  # a paired TV runs only what it was paired for
            tokens.TokenScope,  # an API token runs only the root fields its scopes open
        ],
    )


schema = build_schema()
