"""The pure parts of visits: the route through today's customers and the plausibility rules."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from podium.customers.geo import distance_m
from podium.visits.plausibility import CheckIn, Fix, Flag, Limits, Status, assess, decode, encode, speed_kmh, status_for
from podium.visits.route import order_stops, path_length

LIMITS = Limits(max_accuracy_m=200, max_speed_kmh=200, clock_tolerance=timedelta(minutes=10))
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
SHANGHAI = (31.2304, 121.4737)


def total(start, stops, order):  # type: ignore[no-untyped-def]
    return sum(leg or 0 for leg in path_length(start, stops, order))


def test_stops_on_a_line_are_visited_in_order_whatever_order_they_come_in() -> None:
    lat, lon = SHANGHAI
    stops = [(lat + 0.03, lon), (lat + 0.01, lon), (lat + 0.04, lon), (lat + 0.02, lon)]
    assert order_stops((lat, lon), stops) == [1, 3, 0, 2]


def test_two_opt_untangles_a_crossing_nearest_neighbour_leaves() -> None:
    # Nearest neighbour from the start goes to the close corner first and crosses back later.
    lat, lon = SHANGHAI
    square = [(lat, lon + 0.02), (lat + 0.02, lon + 0.02), (lat + 0.02, lon), (lat + 0.001, lon + 0.001)]
    order = order_stops((lat, lon), square)
    best = min(itertools.permutations(range(4)), key=lambda p: total((lat, lon), square, p))
    assert abs(total((lat, lon), square, order) - total((lat, lon), square, best)) < 1.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(31.0, 31.4), st.floats(121.2, 121.7)), min_size=1, max_size=7))
def test_the_route_visits_every_stop_once_and_is_never_worse_than_nearest_neighbour_alone(stops: list[tuple[float, float]]) -> None:
    start = SHANGHAI
    order = order_stops(start, stops)
    assert sorted(order) == list(range(len(stops)))
    # Greedy nearest neighbour, for comparison.
    remaining, here, greedy = set(range(len(stops))), start, []
    while remaining:
        nxt = min(remaining, key=lambda i: (distance_m(*here, *stops[i]), i))
        greedy.append(nxt)
        remaining.discard(nxt)
        here = stops[nxt]
    assert total(start, stops, order) <= total(start, stops, greedy) + 1e-6


def fix(lat_offset: float = 0.0, minutes: float = 0.0, accuracy: float = 10.0) -> Fix:
    return Fix(SHANGHAI[0] + lat_offset, SHANGHAI[1], accuracy, T0 + timedelta(minutes=minutes))


def check_in(at: Fix, **overrides: object) -> CheckIn:
    data: dict[str, object] = {"fix": at, "distance_m": 50.0, "geofence_m": 300.0, "position_at": None, "sent_at": None, "received_at": at.at}
    data.update(overrides)
    return CheckIn(**data)  # type: ignore[arg-type]


def test_speed_gives_each_position_its_accuracy_and_never_divides_by_zero() -> None:
    assert speed_kmh(fix(), fix(0.0005, minutes=1, accuracy=50)) == 0.0  # 55 m apart with 60 m of doubt: no move
    assert speed_kmh(fix(), fix(0.54, minutes=0)) > 100_000  # same second, 60 km apart: as if one second
    assert 3.9 < speed_kmh(fix(), fix(0.018, minutes=30)) < 4.1


def test_each_doubt_is_its_own_flag_and_only_doubts_block_verification() -> None:
    here = fix(minutes=10)
    flags, speed = assess(check_in(here, distance_m=900.0, fix=Fix(here.latitude, here.longitude, 500.0, here.at),
                                   position_at=here.at - timedelta(minutes=30)), [fix(0.54)], LIMITS)
    assert flags == [Flag.OUTSIDE_GEOFENCE, Flag.POOR_ACCURACY, Flag.IMPOSSIBLE_SPEED, Flag.CLOCK_MISMATCH]
    assert speed is not None and speed > 300
    assert status_for(flags) is Status.FLAGGED
    assert status_for([Flag.LEFT_OPEN]) is Status.VERIFIED
    assert decode(encode([Flag.LEFT_OPEN, Flag.OUTSIDE_GEOFENCE])) == [Flag.OUTSIDE_GEOFENCE, Flag.LEFT_OPEN]


def test_a_phone_clock_within_the_tolerance_is_believed() -> None:
    here = fix()
    flags, speed = assess(check_in(here, position_at=here.at - timedelta(minutes=9), sent_at=here.at + timedelta(minutes=9)), [], LIMITS)
    assert flags == [] and speed is None
