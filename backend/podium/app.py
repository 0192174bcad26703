"""create_app(): the one place where everything is wired."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.di import Provide
from redis.asyncio import Redis

from podium.analytics import customers_rollup as analytics_customers
from podium.analytics.customers_http import export_behaviour, export_churn, export_contribution
from podium.audit import service as audit
from podium.core.env import Env
from podium.core.memory import tune_for_serving
from podium.customer_pages import service as customer_pages
from podium.badges import service as badges
from podium.celebrations import service as celebrations
from podium.celebrations.events import Celebrated
from podium.core.events import DomainEvent, Publisher
from podium.core import outbox as outbox_rows
from podium.core.outbox import Handler, Outbox, SubscriberTable, publish_live
from podium.customers import service as customers
from podium.customers.events import CustomersMerged, CustomersReassigned
from podium.orgs.events import PersonDeactivated
from podium.pipeline import handovers
from podium.pipeline.events import ActivityLogged, DealChanged, DealsReassigned, DealWon, OrderRecorded, PaymentRecorded, StagesChanged
from podium.points.events import PointsEntered
from podium.push import service as push
from podium.rewards.events import RedemptionDecided
from podium.robots import service as robots
from podium.webhooks import catalog as webhook_catalog
from podium.webhooks import service as webhooks
from podium.webhooks.sender import WebhookWorker
from podium.visits.events import VisitChanged, VisitReviewed, VisitVerified
from podium.orgs.events import UnitsMerged
from podium.targets import units as target_units
from podium.core.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from podium.db.migrate import require_migrated
from podium.db.session import create_engine, create_sessionmaker
from podium.graphql.http import GraphQLController, caller
from podium.graphql.schema import schema
from podium.leaderboards import service as leaderboards
from podium.core.boards import BoardStore, MemoryBoardStore, RedisBoardStore
from podium.realtime.bus import Bus
from podium.realtime.hub import Hub
from podium.settings import Settings, get_settings, require_secret_key
from podium.compensation.http import export_period
from podium.audit.http import export_audit
from podium.customers.http import export_customers
from podium.pipeline.http import export_team_deals
from podium.analytics.deals_http import export_breakdown, export_sources, export_stalled
from podium.orgs.people_export import export_people
from podium.visits.export_http import export_visits
from podium.points.http import export_points
from podium.displays.http import claim_pairing, start_pairing
from podium.push.http import celebration_card
from podium.push.service import PushWorker
from podium.robots.service import RobotWorker
from podium.contests import service as contests
from podium.visits import service as visits
from podium.visits.http import read_photo, read_thumb, upload_photo
from podium.orgs.http import get_photo, put_photo
from podium.imports.http import download_report, upload_file
from podium.imports import engine as import_engine
from podium.imports import phases as import_phases
from podium.analytics import deals as analytics_deals
from podium.analytics import deals_nodes as analytics_nodes
from podium.orgs.events import PersonChanged, UnitDeleted, UnitMoved
from podium.web import healthz, pwa

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    env: Env
    bus: Bus
    hub: Hub
    redis: Redis | None
    outbox: Outbox


def subscribers() -> SubscriberTable:
    """What happens when: each domain event's handlers, in the order they run (core/outbox.py runs them).

    Every live event is then published to the live views of every instance (publish_live: last, unless
    placed earlier, and always after the boards it may re-read have moved). Each handler is idempotent: a crash or an outage
    runs it again from the events table.
    """
    table: dict[type[DomainEvent], list[Handler]] = {
        # Live screens hear of the points as soon as the boards have moved; celebrations and badges follow.
        PointsEntered: [leaderboards.on_points_entered, publish_live, celebrations.on_points_entered, badges.on_points_entered],
        DealWon: [leaderboards.on_deal_won, celebrations.on_deal_won],
        Celebrated: [push.on_celebrated, robots.on_celebrated],
        VisitReviewed: [push.on_visit_reviewed],
        RedemptionDecided: [push.on_redemption_decided],
        # Their customers and open deals go to the successor; then the live views re-read (they leave the boards).
        PersonDeactivated: [customers.on_person_deactivated, handovers.on_person_deactivated],
        # The merged unit's targets become the survivor's, and its board counts what was credited to the merged one,
        # before live screens re-read attainment and boards.
        UnitsMerged: [target_units.on_units_merged, leaderboards.on_units_merged],
        # Customers' list figures, kept on their rows by customer_pages (above visits and the pipeline); live screens re-read after.
        VisitVerified: [customer_pages.on_visit_verified],
        DealChanged: [customer_pages.on_deal_changed, analytics_deals.on_deal_changed],
        OrderRecorded: [customer_pages.on_order_recorded],
        CustomersMerged: [customer_pages.on_customers_merged],
        # A customer changing hands takes along the open deals its former owner held on it.
        CustomersReassigned: [handovers.on_customers_reassigned],
        # The cockpit's pipeline rollups (analytics/deals.py), before live screens re-read them. An import's commit and
        # undo rebuild the org's rollups with the rest of its derived state (imports/phases.py rebuild_org), not here.
        PaymentRecorded: [analytics_deals.on_payment],
        DealsReassigned: [analytics_deals.on_deals_reassigned],
        # Reordered stages change which moves count as advancing: the org's stays are recomputed.
        StagesChanged: [analytics_deals.on_org_changed],
    }
    # Analytics' rollups (customer and product months, churn signals, people's days): re-derived from the ledgers, so
    # idempotent; before the live publish so screens re-read moved figures.
    for event_type, handler in (
        (DealChanged, analytics_customers.on_deal_changed), (OrderRecorded, analytics_customers.on_money),
        (PaymentRecorded, analytics_customers.on_money), (VisitVerified, analytics_customers.on_person_event),
        (VisitChanged, analytics_customers.on_person_event), (VisitReviewed, analytics_customers.on_person_event),
        (ActivityLogged, analytics_customers.on_person_event), (CustomersMerged, analytics_customers.on_customers_merged),
    ):
        table.setdefault(event_type, []).append(handler)
    # The cockpit's node rows (analytics/deals_nodes.py) follow people and units to where they sit in the tree now,
    # before live screens re-read them.
    for event_type, handler in (
        (PersonChanged, analytics_nodes.on_person_changed), (PersonDeactivated, analytics_nodes.on_tree_changed),
        (UnitMoved, analytics_nodes.on_tree_changed), (UnitsMerged, analytics_nodes.on_tree_changed),
        (UnitDeleted, analytics_nodes.on_tree_changed),
    ):
        table.setdefault(event_type, []).append(handler)
    # Outbound webhooks: each event other systems may subscribe to queues its message, after the org's own consequences.
    for event_type in webhook_catalog.SOURCES:
        table.setdefault(event_type, []).append(webhooks.on_event)
    # The audit log keeps its entry of every audit-worthy change (audit/catalog.py names them).
    for event_type in DomainEvent.registry.values():
        if audit.audits(event_type.name):
            table.setdefault(event_type, []).append(audit.on_event)
    for event_type in DomainEvent.registry.values():
        if event_type.live and publish_live not in table.setdefault(event_type, []):
            table[event_type].append(publish_live)
    return dict(table)


class _BusPublisher:
    """Publishes through the bus; a dropped Redis must not fail the write that already committed."""

    def __init__(self) -> None:
        self.bus: Bus | None = None

    async def publish(self, channel: str, message: str) -> None:
        assert self.bus is not None
        await self.bus.publish(channel, message)


def build_runtime(settings: Settings) -> Runtime:
    engine = create_engine(settings.database)
    redis = Redis.from_url(settings.redis.url) if settings.redis.url else None
    boards: BoardStore = RedisBoardStore(redis, settings.redis.prefix) if redis else MemoryBoardStore()
    limiter: RateLimiter = RedisRateLimiter(redis, settings.redis.prefix) if redis else MemoryRateLimiter()
    publisher = _BusPublisher()
    env = Env(settings=settings, db=create_sessionmaker(engine), publisher=publisher, boards=boards, limiter=limiter)
    hub_ref: list[Hub] = []

    outbox_ref: list[Outbox] = []

    async def on_reconnect() -> None:
        # Updates may have been lost with the connection: rebuild boards from SQL, re-send every view,
        # and retry at once the handlers that failed while the bus was away.
        await leaderboards.rebuild_all(env)
        hub_ref[0].resnapshot_all()
        await outbox_ref[0].retry_soon()

    bus = Bus(
        settings.redis.url or "memory://",
        prefix=settings.redis.prefix,
        dispatch=lambda channel, message: hub_ref[0].dispatch(channel, message),
        on_reconnect=on_reconnect,
    )
    publisher.bus = bus
    hub = Hub(schema._schema, frame_interval=settings.realtime.frame_interval, clock=env.clock, watch=bus.watch, unwatch=bus.unwatch)
    hub_ref.append(hub)
    outbox = Outbox(
        env, subscribers(), head_start_seconds=settings.events.head_start_seconds, poll_seconds=settings.events.poll_seconds, lease_seconds=settings.events.lease_seconds,
        max_attempts=settings.events.max_attempts, backoff_seconds=settings.events.backoff_seconds,
    )
    outbox_ref.append(outbox)
    return Runtime(settings, env, bus, hub, redis, outbox)


async def _prune_events(env: Env) -> int:
    return await outbox_rows.prune(env, timedelta(days=env.settings.events.keep_days))


async def _sweep(env: Env, every: float) -> None:
    """Housekeeping every instance may run (each step is idempotent): visits left open past their day are
    closed, last month's top three get their champions' badge, ended contests get their winners, handled events past
    their keep are deleted (audit entries past theirs: two years at least), boards that drifted from the ledgers are repaired."""
    while True:
        steps = (
            (visits.close_left_open, "closing visits left open"),
            (badges.award_month_champions, "awarding month champions"),
            (contests.finalize_ended, "finishing ended contests"),
            (_prune_events, "deleting handled events past their keep"),
            (audit.prune, "deleting audit entries past their keep"),
            (leaderboards.repair_drift, "repairing boards that drifted from the ledgers"),
            (import_phases.resume_lapsed, "resuming imports whose instance stopped"),
        )
        for step, name in steps:
            try:
                done = await step(env)
                if done:
                    log.info("%s: %d", name, done)
            except Exception:  # a failed step is retried at the next sweep
                log.exception("%s failed", name)
        await asyncio.sleep(every)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    require_secret_key(settings)
    runtime = build_runtime(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine = runtime.env.db.kw["bind"]
        await require_migrated(engine, settings.database.resolved_url)
        await runtime.bus.start()
        sweeper = asyncio.create_task(_sweep(runtime.env, settings.visits.close_sweep_seconds))
        # Every instance handles whatever events a crash or an outage left behind.
        dispatcher = asyncio.create_task(runtime.outbox.run())
        # Web Push (when VAPID keys are set): every instance sends due pushes from the shared job table.
        push_worker = PushWorker.from_env(runtime.env)
        pusher = asyncio.create_task(push_worker.run()) if push_worker else None
        # Group robots (WeCom, DingTalk, Slack): every instance posts due messages from the shared job table.
        poster = asyncio.create_task(RobotWorker(runtime.env).run())
        # Outbound webhooks: every instance delivers due messages from the shared job table.
        webhook_sender = asyncio.create_task(WebhookWorker(runtime.env).run())
        if settings.realtime.gc_tuning:
            tune_for_serving()  # last: what start-up made is what it freezes
        try:
            yield
        finally:
            for task in (sweeper, dispatcher):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await runtime.outbox.flush()
            await import_engine.stop_all(runtime.env)
            for worker in (poster, webhook_sender):
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            if pusher is not None:
                pusher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pusher
            await runtime.hub.close()
            await runtime.bus.stop()
            if runtime.redis is not None:
                await runtime.redis.aclose()
            await engine.dispose()

    app = Litestar(
        route_handlers=[GraphQLController, export_period, export_audit, export_customers, export_team_deals, export_people, export_visits, export_points, celebration_card, upload_photo, put_photo, get_photo, read_photo, read_thumb, start_pairing, claim_pairing, healthz, pwa, upload_file, download_report, export_contribution, export_churn, export_behaviour, export_breakdown, export_stalled, export_sources],
        lifespan=[lifespan],
        # Who is asking, for the plain HTTP routes that serve a paired TV as well as a person (orgs/http.py).
        dependencies={"caller": Provide(caller)},
        # HTTP responses only (POST /graphql included): Litestar's compression never wraps WebSocket scopes.
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        openapi_config=None,
        debug=False,
    )
    app.state.runtime = runtime
    return app
