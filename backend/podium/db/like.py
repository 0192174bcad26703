"""Search by substring with LIKE, the user's text taken literally."""

from __future__ import annotations

# Every LIKE built from contains() must say escape=LIKE_ESCAPE: SQLite has no default escape character.
LIKE_ESCAPE = "\\"


def contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere; its %, _ and backslashes match only themselves."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
