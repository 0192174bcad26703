"""The customers side of the cockpit against a small company computed by hand: contribution (Pareto, ABC) by
customer, product, line and region; RFM; churn risk with reasons; saturation; behaviour; the deals behind a
figure; reach (a manager of team A never reads team B, another org nothing, a rep their own); exports.

Team A (rep Rita) owns C1, C2, C3; team B (rep Bea) owns C4. November 2026, Asia/Shanghai:
  C1 won 600 (P1 2 × 300, cost 100), C2 won 300 (P2 3 × 100, cost 50), C3 won 100 (no lines), C4 won 1000 (P1 1 × 1000).
  C1 also 500 won then reversed (never counts); October: C1 won 200; November 2025: C2 won 50.
One server and one org per stack serve the module; rows are written straight to the ledgers, then rebuilt.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from podium.core.events import transaction
from podium.core.policies import Role
from podium.customers.models import Customer
from podium.customers.names import name_key
from podium.orgs import service as orgs
from podium.orgs.models import Team
from podium.pipeline.models import Activity, Deal, DealLine, Order, Product
from podium.pipeline.service import ensure_stages
from podium.rebuild import rebuild
from podium.visits.models import Visit
from tests.conftest import Server, open_stack, start_server, stop_server
from tests.support import PASSWORD, GraphQLClient, World, make_world

pytestmark = pytest.mark.asyncio(loop_scope="module")


def at(day: str, hour: int = 4) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@dataclass
class Org:
    server: Server
    world: World
    c: dict[str, int]
    products: dict[str, int]
    admin: GraphQLClient
    manager: GraphQLClient
    rep: GraphQLClient
    rival_admin: GraphQLClient


async def seed(env: Any, w: World) -> tuple[dict[str, int], dict[str, int]]:
    async with transaction(env.db) as tx:
        s = tx.session
        await orgs.create_user(s, env, org_id=w.other_org_id, email="admin@rival.test", name="Rolf Rival", password=PASSWORD, role=Role.ADMIN)
        team_a = await s.get(Team, w.team_a)
        team_a.potential = Decimal("120000")
        stage = next(st for st in await ensure_stages(s, w.org_id) if st.outcome == "won")
        p1 = Product(org_id=w.org_id, sku="P1", name="Pump", line="L1", list_price=Decimal(300), unit_cost=Decimal(100))
        p2 = Product(org_id=w.org_id, sku="P2", name="Valve", line="L2", list_price=Decimal(100), unit_cost=Decimal(50))
        customers = {n: Customer(org_id=w.org_id, name=n, name_key=name_key(n), owner_id=o) for n, o in
                     (("C1", w.rep.id), ("C2", w.rep.id), ("C3", w.rep.id), ("C4", w.rep3.id))}
        s.add_all([p1, p2, *customers.values()])
        await s.flush()
        c = {n: x.id for n, x in customers.items()}

        def deal(name: str, amount: int, closed: datetime | None, *, status: str = "won", owner: int = w.rep.id, created: datetime | None = None,
                 margin: int | None = None) -> Deal:
            d = Deal(org_id=w.org_id, client_id=str(uuid.uuid4()), created_by=owner, owner_id=owner, customer_id=c[name], title=f"{name} {amount}",
                     amount=Decimal(amount), currency="CNY", margin=None if margin is None else Decimal(margin), lead_source="web",
                     expected_close=date(2026, 11, 30), stage_id=stage.id, status=status, probability=100, closed_at=closed,
                     stage_entered_at=closed or at("2026-11-01"), created_at=created or (closed or at("2026-11-01")) - timedelta(days=5),
                     updated_at=closed or at("2026-11-01"))
            s.add(d)
            return d

        d1 = deal("C1", 600, at("2026-11-10"), margin=400)
        d2 = deal("C2", 300, at("2026-11-20"), margin=150)
        deal("C3", 100, at("2026-11-28"), created=at("2026-11-26", 5))
        d4 = deal("C4", 1000, at("2026-11-15"), owner=w.rep3.id, margin=600)
        deal("C1", 500, at("2026-11-12"), status="reversed")
        deal("C1", 200, at("2026-10-05"))
        deal("C2", 50, at("2025-11-05"))
        await s.flush()
        s.add_all([
            DealLine(deal_id=d1.id, product_id=p1.id, position=1, quantity=Decimal(2), unit_price=Decimal(300), unit_cost=Decimal(100)),
            DealLine(deal_id=d2.id, product_id=p2.id, position=1, quantity=Decimal(3), unit_price=Decimal(100), unit_cost=Decimal(50)),
            DealLine(deal_id=d4.id, product_id=p1.id, position=1, quantity=Decimal(1), unit_price=Decimal(1000), unit_cost=Decimal(400)),
        ])
        # C1: order values falling (mean of the last three 400 against 1000 before); C2: its usual 30 days long past.
        for n, (deal_row, amount, when) in enumerate([(d1, 1000, "2026-08-01"), (d1, 500, "2026-09-01"), (d1, 400, "2026-10-01"), (d1, 300, "2026-11-01"),
                                                       (d2, 100, "2026-06-01"), (d2, 100, "2026-07-01")]):
            s.add(Order(org_id=w.org_id, deal_id=deal_row.id, client_id=f"o{n}", created_by=w.rep.id, number=f"O{n}", amount=Decimal(amount),
                        ordered_at=at(when), created_at=at(when)))

        def visit(name: str, when: datetime, status: str) -> Visit:
            return Visit(org_id=w.org_id, user_id=w.rep.id, customer_id=c[name], client_id=str(uuid.uuid4()), latitude=31.2, longitude=121.5,
                         accuracy_m=10, occurred_at=when, distance_m=5, within_geofence=True, status=status, created_at=when)

        s.add_all([visit("C2", at("2026-10-28", 2), "verified"), visit("C3", at("2026-11-26", 2), "verified"), visit("C1", at("2026-11-27", 2), "flagged")])
        for kind, day in (("call", "2026-11-03"), ("call", "2026-11-04"), ("demo", "2026-11-05")):
            s.add(Activity(org_id=w.org_id, user_id=w.rep.id, client_id=str(uuid.uuid4()), customer_id=c["C1"], kind=kind, outcome="positive",
                           occurred_at=at(day), created_at=at(day)))
    return c, {"P1": p1.id, "P2": p2.id}


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Org]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("analytics"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            server, uvicorn_server, task = await start_server(stack.settings)
            env = server.runtime.env
            world = await make_world(env)
            c, products = await seed(env, world)
            await rebuild(env, only_org=world.org_id)
            clients = []
            for email in (world.admin.email, world.manager.email, world.rep.email, "admin@rival.test"):
                client = GraphQLClient(server.url)
                await client.login(email)
                clients.append(client)
            try:
                yield Org(server, world, c, products, *clients)
            finally:
                for client in clients:
                    await client.__aexit__(None, None, None)
                await stop_server(uvicorn_server, task)


CONTRIBUTION = """
query C($by: ContributionBy!, $node: NodeInput, $period: String) {
  analyticsContribution(by: $by, node: $node, period: $period) {
    frame { node { key } period { key } previousPeriod { key } lastYearPeriod { key } }
    total previousTotal lastYearTotal itemCount paretoItemShare
    tiers { tier items revenue share }
    items { key id label rank revenue share cumulativeShare tier previous lastYear quantity }
    hasMore
  }
}
"""


def team(w: World, which: str = "a") -> dict[str, str]:
    return {"kind": "TEAM", "id": str(w.team_a if which == "a" else w.team_b)}


async def contribution(client: GraphQLClient, by: str, node: dict[str, str] | None = None, period: str = "2026-11") -> dict[str, Any]:
    return (await client.data(CONTRIBUTION, {"by": by, "node": node, "period": period}))["analyticsContribution"]


async def test_contribution_by_customer_ranks_tiers_and_compares(org: Org) -> None:
    w, c = org.world, org.c
    got = await contribution(org.manager, "CUSTOMER", team(w))
    assert got["frame"]["period"]["key"] == "2026-11" and got["frame"]["previousPeriod"]["key"] == "2026-10"
    assert got["frame"]["lastYearPeriod"]["key"] == "2025-11"
    assert (got["total"], got["previousTotal"], got["lastYearTotal"]) == ("1000.00", "200.00", "50.00")
    rows = [(i["key"], i["revenue"], i["share"], i["cumulativeShare"], i["tier"], i["previous"], i["lastYear"]) for i in got["items"]]
    assert rows == [
        (f"customer:{c['C1']}", "600.00", "0.6000", "0.6000", "A", "200.00", "0"),
        (f"customer:{c['C2']}", "300.00", "0.3000", "0.9000", "A", "0", "50.00"),
        (f"customer:{c['C3']}", "100.00", "0.1000", "1.0000", "B", "0", "0"),
    ]
    assert got["paretoItemShare"] == "0.6667" and got["itemCount"] == 3
    assert [(t["tier"], t["items"], t["revenue"]) for t in got["tiers"]] == [("A", 2, "900.00"), ("B", 1, "100.00"), ("C", 0, "0")]

    whole = await contribution(org.admin, "CUSTOMER")
    assert [(i["label"], i["tier"]) for i in whole["items"]] == [("C4", "A"), ("C1", "A"), ("C2", "B"), ("C3", "C")]
    assert whole["total"] == "2000.00" and whole["frame"]["node"]["key"] == f"org:{w.org_id}"


async def test_contribution_by_product_line_and_region(org: Org) -> None:
    w = org.world
    products = await contribution(org.admin, "PRODUCT")
    assert [(i["label"], i["revenue"], i["quantity"], i["tier"]) for i in products["items"]] == [("Pump", "1600.00", "3.000", "A"), ("Valve", "300.00", "3.000", "B")]
    assert products["items"][0]["id"] == str(org.products["P1"])
    lines = await contribution(org.admin, "PRODUCT_LINE")
    assert [(i["key"], i["id"], i["revenue"]) for i in lines["items"]] == [("line:L1", None, "1600.00"), ("line:L2", None, "300.00")]
    regions = await contribution(org.admin, "REGION")
    assert [(i["key"], i["revenue"], i["tier"]) for i in regions["items"]] == [(f"team:{w.team_a}", "1000.00", "A"), (f"team:{w.team_b}", "1000.00", "A")]
    # Team A's products: only its customers' lines.
    mine = await contribution(org.manager, "PRODUCT", team(w))
    assert [(i["label"], i["revenue"]) for i in mine["items"]] == [("Pump", "600.00"), ("Valve", "300.00")]


async def test_the_won_deals_behind_a_figure(org: Org) -> None:
    query = """query W($node: NodeInput, $product: ID, $line: String) { analyticsWonDeals(node: $node, period: "2026-11", productId: $product, productLine: $line) {
      total items { title amount customerName ownerName } hasMore } }"""
    got = (await org.manager.data(query, {"node": team(org.world)}))["analyticsWonDeals"]
    assert [(d["title"], d["amount"]) for d in got["items"]] == [("C1 600", "600.00"), ("C2 300", "300.00"), ("C3 100", "100.00")]
    got = (await org.admin.data(query, {"product": str(org.products["P1"])}))["analyticsWonDeals"]
    assert [d["title"] for d in got["items"]] == ["C4 1000", "C1 600"]
    got = (await org.admin.data(query, {"line": "L2"}))["analyticsWonDeals"]
    assert [d["title"] for d in got["items"]] == ["C2 300"]


CUSTOMERS = """query { analyticsCustomers(node: {kind: TEAM, id: "%s"}, period: "2026-11") {
  customers buying revenue previousBuying previousRevenue lastYearBuying lastYearRevenue
  scores { dimension score customers } items { name revenue deals recencyDays recency frequency monetary tier } } }"""


async def test_customer_value_and_rfm(org: Org) -> None:
    got = (await org.manager.data(CUSTOMERS % org.world.team_a))["analyticsCustomers"]
    assert (got["customers"], got["buying"], got["revenue"]) == (3, 3, "1000.00")
    assert (got["previousBuying"], got["previousRevenue"], got["lastYearBuying"], got["lastYearRevenue"]) == (1, "200.00", 1, "50.00")
    # Recency to the period's end (local 2026-12-01 00:00 = 11-30 16:00 UTC): 20, 10 and 2 days.
    assert [(i["name"], i["recencyDays"], i["recency"], i["frequency"], i["monetary"], i["tier"]) for i in got["items"]] == [
        ("C1", 20, 1, 1, 4, "A"), ("C2", 10, 2, 1, 2, "A"), ("C3", 2, 4, 1, 1, "B"),
    ]
    monetary = {s["score"]: s["customers"] for s in got["scores"] if s["dimension"] == "MONETARY"}
    assert monetary == {1: 1, 2: 1, 3: 0, 4: 1, 5: 0}


CHURN = """query { analyticsChurnRisk(node: {kind: TEAM, id: "%s"}) { noVisitDays total hasMore
  items { customerId name lifetimeRevenue reasons { code days usualDays recentAverage earlierAverage } } } }"""


async def test_churn_risk_lists_reasons_as_codes(org: Org) -> None:
    c = org.c
    got = (await org.manager.data(CHURN % org.world.team_a))["analyticsChurnRisk"]
    now = datetime.now(UTC)
    assert got["noVisitDays"] == 30 and got["total"] == 2
    (first, second) = got["items"]
    assert (first["customerId"], first["lifetimeRevenue"]) == (str(c["C1"]), "800.00")
    assert [(r["code"], r["recentAverage"], r["earlierAverage"], r["days"]) for r in first["reasons"]] == [
        ("FALLING_ORDER_VALUE", "400.00", "1000.00", None), ("NO_VISIT", None, None, None),
    ]
    assert second["customerId"] == str(c["C2"])
    assert [(r["code"], r["days"], r["usualDays"]) for r in second["reasons"]] == [
        ("OVERDUE", (now - at("2026-07-01")).days, 30), ("NO_VISIT", (now - at("2026-10-28", 2)).days, None),
    ]


async def test_saturation_against_each_units_potential(org: Org) -> None:
    query = """query { analyticsSaturation(period: "2026-11") { items { node { key name } customers buying revenue previous potential periodPotential penetration } } }"""
    items = (await org.admin.data(query))["analyticsSaturation"]["items"]
    w = org.world
    assert [(i["node"]["key"], i["customers"], i["buying"], i["revenue"], i["previous"], i["potential"], i["periodPotential"], i["penetration"]) for i in items] == [
        (f"team:{w.team_a}", 3, 3, "1000.00", "200.00", "120000.00", "10000.00", "0.1000"),
        (f"team:{w.team_b}", 1, 1, "1000.00", "0", None, None, None),
    ]


BEHAVIOUR = """query { analyticsBehaviour(node: {kind: TEAM, id: "%s"}, period: "2026-11") { workingDays
  total { figures { visits counted converted } verifiedShare conversion visitsPerWorkingDay }
  previous { visits counted }
  items { node { key } figures { visits counted flagged converted activities { kind count } activityTotal } verifiedShare conversion visitsPerWorkingDay } } }"""


async def test_behaviour_per_rep(org: Org) -> None:
    w = org.world
    got = (await org.manager.data(BEHAVIOUR % w.team_a))["analyticsBehaviour"]
    assert got["workingDays"] == 21
    rita, rob = got["items"]
    assert rita["node"]["key"] == f"user:{w.rep.id}" and rob["node"]["key"] == f"user:{w.rep2.id}"
    f = rita["figures"]
    assert (f["visits"], f["counted"], f["flagged"], f["converted"], f["activityTotal"]) == (2, 1, 1, 1, 3)
    assert f["activities"] == [{"kind": "call", "count": 2}, {"kind": "demo", "count": 1}]
    assert (rita["verifiedShare"], rita["conversion"], rita["visitsPerWorkingDay"]) == ("0.5000", "1.0000", "0.05")
    assert rob["figures"]["visits"] == 0 and rob["conversion"] is None
    assert got["total"]["figures"] == {"visits": 2, "counted": 1, "converted": 1} and got["total"]["visitsPerWorkingDay"] == "0.02"
    assert got["previous"] == {"visits": 1, "counted": 1}


async def test_reach_by_node_id(org: Org) -> None:
    w = org.world
    for client, node in ((org.manager, team(w, "b")), (org.manager, {"kind": "USER", "id": str(w.rep3.id)}), (org.rival_admin, team(w)),
                         (org.rep, team(w)), (org.rep, {"kind": "USER", "id": str(w.rep2.id)})):
        result = await client.execute(CONTRIBUTION, {"by": "CUSTOMER", "node": node, "period": "2026-11"})
        assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND", result
    assert (await contribution(org.rival_admin, "CUSTOMER"))["items"] == []
    mine = await contribution(org.rep, "CUSTOMER")
    assert mine["frame"]["node"]["key"] == f"user:{w.rep.id}" and mine["total"] == "1000.00"
    week = await org.admin.execute(CONTRIBUTION, {"by": "CUSTOMER", "period": "2026-W47"})
    assert week["errors"][0]["extensions"]["code"] == "INVALID"


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


async def test_exports_download(org: Org) -> None:
    w = org.world
    node = {"nodeKind": "team", "nodeId": str(w.team_a), "period": "2026-11"}
    header, *rows = csv_rows(await org.manager.http.get("/api/analytics/contribution/export", params={**node, "by": "CUSTOMER"}))
    assert [r[1] for r in rows] == ["C1", "C2", "C3"] and rows[0][header.index("ABC分级")] == "A"
    header, *rows = csv_rows(await org.manager.http.get("/api/analytics/churn/export", params=node))
    assert [r[0] for r in rows] == ["C1", "C2"] and "订单金额下降" in rows[0][header.index("风险原因")]
    header, *rows = csv_rows(await org.manager.http.get("/api/analytics/behaviour/export", params={**node, "format": "xlsx"} | {"format": "csv"}))
    assert [r[0] for r in rows] == ["Rita Rep", "Rob Rep"]
    xlsx = await org.manager.http.get("/api/analytics/behaviour/export", params={**node, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (await org.manager.http.get("/api/analytics/churn/export", params={"nodeKind": "team", "nodeId": str(w.team_b)})).status_code == 404


async def test_a_win_an_order_and_a_payment_through_the_api_move_the_rollups(org: Org) -> None:
    """The app's handlers are wired: the figures follow the API's writes without a rebuild (last: it adds this month)."""
    from sqlalchemy import select

    from podium.analytics.customers_models import CustomerMonth
    from tests.pipeline.test_deals import MOVE, ORDER, PAYMENT, open_deal, order_input, payment_input, stage_ids

    w = org.world
    stages = await stage_ids(org.rep)
    deal = await open_deal(org.rep, w, amount="700.00")
    won = (await org.rep.data(MOVE, {"input": {"id": deal["id"], "version": deal["version"], "stageId": stages["won"], "reason": "Signed"}}))["moveDeal"]
    assert won["deal"]["status"] == "WON"
    order = (await org.rep.data(ORDER, {"input": order_input(deal, "700.00")}))["recordOrder"]
    await org.rep.data(PAYMENT, {"input": payment_input(order["order"]["id"], "250.00")})
    env = org.server.runtime.env
    async with env.db() as s:
        rows = list(await s.scalars(select(CustomerMonth).where(CustomerMonth.customer_id == w.customer_id)))
    assert [(r.revenue, r.deals_won, r.orders, r.order_amount, r.collections) for r in rows] == [
        (Decimal("700.00"), 1, 1, Decimal("700.00"), Decimal("250.00")),
    ]
    mine = await contribution(org.admin, "CUSTOMER", period=rows[0].month.strftime("%Y-%m"))
    assert [(i["label"], i["revenue"]) for i in mine["items"]] == [("Near Co", "700.00")]
