"""What a client sees when something goes wrong: a code, never an exception's text, SQL or a traceback.

Unexpected exceptions answer INTERNAL with a request id that the log shares; text no database
stores cleanly and dates outside the app's calendar are refused, coded and naming the field,
before any service runs.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from podium.graphql.schema import LIVE_FIELDS, schema
from podium.visits import service as visits
from tests.conftest import Server
from tests.contests.test_contests import CREATE, contest_input
from tests.customers.test_add_customer import ADD, new_customer
from tests.support import BOARD, BOARD_SUBSCRIPTION, LOG_VISIT, GraphQLClient, World, visit_input

# What a driver's error carries: SQL, constraint names, somebody's figures.
SECRET = 'duplicate key value violates unique constraint "comp_statements_user_id_period_key" DETAIL: payable=1800.00'
BOARD_VARS = {"period": "MONTH", "scope": "ORG"}
VISITS_CHANGED = "subscription V($day: Date!, $nodeId: ID) { visitsChanged(day: $day, nodeId: $nodeId) { day } }"


def boom(*_: Any, **__: Any) -> Any:
    raise RuntimeError(SECRET)


async def fail_async(*_: Any, **__: Any) -> Any:
    raise RuntimeError(SECRET)


def internal(error: dict[str, Any]) -> str:
    """The request id of an INTERNAL error, after checking that nothing of the exception got out."""
    assert error["extensions"]["code"] == "INTERNAL", error
    assert SECRET not in json.dumps(error) and "RuntimeError" not in json.dumps(error)
    request_id = error["extensions"]["requestId"]
    assert request_id and request_id in error["message"]
    return request_id


def logged(caplog: pytest.LogCaptureFixture, request_id: str) -> None:
    """The operator finds the id in the log, with the exception and its traceback."""
    record = next(r for r in caplog.records if request_id in r.getMessage())
    assert record.exc_info and SECRET in str(record.exc_info[1])


async def test_a_bug_in_a_query_or_mutation_is_internal_with_a_request_id_in_the_log(
    rep: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(schema._schema.type_map["Leaderboard"].fields["entries"], "resolve", boom)
    monkeypatch.setattr(visits, "check_in", fail_async)

    query = await rep.execute(BOARD, BOARD_VARS)
    mutation = await rep.execute(LOG_VISIT, {"input": visit_input(world)})

    logged(caplog, internal(query["errors"][0]))
    assert mutation["data"] is None
    logged(caplog, internal(mutation["errors"][0]))


async def test_a_bug_behind_a_subscription_is_internal_too(
    server: Server, rep: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async with rep.subscriber(server.ws_url) as socket:
        # A live field's execution, shared by every subscriber of the board.
        monkeypatch.setattr(schema._schema.type_map["Leaderboard"].fields["entries"], "resolve", boom)
        await socket.subscribe("board", BOARD_SUBSCRIPTION, BOARD_VARS)
        frame = await socket.next()
        assert frame["type"] == "next", frame
        logged(caplog, internal(frame["payload"]["errors"][0]))

        # A live field that cannot even start.
        monkeypatch.setitem(LIVE_FIELDS, "leaderboardChanged", fail_async)
        await socket.subscribe("start", BOARD_SUBSCRIPTION, BOARD_VARS)
        frame = await socket.next()
        assert (frame["id"], frame["type"]) == ("start", "error"), frame
        logged(caplog, internal(frame["payload"][0]))

        # A query sent over the socket.
        await socket.subscribe("query", BOARD, BOARD_VARS)
        frame = await socket.next()
        assert frame["id"] == "query", frame
        logged(caplog, internal(frame["payload"]["errors"][0]))


async def test_domain_errors_keep_their_code_and_message(rep: GraphQLClient) -> None:
    result = await rep.execute("{ visitsOn(day: \"2026-01-05\", nodeId: \"nowhere\") { id } }")
    (error,) = result["errors"]
    assert error["extensions"] == {"code": "INVALID", "field": "nodeId"}
    assert error["message"] == "该值无效。"


async def post_escaped(client: GraphQLClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """As a browser's JSON.stringify sends it: a lone surrogate is valid JSON as an escape (\\ud800), never as UTF-8."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    response = await client.http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("bad", ["a\x00b", "\ud800", "bell\x07", "esc\x1b[31m", "c1\x85"])
async def test_text_no_database_stores_is_refused_naming_the_field(rep: GraphQLClient, world: World, bad: str) -> None:
    note = (await post_escaped(rep, LOG_VISIT, {"input": visit_input(world, note=f"Met the buyer {bad}")}))["data"]["checkIn"]
    customer = (await post_escaped(rep, ADD, {"input": new_customer(world, name=f"Xuhui {bad}")}))["data"]["addCustomer"]
    inline = await post_escaped(rep, "{ customers(search: %s) { id } }" % json.dumps(bad))
    variable = await post_escaped(rep, "query C($s: String) { customers(search: $s) { id } }", {"s": bad})

    assert note["__typename"] == "OperationError", note
    assert [(e["field"], e["code"]) for e in note["errors"]] == [("note", "INVALID_TEXT")]
    assert [(e["field"], e["code"]) for e in customer["errors"]] == [("name", "INVALID_TEXT")]
    assert variable["errors"][0]["extensions"] == {"code": "INVALID_TEXT", "field": "search"}, variable
    if bad == "\ud800":  # in a document GraphQL's lexer refuses it first, as a syntax error
        assert inline["errors"][0]["message"].startswith("Syntax Error"), inline
    else:
        assert inline["errors"][0]["extensions"] == {"code": "INVALID_TEXT", "field": "search"}, inline
    assert (await rep.data("{ myVisits { id } }"))["myVisits"] == []


async def test_text_with_line_breaks_and_tabs_is_fine(rep: GraphQLClient, world: World) -> None:
    note = (await rep.data(LOG_VISIT, {"input": visit_input(world, note="Met the buyer\r\n\tnext: 报价 😀")}))["checkIn"]
    assert note["__typename"] == "CheckInSuccess", note
    assert note["visit"]["note"] == "Met the buyer\r\n\tnext: 报价 😀"


async def test_bad_text_in_a_subscription_is_refused(server: Server, rep: GraphQLClient) -> None:
    async with rep.subscriber(server.ws_url) as socket:
        await socket.subscribe("v", VISITS_CHANGED, {"day": "2026-01-05", "nodeId": "team:\x00"})
        frame = await socket.next()
    assert (frame["type"], frame["payload"][0]["extensions"]) == ("error", {"code": "INVALID_TEXT", "field": "nodeId"})


OUT_OF_RANGE_QUERIES = [
    ("{ calendarDays(year: 0) { day } }", {}, "year"),
    ("{ calendarDays(year: 99999) { day } }", {}, "year"),
    ('{ visitsOn(day: "9999-12-31") { id } }', {}, "day"),
    ("query V($day: Date!) { visitsOn(day: $day) { id } }", {"day": "0001-01-01"}, "day"),
    ('{ statements(period: "9999-12") { payable } }', {}, "period"),
    ('{ myEarnings(period: "0000-01") { payable } }', {}, "period"),
    ('{ disputes(period: "9999-12") { id } }', {}, "period"),
    ('{ attainment(period: "9999-12") { target } }', {}, "period"),
    ('{ attainment(period: "FY3000", grain: YEAR) { target } }', {}, "period"),
    ('{ attainment(period: "9999-W52", grain: WEEK) { target } }', {}, "period"),
]


async def test_dates_and_periods_out_of_range_are_coded_errors(server: Server, world: World, caplog: pytest.LogCaptureFixture) -> None:
    async with GraphQLClient(server.url) as admin:
        await admin.login(world.admin.email)
        for query, variables, field in OUT_OF_RANGE_QUERIES:
            result = await admin.execute(query, variables)
            assert result["errors"][0]["extensions"] == {"code": "OUT_OF_RANGE", "field": field}, (query, result)
        contest = (await admin.data(CREATE, {"input": contest_input(endsOn="9999-12-31")}))["createContest"]
    assert [(e["field"], e["code"]) for e in contest["errors"]] == [("endsOn", "OUT_OF_RANGE")]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a caller's mistake logs no traceback"


async def test_a_day_out_of_range_in_a_subscription_is_coded(server: Server, rep: GraphQLClient) -> None:
    async with rep.subscriber(server.ws_url) as socket:
        await socket.subscribe("v", VISITS_CHANGED, {"day": "9999-12-31"})
        frame = await socket.next()
    assert (frame["type"], frame["payload"][0]["extensions"]) == ("error", {"code": "OUT_OF_RANGE", "field": "day"})
