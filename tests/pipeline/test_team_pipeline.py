"""The team pipeline as managers and admins use it: exactly their reach by any filter, filters, sorts and pages
checked against a small hand-made set of deals, the stage board, and bulk reassign with its bad input.

One server and one org per stack serve the module; the reassign tests write deals of their own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select, update

from podium.core.events import transaction
from podium.core.models import EventRow
from podium.core.policies import Role
from podium.orgs import service as orgs
from podium.orgs.models import Team
from podium.pipeline import team as team_pipeline
from podium.pipeline.models import Deal
from tests.conftest import Server, open_stack, start_server, stop_server
from tests.pipeline.test_deals import move, open_deal, stage_ids
from tests.support import PASSWORD, GraphQLClient, World, make_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROW = "id title customerName amount status daysInStage owner { id name } stage { key }"
DEALS = f"""
query T($filter: TeamDealsFilter, $sort: TeamDealSort, $descending: Boolean, $offset: Int, $first: Int) {{
  teamDeals(filter: $filter, sort: $sort, descending: $descending, offset: $offset, first: $first) {{
    total amount stages {{ stage {{ key }} count amount }} deals {{ {ROW} }}
  }}
}}
"""
BOARD = f"""
query B($filter: TeamDealsFilter, $perStage: Int) {{
  teamBoard(filter: $filter, perStage: $perStage) {{ stage {{ key }} count amount deals {{ {ROW} }} }}
}}
"""
OPTIONS = "{ teamPipelineOptions { owners { id name } teams { id name depth } stages { key } leadSources } }"
REASSIGN = """
mutation R($ids: [ID!]!, $owner: ID!) {
  reassignDeals(dealIds: $ids, ownerId: $owner) {
    __typename
    ... on ReassignDealsSuccess { moved unchanged }
    ... on OperationError { errors { field code message } }
  }
}
"""


def in_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def month_of(iso: str) -> str:
    return iso[:7]


@dataclass
class Org:
    server: Server
    world: World
    north: int  # a unit under Team A
    rep4: int  # sells in it
    admin: GraphQLClient
    manager: GraphQLClient
    rep: GraphQLClient
    outsider: GraphQLClient
    deals: dict[str, str]  # name → id
    foreign_deal: str


async def _deal(admin: GraphQLClient, world: World, name: str, owner: int, amount: str, source: str, close: int, customer: int) -> dict[str, Any]:
    return await open_deal(
        admin, world, title=name, ownerId=str(owner), amount=amount, leadSource=source, expectedClose=in_days(close), customerId=str(customer)
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Org]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("team"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            server, uvicorn_server, task = await start_server(dataclasses.replace(stack.settings))
            env = server.runtime.env
            world = await make_world(env)
            async with transaction(env.db) as tx:
                north = Team(org_id=world.org_id, name="Team A North", parent_id=world.team_a)
                tx.session.add(north)
                await tx.session.flush()
                rep4 = await orgs.create_user(
                    tx.session, env, org_id=world.org_id, email="rep4@acme.test", name="Nina North", password=PASSWORD, role=Role.REP,
                    team_id=north.id,
                )
                north_id, rep4_id = north.id, rep4.id
            clients = []
            for email in (world.admin.email, world.manager.email, world.rep.email, world.outsider.email):
                client = GraphQLClient(server.url)
                await client.login(email)
                clients.append(client)
            admin, manager, rep, outsider = clients
            near, far = world.customer_id, world.far_customer_id
            made = {
                "alpha": await _deal(admin, world, "Alpha forklifts", world.rep.id, "1000.00", "WEB", 40, near),
                "beta": await _deal(admin, world, "Beta cranes", world.rep.id, "5000.00", "REFERRAL", 75, far),
                "gamma": await _deal(admin, world, "Gamma pallets", world.rep2.id, "3000.00", "EVENT", 40, near),
                "delta": await _deal(admin, world, "Delta racks", rep4_id, "8000.00", "PARTNER", 110, far),
                "epsilon": await _deal(admin, world, "Epsilon belts", world.rep3.id, "2000.00", "WEB", 40, near),
                "zeta": await _deal(admin, world, "Zeta lifts", world.rep2.id, "4000.00", "WEB", 40, near),
                "eta": await _deal(admin, world, "Eta hoists", world.rep.id, "6000.00", "OUTBOUND", 40, near),
            }
            stages = await stage_ids(admin)
            for name in ("beta", "gamma"):
                assert (await move(admin, made[name], stages["proposal"]))["__typename"] == "DealSuccess"
            assert (await move(admin, made["zeta"], stages["won"], reason="Signed"))["__typename"] == "DealSuccess"
            assert (await move(admin, made["eta"], stages["lost"], reason="Price"))["__typename"] == "DealSuccess"
            async with transaction(env.db) as tx:  # Gamma has waited in its stage for 60 days
                moment = datetime.now(UTC) - timedelta(days=60)
                await tx.session.execute(update(Deal).where(Deal.id == int(made["gamma"]["id"])).values(stage_entered_at=moment))
            foreign = await open_deal(outsider, world, customerId=str(world.other_org_customer_id), title="Alpha rival")
            try:
                yield Org(server, world, north_id, rep4_id, admin, manager, rep, outsider, {k: str(v["id"]) for k, v in made.items()}, str(foreign["id"]))
            finally:
                for client in clients:
                    await client.__aexit__(None, None, None)
                await stop_server(uvicorn_server, task)


async def page(client: GraphQLClient, **variables: Any) -> dict[str, Any]:
    return (await client.data(DEALS, variables))["teamDeals"]


def titles(found: dict[str, Any]) -> list[str]:
    return [d["title"].split()[0] for d in found["deals"]]


async def error_of(client: GraphQLClient, query: str, variables: dict[str, Any]) -> tuple[str, str | None]:
    answer = await client.execute(query, variables)
    assert answer.get("data") is None or not any(answer["data"].values()), answer
    return answer["errors"][0]["extensions"]["code"], answer["errors"][0]["extensions"].get("field")


# ---------------------------------------------------------------- scope


async def test_a_manager_sees_exactly_their_subtree_and_an_admin_the_org(org: Org) -> None:
    mine = await page(org.manager, sort="AMOUNT", descending=True)
    everything = await page(org.admin, sort="AMOUNT", descending=True)

    assert titles(mine) == ["Delta", "Beta", "Gamma", "Alpha"]  # Team A and Team A North: never Team B's Epsilon
    assert (mine["total"], mine["amount"]) == (4, "17000.00")
    assert titles(everything) == ["Delta", "Beta", "Gamma", "Epsilon", "Alpha"]
    assert "Alpha rival" not in [d["title"] for d in everything["deals"]]  # another org's never


@pytest.mark.parametrize(
    "filter_",
    [
        {},
        {"statuses": ["OPEN", "WON", "LOST", "REVERSED"]},
        {"leadSources": ["WEB"], "statuses": ["OPEN", "WON"]},
        {"search": "epsilon"},
        {"search": "near co"},
        {"closeFrom": month_of(in_days(40)), "closeTo": month_of(in_days(40))},
        {"amountMin": "2000", "amountMax": "2000"},
    ],
)
async def test_no_filter_reaches_past_a_manager_s_subtree(org: Org, filter_: dict[str, Any]) -> None:
    mine = await page(org.manager, filter=filter_, first=200)
    board = (await org.manager.data(BOARD, {"filter": filter_, "perStage": 50}))["teamBoard"]

    owners = {d["owner"]["id"] for d in mine["deals"]} | {d["owner"]["id"] for c in board for d in c["deals"]}
    assert owners <= {str(org.world.rep.id), str(org.world.rep2.id), str(org.rep4), str(org.world.manager.id)}
    assert sum(c["count"] for c in board) == mine["total"]


async def test_a_filter_naming_someone_or_a_team_out_of_reach_is_not_found(org: Org) -> None:
    w = org.world
    assert await error_of(org.manager, DEALS, {"filter": {"ownerIds": [str(w.rep3.id)]}}) == ("NOT_FOUND", "filter.ownerIds.0")
    assert await error_of(org.manager, DEALS, {"filter": {"ownerIds": [str(w.outsider.id)]}}) == ("NOT_FOUND", "filter.ownerIds.0")
    assert await error_of(org.manager, DEALS, {"filter": {"teamId": str(w.team_b)}}) == ("NOT_FOUND", "filter.teamId")
    assert await error_of(org.admin, DEALS, {"filter": {"teamId": "999999"}}) == ("NOT_FOUND", "filter.teamId")
    assert await error_of(org.rep, DEALS, {}) == ("FORBIDDEN", None)
    assert await error_of(org.outsider, BOARD, {}) == ("FORBIDDEN", None)


async def test_the_filter_choices_are_the_viewer_s_reach(org: Org) -> None:
    options = (await org.manager.data(OPTIONS))["teamPipelineOptions"]

    assert [o["name"] for o in options["owners"]] == ["Max Manager", "Nina North", "Rita Rep", "Rob Rep"]
    assert [(t["name"], t["depth"]) for t in options["teams"]] == [("Team A", 0), ("Team A North", 1)]
    assert [s["key"] for s in options["stages"]][:2] == ["first_contact", "needs_assessment"]


# ---------------------------------------------------------------- filters, sorts, pages


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({"teamId": "NORTH"}, ["Delta"]),
        ({"ownerIds": ["REP"]}, ["Alpha", "Beta"]),
        ({"stageIds": ["PROPOSAL"]}, ["Beta", "Gamma"]),
        ({"leadSources": ["WEB"]}, ["Alpha"]),
        ({"leadSources": ["WEB"], "statuses": ["OPEN", "WON"]}, ["Alpha", "Zeta"]),
        ({"statuses": ["LOST"]}, ["Eta"]),
        ({"closeFrom": month_of(in_days(40)), "closeTo": month_of(in_days(40))}, ["Alpha", "Gamma"]),
        ({"closeFrom": month_of(in_days(75))}, ["Beta", "Delta"]),
        ({"amountMin": "2000", "amountMax": "5000"}, ["Beta", "Gamma"]),
        ({"search": "GAMMA"}, ["Gamma"]),
        ({"search": "far co"}, ["Beta", "Delta"]),
        ({"search": "100%_"}, []),
    ],
)
async def test_each_filter_finds_exactly_its_deals(org: Org, filter_: dict[str, Any], expected: list[str]) -> None:
    stages = await stage_ids(org.admin)
    names = {"NORTH": str(org.north), "REP": str(org.world.rep.id), "PROPOSAL": stages["proposal"]}
    resolved = {k: ([names.get(x, x) for x in v] if isinstance(v, list) else names.get(v, v)) for k, v in filter_.items()}

    found = await page(org.manager, filter=resolved, sort="AMOUNT")

    assert sorted(titles(found)) == expected
    assert found["total"] == len(expected)


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        ("AMOUNT", False, ["Alpha", "Gamma", "Beta", "Delta"]),
        ("EXPECTED_CLOSE", False, ["Alpha", "Gamma", "Beta", "Delta"]),
        ("STAGE", True, ["Gamma", "Beta", "Delta", "Alpha"]),
        ("OWNER", False, ["Delta", "Alpha", "Beta", "Gamma"]),
        ("DAYS_IN_STAGE", True, ["Gamma"]),
    ],
)
async def test_sorts(org: Org, sort: str, descending: bool, expected: list[str]) -> None:
    found = await page(org.manager, sort=sort, descending=descending)

    assert titles(found)[: len(expected)] == expected


async def test_pages_keep_the_totals_of_every_page_and_sum_amounts_per_stage(org: Org) -> None:
    first = await page(org.manager, sort="AMOUNT", descending=True, first=2)
    second = await page(org.manager, sort="AMOUNT", descending=True, first=2, offset=2)
    past = await page(org.manager, sort="AMOUNT", descending=True, first=2, offset=4)

    assert titles(first) + titles(second) == ["Delta", "Beta", "Gamma", "Alpha"] and titles(past) == []
    for found in (first, second, past):
        assert found["total"] == 4
        by_stage = {s["stage"]["key"]: (s["count"], s["amount"]) for s in found["stages"]}
        assert by_stage["first_contact"] == (2, "9000.00")
        assert by_stage["proposal"] == (2, "8000.00")
        assert by_stage["won"] == (0, "0.00")
    gamma = next(d for d in second["deals"] if d["title"].startswith("Gamma"))
    assert gamma["daysInStage"] == 60 and gamma["customerName"] == "Near Co"


async def test_the_board_has_every_stage_with_its_totals_and_first_deals(org: Org) -> None:
    board = (await org.manager.data(BOARD, {"perStage": 1}))["teamBoard"]

    columns = {c["stage"]["key"]: c for c in board}
    assert list(columns)[:4] == ["first_contact", "needs_assessment", "proposal", "negotiation"]
    assert (columns["first_contact"]["count"], columns["first_contact"]["amount"]) == (2, "9000.00")
    assert [d["title"] for d in columns["first_contact"]["deals"]] == ["Delta racks"]  # by amount, largest first
    assert [d["title"] for d in columns["proposal"]["deals"]] == ["Beta cranes"]


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"first": 0}, "first", "OUT_OF_RANGE"),
        ({"first": 201}, "first", "OUT_OF_RANGE"),
        ({"offset": -1}, "offset", "OUT_OF_RANGE"),
        ({"filter": {"search": "x" * 201}}, "filter.search", "TOO_LONG"),
        ({"filter": {"closeFrom": "2026-13"}}, "filter.closeFrom", "INVALID"),
        ({"filter": {"closeFrom": "2026-05", "closeTo": "2026-04"}}, "filter.closeTo", "INVALID"),
        ({"filter": {"amountMin": "-1"}}, "filter.amountMin", "OUT_OF_RANGE"),
        ({"filter": {"amountMin": "1.001"}}, "filter.amountMin", "TOO_PRECISE"),
        ({"filter": {"amountMin": "9", "amountMax": "1"}}, "filter.amountMax", "INVALID"),
        ({"filter": {"ownerIds": ["1"] * 101}}, "filter.ownerIds", "TOO_MANY"),
        ({"filter": {"stageIds": ["999999"]}}, "filter.stageIds.0", "NOT_FOUND"),
        ({"filter": {"ownerIds": ["abc"]}}, "filter.ownerIds.0", "NOT_FOUND"),
    ],
)
async def test_bad_filters_are_typed_errors(org: Org, variables: dict[str, Any], field: str, code: str) -> None:
    assert await error_of(org.manager, DEALS, variables) == (code, field)


# ---------------------------------------------------------------- reassigning


async def reassign(client: GraphQLClient, ids: list[str], owner: int | str) -> dict[str, Any]:
    return (await client.data(REASSIGN, {"ids": ids, "owner": str(owner)}))["reassignDeals"]


async def test_a_manager_reassigns_deals_in_one_step_once_and_it_is_recorded(org: Org) -> None:
    w = org.world
    one = await _deal(org.admin, w, "Theta one", w.rep.id, "10.00", "WEB", 30, w.customer_id)
    two = await _deal(org.admin, w, "Theta two", w.rep.id, "20.00", "WEB", 30, w.customer_id)
    ids = [str(one["id"]), str(two["id"])]

    done = await reassign(org.manager, ids, w.rep2.id)
    again = await reassign(org.manager, ids + ids, w.rep2.id)

    assert (done["moved"], done["unchanged"]) == (ids, [])
    assert (again["moved"], again["unchanged"]) == ([], ids)
    theirs = await page(org.manager, filter={"ownerIds": [str(w.rep2.id)], "search": "theta"})
    assert sorted(titles(theirs)) == ["Theta", "Theta"]
    async with org.server.runtime.env.db() as session:
        events = list(await session.scalars(select(EventRow.payload).where(EventRow.name == "deals_reassigned")))
    recorded = [e for e in events if str(one["id"]) in e]
    assert len(recorded) == 1 and f'"owner":{w.rep2.id}' in recorded[0] and f'"previous":[{w.rep.id},{w.rep.id}]' in recorded[0]


async def test_bad_reassignments_change_nothing(org: Org) -> None:
    w, d = org.world, org.deals
    mine = [d["alpha"]]
    cases = [
        (org.manager, mine, w.rep3.id, "ownerId", "NOT_FOUND"),  # out of reach
        (org.manager, mine, w.outsider.id, "ownerId", "NOT_FOUND"),  # another org's person
        (org.manager, [d["alpha"], org.foreign_deal], w.rep2.id, "dealIds.1", "NOT_FOUND"),  # another org's deal
        (org.manager, [d["epsilon"]], w.rep2.id, "dealIds.0", "NOT_FOUND"),  # another team's deal
        (org.manager, [d["zeta"]], w.rep.id, "dealIds.0", "CLOSED"),  # won: its credit stays where it was earned
        (org.manager, ["abc"], w.rep2.id, "dealIds.0", "NOT_FOUND"),
        (org.manager, [], w.rep2.id, "dealIds", "REQUIRED"),
        (org.manager, [d["alpha"]] * 201, w.rep2.id, "dealIds", "TOO_MANY"),
        (org.rep, mine, w.rep2.id, "dealIds", "FORBIDDEN"),  # a rep gives nothing away
    ]
    for client, ids, owner, field, code in cases:
        result = await reassign(client, ids, owner)
        assert result["__typename"] == "OperationError", (ids, result)
        assert (result["errors"][0]["field"], result["errors"][0]["code"]) == (field, code), (ids, result)

    alpha = await page(org.admin, filter={"search": "alpha forklifts"})
    assert [x["owner"]["id"] for x in alpha["deals"]] == [str(w.rep.id)]


async def test_an_admin_reassigns_across_teams(org: Org) -> None:
    w = org.world
    deal = await _deal(org.admin, w, "Iota", w.rep3.id, "30.00", "WEB", 30, w.customer_id)

    done = await reassign(org.admin, [str(deal["id"])], org.rep4)

    assert done["moved"] == [str(deal["id"])]
    assert "Iota" in titles(await page(org.manager, filter={"teamId": str(org.north)}))



async def test_a_stage_s_long_stay_is_its_p90_once_there_are_enough_stays() -> None:
    assert team_pipeline.p90_days([1.0] * 19) is None  # too few: the default applies
    stays = [float(d) for d in range(1, 21)]  # 1 … 20 days
    assert team_pipeline.p90_days(stays) == 18
    assert team_pipeline.p90_days([0.2] * 30) == 1  # never less than a day
