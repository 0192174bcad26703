"""Badges (built in and admin-defined), streaks on the org's calendar, the champions' corridor — through the API."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from podium.badges import service as badges
from podium.celebrations.models import Celebration
from podium.core.events import transaction
from podium.points.models import PointsEntry
from tests.pipeline.test_deals import login, move, open_deal, stage_ids
from tests.support import LOG_VISIT, GraphQLClient, World, visit_input
from tests.targets.test_targets import SET

SHANGHAI = ZoneInfo("Asia/Shanghai")
BADGES = "query B($userId: ID) { badges(userId: $userId) { key name periodKey } }"
STREAK = "{ streak { current best lastActive atRisk badgeDays } }"
DEFINE = """
mutation D($input: BadgeDefinitionInput!) {
  saveBadgeDefinition(input: $input) {
    __typename
    ... on SaveBadgeDefinitionSuccess { definition { id name metric period threshold active } }
    ... on OperationError { errors { field code message } }
  }
}
"""
CALENDAR = """
mutation C($input: SetCalendarInput!) {
  setCalendarDays(input: $input) {
    __typename
    ... on SetCalendarSuccess { days { day kind name } }
    ... on OperationError { errors { field code message } }
  }
}
"""


def keys(result: dict[str, Any]) -> list[str]:
    return sorted(b["key"] for b in result["badges"])


def codes(result: dict[str, Any]) -> set[tuple[str | None, str]]:
    return {(e["field"], e["code"]) for e in result["errors"]}


async def badge_celebrations(server, key: str) -> int:  # type: ignore[no-untyped-def]
    async with server.runtime.env.db() as session:
        return int(await session.scalar(select(func.count()).select_from(Celebration).where(Celebration.kind == "badge", Celebration.dedupe_key.like(f"b:%:{key}:%"))) or 0)


def recent_working_days(count: int, holidays: set[date] = frozenset()) -> list[date]:  # type: ignore[assignment]
    """The `count` working days before today (Shanghai), newest first."""
    day, found = datetime.now(SHANGHAI).date(), []
    while len(found) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            found.append(day)
    return found


def at_ten(day: date) -> str:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI).isoformat()


async def test_the_first_won_deal_earns_its_badge_once(rep: GraphQLClient, world: World, server) -> None:  # type: ignore[no-untyped-def]
    stages = await stage_ids(rep)
    for title in ("First", "Second"):
        deal = await open_deal(rep, world, title=title, amount="5000")
        await move(rep, deal, stages["won"], reason="Signed")

    earned = (await rep.data(BADGES))["badges"]
    assert [b["key"] for b in earned] == ["first_deal"]
    assert earned[0]["name"] == "首单告捷" or earned[0]["name"] == "First deal"
    assert await badge_celebrations(server, "first_deal") == 1


async def test_five_verified_visits_in_a_day_earn_one_badge_however_the_visits_race(rep: GraphQLClient, world: World, server) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await rep.log_visit(world)
    # The 4th to 7th arrive at once: the 5th crosses the line, whichever lands first.
    await asyncio.gather(*(rep.data(LOG_VISIT, {"input": visit_input(world)}) for _ in range(4)))

    assert keys(await rep.data(BADGES)) == ["visits_day"]
    assert await badge_celebrations(server, "visits_day") == 1


async def test_a_badge_definition_sent_ten_times_at_once_is_made_once(server, world: World) -> None:  # type: ignore[no-untyped-def]
    definition = {"clientId": "badge-retry-0001", "name": "Retry", "metric": "points", "period": "day", "threshold": 5}
    async with await login(server, world.admin.email) as admin:
        answers = await asyncio.gather(*(admin.execute(DEFINE, {"input": definition}) for _ in range(10)))
        listed = (await admin.data("{ badgeDefinitions { id name } }"))["badgeDefinitions"]
    for answer in answers:
        assert "errors" not in answer, answer
    assert len({a["data"]["saveBadgeDefinition"]["definition"]["id"] for a in answers}) == 1
    assert [d["name"] for d in listed].count("Retry") == 1


async def test_an_admins_badge_on_points_is_awarded_once_when_two_events_cross_it_together(rep: GraphQLClient, world: World, server) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.admin.email) as admin:
        made = (await admin.data(DEFINE, {"input": {"name": "晨星 Early bird", "metric": "points", "period": "day", "threshold": 20}}))["saveBadgeDefinition"]
        bad = (await admin.data(DEFINE, {"input": {"name": " ", "metric": "smiles", "period": "year", "threshold": 0}}))["saveBadgeDefinition"]
    refused = (await rep.data(DEFINE, {"input": {"name": "Mine", "metric": "points", "period": "day", "threshold": 1}}))["saveBadgeDefinition"]
    assert made["definition"]["name"] == "晨星 Early bird"
    assert codes(bad) == {("name", "REQUIRED"), ("metric", "INVALID"), ("period", "INVALID"), ("threshold", "OUT_OF_RANGE")}
    assert codes(refused) == {(None, "FORBIDDEN")}

    await asyncio.gather(rep.log_visit(world), rep.log_visit(world))  # 10 + 10 points at once

    earned = (await rep.data(BADGES))["badges"]
    assert [(b["key"], b["name"]) for b in earned] == [(f"custom-{made['definition']['id']}", "晨星 Early bird")]
    assert await badge_celebrations(server, f"custom-{made['definition']['id']}") == 1


async def test_a_streak_counts_working_days_and_skips_the_orgs_holidays(rep: GraphQLClient, world: World, server) -> None:  # type: ignore[no-untyped-def]
    days = recent_working_days(6)
    holiday = days[2]
    async with await login(server, world.admin.email) as admin:
        saved = (await admin.data(CALENDAR, {"input": {"year": holiday.year, "days": [{"day": holiday.isoformat(), "kind": "holiday", "name": "元旦 New Year"}]}}))["setCalendarDays"]
        wrong = (await admin.data(CALENDAR, {"input": {"year": 2026, "days": [{"day": "2027-01-01", "kind": "feast"}, {"day": "2027-01-01", "kind": "holiday"}]}}))["setCalendarDays"]
    assert saved["days"] == [{"day": holiday.isoformat(), "kind": "holiday", "name": "元旦 New Year"}]
    assert ("days.0.day", "INVALID") in codes(wrong) and ("days.0.kind", "INVALID") in codes(wrong)

    # Oldest first, skipping the holiday: five working days in a row.
    for day in reversed([d for d in days if d != holiday]):
        await rep.log_visit(world, occurredAt=at_ten(day))

    streak = (await rep.data(STREAK))["streak"]
    assert streak["current"] == 5 and streak["best"] == 5 and streak["badgeDays"] == 5
    assert streak["lastActive"] == days[0].isoformat()
    assert streak["atRisk"] is (datetime.now(SHANGHAI).weekday() < 5)
    assert "streak" in keys(await rep.data(BADGES))


async def test_reaching_the_monthly_revenue_target_earns_its_badge(rep: GraphQLClient, world: World, server) -> None:  # type: ignore[no-untyped-def]
    month = datetime.now(SHANGHAI).strftime("%Y-%m")
    async with await login(server, world.manager.email) as manager:
        target = {"node": {"kind": "USER", "id": str(world.rep.id)}, "period": month, "metric": "REVENUE", "amount": "8000"}
        assert (await manager.data(SET, {"input": target}))["setTarget"]["__typename"] == "SetTargetSuccess"
    stages = await stage_ids(rep)
    half = await open_deal(rep, world, title="Half", amount="4000")
    await move(rep, half, stages["won"], reason="Signed")
    assert "target_month" not in keys(await rep.data(BADGES))
    rest = await open_deal(rep, world, title="Rest", amount="4000")
    await move(rep, rest, stages["won"], reason="Signed")

    assert "target_month" in keys(await rep.data(BADGES))


async def test_the_top_three_of_last_month_enter_the_champions_corridor_once(server, world: World) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    # Ledger entries dated in the middle of last month (Shanghai): Rita 30, Rob 20, Bea 10, Max 0.
    mid_last_month = (datetime.now(SHANGHAI).replace(day=1) - timedelta(days=14)).astimezone(UTC)
    async with transaction(env.db) as tx:
        for n, (person, points) in enumerate(((world.rep, 30), (world.rep2, 20), (world.rep3, 10))):
            tx.session.add(PointsEntry(org_id=world.org_id, user_id=person.id, team_id=None, points=points, rule_kind="verified_visit",
                                       source_type="visit", source_id=900_000 + n, occurred_at=mid_last_month, created_at=mid_last_month))

    first = await badges.award_month_champions(env)
    again = await badges.award_month_champions(env)

    assert (first, again) == (3, 0)
    async with await login(server, world.manager.email) as manager:
        for person in (world.rep, world.rep2, world.rep3):
            assert keys(await manager.data(BADGES, {"userId": str(person.id)})) == ["top3_month"]
        assert keys(await manager.data(BADGES, {"userId": str(world.manager.id)})) == []


async def test_another_orgs_badges_and_streaks_are_out_of_reach(rep: GraphQLClient, world: World, server) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.outsider.email) as outsider:
        seen = await outsider.execute(BADGES, {"userId": str(world.rep.id)})
        streak = await outsider.execute("query S($u: ID) { streak(userId: $u) { current } }", {"u": str(world.rep.id)})
    peek = await rep.execute("query S($u: ID) { streak(userId: $u) { current } }", {"u": str(world.rep2.id)})

    assert seen["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert streak["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert peek["errors"][0]["extensions"]["code"] == "NOT_FOUND"
