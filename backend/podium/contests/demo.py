"""Demo contests: this week's individual sprint, this month's head-to-head between two teams, and last month's team growth contest, ended."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from podium.contests import service
from podium.contests.service import ContestInput, Prize
from podium.core.env import Env
from podium.core.policies import Viewer


async def seed(env: Env, admin: Viewer, manager: Viewer, team_ids: list[int], zone: str, now: datetime) -> None:
    today = now.astimezone(ZoneInfo(zone)).date()
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    await service.create_contest(env, manager, ContestInput(
        client_id="demo-contest-week", name="本周拜访冲刺 Visit sprint of the week", metric="verified_visits", mode="individual",
        starts_on=monday, ends_on=monday + timedelta(days=6), description="每次有效拜访都算数 Every verified visit counts.",
        prizes=(Prize(1, "冠军 Champion", 100), Prize(2, "亚军 Runner-up", 50), Prize(3, "季军 Third", 30)),
    ))
    await service.create_contest(env, admin, ContestInput(
        client_id="demo-contest-duel", name="浦东 vs 徐汇 Pudong vs Xuhui", metric="revenue_won", mode="head_to_head",
        starts_on=first, ends_on=(first + timedelta(days=32)).replace(day=1) - timedelta(days=1), team_ids=tuple(team_ids[:2]),
        description="团队成就奖：胜方每人 200 分 Team achievement award: 200 points to each member of the winning team.",
        prizes=(Prize(1, "团队成就奖 Team achievement award", 200),),
    ))
    await service.create_contest(env, admin, ContestInput(
        client_id="demo-contest-last-month", name="上月增长冠军 Growth champion of last month", metric="growth", mode="team",
        starts_on=last_month_end.replace(day=1), ends_on=last_month_end,
        prizes=(Prize(1, "增长冠军 Growth champion", 150),),
    ))
    # Last month's is over: fixed, paid and celebrated like any other at its end.
    await service.finalize_ended(env)
