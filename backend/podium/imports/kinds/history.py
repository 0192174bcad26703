"""The kinds of sales history (deals, then orders, then payments: each needs the one before; targets), for KINDS in kinds/__init__.py."""

from __future__ import annotations

from podium.imports.kinds.deals import Deals
from podium.imports.kinds.money import Orders, Payments
from podium.imports.kinds.targets import Targets

HISTORY_KINDS = (Deals(), Orders(), Payments(), Targets())
