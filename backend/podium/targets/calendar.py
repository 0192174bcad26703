"""The fiscal calendar: years and quarters from the org's fiscal start month, calendar months, ISO weeks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from podium.core.periods import FIRST_YEAR, LAST_YEAR
from podium.targets.split import split


class Grain(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"


# ASCII digits and fullmatch: a key is canonical or refused (no trailing newline, no full-width digits).
_YEAR = re.compile(r"FY([0-9]{4})")
_QUARTER = re.compile(r"FY([0-9]{4})-Q([0-9])")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")


@dataclass(frozen=True)
class FiscalPeriod:
    grain: Grain
    key: str
    first: date
    end: date  # exclusive

    def bounds(self, time_zone: str) -> tuple[datetime, datetime]:
        """UTC instants of local midnight at both ends: a DST month is an hour shorter or longer."""
        zone = ZoneInfo(time_zone)
        return tuple(datetime(d.year, d.month, d.day, tzinfo=zone).astimezone(UTC) for d in (self.first, self.end))  # type: ignore[return-value]

    def days(self) -> int:
        return (self.end - self.first).days


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class FiscalCalendar:
    start_month: int = 1
    time_zone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise ValueError(f"fiscal year start month must be 1-12, got {self.start_month}")

    # A fiscal year is named by the calendar year it starts in: with April, FY2026 is 2026-04 to 2027-03.
    def year(self, fiscal_year: int) -> FiscalPeriod:
        first = date(fiscal_year, self.start_month, 1)
        return FiscalPeriod(Grain.YEAR, f"FY{fiscal_year}", first, _add_months(first, 12))

    def quarter(self, fiscal_year: int, number: int) -> FiscalPeriod:
        first = _add_months(date(fiscal_year, self.start_month, 1), 3 * (number - 1))
        return FiscalPeriod(Grain.QUARTER, f"FY{fiscal_year}-Q{number}", first, _add_months(first, 3))

    @staticmethod
    def month(year: int, month: int) -> FiscalPeriod:
        first = date(year, month, 1)
        return FiscalPeriod(Grain.MONTH, f"{year:04d}-{month:02d}", first, _add_months(first, 1))

    @staticmethod
    def week(iso_year: int, number: int) -> FiscalPeriod:
        first = date.fromisocalendar(iso_year, number, 1)
        return FiscalPeriod(Grain.WEEK, f"{iso_year:04d}-W{number:02d}", first, first + timedelta(days=7))

    def fiscal_year_of(self, day: date) -> int:
        return day.year if day.month >= self.start_month else day.year - 1

    def period(self, grain: Grain, at: datetime | date) -> FiscalPeriod:
        """The period containing `at` (an instant is first put in the calendar's zone)."""
        if isinstance(at, datetime):
            if at.tzinfo is None:
                raise ValueError("a naive datetime has no place in the calendar")
            day = at.astimezone(ZoneInfo(self.time_zone)).date()
        else:
            day = at
        if grain is Grain.WEEK:
            iso = day.isocalendar()
            return self.week(iso.year, iso.week)
        if grain is Grain.MONTH:
            return self.month(day.year, day.month)
        fiscal_year = self.fiscal_year_of(day)
        if grain is Grain.YEAR:
            return self.year(fiscal_year)
        months_in = (day.month - self.start_month) % 12
        return self.quarter(fiscal_year, months_in // 3 + 1)

    def parse(self, key: str) -> FiscalPeriod:
        """The period a key names; ValueError for anything malformed or impossible."""
        if m := _YEAR.fullmatch(key):
            return _within(self.year(_year(m[1])))
        if m := _QUARTER.fullmatch(key):
            if not 1 <= int(m[2]) <= 4:
                raise ValueError(f"no quarter {m[2]}")
            return _within(self.quarter(_year(m[1]), int(m[2])))
        if m := _MONTH.fullmatch(key):
            if not 1 <= int(m[2]) <= 12:
                raise ValueError(f"no month {m[2]}")
            return self.month(_year(m[1]), int(m[2]))
        if m := _WEEK.fullmatch(key):
            year = _year(m[1])
            try:
                week = self.week(year, int(m[2]))
            except (ValueError, OverflowError):
                raise ValueError(f"{key} does not exist") from None
            return _within(week)
        raise ValueError(f"not a period key: {key!r}")

    def months(self, period: FiscalPeriod) -> list[FiscalPeriod]:
        if period.grain is Grain.WEEK:
            raise ValueError("a week is not made of months")
        result, day = [], period.first
        while day < period.end:
            result.append(self.month(day.year, day.month))
            day = _add_months(day, 1)
        return result

    def children(self, period: FiscalPeriod) -> list[FiscalPeriod]:
        if period.grain is Grain.YEAR:
            fiscal_year = int(period.key[2:6])
            return [self.quarter(fiscal_year, n) for n in range(1, 5)]
        if period.grain is Grain.QUARTER:
            return self.months(period)
        if period.grain is Grain.MONTH:
            weeks, day = [], period.first - timedelta(days=period.first.weekday())
            while day < period.end:
                iso = day.isocalendar()
                weeks.append(self.week(iso.year, iso.week))
                day += timedelta(days=7)
            return weeks
        return []

    def parent(self, period: FiscalPeriod, grain: Grain) -> FiscalPeriod:
        # A week belongs where its Thursday is (the ISO rule for which year a week is in).
        day = period.first + timedelta(days=3) if period.grain is Grain.WEEK else period.first
        return self.period(grain, day)

    def previous(self, period: FiscalPeriod) -> FiscalPeriod:
        """The period of the same grain just before this one (the week before, the quarter before, …)."""
        return self.period(period.grain, period.first - timedelta(days=1))

    def same_period_last_year(self, period: FiscalPeriod) -> FiscalPeriod:
        if period.grain is Grain.YEAR:
            return self.year(int(period.key[2:6]) - 1)
        if period.grain is Grain.QUARTER:
            return self.quarter(int(period.key[2:6]) - 1, int(period.key[-1]))
        if period.grain is Grain.MONTH:
            return self.month(period.first.year - 1, period.first.month)
        iso_year, number = int(period.key[:4]) - 1, int(period.key[-2:])
        try:
            return self.week(iso_year, number)
        except ValueError:
            return self.week(iso_year, 52)

    def elapsed_fraction(self, period: FiscalPeriod, now: datetime) -> Fraction:
        start, end = period.bounds(self.time_zone)
        if now <= start:
            return Fraction(0)
        if now >= end:
            return Fraction(1)
        return Fraction(int((now - start).total_seconds() * 1_000_000), int((end - start).total_seconds() * 1_000_000))


class YearOutOfRange(ValueError):
    """A well-formed key naming a year outside FIRST_YEAR..LAST_YEAR."""


def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise YearOutOfRange(f"year {year} is out of range")
    return year


def _within(period: FiscalPeriod) -> FiscalPeriod:
    # A fiscal year (or an ISO week) can run into the next calendar year: its days must stay in range too.
    if period.end > date(LAST_YEAR + 1, 1, 1):
        raise YearOutOfRange(f"{period.key} ends after {LAST_YEAR}")
    return period


def decompose(
    total: Decimal, period: FiscalPeriod, calendar: FiscalCalendar, history: Mapping[str, Decimal], places: int, down_to: Grain
) -> dict[str, Decimal]:
    """A year's or quarter's amount over its months by last year's season (by days without history),

    quarters as the exact sums of their months, and weeks from each month by the days they cover in it.
    """
    if period.grain not in (Grain.YEAR, Grain.QUARTER):
        raise ValueError("only a year or a quarter is decomposed")
    if down_to not in (Grain.MONTH, Grain.WEEK):
        raise ValueError("decompose down to months or weeks")
    months = calendar.months(period)
    last = {m.key: max(Decimal(0), history.get(calendar.same_period_last_year(m).key, Decimal(0))) for m in months}
    weights = last if any(last.values()) else {m.key: Decimal(m.days()) for m in months}
    by_month = split(total, weights, places)
    result: dict[str, Decimal] = {}
    if period.grain is Grain.YEAR:
        for quarter in calendar.children(period):
            result[quarter.key] = sum((by_month[m.key] for m in calendar.months(quarter)), Decimal(0))
    result.update(by_month)
    if down_to is Grain.WEEK:
        weeks: dict[str, Decimal] = {}
        for month in months:
            parts = calendar.children(month)
            overlap = {w.key: Decimal((min(w.end, month.end) - max(w.first, month.first)).days) for w in parts}
            for key, amount in split(by_month[month.key], overlap, places).items():
                weeks[key] = weeks.get(key, Decimal(0)) + amount
        result.update(weeks)
    return result
