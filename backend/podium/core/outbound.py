"""What the server sends to others' servers (push services, group robots' webhooks): where it may, and when to try again."""

from __future__ import annotations

import ipaddress
import random
from urllib.parse import urlsplit

MAX_BACKOFF_SECONDS = 3600.0


def is_public_url(url: str, *, insecure: bool) -> bool:
    """An https:// URL on a public address; `insecure` (tests' local fakes) also lets http:// and private hosts through."""
    parts = urlsplit(url)
    if parts.scheme not in (("https", "http") if insecure else ("https",)) or not parts.hostname or parts.username or parts.password:
        return False
    if insecure:
        return True
    # The server POSTs to this URL: never to an address inside our own network.
    host = parts.hostname
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return not (host == "localhost" or host.endswith((".localhost", ".local", ".internal")))
    return address.is_global


def backoff_seconds(base: float, attempts: int, retry_after: float | None = None) -> float:
    """Exponential from `base`, jittered ±20 %, at most an hour; the other server's Retry-After wins when longer."""
    delay = min(MAX_BACKOFF_SECONDS, base * 2 ** max(0, attempts - 1)) * random.uniform(0.8, 1.2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_BACKOFF_SECONDS))
    return delay
