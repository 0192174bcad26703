"""A short route through today's customers: nearest neighbour, then 2-opt until no swap helps."""

from __future__ import annotations

from collections.abc import Sequence

from podium.customers.geo import distance_m

Point = tuple[float, float]
# 2-opt is O(n²) per pass; a rep's day has a few dozen stops, an org's whole book is not a route.
MAX_OPTIMIZED = 200


def order_stops(start: Point | None, stops: Sequence[Point]) -> list[int]:
    """Indexes of `stops` in visiting order from `start` (an open path: no return to the start)."""
    n = len(stops)
    if n <= 1:
        return list(range(n))
    remaining = set(range(n))
    current = start if start is not None else stops[0]
    order: list[int] = []
    while remaining:
        # Ties broken by index so the same input always gives the same route.
        nearest = min(remaining, key=lambda i: (distance_m(*current, *stops[i]), i))
        order.append(nearest)
        remaining.discard(nearest)
        current = stops[nearest]
    if n <= MAX_OPTIMIZED:
        order = _two_opt(start, stops, order)
    return order


def _two_opt(start: Point | None, stops: Sequence[Point], order: list[int]) -> list[int]:
    points = ([start] if start is not None else []) + [stops[i] for i in order]
    ids = ([-1] if start is not None else []) + order
    fixed = 1 if start is not None else 0  # the start never moves
    improved = True
    while improved:
        improved = False
        for i in range(max(fixed, 1), len(points) - 1):
            for j in range(i + 1, len(points)):
                a, b = points[i - 1], points[i]
                c = points[j]
                d = points[j + 1] if j + 1 < len(points) else None
                before = distance_m(*a, *b) + (distance_m(*c, *d) if d else 0.0)
                after = distance_m(*a, *c) + (distance_m(*b, *d) if d else 0.0)
                if after < before - 1e-6:
                    points[i : j + 1] = points[i : j + 1][::-1]
                    ids[i : j + 1] = ids[i : j + 1][::-1]
                    improved = True
    return [i for i in ids if i != -1]


def path_length(start: Point | None, stops: Sequence[Point], order: Sequence[int]) -> list[float | None]:
    """Each leg's length in metres: from the previous stop, or from `start` for the first (None without one)."""
    legs: list[float | None] = []
    previous = start
    for index in order:
        legs.append(distance_m(*previous, *stops[index]) if previous is not None else None)
        previous = stops[index]
    return legs
