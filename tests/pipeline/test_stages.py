"""Admins shape the org's stages: rename, reorder, add and retire, without breaking a deal's history."""

from __future__ import annotations

from tests.conftest import Server
from tests.pipeline.test_deals import STAGES, login, open_deal
from tests.support import GraphQLClient, World

SAVE = """
mutation Save($stages: [StageInput!]!) {
  saveStages(stages: $stages) {
    __typename
    ... on StagesSuccess { stages { id key name probability outcome } }
    ... on OperationError { errors { field code message } }
  }
}
"""
ALL = "{ stages { id key name probability outcome } }"


def as_input(stage: dict[str, object], **change: object) -> dict[str, object]:
    names = {"nameEn": stage["name"], "nameZh": stage["name"]}
    return {"id": stage["id"], **names, "probability": stage["probability"], "outcome": stage["outcome"], **change}


async def test_an_admin_renames_reorders_adds_and_retires_stages(server: Server, world: World) -> None:
    async with await login(server, world.admin.email) as admin:
        current = (await admin.data(ALL))["stages"]
        first, needs, proposal, negotiation, won, lost = current
        wanted = [
            as_input(first, nameEn="Lead", nameZh="线索", probability=5),
            {"nameEn": "Qualified", "nameZh": "已确认", "probability": 20, "outcome": "OPEN"},
            as_input(negotiation),
            as_input(proposal),
            as_input(won),
            as_input(lost),
        ]
        saved = (await admin.data(SAVE, {"stages": wanted}))["saveStages"]
        after = (await admin.data(ALL))["stages"]

    assert saved["__typename"] == "StagesSuccess"
    assert [s["name"] for s in after] == ["线索", "已确认", "谈判签约", "方案提供", "赢单", "输单"]  # the admin speaks zh-CN
    assert after[0]["id"] == first["id"] and after[0]["probability"] == 5
    assert needs["id"] not in [s["id"] for s in after]  # retired: it had no open deals


async def test_stage_rules_are_enforced(server: Server, world: World, rep: GraphQLClient) -> None:
    deal = await open_deal(rep, world)  # sits in the first stage
    async with await login(server, world.admin.email) as admin:
        current = (await admin.data(ALL))["stages"]
        two_won = (await admin.data(SAVE, {"stages": [as_input(s) for s in current] + [{"nameEn": "Won again", "nameZh": "再赢", "probability": 100, "outcome": "WON"}]}))["saveStages"]
        retire_busy = (await admin.data(SAVE, {"stages": [as_input(s) for s in current[1:]]}))["saveStages"]
        flip = (await admin.data(SAVE, {"stages": [as_input(current[0], outcome="LOST")] + [as_input(s) for s in current[1:]]}))["saveStages"]
        bad_probability = (await admin.data(SAVE, {"stages": [as_input(current[0], probability=101)] + [as_input(s) for s in current[1:]]}))["saveStages"]
    by_rep = (await rep.data(SAVE, {"stages": []}))["saveStages"]
    unchanged = (await rep.data(STAGES))["stages"]

    assert two_won["errors"][0] == {**two_won["errors"][0], "field": "stages", "code": "INVALID"}
    assert retire_busy["errors"][0]["code"] == "CONFLICT"
    assert flip["errors"][0]["code"] in ("INVALID",)
    assert bad_probability["errors"][0]["field"] == "stages.0.probability"
    assert by_rep["errors"][0]["code"] == "FORBIDDEN"
    assert [s["id"] for s in unchanged] == [s["id"] for s in current]
    assert deal["stage"]["key"] == "first_contact"
