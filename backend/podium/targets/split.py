"""Splitting an amount into parts that add up to it exactly, to the currency's smallest unit."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

K = TypeVar("K", bound=Any)  # hashable and sortable: ints, strings, ordered dataclasses

# ISO 4217 currencies whose minor unit is not the cent; everything else has two decimals.
_PLACES = {
    **dict.fromkeys(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"], 0),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}


def minor_unit(currency: str) -> int:
    """Decimal places of an ISO 4217 currency; 2 for one we do not know."""
    return _PLACES.get(currency.upper(), 2)


def quantum(places: int) -> Decimal:
    """The smallest unit with `places` decimals: 2 → 0.01, 0 → 1."""
    if places < 0:
        raise ValueError(f"places must be ≥ 0, got {places}")
    return Decimal(f"1E-{places}")


def split(total: Decimal, weights: Mapping[K, Decimal], places: int) -> dict[K, Decimal]:
    """Largest-remainder apportionment of `total` by `weights`: exact sum, each part within one unit of its share."""
    quantum(places)
    if not total.is_finite() or total < 0:
        raise ValueError(f"total must be a finite amount ≥ 0, got {total}")
    scaled = total.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"total {total} has more than {places} decimals")
    units = int(scaled)
    if not weights:
        raise ValueError("nothing to split over: no weights")
    if any(not w.is_finite() or w < 0 for w in weights.values()):
        raise ValueError("weights must be finite and ≥ 0")
    # Sorted keys make the result independent of the mapping's order, ties included.
    keys = sorted(weights)
    # Weights as whole numbers on one common scale: exact, and integer arithmetic is far cheaper
    # than fractions (credit splits run this twice per split deal line, a month holds thousands).
    scale = max(0, *(-int(weights[k].as_tuple().exponent) for k in keys))
    exact = {k: int(weights[k].scaleb(scale)) for k in keys}
    whole = sum(exact.values())
    if whole == 0:
        exact, whole = dict.fromkeys(keys, 1), len(keys)
    parts = {k: units * w // whole for k, w in exact.items()}
    remainders = {k: units * w % whole for k, w in exact.items()}
    left = units - sum(parts.values())
    # A stable sort: among equal remainders the key that sorts first gets the unit.
    for k in sorted(keys, key=lambda k: remainders[k], reverse=True)[:left]:
        parts[k] += 1
    # The string form is exact whatever the decimal context's precision.
    return {k: Decimal(f"{n}E-{places}") for k, n in parts.items()}
