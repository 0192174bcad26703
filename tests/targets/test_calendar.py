"""The fiscal calendar across a year that starts in April, ISO weeks, DST and seasonal decomposition."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podium.core.periods import LAST_YEAR
from podium.targets.calendar import FiscalCalendar, Grain, YearOutOfRange, decompose

APRIL = FiscalCalendar(start_month=4, time_zone="Asia/Shanghai")


def test_a_fiscal_year_starting_in_april() -> None:
    year = APRIL.parse("FY2026")
    assert (year.first, year.end) == (date(2026, 4, 1), date(2027, 4, 1))
    assert [q.key for q in APRIL.children(year)] == ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3", "FY2026-Q4"]
    assert [m.key for m in APRIL.children(APRIL.parse("FY2026-Q4"))] == ["2027-01", "2027-02", "2027-03"]
    assert APRIL.period(Grain.QUARTER, date(2027, 2, 15)).key == "FY2026-Q4"
    assert APRIL.period(Grain.YEAR, date(2027, 1, 5)).key == "FY2026"
    assert APRIL.period(Grain.YEAR, date(2027, 4, 1)).key == "FY2027"
    # Shanghai midnight of 1 April is 16:00 UTC the day before.
    assert APRIL.period(Grain.QUARTER, datetime(2026, 3, 31, 16, 0, tzinfo=UTC)).key == "FY2026-Q1"
    assert APRIL.period(Grain.QUARTER, datetime(2026, 3, 31, 15, 59, tzinfo=UTC)).key == "FY2025-Q4"


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(LAST_YEAR - 1, 12, 31)), st.sampled_from(list(Grain)), st.integers(1, 12))
def test_every_period_round_trips_through_its_key_and_contains_its_day(day: date, grain: Grain, start: int) -> None:
    calendar = FiscalCalendar(start_month=start)
    period = calendar.period(grain, day)
    assert calendar.parse(period.key) == period
    assert period.first <= day < period.end


@pytest.mark.parametrize("key", ["FY26", "FY2026-Q5", "FY2026-Q0", "2026-13", "2026-00", "2025-W53", "2026-W54", "0999-01", "x", "2026-4", "FY2026\n", "２０２６-04", "9999-W52"])
def test_bad_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError):
        APRIL.parse(key)


def test_a_period_must_end_within_the_last_year() -> None:
    assert APRIL.parse(f"{LAST_YEAR}-12").end.year == LAST_YEAR + 1
    assert FiscalCalendar(start_month=1).parse(f"FY{LAST_YEAR}").key == f"FY{LAST_YEAR}"
    for key in (f"FY{LAST_YEAR}", f"FY{LAST_YEAR}-Q4", f"{LAST_YEAR + 1}-01"):
        with pytest.raises(YearOutOfRange):
            APRIL.parse(key)  # April's fiscal year runs into the next calendar year


def test_iso_week_53_exists_only_in_long_years() -> None:
    assert APRIL.parse("2026-W53").first == date(2026, 12, 28)
    assert APRIL.parse("2020-W53").first == date(2020, 12, 28)
    assert APRIL.same_period_last_year(APRIL.parse("2026-W53")).key == "2025-W52"


def test_the_weeks_of_a_month_cover_it_exactly() -> None:
    month = APRIL.parse("2026-03")
    covered = set()
    for week in APRIL.children(month):
        day = max(week.first, month.first)
        while day < min(week.end, month.end):
            covered.add(day)
            day += timedelta(days=1)
    assert covered == {month.first + timedelta(days=i) for i in range(31)}


def test_bounds_follow_dst_in_berlin_and_not_in_shanghai() -> None:
    march = FiscalCalendar(time_zone="Europe/Berlin").parse("2026-03")
    start, end = march.bounds("Europe/Berlin")
    assert end - start == timedelta(days=31) - timedelta(hours=1)
    start, end = march.bounds("Asia/Shanghai")
    assert end - start == timedelta(days=31)


def test_same_period_last_year() -> None:
    assert [APRIL.same_period_last_year(APRIL.parse(k)).key for k in ("FY2026", "FY2026-Q3", "2026-04", "2026-W10")] == [
        "FY2025", "FY2025-Q3", "2025-04", "2025-W10",
    ]


def test_elapsed_fraction() -> None:
    month = APRIL.parse("2026-04")
    start, end = month.bounds(APRIL.time_zone)
    assert APRIL.elapsed_fraction(month, start - timedelta(days=1)) == 0
    assert APRIL.elapsed_fraction(month, start + (end - start) / 2) == Fraction(1, 2)
    assert APRIL.elapsed_fraction(month, end + timedelta(seconds=1)) == 1


def test_decomposing_a_year_follows_last_years_season() -> None:
    year = APRIL.parse("FY2026")
    history = {f"{2025 + (m < 4):04d}-{m:02d}": Decimal(m) for m in range(1, 13)}  # FY2025's months, weight = month number
    parts = decompose(Decimal("780000.00"), year, APRIL, history, 2, Grain.WEEK)

    months = {k: v for k, v in parts.items() if len(k) == 7 and "W" not in k}
    assert months["2026-04"] == Decimal("40000.00") and months["2027-03"] == Decimal("30000.00")  # 4/78 and 3/78
    assert sum(months.values()) == Decimal("780000.00")
    assert parts["FY2026-Q1"] == months["2026-04"] + months["2026-05"] + months["2026-06"]
    assert sum(v for k, v in parts.items() if k.startswith("FY")) == Decimal("780000.00")
    assert sum(v for k, v in parts.items() if "-W" in k) == Decimal("780000.00")


def test_without_history_months_are_weighted_by_their_days() -> None:
    parts = decompose(Decimal(90), APRIL.parse("FY2026-Q1"), APRIL, {}, 0, Grain.MONTH)
    assert parts == {"2026-04": Decimal(30), "2026-05": Decimal(30), "2026-06": Decimal(30)}  # 30/31/30 days → 29.67, 30.66, 29.67


def test_only_years_and_quarters_decompose() -> None:
    with pytest.raises(ValueError):
        decompose(Decimal(1), APRIL.parse("2026-04"), APRIL, {}, 2, Grain.WEEK)


def test_previous_period() -> None:
    keys = ("FY2026", "FY2026-Q1", "2026-01", "2026-W01", "2021-W01")
    assert [APRIL.previous(APRIL.parse(k)).key for k in keys] == ["FY2025", "FY2025-Q4", "2025-12", "2025-W52", "2020-W53"]
