"""A compensation plan as a document of rules, checked field by field before it is saved.

Rates and attainment thresholds are percentages ("5" is 5 %); money is in the org's currency.
The document is stored as JSON on each plan version, so a version never changes once written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from podium.core.errors import ErrorCode, Problems
from podium.core.money import check_amount, places_of

MAX_COMPONENTS = 20
MAX_ROWS = 20  # tiers, accelerators or line rates of one component
MAX_RATE = Decimal(100)  # percent
MAX_MULTIPLIER = Decimal(10)
KEY_MAX = 40
NAME_MAX = 100


class Kind(StrEnum):
    COMMISSION = "commission"
    SPIFF = "spiff"
    ROLLUP = "rollup"


class Basis(StrEnum):
    REVENUE = "revenue"
    MARGIN = "margin"
    COLLECTIONS = "collections"


class TierMode(StrEnum):
    GRADUATED = "graduated"  # each band of the period's total at its own rate
    RETROACTIVE = "retroactive"  # the band reached applies to the whole period


class Payout(StrEnum):
    BOOKING = "booking"  # payable in the period the deal is won
    COLLECTION = "collection"  # earned when won, payable as payments are collected


class Trigger(StrEnum):
    PRODUCT_LINE = "product_line"
    NEW_CUSTOMER = "new_customer"


class Rounding(StrEnum):
    HALF_EVEN = "half_even"
    HALF_UP = "half_up"
    DOWN = "down"

    @property
    def mode(self) -> str:
        return {Rounding.HALF_EVEN: ROUND_HALF_EVEN, Rounding.HALF_UP: ROUND_HALF_UP, Rounding.DOWN: ROUND_DOWN}[self]


@dataclass(frozen=True)
class Band:
    start: Decimal  # money: where the band begins in the period's running total
    rate: Decimal  # percent


@dataclass(frozen=True)
class Accelerator:
    start: Decimal  # percent of quota where the multiplier begins
    multiplier: Decimal


@dataclass(frozen=True)
class Component:
    key: str
    name: str
    kind: Kind
    basis: Basis = Basis.REVENUE
    rate: Decimal = Decimal(0)
    line_rates: Mapping[str, Decimal] = field(default_factory=dict)
    tiers: tuple[Band, ...] = ()
    tier_mode: TierMode = TierMode.GRADUATED
    accelerators: tuple[Accelerator, ...] = ()
    cap_per_deal: Decimal | None = None
    cap_per_period: Decimal | None = None
    payout: Payout = Payout.BOOKING
    # SPIFFs only.
    trigger: Trigger | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    product_line: str = ""
    team_id: int | None = None
    per_unit: Decimal | None = None
    fixed: Decimal | None = None

    def tier_at(self, position: Decimal) -> int:
        """The 1-based band a running total is in; 0 without tiers."""
        return sum(1 for band in self.tiers if position >= band.start)

    def band_rate(self, position: Decimal) -> Decimal:
        """The tier rate at a running total (the flat rate when there are no tiers)."""
        tier = self.tier_at(position)
        return self.tiers[tier - 1].rate if tier else self.rate

    def multiplier(self, attainment: Decimal | None) -> Decimal:
        """The accelerator at an attainment in percent; 1 without a quota or below every threshold."""
        found = Decimal(1)
        if attainment is None:
            return found
        for step in self.accelerators:
            if attainment >= step.start:
                found = step.multiplier
        return found


@dataclass(frozen=True)
class Plan:
    components: tuple[Component, ...]
    floor: Decimal | None = None  # guaranteed minimum payout, not recovered
    draw: Decimal | None = None  # advance paid when commission falls short, recovered from later excess
    rounding: Rounding = Rounding.HALF_EVEN

    def to_json(self) -> str:
        return json.dumps(_document(self), sort_keys=True, ensure_ascii=False)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _document(plan: Plan) -> dict[str, Any]:
    return {
        "floor": _money(plan.floor),
        "draw": _money(plan.draw),
        "rounding": plan.rounding.value,
        "components": [
            {
                "key": c.key, "name": c.name, "kind": c.kind.value, "basis": c.basis.value, "rate": str(c.rate),
                "lineRates": {k: str(v) for k, v in c.line_rates.items()},
                "tiers": [{"from": str(b.start), "rate": str(b.rate)} for b in c.tiers],
                "tierMode": c.tier_mode.value,
                "accelerators": [{"from": str(a.start), "multiplier": str(a.multiplier)} for a in c.accelerators],
                "capPerDeal": _money(c.cap_per_deal), "capPerPeriod": _money(c.cap_per_period), "payout": c.payout.value,
                "trigger": c.trigger.value if c.trigger else None,
                "startsOn": c.starts_on.isoformat() if c.starts_on else None,
                "endsOn": c.ends_on.isoformat() if c.ends_on else None,
                "productLine": c.product_line, "teamId": c.team_id,
                "perUnit": _money(c.per_unit), "fixed": _money(c.fixed),
            }
            for c in plan.components
        ],
    }


def from_json(text: str) -> Plan:
    """A stored document; it was checked when saved."""
    data = json.loads(text)

    def dec(value: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    components = []
    for c in data["components"]:
        components.append(
            Component(
                key=c["key"], name=c["name"], kind=Kind(c["kind"]), basis=Basis(c["basis"]), rate=Decimal(c["rate"]),
                line_rates={k: Decimal(v) for k, v in c["lineRates"].items()},
                tiers=tuple(Band(Decimal(b["from"]), Decimal(b["rate"])) for b in c["tiers"]),
                tier_mode=TierMode(c["tierMode"]),
                accelerators=tuple(Accelerator(Decimal(a["from"]), Decimal(a["multiplier"])) for a in c["accelerators"]),
                cap_per_deal=dec(c["capPerDeal"]), cap_per_period=dec(c["capPerPeriod"]), payout=Payout(c["payout"]),
                trigger=Trigger(c["trigger"]) if c["trigger"] else None,
                starts_on=date.fromisoformat(c["startsOn"]) if c["startsOn"] else None,
                ends_on=date.fromisoformat(c["endsOn"]) if c["endsOn"] else None,
                product_line=c["productLine"], team_id=c["teamId"], per_unit=dec(c["perUnit"]), fixed=dec(c["fixed"]),
            )
        )
    return Plan(tuple(components), dec(data["floor"]), dec(data["draw"]), Rounding(data["rounding"]))


# ---------------------------------------------------------------- checking


def _rate(problems: Problems, path: str, value: Decimal, maximum: Decimal = MAX_RATE) -> None:
    if not value.is_finite():
        problems.add(ErrorCode.INVALID, path)
    elif value < 0 or value > maximum:
        problems.add(ErrorCode.OUT_OF_RANGE, path, min=0, max=f"{maximum}")
    elif places_of(value) > 4:
        problems.add(ErrorCode.TOO_PRECISE, path, places=4)


def _optional_money(problems: Problems, path: str, value: Decimal | None, places: int) -> None:
    if value is not None:
        check_amount(problems, path, value, places=places, positive=True)


def _ascending(problems: Problems, path: str, starts: Sequence[Decimal], first_zero: bool) -> None:
    if first_zero and starts and starts[0] != 0:
        problems.add(ErrorCode.INVALID, f"{path}.0.from")
    for i in range(1, len(starts)):
        if starts[i] <= starts[i - 1]:
            problems.add(ErrorCode.INVALID, f"{path}.{i}.from")


def check_plan(plan: Plan, places: int, team_ids: set[int]) -> None:
    """Every problem of a plan, each named by its path (components.1.tiers.0.rate)."""
    problems = Problems()
    if not plan.components:
        problems.add(ErrorCode.REQUIRED, "components")
    if len(plan.components) > MAX_COMPONENTS:
        problems.add(ErrorCode.OUT_OF_RANGE, "components", min=1, max=MAX_COMPONENTS)
    _optional_money(problems, "floor", plan.floor, places)
    _optional_money(problems, "draw", plan.draw, places)
    if plan.floor is not None and plan.draw is not None:
        problems.add(ErrorCode.CONFLICT, "draw")
    seen: set[str] = set()
    for i, c in enumerate(plan.components):
        path = f"components.{i}"
        if not c.key.strip() or len(c.key) > KEY_MAX or c.key in seen:
            problems.add(ErrorCode.INVALID, f"{path}.key")
        seen.add(c.key)
        if not c.name.strip():
            problems.add(ErrorCode.REQUIRED, f"{path}.name")
        elif len(c.name) > NAME_MAX:
            problems.add(ErrorCode.TOO_LONG, f"{path}.name", max=NAME_MAX)
        if c.kind is Kind.SPIFF:
            _check_spiff(problems, path, c, places, team_ids)
            continue
        _rate(problems, f"{path}.rate", c.rate)
        if len(c.tiers) > MAX_ROWS or len(c.accelerators) > MAX_ROWS or len(c.line_rates) > MAX_ROWS:
            problems.add(ErrorCode.OUT_OF_RANGE, path, min=0, max=MAX_ROWS)
        for j, band in enumerate(c.tiers):
            check_amount(problems, f"{path}.tiers.{j}.from", band.start, places=places)
            _rate(problems, f"{path}.tiers.{j}.rate", band.rate)
        _ascending(problems, f"{path}.tiers", [b.start for b in c.tiers], first_zero=True)
        for j, step in enumerate(c.accelerators):
            check_amount(problems, f"{path}.accelerators.{j}.from", step.start, places=2, maximum=Decimal(10_000))
            _rate(problems, f"{path}.accelerators.{j}.multiplier", step.multiplier, MAX_MULTIPLIER)
        _ascending(problems, f"{path}.accelerators", [a.start for a in c.accelerators], first_zero=False)
        for line, rate in c.line_rates.items():
            if not line.strip():
                problems.add(ErrorCode.REQUIRED, f"{path}.lineRates")
            _rate(problems, f"{path}.lineRates.{line}", rate)
        _optional_money(problems, f"{path}.capPerDeal", c.cap_per_deal, places)
        _optional_money(problems, f"{path}.capPerPeriod", c.cap_per_period, places)
        if c.kind is Kind.ROLLUP and (c.tiers or c.accelerators or c.line_rates or c.payout is Payout.COLLECTION):
            problems.add(ErrorCode.INVALID, f"{path}.kind")
        if c.cap_per_period is not None and c.payout is Payout.COLLECTION:
            # A period cap on held commission would leave releases paying out more than was earned.
            problems.add(ErrorCode.INVALID, f"{path}.capPerPeriod")
        if c.basis is Basis.COLLECTIONS and (c.tiers or c.accelerators or c.payout is Payout.COLLECTION or c.cap_per_deal):
            # Collections are already cash: a flat rate (or line rates) per payment, refunds reversed exactly.
            problems.add(ErrorCode.INVALID, f"{path}.basis")
    problems.raise_if_any()


def _check_spiff(problems: Problems, path: str, c: Component, places: int, team_ids: set[int]) -> None:
    if c.trigger is None:
        problems.add(ErrorCode.REQUIRED, f"{path}.trigger")
    if c.starts_on is None:
        problems.add(ErrorCode.REQUIRED, f"{path}.startsOn")
    if c.ends_on is None:
        problems.add(ErrorCode.REQUIRED, f"{path}.endsOn")
    elif c.starts_on is not None and c.ends_on < c.starts_on:
        problems.add(ErrorCode.INVALID, f"{path}.endsOn")
    if (c.per_unit is None) == (c.fixed is None):
        problems.add(ErrorCode.REQUIRED, f"{path}.fixed")
    _optional_money(problems, f"{path}.perUnit", c.per_unit, places)
    _optional_money(problems, f"{path}.fixed", c.fixed, places)
    if c.trigger is Trigger.PRODUCT_LINE and not c.product_line.strip():
        problems.add(ErrorCode.REQUIRED, f"{path}.productLine")
    if c.trigger is Trigger.NEW_CUSTOMER and c.per_unit is not None:
        problems.add(ErrorCode.INVALID, f"{path}.perUnit")
    if c.team_id is not None and c.team_id not in team_ids:
        problems.add(ErrorCode.NOT_FOUND, f"{path}.teamId")

