"""What can be imported: one module per kind, each a `Kind` (base.py); `KINDS` lists them in import order."""

from __future__ import annotations

from podium.imports.kinds.base import Kind
from podium.imports.kinds.customers import Customers
from podium.imports.kinds.products import Products
from podium.imports.kinds.units import Units
from podium.imports.kinds.people import People
from podium.imports.kinds.history import HISTORY_KINDS

KINDS: dict[str, Kind] = {k.name: k for k in (Units(), People(), Products(), Customers(), *HISTORY_KINDS)}
