"""Dwell time per stage is exact: UTC instants, whatever the month ends and DST changes in between."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from podium.pipeline.models import Stage, StageChange
from podium.pipeline.service import stays

BERLIN = ZoneInfo("Europe/Berlin")
STAGES = {i: Stage(id=i, org_id=1, key=f"s{i}", name_en=f"S{i}", name_zh=f"阶段{i}", position=i, probability=10 * i, outcome="open") for i in (1, 2, 3)}


def change(to: int, at: datetime) -> StageChange:
    return StageChange(org_id=1, deal_id=1, to_stage_id=to, changed_at=at.astimezone(UTC))


def test_a_stay_across_the_spring_dst_change_is_one_hour_shorter_than_the_calendar_says() -> None:
    # Noon to noon, Saturday 28 to Monday 30 March 2026 in Berlin: clocks went forward on Sunday.
    history = [change(1, datetime(2026, 3, 28, 12, tzinfo=BERLIN)), change(2, datetime(2026, 3, 30, 12, tzinfo=BERLIN))]
    result = stays(history, STAGES, open_until=datetime(2026, 3, 30, 13, tzinfo=BERLIN))

    assert [s.seconds for s in result] == [47 * 3600, 3600]
    assert result[1].left_at is None


def test_a_stay_across_a_month_end_and_the_autumn_change_is_exact() -> None:
    history = [
        change(1, datetime(2026, 10, 24, 9, tzinfo=BERLIN)),
        change(2, datetime(2026, 11, 2, 9, tzinfo=BERLIN)),  # across 25 October (25 h day) and 31 October
        change(1, datetime(2026, 11, 3, 9, tzinfo=BERLIN)),  # back to stage 1: its time adds up
        change(3, datetime(2026, 11, 4, 9, 30, tzinfo=BERLIN)),
    ]
    result = stays(history, STAGES, open_until=None)  # closed: the last stage has no end

    assert [s.seconds for s in result] == [9 * 86400 + 3600, 86400, 86400 + 1800, None]
    total_in_stage_1 = sum(s.seconds or 0 for s in result if s.stage.id == 1)
    assert timedelta(seconds=total_in_stage_1) == timedelta(days=10, hours=1, minutes=30)
