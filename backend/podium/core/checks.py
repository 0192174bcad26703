"""Input checks every phone write shares: its client id, and when the thing it records happened."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from podium.core.errors import ErrorCode, Problems

CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
# Phones' clocks drift; a moment a little "in the future" is a skewed clock, not a lie.
CLOCK_SKEW = timedelta(minutes=5)


def check_client_id(problems: Problems, client_id: str | None, *, required: bool = True) -> None:
    if client_id is None:
        if required:
            problems.add(ErrorCode.REQUIRED, "clientId")
    elif not CLIENT_ID_RE.match(client_id):
        problems.add(ErrorCode.INVALID, "clientId")


def check_moment(problems: Problems, field: str, moment: datetime, now: datetime, max_age: timedelta) -> None:
    """A timezone-aware instant, not in the future (beyond clock skew) and not older than `max_age`."""
    if moment.tzinfo is None:
        problems.add(ErrorCode.INVALID, field)
    elif moment > now + CLOCK_SKEW:
        problems.add(ErrorCode.IN_FUTURE, field)
    elif moment < now - max_age:
        problems.add(ErrorCode.TOO_OLD, field, days=max_age.days)
