"""Calendar windows (day, ISO week, month) in an org's time zone, as UTC bounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from podium.core.errors import DomainError, ErrorCode


# Dates and periods people may name: wide enough for any real record, far enough from Python's
# year 1 and 9999 that a day, a month or a time zone added to them never overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2999


class PeriodKind(StrEnum):
    TODAY = "today"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Window:
    kind: PeriodKind
    key: str
    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def window(kind: PeriodKind, time_zone: str, at: datetime) -> Window:
    zone = ZoneInfo(time_zone)
    local = at.astimezone(zone)
    day = local.date()
    if kind is PeriodKind.TODAY:
        first, last = day, day + timedelta(days=1)
        key = f"d{first.isoformat()}"
    elif kind is PeriodKind.WEEK:
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=7)
        key = f"w{first.isoformat()}"
    else:
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
        key = f"m{first.year:04d}-{first.month:02d}"
    # Midnight is built in the zone and then converted, so DST days are 23 or 25 hours long.
    start = datetime(first.year, first.month, first.day, tzinfo=zone).astimezone(UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=zone).astimezone(UTC)
    return Window(kind, key, start, end)


def windows(time_zone: str, at: datetime) -> list[Window]:
    return [window(kind, time_zone, at) for kind in PeriodKind]


MAX_SPAN_DAYS = 366


def day_span(time_zone: str, first: date | None, last: date | None, now: datetime) -> tuple[datetime, datetime]:
    """The local days first..last as [start, end) instants; unset, the month so far. At most a year of days:
    an export or a report over a span asks for it (OUT_OF_RANGE on `to` otherwise)."""
    zone = ZoneInfo(time_zone)
    today = now.astimezone(zone).date()
    last = last or (today if first is None else first)
    first = first or last.replace(day=1)
    if last < first or (last - first).days >= MAX_SPAN_DAYS:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "to", min=1, max=MAX_SPAN_DAYS)
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    after = last + timedelta(days=1)
    return start, datetime(after.year, after.month, after.day, tzinfo=zone)
