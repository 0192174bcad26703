"""Statements the way managers and payroll use them: approval locks a month, corrections land in the next open one,
refunds claw back, splits share exactly, disputes block approval, exports, and who may see what."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
from python_calamine import CalamineWorkbook

from tests.compensation.test_earnings import ASSIGN, MY_EARNINGS, SAVE_PLAN, SIMULATE, STATEMENT_FIELDS, field_plan, put_on_plan, this_month, win
from tests.conftest import Server
from tests.pipeline.test_deals import ORDER, PAYMENT, login, move, open_deal, stage_ids
from tests.support import GraphQLClient, World

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATEMENT = f"query S($user: ID!, $period: String!) {{ statement(userId: $user, period: $period) {{ {STATEMENT_FIELDS} }} }}"
STATEMENTS = "query L($period: String!) { statements(period: $period) { userName status earned payable openDisputes } }"
APPROVE = """
mutation A($user: ID!, $period: String!, $expected: Decimal) {
  approveStatement(userId: $user, period: $period, expectedPayable: $expected) {
    __typename
    ... on StatementSuccess { statement { status payable approvedBy lines { kind amount } } }
    ... on OperationError { errors { field code message } }
  }
}
"""
REVERSE = """
mutation R($input: ReverseDealInput!) {
  reverseDeal(input: $input) {
    __typename
    ... on DealSuccess { deal { id status version } }
    ... on OperationError { errors { field code message } }
  }
}
"""
REFUND = """
mutation F($input: RefundPaymentInput!) {
  refundPayment(input: $input) {
    __typename
    ... on OrderSuccess { replayed order { id collected outstanding payments { id amount refundOfId } } }
    ... on OperationError { errors { field code message } }
  }
}
"""
RAISE = """
mutation D($period: String!, $line: String!, $message: String!, $client: String!) {
  raiseDispute(period: $period, lineKey: $line, message: $message, clientId: $client) {
    __typename
    ... on DisputeSuccess { dispute { id status lineKey messages { authorName body } } }
    ... on OperationError { errors { field code message } }
  }
}
"""
REPLY = """
mutation R($id: ID!, $message: String!, $client: String!) {
  replyDispute(disputeId: $id, message: $message, clientId: $client) {
    __typename
    ... on DisputeSuccess { dispute { id messages { authorName body } } }
    ... on OperationError { errors { field code } }
  }
}
"""
RESOLVE = """
mutation V($id: ID!, $status: DisputeStatus!, $resolution: String!) {
  resolveDispute(disputeId: $id, status: $status, resolution: $resolution) {
    __typename
    ... on DisputeSuccess { dispute { status resolution } }
    ... on OperationError { errors { field code } }
  }
}
"""
SPLITS = """
mutation S($deal: ID!, $splits: [SplitInput!]!) {
  setCreditSplits(dealId: $deal, splits: $splits) {
    __typename
    ... on SplitsSuccess { splits { userId userName percent } }
    ... on OperationError { errors { field code message } }
  }
}
"""


def last_month_moment() -> datetime:
    """The 10th of last month at noon in Shanghai, in UTC."""
    first = datetime.now(SHANGHAI).replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    return (first - timedelta(days=20)).replace(day=10).astimezone(UTC)


@contextmanager
def clock_at(server: Server, moment: datetime) -> Iterator[None]:
    """The server's clock set to a past moment: deals won, orders and payments are dated then."""
    env = server.runtime.env
    real = env.clock
    start = datetime.now(UTC)
    env.clock = lambda: moment + (datetime.now(UTC) - start)
    try:
        yield
    finally:
        env.clock = real


def month_of(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m")


async def collect(client: GraphQLClient, deal: dict[str, object], total: str, amount: str, at: datetime) -> str:
    """Order the deal in full (`total`) and collect `amount`; the payment's id."""
    order = {"clientId": str(uuid.uuid4()), "dealId": deal["id"], "number": "SO-1", "amount": total, "orderedAt": at.isoformat()}
    ordered = (await client.data(ORDER, {"input": order}))["recordOrder"]
    assert ordered["__typename"] == "OrderSuccess", ordered
    pay = {"clientId": str(uuid.uuid4()), "orderId": ordered["order"]["id"], "amount": amount, "collectedAt": at.isoformat()}
    paid = (await client.data(PAYMENT, {"input": pay}))["recordPayment"]
    assert paid["__typename"] == "OrderSuccess", paid
    found = await client.data("query D($id: ID!) { deal(id: $id) { orders { payments { id } } } }", {"id": deal["id"]})
    return found["deal"]["orders"][0]["payments"][-1]["id"]


async def test_an_approved_month_is_locked_and_a_later_reversal_lands_as_an_adjustment(server: Server, world: World, rep: GraphQLClient) -> None:
    moment = last_month_moment()
    last = month_of(moment)
    async with await login(server, world.admin.email) as admin:
        await put_on_plan(admin, [world.rep.id], last, field_plan(last))
    with clock_at(server, moment):
        deal = await win(rep, world, "60000.00")

    async with await login(server, world.manager.email) as manager:
        wrong = (await manager.data(APPROVE, {"user": str(world.rep.id), "period": last, "expected": "1.00"}))["approveStatement"]
        assert wrong["errors"][0]["code"] == "STALE"
        assert "1,800.00" in wrong["errors"][0]["message"]
        approved = (await manager.data(APPROVE, {"user": str(world.rep.id), "period": last, "expected": "1800.00"}))["approveStatement"]
        assert approved["statement"]["status"] == "APPROVED"
        assert approved["statement"]["approvedBy"] == world.manager.name
        again = (await manager.data(APPROVE, {"user": str(world.rep.id), "period": last}))["approveStatement"]
        assert again["statement"]["status"] == "APPROVED"
        current = (await manager.data(APPROVE, {"user": str(world.rep.id), "period": await this_month(manager)}))["approveStatement"]
        assert current["errors"][0]["code"] == "NOT_ENDED"

        reversed_ = (await manager.data(REVERSE, {"input": {"id": deal["id"], "version": deal["version"], "reason": "Contract cancelled"}}))["reverseDeal"]
        assert reversed_["__typename"] == "DealSuccess", reversed_
        assert reversed_["deal"]["status"] == "REVERSED"

    locked = (await rep.data(MY_EARNINGS, {"period": last}))["myEarnings"]
    assert (locked["status"], locked["earned"]) == ("APPROVED", "1800.00")
    now = (await rep.data(MY_EARNINGS))["myEarnings"]
    (adjustment,) = now["lines"]
    assert (adjustment["kind"], adjustment["amount"], adjustment["note"], adjustment["corrects"]) == ("ADJUSTMENT", "-1800.00", last, "COMMISSION")
    assert adjustment["dealId"] == deal["id"]
    assert now["payable"] == "-1800.00"


async def test_twenty_approvals_at_once_lock_the_month_once_and_all_answer_approved(server: Server, world: World, rep: GraphQLClient) -> None:
    moment = last_month_moment()
    last = month_of(moment)
    async with await login(server, world.admin.email) as admin:
        await put_on_plan(admin, [world.rep.id], last, field_plan(last))
    with clock_at(server, moment):
        await win(rep, world, "60000.00")

    async with await login(server, world.manager.email) as manager:
        # A double-tapped button, a retried request: the same approval many times at the same moment.
        answers = await asyncio.gather(*(manager.execute(APPROVE, {"user": str(world.rep.id), "period": last}) for _ in range(20)))
        listed = (await manager.data(STATEMENTS, {"period": last}))["statements"]

    for answer in answers:
        assert "errors" not in answer, answer
        assert answer["data"]["approveStatement"]["statement"]["status"] == "APPROVED", answer
        assert answer["data"]["approveStatement"]["statement"]["payable"] == "1800.00"
    assert [(s["status"], s["payable"]) for s in listed if s["userName"] == world.rep.name] == [("APPROVED", "1800.00")]


async def test_open_disputes_hold_approval_until_a_manager_resolves_them(server: Server, world: World, rep: GraphQLClient) -> None:
    moment = last_month_moment()
    last = month_of(moment)
    async with await login(server, world.admin.email) as admin:
        await put_on_plan(admin, [world.rep.id], last, field_plan(last))
    with clock_at(server, moment):
        await win(rep, world, "30000.00")
    line_key = (await rep.data(MY_EARNINGS, {"period": last}))["myEarnings"]["lines"][0]["key"]

    client_id = str(uuid.uuid4())
    raised = (await rep.data(RAISE, {"period": last, "line": line_key, "message": "Should be 5 %?", "client": client_id}))["raiseDispute"]
    replayed = (await rep.data(RAISE, {"period": last, "line": line_key, "message": "Should be 5 %?", "client": client_id}))["raiseDispute"]
    assert raised["dispute"]["id"] == replayed["dispute"]["id"]
    assert [m["body"] for m in replayed["dispute"]["messages"]] == ["Should be 5 %?"]
    unknown = (await rep.data(RAISE, {"period": last, "line": "nope", "message": "?", "client": str(uuid.uuid4())}))["raiseDispute"]
    assert unknown["errors"][0]["field"] == "lineKey"
    dispute_id = raised["dispute"]["id"]

    self_resolved = (await rep.data(RESOLVE, {"id": dispute_id, "status": "ACCEPTED", "resolution": "I say so"}))["resolveDispute"]
    assert self_resolved["errors"][0]["code"] == "FORBIDDEN"
    async with await login(server, world.manager.email) as manager:
        await manager.data(REPLY, {"id": dispute_id, "message": "The first tier is 3 %.", "client": str(uuid.uuid4())})
        held = (await manager.data(APPROVE, {"user": str(world.rep.id), "period": last}))["approveStatement"]
        assert held["errors"][0]["code"] == "DISPUTED"
        resolved = (await manager.data(RESOLVE, {"id": dispute_id, "status": "REJECTED", "resolution": "3 % below 100,000 per the plan."}))["resolveDispute"]
        assert resolved["dispute"]["status"] == "REJECTED"
        approved = (await manager.data(APPROVE, {"user": str(world.rep.id), "period": last}))["approveStatement"]
        assert approved["statement"]["status"] == "APPROVED"
    thread = await rep.data("query T($p: String!) { disputes(period: $p) { status resolution messages { authorName body } } }", {"p": last})
    assert [m["authorName"] for m in thread["disputes"][0]["messages"]] == [world.rep.name, world.manager.name]


async def test_commission_paid_on_collection_is_clawed_back_exactly_by_a_refund(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        plan = field_plan(month, components=[{"key": "c", "name": "Commission", "kind": "COMMISSION", "rate": "3", "payout": "COLLECTION"}])
        await put_on_plan(admin, [world.rep.id], month, plan)
    deal = await win(rep, world, "100000.00")
    payment_id = await collect(rep, deal, "100000.00", "40000.00", datetime.now(UTC))
    collected = (await rep.data(MY_EARNINGS))["myEarnings"]
    assert (collected["earned"], collected["payable"], collected["held"]) == ("3000.00", "1200.00", "3000.00")

    refund = {"clientId": str(uuid.uuid4()), "paymentId": payment_id, "amount": "40000.01", "refundedAt": datetime.now(UTC).isoformat(), "note": "Returned"}
    too_much = (await rep.data(REFUND, {"input": refund}))["refundPayment"]
    assert too_much["errors"][0]["code"] == "OUT_OF_RANGE"
    refunded = (await rep.data(REFUND, {"input": {**refund, "amount": "40000.00"}}))["refundPayment"]
    assert refunded["order"]["collected"] == "0.00"
    after = (await rep.data(MY_EARNINGS))["myEarnings"]
    clawback = [line for line in after["lines"] if line["kind"] == "CLAWBACK"]
    assert [line["payable"] for line in clawback] == ["-1200.00"]
    assert after["payable"] == "0.00"


async def test_a_split_credits_each_person_their_exact_share(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.admin.email) as admin:
        await put_on_plan(admin, [world.rep.id, world.rep2.id], await this_month(admin))
    deal = await win(rep, world, "100000.01")
    async with await login(server, world.manager.email) as manager:
        wrong = (await manager.data(SPLITS, {"deal": deal["id"], "splits": [
            {"userId": str(world.rep.id), "percent": "60"}, {"userId": str(world.rep2.id), "percent": "30"},
        ]}))["setCreditSplits"]
        assert wrong["errors"][0]["code"] == "MISMATCH"
        outsider = (await manager.data(SPLITS, {"deal": deal["id"], "splits": [
            {"userId": str(world.rep.id), "percent": "50"}, {"userId": str(world.outsider.id), "percent": "50"},
        ]}))["setCreditSplits"]
        assert outsider["errors"][0]["code"] == "NOT_FOUND"
        saved = (await manager.data(SPLITS, {"deal": deal["id"], "splits": [
            {"userId": str(world.rep.id), "percent": "66.67"}, {"userId": str(world.rep2.id), "percent": "33.33"},
        ]}))["setCreditSplits"]
        assert saved["__typename"] == "SplitsSuccess"
        period = await this_month(manager)
        mine = (await manager.data(STATEMENT, {"user": str(world.rep.id), "period": period}))["statement"]
        theirs = (await manager.data(STATEMENT, {"user": str(world.rep2.id), "period": period}))["statement"]
    assert Decimal(mine["revenue"]) + Decimal(theirs["revenue"]) == Decimal("100000.01")
    assert (mine["revenue"], theirs["revenue"]) == ("66670.01", "33330.00")
    forbidden = (await rep.data(SPLITS, {"deal": deal["id"], "splits": []}))["setCreditSplits"]
    assert forbidden["errors"][0]["code"] == "FORBIDDEN"


async def test_a_manager_on_a_roll_up_plan_earns_on_their_people_s_wins(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        rollup = field_plan(month, name="Managers", components=[{"key": "r", "name": "Roll-up", "kind": "ROLLUP", "rate": "1"}])
        await put_on_plan(admin, [world.manager.id], month, rollup)
    await win(rep, world, "50000.00")
    async with await login(server, world.manager.email) as manager:
        mine = (await manager.data(MY_EARNINGS))["myEarnings"]
    assert [(line["kind"], line["amount"]) for line in mine["lines"]] == [("ROLLUP", "500.00")]


async def test_people_see_only_the_statements_they_may(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        await put_on_plan(admin, [world.rep.id, world.rep2.id, world.rep3.id], month)
        everyone = (await admin.data(STATEMENTS, {"period": month}))["statements"]
    assert {s["userName"] for s in everyone} == {world.rep.name, world.rep2.name, world.rep3.name}

    other = await rep.execute(STATEMENT, {"user": str(world.rep2.id), "period": month})
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    queue = await rep.execute(STATEMENTS, {"period": month})
    assert queue["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with await login(server, world.manager.email) as manager:
        team = (await manager.data(STATEMENTS, {"period": month}))["statements"]
        across = await manager.execute(STATEMENT, {"user": str(world.rep3.id), "period": month})
    assert {s["userName"] for s in team} == {world.rep.name, world.rep2.name}  # rep3 is in team B
    assert across["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    async with await login(server, world.outsider.email) as outsider:
        foreign = await outsider.execute(STATEMENT, {"user": str(world.rep.id), "period": month})
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_month_exports_as_csv_and_xlsx_for_payroll(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        await put_on_plan(admin, [world.rep.id], month)
    await win(rep, world, "60000.00")
    async with await login(server, world.manager.email) as manager:
        cookies = {"podium_session": manager.session_cookie or ""}
    async with httpx.AsyncClient(base_url=server.url, cookies=cookies) as http:
        as_csv = await http.get("/api/compensation/export", params={"period": month, "format": "csv"})
        as_xlsx = await http.get("/api/compensation/export", params={"period": month, "format": "xlsx"})
        bad = await http.get("/api/compensation/export", params={"period": "2026-13", "format": "csv"})
    assert as_csv.status_code == 200 and "attachment" in as_csv.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    deal_rows = [r for r in rows if r and r[0] == world.rep.name and r[5] == "commission"]
    assert [(r[1], r[9], r[10], r[13]) for r in deal_rows] == [(world.rep.email, "60000", "3", "1800.00")]
    book = CalamineWorkbook.from_filelike(io.BytesIO(as_xlsx.content))
    assert book.sheet_names == ["汇总", "明细"]  # the manager reads Chinese
    lines = [r for r in book.get_sheet_by_name("明细").to_python() if r[0] == world.rep.name and r[5] == "commission"]
    assert [(r[1], r[9], r[13]) for r in lines] == [(world.rep.email, 60000.0, 1800.0)]  # numbers, not text
    assert isinstance(lines[0][8], date)
    with zipfile.ZipFile(io.BytesIO(as_xlsx.content)) as archive:
        assert 'state="frozen"' in archive.read("xl/worksheets/sheet2.xml").decode()
    assert bad.status_code == 400

    async with httpx.AsyncClient(base_url=server.url, cookies={"podium_session": rep.session_cookie or ""}) as http:
        assert (await http.get("/api/compensation/export", params={"period": month})).status_code == 403
    async with httpx.AsyncClient(base_url=server.url) as http:
        assert (await http.get("/api/compensation/export", params={"period": month})).status_code == 401


async def test_the_csv_export_hands_no_formula_to_the_spreadsheet_and_keeps_amounts_numbers(server: Server, world: World, rep: GraphQLClient) -> None:
    hyperlink = '=HYPERLINK("https://evil.example/?leak="&A1,"Details")'
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        plan = field_plan(month, components=[{"key": "c", "name": "Commission", "kind": "COMMISSION", "rate": "3", "payout": "COLLECTION"}])
        await put_on_plan(admin, [world.rep.id], month, plan)
    stages = await stage_ids(rep)
    for title, amount in ((hyperlink, "100000.00"), ("@SUM(1+1)", "1000.00"), ("-2+3", "1000.00")):
        deal = await open_deal(rep, world, title=title, amount=amount)
        moved = await move(rep, deal, stages["won"], reason="Signed")
        assert moved["__typename"] == "DealSuccess", moved
        if title == hyperlink:  # collected, then refunded: a clawback line with a negative payable
            payment_id = await collect(rep, moved["deal"], amount, "40000.00", datetime.now(UTC))
            refund = {"clientId": str(uuid.uuid4()), "paymentId": payment_id, "amount": "40000.00", "refundedAt": datetime.now(UTC).isoformat(), "note": "Returned"}
            assert (await rep.data(REFUND, {"input": refund}))["refundPayment"]["__typename"] == "OrderSuccess"

    async with await login(server, world.manager.email) as manager:
        exported = await manager.http.get("/api/compensation/export", params={"period": month, "format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))

    descriptions = {r[7] for r in rows if r and r[0] == world.rep.name}
    assert {"'" + hyperlink, "'@SUM(1+1)", "'-2+3"} <= descriptions
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r if not _is_number(cell))
    clawback = [r for r in rows if r and r[0] == world.rep.name and r[5] == "clawback"]
    assert [r[14] for r in clawback] == ["-1200.00"]  # a number: sums in the sheet still work


def _is_number(cell: str) -> bool:
    try:
        Decimal(cell)
    except ArithmeticError:
        return False
    return True


async def test_a_plan_change_keeps_old_versions_and_people_cannot_be_on_two_plans(server: Server, world: World) -> None:
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        plan_id = await put_on_plan(admin, [world.rep.id], month)
        v2 = (await admin.data(SAVE_PLAN, {"input": {**field_plan(month), "planId": plan_id}}))["saveCompPlan"]
        assert [v["version"] for v in v2["plan"]["versions"]] == [1, 2]
        other = (await admin.data(SAVE_PLAN, {"input": field_plan(month, name="Other")}))["saveCompPlan"]["plan"]["id"]
        twice = (await admin.data(ASSIGN, {"input": {"planId": other, "userIds": [str(world.rep.id)], "starts": month}}))["assignCompPlan"]
    assert twice["errors"][0]["code"] == "OVERLAP"


async def test_a_draw_paid_in_a_lean_month_is_recovered_from_the_next(server: Server, world: World, rep: GraphQLClient) -> None:
    moment = last_month_moment()
    last = month_of(moment)
    async with await login(server, world.admin.email) as admin:
        plan = field_plan(last, draw="5000", components=[{"key": "c", "name": "Commission", "kind": "COMMISSION", "rate": "3"}])
        await put_on_plan(admin, [world.rep.id], last, plan)
    with clock_at(server, moment):
        await win(rep, world, "60000.00")  # 1,800 earned: the draw tops it up to 5,000
    lean = (await rep.data(MY_EARNINGS, {"period": last}))["myEarnings"]
    assert (lean["payable"], lean["drawBalance"]) == ("5000.00", "3200.00")

    await win(rep, world, "400000.00")  # 12,000 earned this month
    strong = (await rep.data(MY_EARNINGS))["myEarnings"]
    assert [(line["kind"], line["payable"]) for line in strong["lines"]][-1] == ("RECOVERY", "-3200.00")
    assert (strong["payable"], strong["drawBalance"]) == ("8800.00", "0.00")


async def test_what_if_i_reach_130_percent_of_quota(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        await put_on_plan(admin, [world.rep.id], month)
        target = {"node": {"kind": "USER", "id": str(world.rep.id)}, "period": month, "metric": "REVENUE", "amount": "100000.00", "basis": "EQUAL"}
        saved = await admin.data("mutation T($input: SetTargetInput!) { setTarget(input: $input) { __typename } }", {"input": target})
        assert saved["setTarget"]["__typename"] == "SetTargetSuccess"
    await win(rep, world, "50000.00")
    sim = (await rep.data(SIMULATE, {"input": {"attainment": "130"}}))["simulateEarnings"]
    # 80,000 more: 50,000 → 100,000 at 3 %, then 30,000 at 5 %; the accelerator starts at 120,000: 10,000 at 5 % × 1.2.
    assert sim["addedRevenue"] == "80000.00"
    assert sim["earnedChange"] == "3100.00"
    assert sim["attainmentAfter"] == "130.00"
    assert (await rep.data(MY_EARNINGS))["myEarnings"]["earned"] == "1500.00"


async def test_the_review_list_has_the_same_totals_as_each_statement(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        await put_on_plan(admin, [world.rep.id, world.rep2.id, world.rep3.id], month)
    await win(rep, world, "120000.00")
    async with await login(server, world.rep2.email) as rep2:
        shared = await win(rep2, world, "50000.01")
    async with await login(server, world.admin.email) as admin:
        await admin.data(SPLITS, {"deal": shared["id"], "splits": [
            {"userId": str(world.rep.id), "percent": "50"}, {"userId": str(world.rep2.id), "percent": "50"},
        ]})
        listing = "query L($period: String!) { statements(period: $period) { userId userName revenue earned payable lineCount lines { label amount } } }"
        review = (await admin.data(listing, {"period": month}))["statements"]
        one_by_one = [(await admin.data(STATEMENT, {"user": s["userId"], "period": month}))["statement"] for s in review]
    assert [(s["revenue"], s["earned"], s["payable"], s["lineCount"]) for s in review] == [
        (s["revenue"], s["earned"], s["payable"], len(s["lines"])) for s in one_by_one
    ]
    by_name = {s["userName"]: s for s in review}
    assert (by_name[world.rep.name]["revenue"], by_name[world.rep2.name]["revenue"]) == ("145000.01", "25000.00")
    # Lines asked for on the list are computed per person, with their labels.
    assert {line["label"] for line in by_name[world.rep.name]["lines"]} == {"Forklift fleet"}


async def test_a_won_deal_of_a_rep_who_has_left_can_still_be_reversed(server: Server, world: World, rep: GraphQLClient) -> None:
    """A contract cancelled after its rep left: the reversal goes through and names the departed owner (the deal view
    read only active people, so the mutation failed with an internal error)."""
    deal = await win(rep, world, "60000.00")
    async with await login(server, world.admin.email) as admin:
        left = await admin.data(
            "mutation D($id: ID!, $successor: ID!) { deactivatePerson(userId: $id, successorId: $successor) { __typename } }",
            {"id": str(world.rep.id), "successor": str(world.rep2.id)},
        )
        assert left["deactivatePerson"]["__typename"] != "OperationError", left
        reversed_ = (await admin.data(REVERSE, {"input": {"id": deal["id"], "version": deal["version"], "reason": "Contract cancelled"}}))["reverseDeal"]
        assert reversed_["__typename"] == "DealSuccess", reversed_
        assert reversed_["deal"]["status"] == "REVERSED"
        found = await admin.data("query D($id: ID!) { deal(id: $id) { deal { status owner { name } } } }", {"id": deal["id"]})
        assert found["deal"]["deal"] == {"status": "REVERSED", "owner": {"name": world.rep.name}}
