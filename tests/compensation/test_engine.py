"""The statement engine on its own: worked examples from a plan document, and properties that must always hold."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from podium.compensation.engine import Collection, Credit, Inputs, LineKind, NewCustomer, compute
from podium.compensation.loader import shares
from podium.compensation.plan import Accelerator, Band, Basis, Component, Kind, Payout, Plan, Rounding, TierMode, Trigger

D = Decimal
NOV = datetime(2026, 11, 1, 1, tzinfo=UTC)

# The plan document of the README, as code: 3 % up to 100,000 and 5 % above it (graduated);
# from 120 % of quota every rate rises by 20 %, from 150 % by 40 %; a SPIFF of 50 per sensor in November.
COMMISSION = Component(
    key="commission", name="Commission", kind=Kind.COMMISSION, basis=Basis.REVENUE,
    tiers=(Band(D(0), D(3)), Band(D(100_000), D(5))),
    accelerators=(Accelerator(D(120), D("1.2")), Accelerator(D(150), D("1.4"))),
)
SENSORS = Component(
    key="sensors", name="Sensor SPIFF", kind=Kind.SPIFF, trigger=Trigger.PRODUCT_LINE, product_line="Sensors",
    per_unit=D(50), starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30),
)
FIELD_PLAN = Plan((COMMISSION, SENSORS))


def credit(n: int, amount: str, day: int = 1, **extra: object) -> Credit:
    at = NOV + timedelta(days=day - 1, hours=n)
    fields: dict[str, object] = {"margin": D(amount) / 3, "day": at.date()}
    fields.update(extra)
    return Credit(ref=f"deal:{n}", deal_id=n, label=f"Deal {n}", at=at, revenue=D(amount), **fields)  # type: ignore[arg-type]


def payment(n: int, deal: int, amount: str, deal_revenue: str, before: str = "0", day: int = 15, refund_of: int | None = None, original: str = "0") -> Collection:
    return Collection(
        ref=f"payment:{n}", payment_id=n, deal_id=deal, label=f"Deal {deal}", at=NOV + timedelta(days=day, minutes=n), amount=D(amount),
        deal_revenue=D(deal_revenue), collected_before=D(before), refund_of=refund_of, original_amount=D(original),
    )


# ---------------------------------------------------------------- worked examples


def test_worked_example_tiers_accelerators_and_a_spiff() -> None:
    # Quota 150,000: 120 % is 180,000 and 150 % is 225,000.
    deals = [
        credit(1, "60000.00", day=3),
        credit(2, "60000.00", day=10, product_line="Sensors", quantity=D(10)),
        credit(3, "60000.00", day=20),
        credit(4, "60000.00", day=25),
    ]
    statement = compute(FIELD_PLAN, Inputs(quota=D(150_000), credits=deals), 2)

    commission = [line for line in statement.lines if line.kind is LineKind.COMMISSION]
    assert [line.amount for line in commission] == [D("1800.00"), D("2200.00"), D("3000.00"), D("3750.00")]
    # Deal 2 crosses the tier: 40,000 at 3 % and 20,000 at 5 %.
    assert [(p.basis, p.rate, p.tier) for p in commission[1].parts()] == [(D(40_000), D(3), 1), (D(20_000), D(5), 2)]
    # Deal 4 crosses 150 %: 45,000 at 5 % × 1.2 and 15,000 at 5 % × 1.4.
    assert [(p.basis, p.multiplier) for p in commission[3].parts()] == [(D(45_000), D("1.2")), (D(15_000), D("1.4"))]
    (spiff,) = [line for line in statement.lines if line.kind is LineKind.SPIFF]
    assert (spiff.ref, spiff.basis, spiff.amount) == ("deal:2", D(10), D("500.00"))
    assert statement.earned == statement.payable == D("11250.00")
    assert statement.attainment == D("160.00")
    assert statement.next_step is None  # every tier and accelerator reached


def test_the_next_tier_and_how_far_it_is() -> None:
    statement = compute(FIELD_PLAN, Inputs(quota=D(150_000), credits=[credit(1, "70000.00")]), 2)
    assert statement.next_step is not None
    assert (statement.next_step.kind, statement.next_step.at, statement.next_step.distance) == ("tier", D(100_000), D(30_000))


def test_retroactive_tiers_apply_the_band_reached_to_every_deal() -> None:
    retro = Component(key="c", name="C", kind=Kind.COMMISSION, tiers=(Band(D(0), D(3)), Band(D(100_000), D(5))), tier_mode=TierMode.RETROACTIVE)
    statement = compute(Plan((retro,)), Inputs(credits=[credit(1, "60000.00"), credit(2, "60000.00")]), 2)
    assert [line.amount for line in statement.lines] == [D("3000.00"), D("3000.00")]


def test_a_decelerator_pays_less_below_half_of_quota() -> None:
    slow = Component(key="c", name="C", kind=Kind.COMMISSION, rate=D(4),
                     accelerators=(Accelerator(D(0), D("0.5")), Accelerator(D(50), D(1))))
    (line,) = compute(Plan((slow,)), Inputs(quota=D(100_000), credits=[credit(1, "80000.00")]), 2).lines
    # 50,000 at 4 % × 0.5, then 30,000 at 4 %.
    assert [(p.basis, p.multiplier) for p in line.parts()] == [(D(50_000), D("0.5")), (D(30_000), D(1))]
    assert line.amount == D("2200.00")


def test_product_line_rates_replace_the_tier_rate() -> None:
    component = Component(key="c", name="C", kind=Kind.COMMISSION, rate=D(3), line_rates={"Service": D(8)})
    lines = compute(Plan((component,)), Inputs(credits=[credit(1, "10000.00", product_line="Service"), credit(2, "10000.00")]), 2).lines
    assert [(line.rate, line.amount, line.note) for line in lines] == [(D(8), D("800.00"), "line_rate"), (D(3), D("300.00"), "")]


def test_margin_basis_pays_on_gross_margin() -> None:
    component = Component(key="m", name="Margin", kind=Kind.COMMISSION, basis=Basis.MARGIN, rate=D(10))
    (line,) = compute(Plan((component,)), Inputs(credits=[credit(1, "30000.00", margin=D("12000.00"))]), 2).lines
    assert (line.basis, line.amount) == (D(12_000), D("1200.00"))


def test_caps_per_deal_and_per_period() -> None:
    component = Component(key="c", name="C", kind=Kind.COMMISSION, rate=D(5), cap_per_deal=D(2000), cap_per_period=D(3500))
    statement = compute(Plan((component,)), Inputs(credits=[credit(1, "60000.00"), credit(2, "30000.00")]), 2)
    assert [(line.kind, line.amount, line.note) for line in statement.lines] == [
        (LineKind.COMMISSION, D("2000.00"), "cap_per_deal"),
        (LineKind.COMMISSION, D("1500.00"), ""),
    ]
    statement = compute(Plan((component,)), Inputs(credits=[credit(1, "60000.00"), credit(2, "40000.00")]), 2)
    assert [(line.kind, line.amount) for line in statement.lines] == [
        (LineKind.COMMISSION, D("2000.00")), (LineKind.COMMISSION, D("2000.00")), (LineKind.CAP, D("-500.00")),
    ]
    assert statement.earned == D("3500.00")


def test_payout_on_collection_holds_then_releases_and_a_refund_claws_back_exactly() -> None:
    component = Component(key="c", name="C", kind=Kind.COMMISSION, rate=D(3), payout=Payout.COLLECTION)
    plan = Plan((component,))
    won = compute(plan, Inputs(credits=[credit(1, "100000.00")], collections=[payment(10, 1, "40000.00", "100000.00")]), 2)
    assert (won.earned, won.payable, won.held) == (D("3000.00"), D("1200.00"), D("3000.00"))

    # Next month: the rest comes in, then that payment is refunded in full.
    later = compute(plan, Inputs(
        collections=[
            payment(11, 1, "60000.00", "100000.00", before="40000.00", day=3),
            payment(12, 1, "-60000.00", "100000.00", day=20, refund_of=11, original="60000.00"),
        ],
        held={("c", 1): won.deal_commission[("c", 1)]},
    ), 2)
    release, clawback = later.lines
    assert (release.kind, release.payable) == (LineKind.RELEASE, D("1800.00"))
    assert (clawback.kind, clawback.payable, clawback.amount) == (LineKind.CLAWBACK, D("-1800.00"), D("-1800.00"))


def test_a_spiff_for_new_customers_in_a_region_within_its_dates() -> None:
    bonus = Component(key="logo", name="New logo", kind=Kind.SPIFF, trigger=Trigger.NEW_CUSTOMER, fixed=D(500), team_id=7,
                      starts_on=date(2026, 11, 10), ends_on=date(2026, 11, 30))
    customers = [
        NewCustomer("customer:1", "Early", NOV, date(2026, 11, 1), (3, 7)),
        NewCustomer("customer:2", "In time", NOV, date(2026, 11, 12), (3, 7)),
        NewCustomer("customer:3", "Other region", NOV, date(2026, 11, 12), (4, 9)),
    ]
    lines = compute(Plan((bonus,)), Inputs(new_customers=customers), 2).lines
    assert [(line.ref, line.amount) for line in lines] == [("customer:2", D(500))]


def test_roll_up_pays_a_manager_on_their_people_s_deals() -> None:
    rollup = Component(key="r", name="Roll-up", kind=Kind.ROLLUP, rate=D("0.8"))
    lines = compute(Plan((rollup,)), Inputs(team_credits=[credit(1, "125000.00"), credit(2, "3333.33")]), 2).lines
    # 1,000.00 and 26.67 (0.8 % of 3,333.33 is 26.66664; the running total rounds once).
    assert [line.amount for line in lines] == [D("1000.00"), D("26.67")]


def test_a_floor_tops_up_and_a_draw_is_advanced_then_recovered() -> None:
    component = Component(key="c", name="C", kind=Kind.COMMISSION, rate=D(3))
    floor = compute(Plan((component,), floor=D(3000)), Inputs(credits=[credit(1, "60000.00")]), 2)
    assert [(line.kind, line.payable) for line in floor.lines][-1] == (LineKind.FLOOR, D(1200))
    assert floor.payable == D("3000.00")

    draw_plan = Plan((component,), draw=D(5000))
    lean = compute(draw_plan, Inputs(credits=[credit(1, "60000.00")]), 2)
    assert (lean.payable, lean.draw_balance) == (D("5000.00"), D("3200.00"))
    strong = compute(draw_plan, Inputs(credits=[credit(2, "400000.00")], draw_balance=lean.draw_balance), 2)
    # 12,000 earned: 5,000 is the draw's level, so up to 7,000 can go to recovery; 3,200 does.
    assert [(line.kind, line.payable) for line in strong.lines][-1] == (LineKind.RECOVERY, D(-3200))
    assert (strong.payable, strong.draw_balance) == (D("8800.00"), D("0.00"))


def test_rounding_follows_the_plan() -> None:
    component = Component(key="c", name="C", kind=Kind.COMMISSION, rate=D(5))
    inputs = Inputs(credits=[credit(1, "0.50")])  # 0.025 exactly
    assert compute(Plan((component,)), inputs, 2).earned == D("0.02")  # half-even
    assert compute(Plan((component,), rounding=Rounding.HALF_UP), inputs, 2).earned == D("0.03")
    assert compute(Plan((component,)), inputs, 0).earned == D("0")  # a currency without minor units


# ---------------------------------------------------------------- properties

amounts = st.decimals(min_value=D("0.01"), max_value=D("5000000"), places=2)
rates = st.decimals(min_value=D(0), max_value=D(30), places=2)


@st.composite
def tier_tables(draw: st.DrawFn) -> tuple[Band, ...]:
    starts = sorted(set(draw(st.lists(st.integers(1, 2_000_000), max_size=4))))
    return tuple(Band(D(s), draw(rates)) for s in [0, *starts])


@given(amount=amounts, percents=st.lists(st.integers(1, 97), min_size=1, max_size=6))
def test_splits_conserve_the_amount(amount: Decimal, percents: list[int]) -> None:
    weights = {i: D(p) for i, p in enumerate(percents)}
    parts = shares(amount, weights, 0, 2)
    assert sum(parts.values()) == amount
    assert sum(shares(-amount, weights, 0, 2).values()) == -amount


@settings(max_examples=60)
@given(tiers=tier_tables(), x=st.integers(0, 4_000_000), step=st.integers(1, 200_000))
def test_graduated_tiers_never_decrease_and_have_no_jumps(tiers: tuple[Band, ...], x: int, step: int) -> None:
    component = Component(key="c", name="C", kind=Kind.COMMISSION, tiers=tiers)
    plan = Plan((component,))
    max_rate = max(b.rate for b in tiers)

    def total(revenue: Decimal) -> Decimal:
        return compute(plan, Inputs(credits=[credit(1, str(revenue))] if revenue > 0 else []), 2).earned

    low, high = D(x) / 100, D(x + step) / 100
    assert total(high) >= total(low)
    # Continuous: a cent more revenue adds at most a cent at the top rate, plus a rounding cent.
    assert total(low + D("0.01")) - total(low) <= max_rate / 100 * D("0.01") + D("0.01")


@settings(max_examples=60)
@given(tiers=tier_tables(), deals=st.lists(amounts, min_size=1, max_size=12), seed=st.integers(0, 1000))
def test_lines_reconcile_and_a_recompute_gives_the_same_statement(tiers: tuple[Band, ...], deals: list[Decimal], seed: int) -> None:
    component = Component(key="c", name="C", kind=Kind.COMMISSION, tiers=tiers, accelerators=(Accelerator(D(120), D("1.25")),))
    credits = [credit(i, str(a), day=1 + i % 28) for i, a in enumerate(deals)]
    inputs = Inputs(quota=D(1_000_000), credits=credits)
    first = compute(Plan((component,)), inputs, 2)
    shuffled = list(credits)
    random.Random(seed).shuffle(shuffled)
    again = compute(Plan((component,)), Inputs(quota=D(1_000_000), credits=shuffled), 2)
    assert first == again
    assert first.earned == sum(line.amount for line in first.lines)
    summed = compute(Plan((component,)), inputs, 2, itemized=False)
    assert (summed.earned, summed.payable, summed.held, summed.line_count) == (first.earned, first.payable, first.held, len(first.lines))
    # The running total is rounded once: the lines add up to the exact commission rounded.
    exact = sum((p.basis * p.rate / 100 * p.multiplier for line in first.lines for p in line.parts()), D(0))
    assert first.earned == exact.quantize(D("0.01"))


@settings(max_examples=80)
@given(
    amount=st.decimals(min_value=D(1000), max_value=D(1_000_000), places=2),
    rate=rates,
    cuts=st.lists(st.integers(1, 99), min_size=1, max_size=5),
    refunded=st.integers(0, 10),
)
def test_a_full_refund_claws_back_exactly_what_its_payment_released(amount: Decimal, rate: Decimal, cuts: list[int], refunded: int) -> None:
    component = Component(key="c", name="C", kind=Kind.COMMISSION, rate=rate, payout=Payout.COLLECTION)
    plan = Plan((component,))
    points = sorted({(amount * c / 100).quantize(D("0.01")) for c in cuts} | {amount})
    paid, before = [], D(0)
    for i, point in enumerate(points):
        if point > before:
            paid.append(payment(100 + i, 1, str(point - before), str(amount), before=str(before), day=1 + i))
            before = point
    won = compute(plan, Inputs(credits=[credit(1, str(amount))], collections=paid), 2)
    releases = {line.ref: line.payable for line in won.lines if line.kind is LineKind.RELEASE}
    # Fully collected: the releases add up to the commission exactly.
    assert sum(releases.values()) == won.earned

    target = paid[refunded % len(paid)]
    refund = payment(999, 1, str(-target.amount), str(amount), day=27, refund_of=target.payment_id, original=str(target.amount))
    later = compute(plan, Inputs(collections=[refund], released={target.payment_id: {"c": releases[target.ref]}}, held=dict(won.deal_commission)), 2)
    (clawback,) = later.lines
    assert clawback.kind is LineKind.CLAWBACK
    assert clawback.payable == -releases[target.ref]
