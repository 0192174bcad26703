"""What the server sends to others' servers (push services, group robots, webhooks): where it may, and when to try again.

A URL someone gave us is checked twice: by its literal host when it is saved (`is_public_url`), and by the
addresses its name resolves to whenever we connect (`PinnedTransport`): a name that resolves to our own network
is refused, and the connection goes to the very address that was checked, so a DNS answer that changes between
the check and the connect (rebinding) cannot send the request inside.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
from urllib.parse import urlsplit

import httpx

MAX_BACKOFF_SECONDS = 3600.0
# NAT64's well-known prefix: its addresses carry an IPv4 address that is where the packets really go.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class NotPublic(httpx.TransportError):
    """The URL's host is, or resolves to, an address we never connect to."""


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
    return is_public_address(str(address))


def is_public_address(text: str) -> bool:
    """A unicast address on the internet: not loopback, private, link-local, multicast, reserved or unspecified.

    IPv6 forms that carry an IPv4 address (mapped ::ffff:a.b.c.d, NAT64, 6to4, Teredo) are judged by that address.
    """
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        inner: ipaddress.IPv4Address | None = address.ipv4_mapped or address.sixtofour
        if address.teredo is not None:
            inner = address.teredo[1]
        if address in _NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None and not is_public_address(str(inner)):
            return False
    bad = (address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
           or address.is_reserved or address.is_unspecified)
    return address.is_global and not bad


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address the name resolves to (tests replace this function, never the socket library)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def checked_address(host: str, port: int, *, insecure: bool) -> str:
    """The address to connect to for `host`: refused when any of its addresses is not public (unless `insecure`)."""
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = await resolve_host(host, port)
        except OSError as exc:
            # Possibly passing (the resolver is away): a connection error, which deliveries retry.
            raise httpx.ConnectError(f"{host} does not resolve: {exc.strerror or exc}") from None
    if not addresses:
        raise httpx.ConnectError(f"{host} does not resolve")
    if not insecure:
        # Any private answer refuses the name: a client picking among them could pick that one.
        private = [a for a in addresses if not is_public_address(a)]
        if private:
            raise NotPublic(f"{host} resolves to a non-public address ({private[0]})")
    return addresses[0]


async def check_public_host(url: str, *, insecure: bool) -> bool:
    """`is_public_url`, and its host resolves to public addresses only (when saving a URL someone gave us)."""
    if not is_public_url(url, insecure=insecure):
        return False
    parts = urlsplit(url)
    try:
        await checked_address(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80), insecure=insecure)
    except (NotPublic, httpx.ConnectError, ValueError):  # ValueError: a port out of range
        return False
    return True


class PinnedTransport(httpx.AsyncBaseTransport):
    """Connects to the address it checked, with the name in the Host header and in TLS (SNI and the certificate check)."""

    def __init__(self, *, insecure: bool, **transport: object) -> None:
        self.insecure = insecure
        self.inner = httpx.AsyncHTTPTransport(**transport)  # type: ignore[arg-type]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in (("https", "http") if self.insecure else ("https",)):
            raise NotPublic(f"{url.scheme}:// is not allowed")
        address = await checked_address(url.host, url.port or (443 if url.scheme == "https" else 80), insecure=self.insecure)
        if address != url.host:
            # The Host header was set from the name when the request was built; it stays.
            request.url = url.copy_with(host=address)
            if url.scheme == "https":
                request.extensions = {**request.extensions, "sni_hostname": url.host}
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def pinned_client(timeout: float, *, insecure: bool) -> httpx.AsyncClient:
    """An HTTP client for URLs others gave us: pinned to checked addresses, bounded in time, never following redirects."""
    return httpx.AsyncClient(
        transport=PinnedTransport(insecure=insecure),
        timeout=httpx.Timeout(timeout, connect=min(5.0, timeout)),
        follow_redirects=False,
        trust_env=False,
    )


def backoff_seconds(base: float, attempts: int, retry_after: float | None = None) -> float:
    """Exponential from `base`, jittered ±20 %, at most an hour; the other server's Retry-After wins when longer."""
    delay = min(MAX_BACKOFF_SECONDS, base * 2 ** max(0, attempts - 1)) * random.uniform(0.8, 1.2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_BACKOFF_SECONDS))
    return delay
