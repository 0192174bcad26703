"""The split always sums exactly, is never negative, stays proportional and ignores input order."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podium.targets.split import minor_unit, split

places = st.integers(min_value=0, max_value=3)
weights = st.dictionaries(
    st.integers(min_value=1, max_value=10_000),
    st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=30,
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Decimal, dict[int, Decimal], int]:
    p = draw(places)
    units = draw(st.integers(min_value=0, max_value=10**14))
    return Decimal(units).scaleb(-p), draw(weights), p


@given(cases())
def test_parts_sum_exactly_and_are_never_negative(case: tuple[Decimal, dict[int, Decimal], int]) -> None:
    total, w, p = case
    parts = split(total, w, p)
    assert sum(parts.values()) == total
    assert all(v >= 0 for v in parts.values())
    assert set(parts) == set(w)


@given(cases())
def test_each_part_is_within_one_minor_unit_of_its_exact_share(case: tuple[Decimal, dict[int, Decimal], int]) -> None:
    total, w, p = case
    parts = split(total, w, p)
    whole = sum(Fraction(x) for x in w.values())
    unit = Fraction(1, 10**p)
    for key, part in parts.items():
        exact = Fraction(total) * Fraction(w[key]) / whole if whole else Fraction(total) / len(w)
        assert abs(Fraction(part) - exact) < unit


@given(cases(), st.randoms())
def test_the_result_does_not_depend_on_input_order(case: tuple[Decimal, dict[int, Decimal], int], rnd: object) -> None:
    total, w, p = case
    items = list(w.items())
    rnd.shuffle(items)  # type: ignore[attr-defined]
    assert split(total, dict(items), p) == split(total, w, p)


def test_the_extra_cent_goes_to_the_first_key_on_ties() -> None:
    assert split(Decimal("100.00"), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)}, 2) == {
        "a": Decimal("33.34"), "b": Decimal("33.33"), "c": Decimal("33.33"),
    }


def test_all_zero_weights_split_equally() -> None:
    assert split(Decimal(10), {1: Decimal(0), 2: Decimal(0), 3: Decimal(0)}, 0) == {1: Decimal(4), 2: Decimal(3), 3: Decimal(3)}


def test_a_zero_weight_gets_nothing_when_others_have_weight() -> None:
    assert split(Decimal("1.00"), {1: Decimal(0), 2: Decimal(3)}, 2) == {1: Decimal("0.00"), 2: Decimal("1.00")}


@pytest.mark.parametrize(
    ("total", "w", "p"),
    [
        (Decimal(-1), {1: Decimal(1)}, 2),
        (Decimal("1.001"), {1: Decimal(1)}, 2),
        (Decimal(1), {1: Decimal(-1)}, 2),
        (Decimal(1), {}, 2),
        (Decimal("NaN"), {1: Decimal(1)}, 2),
    ],
)
def test_bad_input_is_refused(total: Decimal, w: dict[int, Decimal], p: int) -> None:
    with pytest.raises(ValueError):
        split(total, w, p)


def test_minor_units_follow_iso_4217() -> None:
    assert [minor_unit(c) for c in ("CNY", "usd", "JPY", "KWD", "XYZ")] == [2, 2, 0, 3, 2]
