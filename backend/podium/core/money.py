"""Checks for money and quantities given by people: finite, in range, no more decimals than the unit has."""

from __future__ import annotations

from decimal import Decimal

from podium.core.errors import ErrorCode, Problems

MAX_AMOUNT = Decimal("1e15")  # NUMERIC(18, 2) holds sixteen integer digits; one less leaves room for sums


def places_of(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_amount(
    problems: Problems,
    field: str,
    value: Decimal,
    *,
    places: int = 2,
    positive: bool = False,
    maximum: Decimal = MAX_AMOUNT,
) -> bool:
    """Add what is wrong with an amount; True when it is usable."""
    if not value.is_finite():
        problems.add(ErrorCode.INVALID, field)
        return False
    if value < 0 or (positive and value == 0) or value >= maximum:
        problems.add(ErrorCode.OUT_OF_RANGE, field, min="0.01" if positive else 0, max=f"{maximum:,.0f}")
        return False
    if places_of(value) > places:
        problems.add(ErrorCode.TOO_PRECISE, field, places=places)
        return False
    return True


def plain(value: Decimal) -> Decimal:
    """Without trailing zeros and never in exponent form: 5.000 → 5, 60000.000 → 60000 (not 6E+4)."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal
