"""The kinds of sales history (deals now; orders, payments and targets to follow), for KINDS in kinds/__init__.py."""

from __future__ import annotations

from podium.imports.kinds.deals import Deals

HISTORY_KINDS = (Deals(),)
