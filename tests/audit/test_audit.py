"""The audit log as an admin reads it: who changed what, when, from where, before and after; nobody edits it.

One server and one org per stack (the tokens tests' module fixture) serve the whole module.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from podium.audit import service as audit
from podium.audit.models import AuditEntry
from podium.core.models import EventRow
from podium.graphql.schema import schema
from tests.support import GraphQLClient
from tests.tokens.test_tokens import CHANGE_PERSON, REVOKE, ROTATE, Org, org  # noqa: F401  (the module's server)

pytestmark = pytest.mark.asyncio(loop_scope="module")

ENTRY = "id at action subjectType subjectId actorUserId actorTokenId actorName actorEmail ip userAgent before after"
ENTRIES = f"""
query A($filter: AuditFilterInput, $offset: Int! = 0, $first: Int! = 50) {{
  auditEntries(filter: $filter, offset: $offset, first: $first) {{ total entries {{ {ENTRY} }} }}
}}
"""
ONE = f"query E($id: ID!) {{ auditEntry(id: $id) {{ {ENTRY} }} }}"
RENAME = "mutation R($id: ID!, $name: String!) { renameUnit(id: $id, name: $name) { __typename } }"
UA = "Mozilla/5.0 (audit test)"


async def search(org: Org, **filter: Any) -> dict[str, Any]:
    return (await org.admin.data(ENTRIES, {"filter": filter}))["auditEntries"]


async def settle(org: Org) -> None:
    """Handlers run right after the commit; wait for any still running, so the entries are there."""
    await org.server.runtime.outbox.run_due(whenever=True)


async def test_a_role_change_is_logged_with_who_from_where_before_and_after(org: Org) -> None:
    w = org.world
    answer = await org.admin.http.post(
        "/graphql", json={"query": CHANGE_PERSON, "variables": {"input": {"userId": str(w.rep2.id), "role": "MANAGER"}}}, headers={"User-Agent": UA}
    )
    assert answer.json()["data"]["changePerson"]["__typename"] == "PersonSuccess"
    await settle(org)
    found = await search(org, action="person_changed", subjectId=str(w.rep2.id))
    assert found["total"] == 1
    entry = found["entries"][0]
    assert entry["subjectType"] == "person" and entry["actorUserId"] == str(w.admin.id) and entry["actorTokenId"] is None
    assert entry["actorName"] == "Ada Admin" and entry["actorEmail"] == "admin@acme.test"
    assert entry["ip"] == "127.0.0.1" and entry["userAgent"] == UA
    assert entry["before"]["role"] == "rep" and entry["after"]["role"] == "manager"
    assert entry["after"]["by"] == w.admin.id
    # The live message and the stored payload carry no provenance.
    async with org.server.runtime.env.db() as session:
        row = await session.scalar(select(EventRow).where(EventRow.name == "person_changed").order_by(EventRow.id.desc()))
    assert row is not None and UA not in row.payload and UA in (row.actor or "")


async def test_a_tokens_change_and_the_token_lifecycle_are_logged(org: Org) -> None:
    w = org.world
    issued = await org.issue(["people:write"], name="HR sync")
    changed = (await org.call(issued["secret"], RENAME, {"id": str(w.team_b), "name": "Team Bee"}, **{"User-Agent": "hr-sync/1.0"})).json()
    assert changed["data"]["renameUnit"]["__typename"] == "UnitSuccess"
    rotated = (await org.admin.data(ROTATE, {"input": {"id": issued["token"]["id"], "overlapHours": 2, "expiresInDays": 30}}))["rotateApiToken"]
    await org.admin.data(REVOKE, {"id": rotated["token"]["id"]})
    await settle(org)

    renamed = (await search(org, action="unit_renamed", subjectId=str(w.team_b)))["entries"][0]
    assert renamed["actorTokenId"] == issued["token"]["id"] and renamed["actorName"] == "HR sync"
    assert renamed["actorUserId"] == str(w.admin.id) and renamed["userAgent"] == "hr-sync/1.0"
    assert renamed["before"] == {"value": "Team B"} and renamed["after"]["value"] == "Team Bee"

    lifecycle = (await search(org, subjectType="token", text="HR sync"))["entries"]
    assert [e["action"] for e in lifecycle] == ["token_revoked", "token_created"]  # newest first; both name it
    for action, token in (("token_created", issued), ("token_rotated", issued), ("token_revoked", rotated)):
        entries = (await search(org, action=action, subjectId=token["token"]["id"]))["entries"]
        assert len(entries) == 1 and entries[0]["actorEmail"] == "admin@acme.test", (action, entries)
    rotation = (await search(org, action="token_rotated", subjectId=issued["token"]["id"]))["entries"][0]
    assert rotation["before"]["expires_at"] > rotation["after"]["expires_at"]
    assert rotation["after"]["successor"] == int(rotated["token"]["id"])
    await org.call(issued["secret"], RENAME, {"id": str(w.team_b), "name": "Team B"})


async def test_search_pages_newest_first_and_filters(org: Org) -> None:
    everything = await search(org)
    assert everything["total"] >= 5
    times = [e["at"] for e in everything["entries"]]
    assert times == sorted(times, reverse=True)
    page = (await org.admin.data(ENTRIES, {"filter": {}, "offset": 1, "first": 2}))["auditEntries"]
    assert [e["id"] for e in page["entries"]] == [e["id"] for e in everything["entries"][1:3]] and page["total"] == everything["total"]
    assert (await search(org, actor="ADMIN@acme"))["total"] == everything["total"]  # the admin, or their tokens
    assert (await search(org, actor="nobody"))["total"] == 0
    assert (await search(org, text="hr-sync/1."))["total"] >= 1
    assert (await search(org, text="100%_"))["total"] == 0  # LIKE characters are literal
    newest = everything["entries"][0]["at"]
    assert (await search(org, since=newest))["total"] >= 1
    assert (await search(org, until=everything["entries"][-1]["at"]))["total"] == 0
    refused = await org.admin.execute(ENTRIES, {"filter": {"text": "x" * 201}})
    assert refused["errors"][0]["extensions"] == {"code": "TOO_LONG", "field": "text"}
    actions = (await org.admin.data("{ auditActions }"))["auditActions"]
    assert {"person_changed", "token_created", "unit_renamed"} <= set(actions)


async def test_managers_reps_other_orgs_and_tokens_without_the_scope_cannot_read_it(org: Org) -> None:
    assert (await org.manager.execute(ENTRIES))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with GraphQLClient(org.server.url) as rep:
        await rep.login(org.world.rep.email)
        assert (await rep.execute(ENTRIES))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await org.rival_admin.data(ENTRIES))["auditEntries"] == {"total": 0, "entries": []}
    mine = (await search(org))["entries"][0]["id"]
    assert (await org.rival_admin.execute(ONE, {"id": mine}))["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await org.admin.data(ONE, {"id": mine}))["auditEntry"]["id"] == mine
    without = (await org.issue(["people:read"]))["secret"]
    assert (await org.call(without, ENTRIES)).json()["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"
    reader = (await org.issue(["audit:read"]))["secret"]
    assert (await org.call(reader, ENTRIES)).json()["data"]["auditEntries"]["total"] >= 1


async def test_the_log_is_append_only_idempotent_and_pruned_only_past_two_years(org: Org) -> None:
    mutations = schema._schema.mutation_type
    assert mutations is not None and not [name for name in mutations.fields if "audit" in name.lower()]
    env = org.server.runtime.env
    async with env.db() as session:
        before = await session.scalar(select(func.count()).select_from(AuditEntry))
        # Every handled event is handled again (a crash before its done mark): no second entry.
        await session.execute(update(EventRow).values(done_at=None, handled=""))
        await session.commit()
    await org.server.runtime.outbox.run_due(limit=1000, whenever=True)
    async with env.db() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == before
        tokens_made = (AuditEntry.org_id == org.world.org_id) & (AuditEntry.action == "token_created")
        rows = (await session.scalars(select(AuditEntry).where(tokens_made).order_by(AuditEntry.id).limit(2))).all()
        old, kept = rows[0].id, rows[1].id
        now = env.clock()
        await session.execute(update(AuditEntry).where(AuditEntry.id == old).values(at=now - timedelta(days=800)))
        await session.execute(update(AuditEntry).where(AuditEntry.id == kept).values(at=now - timedelta(days=700)))
        await session.commit()
    assert await audit.prune(env) == 1
    async with env.db() as session:
        left = set((await session.scalars(select(AuditEntry.id).where(AuditEntry.id.in_([old, kept])))).all())
    assert left == {kept}
    assert json.loads(rows[1].after) is not None


async def test_admins_export_the_filtered_log_as_csv_and_xlsx(org: Org) -> None:
    csv = await org.admin.http.get("/api/audit/export", params={"format": "csv", "action": "person_changed"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("时间,操作,对象") and len(lines) == 2  # the admin's language; one role change
    assert "person_changed" in lines[1] and "admin@acme.test" in lines[1] and '""role"":""manager""' in lines[1]
    xlsx = await org.admin.http.get("/api/audit/export", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (await org.manager.http.get("/api/audit/export")).status_code == 403
    assert (await org.admin.http.get("/api/audit/export", params={"since": "yesterday"})).status_code == 400
    secret = (await org.issue(["audit:read"]))["secret"]
    async with GraphQLClient(org.server.url) as stranger:
        refused = await stranger.http.get("/api/audit/export", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401  # a token reads the log through GraphQL only


SAVE_RULE = """
mutation S($input: SavePointRuleInput!) { savePointRule(input: $input) { __typename ... on OperationError { errors { field code } } } }
"""
SAVE_ROBOT = "mutation R($input: RobotInput!) { saveRobot(input: $input) { __typename ... on SaveRobotSuccess { robot { id } } } }"
DELETE_ROBOT = "mutation D($id: ID!) { deleteRobot(id: $id) { __typename } }"


async def test_point_rules_and_group_robots_are_logged_with_before_and_after_and_no_secret(org: Org) -> None:
    rules = (await org.admin.data("{ pointRules { kind points dailyCap multiplier active } }"))["pointRules"]
    visit = next(r for r in rules if r["kind"] == "verified_visit")
    for points in (7, 9):
        data = {"kind": "verified_visit", "points": points, "dailyCap": visit["dailyCap"], "multiplier": "1", "active": True}
        assert (await org.admin.data(SAVE_RULE, {"input": data}))["savePointRule"]["__typename"] != "OperationError"
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=very-secret-key-1234"
    robot = {"kind": "WECOM", "name": "销售一群", "url": url, "celebrations": ["DEAL_WON"], "locale": "ZH_CN"}
    saved = (await org.admin.data(SAVE_ROBOT, {"input": robot}))["saveRobot"]["robot"]
    await org.admin.data(SAVE_ROBOT, {"input": {**robot, "id": saved["id"], "url": None, "name": "销售二群"}})
    await org.admin.data(DELETE_ROBOT, {"id": saved["id"]})
    await settle(org)

    changed = (await search(org, action="rules"))["entries"][0]
    assert changed["before"]["points"] == 7 and changed["after"]["points"] == 9
    robots = (await search(org, subjectType="robot", subjectId=saved["id"]))["entries"]
    assert [e["action"] for e in robots] == ["robot_deleted", "robot_saved", "robot_saved"]
    assert robots[1]["before"]["name"] == "销售一群" and robots[1]["after"]["name"] == "销售二群"
    assert robots[0]["before"]["name"] == "销售二群" and robots[0]["after"] == {"by": org.world.admin.id, "robot": int(saved["id"])}
    assert "very-secret-key" not in str(robots) and robots[2]["after"]["url"].endswith("1234")
