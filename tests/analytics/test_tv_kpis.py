"""The office TV's KPI tiles against a small history computed by hand, who may read them, and a win pushing a new frame.

The history is written through the pipeline's services with the clock set to each moment; the tiles are read at NOW,
Wednesday 2026-04-15 12:00 in Shanghai (04:00 UTC). April in Shanghai runs from 03-31 16:00 UTC to 04-30 16:00 UTC
(30 days), so 14.5 days are gone: elapsed = 14.5 / 30. The ISO week runs Monday 04-13 to Sunday 04-19 (local).

  D1 Rita (team A) 1,000.00  won 04-10 12:00 local; 600.00 paid 04-12
  D2 Rob  (team A) 2,000.00  won 04-15 09:00 local (today)
  D3 Bea  (team B)   500.00  won 04-15 10:00 local (today)
  D4 Rita (team A)   300.00  won 04-15 00:30 local, i.e. 04-14 16:30 UTC: today in the org's zone, yesterday in UTC
  D5 Rob  (team A)   700.00  won 04-15 10:00 local, reversed 11:00: no revenue, not won today
  Team A's April revenue target: 6,000.00; the org has none.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import pytest_asyncio

from podium.analytics import tv
from podium.core.env import Env
from podium.core.errors import DomainError
from podium.core.i18n import Locale
from podium.core.policies import BoardGrant, Role, Viewer
from podium.orgs import service as orgs
from podium.pipeline import service as pipeline
from podium.targets import service as targets
from podium.targets.service import Node, NodeKind
from tests.conftest import Server, served_world
from tests.pipeline.test_deals import move, open_deal, stage_ids
from tests.support import GraphQLClient, Subscriber, World

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOW = datetime(2026, 4, 15, 4, tzinfo=UTC)
ELAPSED = 14.5 / 30

TILES = """
query K($teamId: ID) {
  tvKpis(teamId: $teamId) {
    scope team { id name } label currency periodKey elapsed revenue target attainment expected pace wonMonth collections
    wonToday wonTodayAmount wonWeek weekRevenue
  }
}
"""
LIVE = "subscription L($teamId: ID) { tvKpisChanged(teamId: $teamId) { label revenue wonToday wonTodayAmount } }"
PAIR = """
mutation Pair($input: PairDisplayInput!) {
  pairDisplay(input: $input) { __typename ... on OperationError { errors { field code } } }
}
"""


@dataclass
class Org:
    server: Server
    world: World
    env: Env
    admin: Viewer
    clients: dict[str, GraphQLClient]


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Org]:
    async with served_world(request, tmp_path_factory, "tvkpis") as served:
        server, world, env, admin, clients = served.server, served.world, served.env, served.admin, served.clients
        stages = {k: int(v) for k, v in (await stage_ids(clients["admin"])).items()}

        def when(moment: datetime) -> Env:
            return dataclasses.replace(env, clock=lambda: moment)

        async def won(owner: int, amount: str, created: str, closed: str) -> tuple[int, int]:
            data = pipeline.DealInput(
                client_id=str(uuid.uuid4()), customer_id=world.customer_id, title=f"Deal {amount}", lead_source="web",
                expected_close=date(2026, 12, 31), amount=Decimal(amount), owner_id=owner,
            )
            made = await pipeline.create_deal(when(at(created)), admin, data)
            moved = await pipeline.move_deal(when(at(closed)), admin, pipeline.Move(made.view.deal.id, made.view.deal.version, stages["won"], reason="Signed"))
            return moved.view.deal.id, moved.view.deal.version

        d1 = await won(world.rep.id, "1000.00", "2026-04-01T04:00", "2026-04-10T04:00")
        paid_at = at("2026-04-12T04:00")
        order, _ = await pipeline.record_order(when(paid_at), admin, pipeline.OrderInput(str(uuid.uuid4()), d1[0], "PO-1", Decimal("1000.00"), paid_at))
        await pipeline.record_payment(when(paid_at), admin, pipeline.PaymentInput(str(uuid.uuid4()), order.order.id, Decimal("600.00"), paid_at))
        await won(world.rep2.id, "2000.00", "2026-04-02T04:00", "2026-04-15T01:00")
        await won(world.rep3.id, "500.00", "2026-04-03T04:00", "2026-04-15T02:00")
        await won(world.rep.id, "300.00", "2026-04-05T04:00", "2026-04-14T16:30")
        d5 = await won(world.rep2.id, "700.00", "2026-04-06T04:00", "2026-04-15T02:00")
        await pipeline.reverse_deal(when(at("2026-04-15T03:00")), admin, pipeline.Reversal(d5[0], d5[1], "Cancelled"))
        split = targets.SplitRequest(Node(NodeKind.TEAM, world.team_a), "2026-04", targets.Metric.REVENUE, Decimal("6000"), targets.Basis.EQUAL)
        await targets.set_target(env, admin, split)
        yield Org(server, world, env, admin, clients)


def now(o: Org) -> Env:
    return dataclasses.replace(o.env, clock=lambda: NOW)


def display(org_id: int, *grants: BoardGrant) -> Viewer:
    return Viewer(user_id=0, org_id=org_id, team_id=None, role=Role.DISPLAY, locale=Locale.EN, name="Lobby", display_id=1, boards=frozenset(grants))


def team_board(team_id: int) -> BoardGrant:
    return BoardGrant("week", "team", team_id, "points")


ORG_BOARD = BoardGrant("today", "org", None, "points")


async def test_a_teams_tiles_by_hand(org: Org) -> None:
    found = await tv.tv_kpis(now(org), org.admin, org.world.team_a)

    assert (found.label, found.currency, found.month.key) == ("Team A", "CNY", "2026-04")
    assert found.elapsed == pytest.approx(ELAPSED)
    # D1 1,000 + D2 2,000 + D4 300 + D5 (700 won, 700 reversed) = 3,300; the target 6,000.
    assert (found.revenue, found.target) == (Decimal("3300.00"), Decimal("6000.00"))
    assert found.attainment == pytest.approx(0.55)
    assert found.pace == pytest.approx(0.55 / ELAPSED)  # 1.1379…: ahead of the straight line
    assert found.expected == Decimal("2900.00")  # 6,000 × 14.5 / 30
    assert found.won_month == 4 and found.collections == Decimal("600.00")
    # Today in Shanghai: D2 and D4 (won at 00:30 local, the day before in UTC); D5 was reversed.
    assert (found.won_today, found.won_today_amount) == (2, Decimal("2300.00"))
    # This week (from Monday 04-13): D2, D4 and D5 (won, then reversed the same week).
    assert (found.won_week, found.week_revenue) == (3, Decimal("2300.00"))


async def test_the_orgs_tiles_and_no_target(org: Org) -> None:
    found = await tv.tv_kpis(now(org), org.admin, None)
    team_b = await tv.tv_kpis(now(org), org.admin, org.world.team_b)

    assert found.label == "Acme" and found.revenue == Decimal("3800.00")  # team A's 3,300 and Bea's 500
    assert (found.target, found.attainment, found.pace, found.expected) == (None, None, None, None)
    assert (found.won_today, found.won_today_amount, found.collections) == (3, Decimal("2800.00"), Decimal("600.00"))
    assert (team_b.revenue, team_b.won_today, team_b.won_today_amount, team_b.target) == (Decimal("500.00"), 1, Decimal("500.00"), None)


async def test_a_display_reads_only_the_scopes_it_was_paired_for(org: Org) -> None:
    w = org.world
    team_a_tv = display(w.org_id, team_board(w.team_a))
    org_tv = display(w.org_id, ORG_BOARD)
    rival_tv = display(w.other_org_id, team_board(w.team_a), ORG_BOARD)

    mine = await tv.tv_kpis(now(org), team_a_tv, w.team_a)
    whole = await tv.tv_kpis(now(org), org_tv, None)
    refused = []
    for viewer, team in ((team_a_tv, w.team_b), (team_a_tv, None), (org_tv, w.team_a), (rival_tv, w.team_a)):
        with pytest.raises(DomainError) as caught:
            await tv.tv_kpis(now(org), viewer, team)
        refused.append(caught.value.problems[0].code.value)
    rival = await tv.tv_kpis(now(org), rival_tv, None)

    assert mine.revenue == Decimal("3300.00") and whole.revenue == Decimal("3800.00")
    assert refused == ["NOT_FOUND"] * 4  # a team it was not paired for, the org, another org's team
    assert (rival.label, rival.revenue, rival.won_today) == ("Rival", Decimal("0"), 0)  # its own org: nothing of Acme's


async def test_a_rep_reads_their_own_teams_tiles_and_the_orgs_not_another_teams(org: Org) -> None:
    w = org.world
    rita = await orgs.viewer_by_id(org.env, w.rep.id)  # team A
    bea = await orgs.viewer_by_id(org.env, w.rep3.id)  # team B
    assert rita is not None and bea is not None

    mine, whole, theirs = [await tv.tv_kpis(now(org), rep, team) for rep, team in ((rita, w.team_a), (rita, None), (bea, w.team_b))]
    refused = []
    for rep, team in ((rita, w.team_b), (bea, w.team_a)):
        with pytest.raises(DomainError) as caught:
            await tv.tv_kpis(now(org), rep, team)
        refused.append(caught.value.problems[0].code.value)

    # The same figures a manager or a TV reads: the whole team's (D1, D2, D4, D5), not only Rita's own deals.
    assert (mine.label, mine.revenue, mine.target, mine.won_today) == ("Team A", Decimal("3300.00"), Decimal("6000.00"), 2)
    assert (whole.label, whole.revenue) == ("Acme", Decimal("3800.00"))
    assert (theirs.label, theirs.revenue) == ("Team B", Decimal("500.00"))
    assert refused == ["NOT_FOUND", "NOT_FOUND"]  # another team's tiles, as for a manager out of reach


async def test_a_rep_over_graphql_and_live_sees_their_team_move(org: Org) -> None:
    w = org.world
    rep = org.clients["rep"]

    def code(answer: dict) -> str:  # type: ignore[type-arg]
        return answer["errors"][0]["extensions"]["code"]

    team = (await rep.data(TILES, {"teamId": str(w.team_a)}))["tvKpis"]
    company = (await rep.data(TILES))["tvKpis"]
    assert (team["scope"], team["label"], company["scope"], company["label"]) == ("TEAM", "Team A", "ORG", "Acme")
    assert code(await rep.execute(TILES, {"teamId": str(w.team_b)})) == "NOT_FOUND"

    async with rep.subscriber(org.server.ws_url) as live:
        await live.subscribe("b", LIVE, {"teamId": str(w.team_b)})
        while (refused := await live.next()).get("id") != "b":
            pass
        assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "NOT_FOUND"
        await live.subscribe("a", LIVE, {"teamId": str(w.team_a)})
        first = (await live.next_data("a"))["tvKpisChanged"]
        stages = await stage_ids(rep)
        deal = await open_deal(rep, w, amount="80.00")
        assert (await move(rep, deal, stages["won"], reason="Signed"))["__typename"] == "DealSuccess"
        moved = (await live.until("a", lambda d: d["tvKpisChanged"]["wonToday"] != first["wonToday"], timeout=10))["tvKpisChanged"]
    assert Decimal(moved["revenue"]) == Decimal(first["revenue"]) + Decimal("80")


async def test_over_graphql_managers_within_reach_displays_for_their_boards(org: Org) -> None:
    w = org.world
    manager, admin, rep, outsider = (org.clients[k] for k in ("manager", "admin", "rep", "outsider"))
    team = (await manager.data(TILES, {"teamId": str(w.team_a)}))["tvKpis"]
    company = (await admin.data(TILES))["tvKpis"]

    def code(answer: dict) -> str:  # type: ignore[type-arg]
        return answer["errors"][0]["extensions"]["code"]

    assert team["scope"] == "TEAM" and team["team"] == {"id": str(w.team_a), "name": "Team A"} and team["target"] is None  # read now: no target this month
    assert company["scope"] == "ORG" and company["team"] is None and company["target"] is None and company["pace"] is None
    assert code(await manager.execute(TILES, {"teamId": str(w.team_b)})) == "NOT_FOUND"
    assert (await manager.data(TILES))["tvKpis"]["label"] == "Acme"  # the org's tiles are public within it, as on its TVs
    assert code(await manager.execute(TILES, {"teamId": "nope"})) == "NOT_FOUND"
    assert (await outsider.data(TILES))["tvKpis"]["label"] == "Rival"  # their own org's, nothing of Acme's
    assert code(await outsider.execute(TILES, {"teamId": str(w.team_a)})) == "NOT_FOUND"

    async with GraphQLClient(org.server.url) as tv_client:
        started = (await tv_client.http.post("/api/displays/pairings")).json()
        board = {"period": "WEEK", "scope": "TEAM", "teamId": str(w.team_a)}
        paired = (await manager.data(PAIR, {"input": {"code": started["code"], "name": "Team A corner", "boards": [board]}}))["pairDisplay"]
        assert paired["__typename"] == "DisplaySuccess", paired
        assert (await tv_client.http.post("/api/displays/pairings/claim", json={"secret": started["secret"]})).json()["status"] == "paired"

        shown = (await tv_client.data(TILES, {"teamId": str(w.team_a)}))["tvKpis"]
        assert shown["label"] == "Team A"
        assert code(await tv_client.execute(TILES, {"teamId": str(w.team_b)})) == "FORBIDDEN"
        assert code(await tv_client.execute(TILES)) == "FORBIDDEN"

        # Live: a win in team A pushes a new frame to the TV; team B's subscription is refused.
        cookie = tv_client.http.cookies.get("podium_display")
        async with Subscriber(org.server.ws_url, {"Cookie": f"podium_display={cookie}"}) as live:
            await live.subscribe("b", LIVE, {"teamId": str(w.team_b)})
            while (refused := await live.next()).get("id") != "b":
                pass
            assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "FORBIDDEN"
            await live.subscribe("a", LIVE, {"teamId": str(w.team_a)})
            first = (await live.next_data("a"))["tvKpisChanged"]
            stages = await stage_ids(rep)
            deal = await open_deal(rep, w, amount="250.00")
            assert (await move(rep, deal, stages["won"], reason="Signed"))["__typename"] == "DealSuccess"
            moved = (await live.until("a", lambda d: d["tvKpisChanged"]["wonToday"] != first["wonToday"], timeout=10))["tvKpisChanged"]

    assert moved["wonToday"] == first["wonToday"] + 1
    assert Decimal(moved["wonTodayAmount"]) == Decimal(first["wonTodayAmount"]) + Decimal("250")
    assert Decimal(moved["revenue"]) == Decimal(first["revenue"]) + Decimal("250")
