"""Approving a month's statements several at once: each is approved or refused on its own, races settle once."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tests.compensation.test_earnings import field_plan, put_on_plan, win
from tests.compensation.test_statements import RAISE, clock_at, last_month_moment, month_of
from tests.conftest import Server
from tests.pipeline.test_deals import login
from tests.support import GraphQLClient, World

APPROVE_MANY = """
mutation A($period: String!, $items: [StatementApprovalInput!]!) {
  approveStatements(period: $period, items: $items) {
    __typename
    ... on ApproveStatementsSuccess { approved approvals { userId statement { status payable } errors { field code message } } }
    ... on OperationError { errors { field code message } }
  }
}
"""


def items(*user_ids: int, expected: str | None = None) -> list[dict[str, Any]]:
    return [{"userId": str(u), **({"expectedPayable": expected} if expected else {})} for u in user_ids]


async def test_a_manager_approves_their_people_at_once_and_each_refusal_is_typed(server: Server, world: World, rep: GraphQLClient) -> None:
    moment = last_month_moment()
    last = month_of(moment)
    async with await login(server, world.admin.email) as admin:
        await put_on_plan(admin, [world.rep.id, world.rep2.id, world.rep3.id, world.manager.id], last, field_plan(last))
    with clock_at(server, moment):
        await win(rep, world, "60000.00")

    async with await login(server, world.manager.email) as manager:
        asked = items(world.rep.id, world.rep2.id, world.rep3.id, world.manager.id, world.outsider.id) + [{"userId": "abc"}]
        first = (await manager.data(APPROVE_MANY, {"period": last, "items": asked}))["approveStatements"]
        again = (await manager.data(APPROVE_MANY, {"period": last, "items": items(world.rep.id)}))["approveStatements"]

    outcome = {a["userId"]: (a["statement"]["status"] if a["statement"] else a["errors"][0]["code"]) for a in first["approvals"]}
    assert outcome == {
        str(world.rep.id): "APPROVED",
        str(world.rep2.id): "APPROVED",
        str(world.rep3.id): "NOT_FOUND",  # another team's: out of reach
        str(world.manager.id): "FORBIDDEN",  # nobody approves their own pay
        str(world.outsider.id): "NOT_FOUND",  # another org's
        "-1": "NOT_FOUND",
    }
    assert first["approved"] == 2
    assert [a["statement"]["payable"] for a in first["approvals"][:1]] == ["1800.00"]
    assert again["approvals"][0]["statement"]["status"] == "APPROVED"  # a repeat answers with the approved statement


async def test_a_disputed_or_moved_statement_is_refused_while_the_others_lock(server: Server, world: World, rep: GraphQLClient) -> None:
    moment = last_month_moment()
    last = month_of(moment)
    async with await login(server, world.admin.email) as admin:
        await put_on_plan(admin, [world.rep.id, world.rep2.id], last, field_plan(last))
        with clock_at(server, moment):
            await win(rep, world, "60000.00")
        statement = await rep.data("query S($p: String) { myEarnings(period: $p) { lines { key } } }", {"p": last})
        line = statement["myEarnings"]["lines"][0]["key"]
        raised = (await rep.data(RAISE, {"period": last, "line": line, "message": "Missing a deal", "client": str(uuid.uuid4())}))["raiseDispute"]
        assert raised["__typename"] == "DisputeSuccess", raised

        answer = (await admin.data(APPROVE_MANY, {"period": last, "items": items(world.rep.id) + items(world.rep2.id, expected="5.00")}))

    codes = [(a["errors"][0]["field"], a["errors"][0]["code"]) if a["errors"] else "ok" for a in answer["approveStatements"]["approvals"]]
    assert codes == [("period", "DISPUTED"), ("expectedPayable", "STALE")]


async def test_bad_bulk_approvals_change_nothing(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.manager.email) as manager:
        cases = [
            (manager, {"period": "2026-13", "items": items(world.rep.id)}, "period", "INVALID"),
            (manager, {"period": "2020-01", "items": []}, "items", "REQUIRED"),
            (manager, {"period": "2020-01", "items": items(*range(1, 102))}, "items", "TOO_MANY"),
            (rep, {"period": "2020-01", "items": items(world.rep2.id)}, None, "FORBIDDEN"),
        ]
        for client, variables, field, code in cases:
            result = (await client.data(APPROVE_MANY, variables))["approveStatements"]
            assert result["__typename"] == "OperationError", result
            assert (result["errors"][0]["field"], result["errors"][0]["code"]) == (field, code), result


async def test_bulk_approvals_racing_each_other_lock_each_month_once(server: Server, world: World, rep: GraphQLClient) -> None:
    moment = last_month_moment()
    last = month_of(moment)
    async with await login(server, world.admin.email) as admin:
        await put_on_plan(admin, [world.rep.id, world.rep2.id], last, field_plan(last))
    with clock_at(server, moment):
        await win(rep, world, "60000.00")

    async with await login(server, world.manager.email) as manager, await login(server, world.admin.email) as admin:
        variables = {"period": last, "items": items(world.rep.id, world.rep2.id)}
        answers = await asyncio.gather(*(c.execute(APPROVE_MANY, variables) for c in (manager, admin) * 4))
        listed = (await manager.data("query L($p: String!) { statements(period: $p) { userName status payable } }", {"p": last}))["statements"]

    for answer in answers:
        assert "errors" not in answer, answer
        assert [a["statement"]["status"] for a in answer["data"]["approveStatements"]["approvals"]] == ["APPROVED", "APPROVED"], answer
    assert sorted((s["userName"], s["status"]) for s in listed) == sorted([(world.rep.name, "APPROVED"), (world.rep2.name, "APPROVED")])
