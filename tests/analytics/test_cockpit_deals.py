"""The cockpit's pipeline figures against a small history computed by hand, its access rules, live results and exports.

One server and one org per stack serve the module. The history is written through the pipeline's own services with
the clock set to each moment (the org is in Asia/Shanghai; every moment is 12:00 local), so the rollups are kept by
the same handlers as in production. Stages: first contact (FC), needs assessment (NA), proposal (P), negotiation (N).

  D1 Rita  WEB       1,000.00  created 04-01, NA 04-03, P 04-08, won 04-10; paid 600 on 04-12, 100 refunded 04-20
  D2 Rita  REFERRAL  3,000.00  created 04-02, NA 04-05, back to FC 04-06, lost 04-16
  D3 Rob   WEB       2,000.00  created 04-05, won 04-25, reversed 05-03
  D4 Bea   EVENT       500.00  created 03-20, P 04-04, still open (team B)
  D5 Rita  WEB         700.00  created 2025-04-10, won 2025-04-15 (last year)
"""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import pytest_asyncio

from sqlalchemy import delete, update

from podium.analytics import funnel, results, sources, velocity
from podium.analytics.deals_models import DealFacts, ResultSums, StageStay
from podium.core.events import transaction
from podium.analytics.funnel import FunnelBasis
from podium.core.env import Env
from podium.core.policies import Viewer
from podium.pipeline import service as pipeline
from podium.pipeline.events import DealChanged
from podium.targets.service import Node, NodeKind
from tests.conftest import Server, served_world
from tests.pipeline.test_deals import move, open_deal, stage_ids
from tests.support import GraphQLClient, World

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOON = 4  # 12:00 in Shanghai


def at(day: str, hour: int = NOON) -> datetime:
    y, m, d = (int(p) for p in day.split("-"))
    return datetime(y, m, d, hour, tzinfo=UTC)


@dataclass
class Org:
    server: Server
    world: World
    env: Env
    admin: Viewer
    stages: dict[str, int]
    deals: dict[str, int]
    clients: dict[str, GraphQLClient]


class History:
    def __init__(self, env: Env, admin: Viewer, world: World) -> None:
        self.env, self.admin, self.world = env, admin, world

    def when(self, moment: datetime) -> Env:
        return dataclasses.replace(self.env, clock=lambda: moment)

    async def create(self, moment: datetime, owner: int, source: str, amount: str) -> tuple[int, int]:
        data = pipeline.DealInput(
            client_id=str(uuid.uuid4()), customer_id=self.world.customer_id, title=f"Deal {amount}", lead_source=source,
            expected_close=date(2026, 12, 31), amount=Decimal(amount), owner_id=owner,
        )
        made = await pipeline.create_deal(self.when(moment), self.admin, data)
        return made.view.deal.id, made.view.deal.version

    async def move(self, moment: datetime, deal: tuple[int, int], stage: int, reason: str = "") -> tuple[int, int]:
        moved = await pipeline.move_deal(self.when(moment), self.admin, pipeline.Move(deal[0], deal[1], stage, reason=reason))
        return moved.view.deal.id, moved.view.deal.version

    async def reverse(self, moment: datetime, deal: tuple[int, int]) -> tuple[int, int]:
        done = await pipeline.reverse_deal(self.when(moment), self.admin, pipeline.Reversal(deal[0], deal[1], "Cancelled"))
        return done.view.deal.id, done.view.deal.version

    async def pay(self, moment: datetime, deal_id: int, amount: str) -> int:
        env = self.when(moment)
        order, _ = await pipeline.record_order(env, self.admin, pipeline.OrderInput(str(uuid.uuid4()), deal_id, f"PO-{uuid.uuid4().hex[:6]}", Decimal(amount), moment))
        paid, _ = await pipeline.record_payment(env, self.admin, pipeline.PaymentInput(str(uuid.uuid4()), order.order.id, Decimal(amount), moment))
        return max(p.id for p in paid.payments)

    async def refund(self, moment: datetime, payment_id: int, amount: str) -> None:
        await pipeline.refund_payment(self.when(moment), self.admin, pipeline.RefundInput(str(uuid.uuid4()), payment_id, Decimal(amount), moment, "Returned goods"))


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Org]:
    async with served_world(request, tmp_path_factory, "cockpit") as served:
        server, world, env, admin, clients = served.server, served.world, served.env, served.admin, served.clients
        stages = {k: int(v) for k, v in (await stage_ids(clients["admin"])).items()}
        fc, na, p, won, lost = (stages[k] for k in ("first_contact", "needs_assessment", "proposal", "won", "lost"))
        h = History(env, admin, world)
        d5 = await h.create(at("2025-04-10"), world.rep.id, "web", "700.00")
        await h.move(at("2025-04-15"), d5, won, "Signed")
        d4 = await h.create(at("2026-03-20"), world.rep3.id, "event", "500.00")
        d1 = await h.create(at("2026-04-01"), world.rep.id, "web", "1000.00")
        d2 = await h.create(at("2026-04-02"), world.rep.id, "referral", "3000.00")
        d1 = await h.move(at("2026-04-03"), d1, na)
        d4 = await h.move(at("2026-04-04"), d4, p)
        d2 = await h.move(at("2026-04-05"), d2, na)
        d3 = await h.create(at("2026-04-05"), world.rep2.id, "web", "2000.00")
        d2 = await h.move(at("2026-04-06"), d2, fc)
        d1 = await h.move(at("2026-04-08"), d1, p)
        d1 = await h.move(at("2026-04-10"), d1, won, "Signed")
        paid = await h.pay(at("2026-04-12"), d1[0], "600.00")
        d2 = await h.move(at("2026-04-16"), d2, lost, "Price")
        await h.refund(at("2026-04-20"), paid, "100.00")
        d3 = await h.move(at("2026-04-25"), d3, won, "Signed")
        d3 = await h.reverse(at("2026-05-03"), d3)
        deals = {"d1": d1[0], "d2": d2[0], "d3": d3[0], "d4": d4[0], "d5": d5[0]}
        yield Org(server, world, env, admin, stages, deals, clients)


AFTER = at("2026-05-10")  # the figures are read after the history, with April and March complete


def later(o: Org) -> Env:
    return dataclasses.replace(o.env, clock=lambda: AFTER)


def team_a(o: Org) -> Node:
    return Node(NodeKind.TEAM, o.world.team_a)


async def test_results_for_a_month_with_the_month_before_and_last_year(org: Org) -> None:
    found = await results.comparison(later(org), org.admin, None, "2026-04")
    april, march, last_year = found.current, found.previous, found.last_year

    assert (found.period.key, found.previous_period.key, found.last_year_period.key) == ("2026-04", "2026-03", "2025-04")
    assert (april.created, april.won, april.lost) == (3, 2, 1)
    assert april.win_rate == pytest.approx(2 / 3) and april.win_rate_amount == pytest.approx(0.5)  # 3,000 won of 6,000 closed
    assert april.revenue == Decimal("3000.00") and april.average_order_value == Decimal("1500.00")
    assert april.gross_margin == Decimal("0")  # no product lines
    assert april.collections == Decimal("500.00") and april.collection_rate == pytest.approx(500 / 3000)
    # Won and not collected by April's end: 700 (last year) + 3,000 − 500 = 3,200, over 3,000 of revenue, × 30 days.
    assert april.dso_days == pytest.approx(32.0)
    assert april.cycle_days_p50 == 7.0  # 9 and 20 days: the lower one, in its bin [7, 10)
    assert april.target is None and april.pace is None
    assert (march.created, march.won, march.revenue) == (1, 0, Decimal("0"))
    assert (last_year.created, last_year.won, last_year.revenue, last_year.cycle_days_p50) == (1, 1, Decimal("700.00"), 5.0)


async def test_a_reversal_subtracts_in_its_own_period_and_quarters_add_months(org: Org) -> None:
    may = (await results.comparison(later(org), org.admin, None, "2026-05")).current
    quarter = (await results.comparison(later(org), org.admin, None, "FY2026-Q2")).current
    week = (await results.comparison(later(org), org.admin, None, "2026-W15")).current  # 6–12 April

    assert (may.won, may.revenue, may.average_order_value) == (0, Decimal("-2000.00"), None)
    assert (quarter.created, quarter.won, quarter.lost, quarter.revenue) == (3, 2, 1, Decimal("1000.00"))
    assert (week.created, week.won, week.revenue, week.collections) == (0, 1, Decimal("1000.00"), Decimal("600.00"))


async def test_a_team_and_a_rep_count_their_owners_deals_and_the_target_gives_the_pace(org: Org) -> None:
    from podium.targets import service as targets

    request = targets.SplitRequest(team_a(org), "2026-04", targets.Metric.REVENUE, Decimal("6000"), targets.Basis.EQUAL)
    await targets.set_target(org.env, org.admin, request)
    team = (await results.comparison(later(org), org.admin, team_a(org), "2026-04")).current
    rita = (await results.comparison(later(org), org.admin, Node(NodeKind.USER, org.world.rep.id), "2026-04")).current
    rows = (await results.breakdown(later(org), org.admin, None, "2026-04")).rows

    assert (team.created, team.won, team.revenue, team.target, team.pace) == (3, 2, Decimal("3000.00"), Decimal("6000.00"), 0.5)
    assert (rita.created, rita.won, rita.lost, rita.revenue, rita.collections) == (2, 1, 1, Decimal("1000.00"), Decimal("500.00"))
    assert rita.win_rate == 0.5 and rita.win_rate_amount == 0.25 and rita.target == Decimal("3000.00")
    assert [(n.kind, r.created, r.won, r.revenue) for n, r in rows] == [(NodeKind.TEAM, 3, 2, Decimal("3000.00")), (NodeKind.TEAM, 0, 0, Decimal("0"))]


async def test_the_funnel_as_flow_and_as_cohort(org: Org) -> None:
    flow = await funnel.funnel(later(org), org.admin, None, "2026-04", FunnelBasis.FLOW)
    cohort = await funnel.funnel(later(org), org.admin, None, "2026-04", FunnelBasis.COHORT)

    def steps(found: list[funnel.Step]) -> list[tuple[str, int, Decimal, int, int]]:
        return [(s.stage.key, s.entered, s.amount, s.advanced, s.drop_off) for s in found]

    # FC: D1, D2 twice, D3 (D2's second stay ended lost); NA: D1 (on to P), D2 (back); P: D1 (won), D4 (still there).
    assert steps(flow.steps) == [
        ("first_contact", 4, Decimal("9000.00"), 3, 1), ("needs_assessment", 2, Decimal("4000.00"), 1, 1),
        ("proposal", 2, Decimal("1500.00"), 1, 1), ("negotiation", 0, Decimal("0"), 0, 0),
    ]
    assert (flow.won, flow.lost) == (2, 1) and flow.steps[0].conversion == 0.75
    assert steps(flow.previous)[0] == ("first_contact", 1, Decimal("500.00"), 1, 0)  # D4 in March
    assert steps(flow.last_year)[0] == ("first_contact", 1, Decimal("700.00"), 1, 0)  # D5
    # Created in April: D1 and D3 won (through every stage), D2 lost after reaching NA.
    assert steps(cohort.steps) == [
        ("first_contact", 3, Decimal("6000.00"), 3, 0), ("needs_assessment", 3, Decimal("6000.00"), 2, 1),
        ("proposal", 2, Decimal("3000.00"), 2, 0), ("negotiation", 2, Decimal("3000.00"), 2, 0),
    ]
    assert (cohort.won, cohort.lost) == (2, 1)


async def test_velocity_and_stalled_deals(org: Org) -> None:
    found = await velocity.velocity(later(org), org.admin, None, "2026-04")
    page = await velocity.stalled(later(org), org.admin, None)
    early = await velocity.stalled(dataclasses.replace(org.env, clock=lambda: at("2026-04-30")), org.admin, None)
    team_b = await velocity.stalled(later(org), org.admin, Node(NodeKind.TEAM, org.world.team_a))

    by_key = {s.stage.key: s for s in found.stages}
    # FC stays ended in April: 2, 3, 10, 20 and 15 days → bins 2, 3, 10, 14, 14; NA: 5 and 1; P: 2.
    assert (by_key["first_contact"].stays, by_key["first_contact"].p50_days, by_key["first_contact"].p90_days) == (5, 10.0, 14.0)
    assert (by_key["needs_assessment"].stays, by_key["needs_assessment"].p50_days, by_key["needs_assessment"].p90_days) == (2, 1.0, 5.0)
    assert (by_key["proposal"].stays, by_key["proposal"].p50_days) == (1, 2.0)
    assert (by_key["negotiation"].stays, by_key["negotiation"].p50_days) == (0, None)
    assert (found.cycle_p50_days, found.cycle_p90_days) == (7.0, 14.0)
    # Too few stays for the org's own p90: the team pipeline's default limit (30 days). D4 has been in P since 04-04.
    assert found.stalled == 1 and by_key["proposal"].stalled == 1
    assert page.total == 1 and [(d.deal_id, d.stage.key, d.days_in_stage, d.limit_days, d.owner_name) for d in page.deals] == [
        (org.deals["d4"], "proposal", 36, 30, "Bea Rep")
    ]
    assert early.total == 0 and team_b.total == 0


async def test_sources(org: Org) -> None:
    found = {s.source.value: s for s in await sources.sources(later(org), org.admin, None, "2026-04")}

    web, referral, event = found["web"], found["referral"], found["event"]
    assert (web.deals, web.won, web.lost, web.win_rate, web.cycle_days_p50, web.average_order_value, web.revenue) == (
        2, 2, 0, 1.0, 7.0, Decimal("1500.00"), Decimal("3000.00")
    )
    assert (referral.deals, referral.won, referral.lost, referral.win_rate, referral.cycle_days_p50, referral.revenue) == (1, 0, 1, 0.0, None, Decimal("0"))
    assert (event.deals, event.win_rate, event.average_order_value) == (0, None, None)


async def test_the_rebuild_gives_the_same_rollups(org: Org) -> None:
    from tests.analytics.rollups import snapshot

    from podium.analytics import deals

    before = await snapshot(org.env, org.world.org_id)
    await deals.rebuild_org(org.env, org.world.org_id)
    assert await snapshot(org.env, org.world.org_id) == before
    # Drift (a sum off, a deal's facts and stays lost) is repaired by the rebuild.
    async with transaction(org.env.db) as tx:
        await tx.session.execute(update(ResultSums).where(ResultSums.org_id == org.world.org_id).values(created=ResultSums.created + 1))
        await tx.session.execute(delete(StageStay).where(StageStay.deal_id == org.deals["d2"]))
        await tx.session.execute(delete(DealFacts).where(DealFacts.deal_id == org.deals["d2"]))
    assert await snapshot(org.env, org.world.org_id) != before
    await deals.rebuild_org(org.env, org.world.org_id)
    assert await snapshot(org.env, org.world.org_id) == before
    # A handler run again (the outbox retries) changes nothing.
    await deals.on_deal_changed(org.env, DealChanged(org_id=org.world.org_id, id=org.deals["d1"], status="won", owner=org.world.rep.id, team=org.world.team_a))
    assert await snapshot(org.env, org.world.org_id) == before


# ---------------------------------------------------------------- GraphQL: the contract, access, live and exports

RESULTS = """
query R($node: NodeInput, $period: String) {
  analyticsResults(node: $node, period: $period) {
    period { key label } previousPeriod { key } lastYearPeriod { key }
    current { created won lost winRate revenue averageOrderValue collections dsoDays cycleDaysP50 target pace }
    previous { created } lastYear { revenue }
  }
}
"""
NODE = "query N($node: NodeInput) { analyticsNode(node: $node) { kind id label path { kind label } children { kind id label } } }"
EVERYTHING = """
query E($node: NodeInput, $period: String) {
  analyticsFunnel(node: $node, period: $period, basis: COHORT) { basis won lost steps { stage { key } entered amount advanced conversion dropOff } previous { entered } lastYear { entered } }
  analyticsVelocity(node: $node, period: $period) { stalled cycleP50Days cycleP90Days stages { stage { key } stays p50Days p90Days stalled } }
  analyticsStalled(node: $node, first: 5) { total deals { dealId title ownerId ownerName customerName stage { key } amount daysInStage limitDays } }
  analyticsSources(node: $node, period: $period) { source deals won lost winRate cycleDaysP50 averageOrderValue revenue }
  analyticsBreakdown(node: $node, period: $period) { node { kind id label } results { created won revenue } }
}
"""
LIVE = "subscription L($node: NodeInput, $period: String) { analyticsChanged(node: $node, period: $period) { current { won revenue } } }"


def node(kind: str, ident: int) -> dict[str, str]:
    return {"kind": kind, "id": str(ident)}


async def test_the_queries_answer_in_the_contracts_shape(org: Org) -> None:
    admin = org.clients["admin"]
    found = (await admin.data(RESULTS, {"period": "2026-04"}))["analyticsResults"]
    everything = await admin.data(EVERYTHING, {"period": "2026-04"})
    top = (await admin.data(NODE))["analyticsNode"]
    rita = (await admin.data(NODE, {"node": node("USER", org.world.rep.id)}))["analyticsNode"]

    assert found["period"] == {"key": "2026-04", "label": "2026年4月"} and found["previousPeriod"]["key"] == "2026-03"
    assert found["current"]["revenue"] == "3000.00" and found["current"]["won"] == 2 and found["lastYear"]["revenue"] == "700.00"
    assert everything["analyticsFunnel"]["basis"] == "COHORT" and everything["analyticsFunnel"]["steps"][0]["entered"] == 3
    assert everything["analyticsStalled"]["total"] >= 0 and len(everything["analyticsSources"]) == 7
    assert [r["node"]["label"] for r in everything["analyticsBreakdown"]] == ["Team A", "Team B"]
    assert top["kind"] == "ORG" and top["path"] == [] and [c["label"] for c in top["children"]] == ["Team A", "Team B"]
    assert [p["label"] for p in rita["path"]] == ["Acme", "Team A"] and rita["children"] == []


async def test_a_manager_sees_only_their_team_a_rep_only_themselves_another_org_nothing(org: Org) -> None:
    manager, rep, outsider = org.clients["manager"], org.clients["rep"], org.clients["outsider"]
    others = [node("TEAM", org.world.team_b), node("USER", org.world.rep3.id), node("ORG", org.world.org_id), node("TEAM", 999999)]
    refused = []
    for client, nodes in ((manager, others), (rep, [*others, node("TEAM", org.world.team_a), node("USER", org.world.rep2.id)]),
                          (outsider, [node("ORG", org.world.org_id), node("TEAM", org.world.team_a), node("USER", org.world.rep.id)])):
        for n in nodes:
            for query in (RESULTS, EVERYTHING, NODE):
                answer = await client.execute(query, {"node": n})
                refused.append(answer["errors"][0]["extensions"]["code"] if answer.get("errors") else answer)
    mine = (await manager.data(RESULTS, {"period": "2026-04"}))["analyticsResults"]["current"]
    own = (await rep.data(RESULTS, {"period": "2026-04"}))["analyticsResults"]["current"]
    rival = (await outsider.data(RESULTS, {"period": "2026-04"}))["analyticsResults"]["current"]
    bad = await manager.execute(RESULTS, {"period": "2026-13"})

    assert set(refused) == {"NOT_FOUND"}
    assert (mine["created"], mine["revenue"]) == (3, "3000.00")  # team A
    assert (own["created"], own["revenue"]) == (2, "1000.00")  # Rita
    assert (rival["created"], rival["revenue"]) == (0, "0")
    assert bad["errors"][0]["extensions"]["code"] == "INVALID"


async def test_the_results_move_live_after_a_win(org: Org) -> None:
    manager, rep = org.clients["manager"], org.clients["rep"]
    stages = await stage_ids(rep)
    deal = await open_deal(rep, org.world, amount="250.00")
    async with manager.subscriber(org.server.ws_url) as live:
        await live.subscribe("a", LIVE, {})
        first = await live.next_data("a")
        await move(rep, deal, stages["won"], reason="Signed")
        moved = await live.until("a", lambda d: d["analyticsChanged"]["current"]["won"] != first["analyticsChanged"]["current"]["won"], timeout=10)

    assert moved["analyticsChanged"]["current"]["won"] == first["analyticsChanged"]["current"]["won"] + 1
    assert Decimal(moved["analyticsChanged"]["current"]["revenue"]) == Decimal(first["analyticsChanged"]["current"]["revenue"]) + Decimal("250")


@pytest.mark.parametrize("table", ["breakdown", "stalled", "sources"])
async def test_the_tables_export_as_csv_and_xlsx(org: Org, table: str) -> None:
    admin = org.clients["admin"]
    params = {"format": "csv", "node": f"org:{org.world.org_id}", "period": "2026-04"}
    answer = await admin.http.get(f"/api/analytics/{table}/export", params=params)
    xlsx = await admin.http.get(f"/api/analytics/{table}/export", params={**params, "format": "xlsx"})
    refused = await org.clients["manager"].http.get(f"/api/analytics/{table}/export", params=params)

    assert answer.status_code == 200, answer.text
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(rows) >= 2
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert refused.status_code == 404


