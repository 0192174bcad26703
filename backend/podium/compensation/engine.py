"""One person's statement for one period, computed from a plan and the credited transactions: pure and exact.

Arithmetic is Decimal throughout, in a 40-digit context, and rounds at two documented points only:

* A component's earned lines are rounded *cumulatively*: each line is the rounded running total after
  it less the rounded running total before it. The lines then add up to the period's exact commission
  rounded once, so totals reconcile to the cent and the total never falls as revenue grows.
* A release (commission made payable by a payment) is the deal's commission times the share of the
  deal collected so far, rounded, less the same before the payment: a deal fully collected releases
  exactly its commission. A refund claws back its payment's release in proportion; a full refund
  reverses it exactly.

Both round to the currency's minor unit in the plan's rounding mode (half-even unless it says).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Context, Decimal, localcontext
from enum import StrEnum
from operator import attrgetter

from podium.compensation.plan import Basis, Component, Kind, Payout, Plan, TierMode, Trigger

PRECISION = Context(prec=40)
BY_TIME = attrgetter("at", "ref")  # lines in the order things happened; the ref breaks ties
AMOUNT = attrgetter("amount")
PAYABLE = attrgetter("payable")
REVENUE = attrgetter("revenue")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


class LineKind(StrEnum):
    COMMISSION = "commission"  # earned on a credited deal line
    COLLECTION = "collection"  # earned on cash collected
    RELEASE = "release"  # held commission made payable by a payment
    CLAWBACK = "clawback"  # a refund reversing its payment's release or commission
    SPIFF = "spiff"
    ROLLUP = "rollup"  # a manager's credit on their people's deals
    CAP = "cap"  # what a period cap takes back
    ADJUSTMENT = "adjustment"  # a correction to a locked period
    FLOOR = "floor"
    DRAW = "draw"
    RECOVERY = "recovery"  # draw paid earlier, recovered from this period's excess


# Lines priced at a percentage of their basis.
PRICED = frozenset({LineKind.COMMISSION, LineKind.ROLLUP, LineKind.COLLECTION})
# Lines that follow from the statement's total, not from a transaction: corrections never diff them.
DERIVED = frozenset({LineKind.FLOOR, LineKind.DRAW, LineKind.RECOVERY, LineKind.ADJUSTMENT})


# The records below are slotted but not frozen: a frozen __init__ sets every field through
# object.__setattr__, which costs seconds at a million lines. Nothing changes them once built.


@dataclass(slots=True)
class Credit:
    """A deal line (or a deal without lines) credited to one payee, at their share."""

    ref: str  # "deal:12" or "deal:12/3" for its third line
    deal_id: int
    label: str
    at: datetime
    day: date | None  # in the org's zone, for SPIFF windows; None: Inputs.day_of works it out when needed
    revenue: Decimal
    margin: Decimal
    product_line: str = ""
    quantity: Decimal = ZERO
    share: Decimal = HUNDRED  # percent of the deal credited to this payee
    team_id: int | None = None
    owner_id: int | None = None  # roll-up credits: whose deal it is


@dataclass(slots=True)
class Collection:
    """A payment (or a refund, negative) on a credited deal, at the payee's share."""

    ref: str  # "payment:5"
    payment_id: int
    deal_id: int
    label: str
    at: datetime
    amount: Decimal
    deal_revenue: Decimal  # the payee's credited revenue of the deal
    collected_before: Decimal = ZERO  # the payee's share of the deal collected before this payment
    product_line: str = ""
    refund_of: int | None = None  # a refund names its payment …
    original_amount: Decimal = ZERO  # … and that payment's amount at the payee's share


@dataclass(slots=True)
class NewCustomer:
    ref: str
    label: str
    at: datetime
    day: date
    team_path: tuple[int, ...] = ()  # the payee's unit and every unit above it


@dataclass(slots=True)
class Portion:
    """Part of a line's basis at one rate: how a tier or accelerator boundary splits a deal."""

    basis: Decimal
    rate: Decimal  # percent
    multiplier: Decimal
    tier: int  # 1-based band; 0 without tiers


@dataclass(slots=True)
class Line:
    component: str
    kind: LineKind
    ref: str
    label: str
    at: datetime | None
    basis: Decimal
    rate: Decimal | None  # percent, the rate of the last portion
    multiplier: Decimal | None
    amount: Decimal  # earned
    payable: Decimal
    portions: tuple[Portion, ...] = ()  # only when a boundary cut the line; see parts()
    note: str = ""  # the period a correction belongs to, "cap_per_deal", …
    original: str = ""  # a correction: the kind of line it corrects
    tier: int = 0

    def parts(self) -> tuple[Portion, ...]:
        """How the line was priced: its portions, or the one rate it was priced at."""
        if self.portions or self.rate is None or self.kind not in PRICED:
            return self.portions
        return (Portion(self.basis, self.rate, self.multiplier if self.multiplier is not None else ONE, self.tier),)

    @property
    def key(self) -> tuple[str, str, str]:
        """Unique within a statement: disputes and what-if diffs name lines by it."""
        if self.kind is LineKind.ADJUSTMENT:
            return (self.component, self.kind.value, f"{self.ref}@{self.note}/{self.original}")
        return (self.component, self.kind.value, self.ref)


@dataclass(frozen=True)
class Inputs:
    quota: Decimal | None = None  # the payee's revenue target for the period
    credits: Sequence[Credit] = ()
    collections: Sequence[Collection] = ()
    # (component key, deal id) → commission the payee earned on that deal when it was won.
    held: Mapping[tuple[str, int], Decimal] = field(default_factory=dict)
    # payment id → {component key: what it made payable}: refunds reverse exactly this.
    released: Mapping[int, Mapping[str, Decimal]] = field(default_factory=dict)
    team_credits: Sequence[Credit] = ()  # the people under a manager, for roll-up
    new_customers: Sequence[NewCustomer] = ()
    draw_balance: Decimal = ZERO  # draw paid and not yet recovered
    adjustments: Sequence[Line] = ()
    day_of: Callable[[datetime], date] | None = None  # an instant's date in the org's zone


@dataclass(frozen=True)
class NextStep:
    """The next tier or accelerator the payee can reach this period."""

    component: str
    kind: str  # "tier" or "accelerator"
    at: Decimal  # running total (money) where it begins
    distance: Decimal
    rate: Decimal | None
    multiplier: Decimal | None


@dataclass(frozen=True)
class Statement:
    lines: tuple[Line, ...]
    earned: Decimal
    payable: Decimal
    held: Decimal  # earned this period, payable only when collected
    revenue: Decimal
    quota: Decimal | None
    attainment: Decimal | None  # percent
    draw_balance: Decimal
    next_step: NextStep | None
    # (component, deal id) → commission earned on the deal: later periods release it.
    deal_commission: Mapping[tuple[str, int], Decimal] = field(default_factory=dict)
    line_count: int = 0  # lines an itemized statement has


def in_order(credits: Sequence[Credit]) -> Sequence[Credit]:
    """Credits by time, then ref. Readers hand them over in time order already; checking that
    costs a fifth of sorting a million of them by a (time, ref) key."""
    if all(a.at < b.at for a, b in zip(credits, credits[1:], strict=False)):
        return credits
    return sorted(credits, key=BY_TIME)


def compute(plan: Plan, inputs: Inputs, places: int, *, itemized: bool = True) -> Statement:
    """The statement; the same inputs always give the same lines, in the same order.

    Not `itemized`, each commission or roll-up component comes back as one line carrying its
    total: the same totals, computed line by line, without keeping a million line objects.
    """
    with localcontext(PRECISION):
        return _Run(plan, inputs, places, itemized).statement()


class _Run:
    def __init__(self, plan: Plan, inputs: Inputs, places: int, itemized: bool = True) -> None:
        self.plan = plan
        self.itemized = itemized
        self.line_count = 0  # itemized lines not kept
        self.summaries = 0  # summary lines standing in for them
        self.inputs = inputs
        self.quantum = Decimal(f"1E-{places}")
        self.nothing = ZERO.quantize(self.quantum)  # 0.00: every amount on a line has the currency's decimals
        self.mode = plan.rounding.mode
        self.credits = in_order(inputs.credits)
        self.revenue = sum(map(REVENUE, self.credits), ZERO)
        quota = inputs.quota if inputs.quota and inputs.quota > 0 else None
        self.quota = quota
        self.earned_on_deal: dict[tuple[str, int], Decimal] = {}
        self.released_here: dict[int, dict[str, Decimal]] = {}
        self.held_total = ZERO  # commission earned here and held until collected

    def round(self, value: Decimal) -> Decimal:
        return value.quantize(self.quantum, rounding=self.mode)

    def statement(self) -> Statement:
        lines: list[Line] = []
        for component in self.plan.components:
            if component.kind is Kind.SPIFF:
                lines += self.spiff(component)
            elif component.kind is Kind.ROLLUP:
                lines += self.commission(component, sorted(self.inputs.team_credits, key=BY_TIME), LineKind.ROLLUP)
            elif component.basis is Basis.COLLECTIONS:
                lines += self.on_collections(component)
            else:
                lines += self.commission(component, self.credits, LineKind.COMMISSION)
                if component.payout is Payout.COLLECTION:
                    lines += self.releases(component)
        lines += self.inputs.adjustments
        balance = self.inputs.draw_balance
        payable = sum(map(PAYABLE, lines), ZERO)
        guarantee = self.guarantee(payable, balance)
        if guarantee is not None:
            lines.append(guarantee)
            if guarantee.kind is LineKind.DRAW:
                balance += guarantee.payable
            elif guarantee.kind is LineKind.RECOVERY:
                balance += guarantee.payable  # negative: recovered
        # Sums of amounts already in the minor unit: quantizing only fixes the exponent (0 → 0.00).
        earned = sum(map(AMOUNT, lines), ZERO).quantize(self.quantum)
        payable = sum(map(PAYABLE, lines), ZERO).quantize(self.quantum)
        held = (self.held_total + ZERO).quantize(self.quantum)
        attainment = None if self.quota is None else (self.revenue / self.quota * HUNDRED).quantize(Decimal("0.01"))
        return Statement(
            lines=tuple(lines), earned=earned, payable=payable, held=held, revenue=self.revenue.quantize(self.quantum), quota=self.quota,
            attainment=attainment, draw_balance=balance.quantize(self.quantum), next_step=self.next_step(), deal_commission=dict(self.earned_on_deal),
            line_count=self.line_count + len(lines) - self.summaries,
        )

    # ------------------------------------------------------------ commission on deals

    def commission(self, component: Component, credits: Sequence[Credit], kind: LineKind) -> list[Line]:
        revenue_basis = component.basis is Basis.REVENUE
        retroactive = None
        if component.tiers and component.tier_mode is TierMode.RETROACTIVE:
            total_basis = sum((c.revenue if revenue_basis else c.margin for c in credits), ZERO)
            retroactive = (component.band_rate(total_basis), component.tier_at(total_basis))
        held = kind is LineKind.COMMISSION and component.payout is Payout.COLLECTION
        exact = rounded = basis_at = revenue_at = ZERO
        lines: list[Line] = []
        append = lines.append
        itemized = self.itemized
        quantum, mode, key, nothing = self.quantum, self.mode, component.key, self.nothing
        cap = component.cap_per_deal
        line_rates = component.line_rates
        # Most lines cross no boundary: found by bisection, they are priced without cutting.
        starts = [band.start for band in component.tiers]
        rates = [component.rate, *(band.rate for band in component.tiers)]
        thresholds = [self.quota * step.start / HUNDRED for step in component.accelerators] if self.quota is not None else []
        multipliers = [ONE, *(step.multiplier for step in component.accelerators)]
        # rate × multiplier ÷ 100 for every (tier, accelerator step): one multiplication per line.
        factors = [[rate * multiplier / HUNDRED for multiplier in multipliers] for rate in rates]
        earned_on_deal = self.earned_on_deal
        # A deal's lines are adjacent (same moment, refs sharing the deal's prefix): the per-deal
        # cap needs only the running amount of the current deal.
        cap_deal, cap_used = -1, ZERO
        for credit in credits:
            basis = credit.revenue if revenue_basis else credit.margin
            revenue = credit.revenue
            line_rate = line_rates.get(credit.product_line) if credit.product_line else None
            fixed = (line_rate, 0) if line_rate is not None else retroactive
            portions: tuple[Portion, ...] | None = None
            if basis > 0 and revenue >= 0:
                tier = bisect_right(starts, basis_at)
                step = bisect_right(thresholds, revenue_at)
                inside = fixed is None and tier < len(starts) and starts[tier] < basis_at + basis
                if not inside and not (step < len(thresholds) and thresholds[step] < revenue_at + revenue):
                    multiplier = multipliers[step]
                    if fixed is None:
                        rate, value = rates[tier], basis * factors[tier][step]
                    else:
                        rate, tier = fixed
                        value = basis * rate * multiplier / HUNDRED
                    portions = ()
            if portions is None:
                portions = tuple(self.portions(component, basis_at, basis, revenue_at, revenue, fixed))
                value = sum((p.basis * p.rate / HUNDRED * p.multiplier for p in portions), ZERO)
                rate, multiplier, tier = portions[-1].rate, portions[-1].multiplier, portions[-1].tier
            # Say why a line is not at the tier rate: its product line has a rate of its own.
            note = "line_rate" if line_rate is not None else ""
            if cap is not None:
                if credit.deal_id != cap_deal:
                    cap_deal, cap_used = credit.deal_id, ZERO
                allowed = cap - cap_used if cap_used < cap else ZERO
                if value > allowed:
                    value, note = allowed, "cap_per_deal"
                cap_used += value
            exact += value
            after = exact.quantize(quantum, mode)
            amount = after - rounded
            rounded = after
            basis_at += basis
            revenue_at += revenue
            if itemized:
                append(Line(key, kind, credit.ref, credit.label, credit.at, basis, rate, multiplier,
                            amount, nothing if held else amount, portions, note, "", tier))
            if held:
                deal_key = (key, credit.deal_id)
                earned_on_deal[deal_key] = earned_on_deal.get(deal_key, ZERO) + amount
        if held:
            self.held_total += rounded
        if not itemized and credits:
            self.line_count += len(credits)
            self.summaries += 1
            lines.append(Line(key, kind, "summary", "", None, basis_at, None, None, rounded, nothing if held else rounded))
        if component.cap_per_period is not None and rounded > component.cap_per_period:
            over = component.cap_per_period - rounded
            lines.append(Line(component.key, LineKind.CAP, "period", "", None, rounded, None, None, over, self.nothing if held else over, note="cap_per_period"))
        return lines

    def portions(
        self, component: Component, basis_at: Decimal, basis: Decimal, revenue_at: Decimal, revenue: Decimal,
        fixed: tuple[Decimal, int] | None,
    ) -> list[Portion]:
        """The line's basis cut where a tier or an accelerator begins, each part at its own rate.

        `fixed` is a (rate, tier) that holds for the whole line: a product line's own rate, or the
        band a retroactive tier table reached over the whole period.
        """
        # Cuts are offsets into the line's basis, exact where a tier begins; each part is classified
        # by its midpoint, so a boundary never depends on the last digit of a division.
        if basis == 0:
            return [Portion(basis, fixed[0] if fixed else component.band_rate(basis_at), component.multiplier(self._attained(revenue_at)), fixed[1] if fixed else component.tier_at(basis_at))]
        cuts = {ZERO, basis}
        if fixed is None and component.tiers and basis > 0:
            for band in component.tiers:
                if ZERO < band.start - basis_at < basis:
                    cuts.add(band.start - basis_at)
        if component.accelerators and self.quota is not None and revenue > 0:
            for step in component.accelerators:
                into = (self.quota * step.start / HUNDRED - revenue_at) * basis / revenue
                if ZERO < into < basis if basis > 0 else basis < into < ZERO:
                    cuts.add(into)
        points = sorted(cuts, reverse=basis < 0)
        found = []
        for o0, o1 in zip(points, points[1:], strict=False):
            middle = (o0 + o1) / 2
            position = basis_at + middle
            attained = self._attained(revenue_at + middle * revenue / basis)
            rate, tier = fixed if fixed is not None else (component.band_rate(position), component.tier_at(position))
            found.append(Portion(o1 - o0, rate, component.multiplier(attained), tier))
        return found

    def _attained(self, revenue: Decimal) -> Decimal | None:
        return None if self.quota is None else revenue / self.quota * HUNDRED

    def releases(self, component: Component) -> list[Line]:
        """Held commission made payable as the deal's cash comes in; refunds claw back what their payment released."""
        lines = []
        for c in sorted(self.inputs.collections, key=BY_TIME):
            commission = self.earned_on_deal.get((component.key, c.deal_id), self.inputs.held.get((component.key, c.deal_id)))
            if commission is None or c.deal_revenue <= 0:
                continue
            if c.refund_of is None:
                share_before = min(ONE, c.collected_before / c.deal_revenue)
                share_after = min(ONE, (c.collected_before + c.amount) / c.deal_revenue)
                amount = self.round(commission * share_after) - self.round(commission * share_before)
                kind, rate = LineKind.RELEASE, None
                self.released_here.setdefault(c.payment_id, {})[component.key] = amount
            else:
                amount = self.clawback(component, c)
                if amount is None:
                    continue
                kind, rate = LineKind.CLAWBACK, None
            lines.append(Line(
                component.key, kind, c.ref, c.label, c.at, c.amount, rate, None,
                amount=amount if kind is LineKind.CLAWBACK else self.nothing, payable=amount,
                note=f"deal:{c.deal_id}",
            ))
        return lines

    def clawback(self, component: Component, c: Collection) -> Decimal | None:
        assert c.refund_of is not None
        released = self.released_here.get(c.refund_of, {}).get(component.key)
        if released is None:
            released = self.inputs.released.get(c.refund_of, {}).get(component.key)
        if released is None or c.original_amount <= 0:
            return None
        if -c.amount >= c.original_amount:
            return -released
        return -self.round(released * -c.amount / c.original_amount)

    def on_collections(self, component: Component) -> list[Line]:
        lines = []
        for c in sorted(self.inputs.collections, key=BY_TIME):
            rate = component.line_rates.get(c.product_line, component.rate) if c.product_line else component.rate
            if c.refund_of is None:
                amount, kind = self.round(c.amount * rate / HUNDRED), LineKind.COLLECTION
                self.released_here.setdefault(c.payment_id, {})[component.key] = amount
            else:
                clawed = self.clawback(component, c)
                if clawed is None:
                    continue
                amount, kind = clawed, LineKind.CLAWBACK
            lines.append(Line(component.key, kind, c.ref, c.label, c.at, c.amount, rate, ONE, amount, amount, note=f"deal:{c.deal_id}"))
        return lines

    # ------------------------------------------------------------ SPIFFs

    def spiff(self, component: Component) -> list[Line]:
        assert component.starts_on is not None and component.ends_on is not None
        within = lambda day: component.starts_on <= day <= component.ends_on  # noqa: E731
        lines: list[Line] = []
        if component.trigger is Trigger.PRODUCT_LINE:
            paid_deals: set[int] = set()
            for c in self.credits:
                if c.product_line != component.product_line or not within(self.day(c)):
                    continue
                if component.per_unit is not None:
                    amount = self.round(component.per_unit * c.quantity)
                    basis, rate = c.quantity, component.per_unit
                elif c.deal_id in paid_deals:
                    continue
                else:
                    assert component.fixed is not None
                    paid_deals.add(c.deal_id)
                    amount = self.round(component.fixed * c.share / HUNDRED)
                    basis, rate = c.share, component.fixed
                lines.append(Line(component.key, LineKind.SPIFF, c.ref, c.label, c.at, basis, rate, None, amount, amount))
        elif component.trigger is Trigger.NEW_CUSTOMER:
            assert component.fixed is not None
            for n in sorted(self.inputs.new_customers, key=lambda n: (n.at, n.ref)):
                if within(n.day) and (component.team_id is None or component.team_id in n.team_path):
                    lines.append(Line(component.key, LineKind.SPIFF, n.ref, n.label, n.at, ONE, component.fixed, None, component.fixed, component.fixed))
        return lines

    def day(self, credit: Credit) -> date:
        if credit.day is not None:
            return credit.day
        assert self.inputs.day_of is not None, "a credit without a day needs Inputs.day_of"
        return self.inputs.day_of(credit.at)

    # ------------------------------------------------------------ floor and draw

    def guarantee(self, payable: Decimal, balance: Decimal) -> Line | None:
        floor, draw = self.plan.floor, self.plan.draw
        if floor is not None and payable < floor:
            top_up = floor - payable
            return Line("", LineKind.FLOOR, "period", "", None, payable, None, None, top_up, top_up)
        if draw is not None and payable < draw:
            advance = draw - payable
            return Line("", LineKind.DRAW, "period", "", None, payable, None, None, self.nothing, advance)
        if draw is not None and balance > 0 and payable > draw:
            recovered = min(balance, payable - draw)
            return Line("", LineKind.RECOVERY, "period", "", None, payable, None, None, self.nothing, -recovered)
        return None

    # ------------------------------------------------------------ what comes next

    def next_step(self) -> NextStep | None:
        """The nearest tier or accelerator above where the payee stands, over every commission component."""
        best: NextStep | None = None
        for component in self.plan.components:
            if component.kind is not Kind.COMMISSION or component.basis is not Basis.REVENUE:
                continue
            candidates = [
                NextStep(component.key, "tier", band.start, band.start - self.revenue, band.rate, None)
                for band in component.tiers if band.start > self.revenue
            ]
            if self.quota is not None:
                candidates += [
                    NextStep(component.key, "accelerator", at, at - self.revenue, None, step.multiplier)
                    for step in component.accelerators
                    if (at := (self.quota * step.start / HUNDRED).quantize(self.quantum)) > self.revenue
                ]
            for candidate in candidates:
                if best is None or candidate.distance < best.distance:
                    best = candidate
        return best

