"""Whether a check-in can be believed: each doubt is a flag a manager reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from podium.customers.geo import distance_m


class Flag(StrEnum):
    OUTSIDE_GEOFENCE = "outside_geofence"
    POOR_ACCURACY = "poor_accuracy"
    IMPOSSIBLE_SPEED = "impossible_speed"
    CLOCK_MISMATCH = "clock_mismatch"
    # The customer had no position yet, so the geofence could not be checked (the check-in may have placed it).
    NO_CUSTOMER_POSITION = "no_customer_position"
    # Not a doubt about where the rep was, only about how long: it never blocks points.
    LEFT_OPEN = "left_open"


# Flags that question whether the visit happened where and when it says.
DOUBTS = frozenset(Flag) - {Flag.LEFT_OPEN}


class Status(StrEnum):
    VERIFIED = "verified"
    FLAGGED = "flagged"
    APPROVED = "approved"
    REJECTED = "rejected"


COUNTED = (Status.VERIFIED.value, Status.APPROVED.value)


@dataclass(frozen=True)
class Limits:
    max_accuracy_m: float
    max_speed_kmh: float
    clock_tolerance: timedelta


@dataclass(frozen=True)
class Fix:
    latitude: float
    longitude: float
    accuracy_m: float
    at: datetime


@dataclass(frozen=True)
class CheckIn:
    fix: Fix
    # None: the customer has no position to measure from.
    distance_m: float | None
    geofence_m: float
    # When the phone's GPS fix was taken, and the phone's clock when it sent the check-in.
    position_at: datetime | None
    sent_at: datetime | None
    received_at: datetime


def speed_kmh(a: Fix, b: Fix) -> float:
    """Speed needed between two fixes, giving each position its accuracy's benefit of the doubt."""
    gap = max(0.0, distance_m(a.latitude, a.longitude, b.latitude, b.longitude) - a.accuracy_m - b.accuracy_m)
    # Two fixes in the same second yet far apart count as a second apart, not a division by zero.
    hours = max(1.0, abs((b.at - a.at).total_seconds())) / 3600
    return gap / 1000 / hours


def assess(check_in: CheckIn, neighbours: list[Fix], limits: Limits) -> tuple[list[Flag], float | None]:
    """The check-in's flags, in Flag order, and the fastest speed it implies from its neighbours in time."""
    flags: set[Flag] = set()
    if check_in.distance_m is None:
        flags.add(Flag.NO_CUSTOMER_POSITION)
    elif check_in.distance_m > check_in.geofence_m:
        flags.add(Flag.OUTSIDE_GEOFENCE)
    if check_in.fix.accuracy_m > limits.max_accuracy_m:
        flags.add(Flag.POOR_ACCURACY)
    speed = max((speed_kmh(other, check_in.fix) for other in neighbours), default=None)
    if speed is not None and speed > limits.max_speed_kmh:
        flags.add(Flag.IMPOSSIBLE_SPEED)
    if check_in.position_at is not None and abs(check_in.fix.at - check_in.position_at) > limits.clock_tolerance:
        flags.add(Flag.CLOCK_MISMATCH)
    if check_in.sent_at is not None and abs(check_in.received_at - check_in.sent_at) > limits.clock_tolerance:
        # The phone's clock is off, so the moment it recorded cannot be trusted either.
        flags.add(Flag.CLOCK_MISMATCH)
    return [f for f in Flag if f in flags], (round(speed, 1) if speed is not None else None)


def places_customer(flags: list[Flag]) -> bool:
    """Whether a check-in at a customer without a position is trusted enough to become its position."""
    return Flag.NO_CUSTOMER_POSITION in flags and Flag.POOR_ACCURACY not in flags and Flag.IMPOSSIBLE_SPEED not in flags


def status_for(flags: list[Flag]) -> Status:
    return Status.FLAGGED if any(f in DOUBTS for f in flags) else Status.VERIFIED


def encode(flags: list[Flag]) -> str:
    return ",".join(f.value for f in Flag if f in flags)


def decode(flags: str) -> list[Flag]:
    return [Flag(f) for f in flags.split(",") if f]
