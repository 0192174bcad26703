"""IDs from clients: a malformed one is simply an id nothing has (the service then says NOT_FOUND)."""

from __future__ import annotations


def int_id(raw: object) -> int:
    text = str(raw)
    return int(text) if text.isdigit() and len(text) < 19 else -1
