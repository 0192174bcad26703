"""Sending Web Push messages: RFC 8291 encryption (the `webpush` package), RFC 8292 VAPID, pooled HTTP.

`webpush.WebPush.get()` is not used: it re-parses the PEM key and signs a new JWT for every
message, and it writes per-call settings (subscriber, ttl, expiration) onto the shared object,
so two concurrent sends could leak one's settings into the other. We keep one `WebPush` per key
for its encryption only (`_encrypt` reads nothing mutable but the record size, set once),
sign one VAPID token per push-service origin and reuse it until it is close to expiring, and
put every per-message setting (TTL, urgency, topic) in that message's own headers.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush import WebPush
from webpush.types import WebPushKeys, WebPushSubscription

# RFC 8292 §2: a token must not be valid for more than 24 hours; we sign for 12 and renew
# an hour before, so a token in flight never expires on the way.
TOKEN_LIFETIME = 12 * 3600
RENEW_BEFORE = 3600
# RFC 8291 §4: push services must accept 4096 bytes of encrypted content; the aes128gcm header
# (86 bytes), the padding delimiter (1) and the tag (16) leave this much for the JSON.
MAX_PAYLOAD = 4096 - 86 - 1 - 16
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Connections per httpx pool (see PushSender.__init__): 2 measured best, 8 cost 40 % more CPU per push.
POOL_SIZE = 2


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def origin_of(endpoint: str) -> str:
    """The push resource's origin (RFC 8292 `aud`): scheme, host and a non-default port."""
    parts = urlsplit(endpoint)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"https": 443, "http": 80}.get(scheme)
    port = parts.port
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


@dataclass(frozen=True)
class VapidKeys:
    """The application server's key pair, parsed once."""

    private_key: ec.EllipticCurvePrivateKey
    public_key_b64: str  # what the browser's pushManager.subscribe() gets as applicationServerKey

    @classmethod
    def from_b64(cls, private_b64: str, public_b64: str = "") -> VapidKeys:
        """From `podium vapid-keys`' output (raw scalar); the public key is derived and checked."""
        scalar = int.from_bytes(b64url_decode(private_b64.strip()), "big")
        key = ec.derive_private_key(scalar, ec.SECP256R1())
        derived = b64url(key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
        if public_b64 and public_b64.strip() != derived:
            raise ValueError("PODIUM_VAPID_PUBLIC_KEY does not belong to PODIUM_VAPID_PRIVATE_KEY")
        return cls(key, derived)

    @classmethod
    def generate(cls) -> VapidKeys:
        key = ec.generate_private_key(ec.SECP256R1())
        return cls(key, b64url(key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)))

    def pem_pair(self) -> tuple[bytes, bytes]:
        private = self.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        public = self.private_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        return private, public


class VapidSigner:
    """`Authorization: vapid t=…, k=…` per push-service origin; a token depends only on the origin."""

    def __init__(self, keys: VapidKeys, subject: str, clock: Callable[[], float] = time.time) -> None:
        self.keys = keys
        self.subject = subject
        self.clock = clock
        self._cache: dict[str, tuple[str, float]] = {}

    def header(self, origin: str) -> str:
        now = self.clock()
        cached = self._cache.get(origin)
        if cached is not None and cached[1] - now > RENEW_BEFORE:
            return cached[0]
        expires = int(now) + TOKEN_LIFETIME
        token = jwt.encode({"aud": origin, "exp": expires, "sub": self.subject}, self.keys.private_key, algorithm="ES256")
        value = f"vapid t={token}, k={self.keys.public_key_b64}"
        # Plain assignment: concurrent sends at worst sign the same origin twice, never share a half-built value.
        self._cache[origin] = (value, expires)
        return value


@dataclass(frozen=True)
class Target:
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class Outcome:
    status: int | None  # None: no HTTP answer (connection refused, timeout)
    error: str = ""
    retry_after: float | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        """The subscription has expired or was revoked: never send to it again."""
        return self.status in (404, 410)

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status == 429 or self.status >= 500


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: our own backoff is as good


class PushSender:
    """Encrypts and POSTs messages: one key and one connection pool per instance, bounded concurrency."""

    def __init__(
        self,
        keys: VapidKeys,
        subject: str,
        *,
        concurrency: int = 64,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        private_pem, public_pem = keys.pem_pair()
        # The library wants PEM; parsed once here, and only its encryption is used (see the module doc).
        self._webpush = WebPush(private_key=private_pem, public_key=public_pem, subscriber="unused@invalid")
        self.signer = VapidSigner(keys, subject, clock)
        # httpcore's pool re-matches requests to connections in O(requests × connections) on every
        # change, probing each idle socket (measured: 64 connections in one pool cost 8 ms of CPU per
        # push, bench/push.py). So the connections are spread over small pools, and each send holds a
        # slot of one of them: `concurrency` sends in flight in all, never queued inside a pool.
        self._own_client = client is None
        if client is not None:
            self.clients = [client]
        else:
            pools = max(1, -(-concurrency // POOL_SIZE))
            per_pool = -(-concurrency // pools)
            limits = httpx.Limits(max_connections=per_pool, max_keepalive_connections=per_pool, keepalive_expiry=60)
            tls = ssl.create_default_context(cafile=certifi.where())  # loaded once, shared by the pools
            self.clients = [httpx.AsyncClient(timeout=DEFAULT_TIMEOUT, limits=limits, verify=tls) for _ in range(pools)]
        self._slots: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
        for i in range(concurrency):
            self._slots.put_nowait(self.clients[i % len(self.clients)])

    def encrypt(self, payload: bytes, target: Target) -> bytes:
        """RFC 8291 aes128gcm content: a fresh salt and ephemeral key per message (never shared between recipients)."""
        if len(payload) > MAX_PAYLOAD:
            raise ValueError(f"push payload of {len(payload)} bytes is over {MAX_PAYLOAD}")
        # model_construct: the endpoint plays no part in encryption and was validated when stored.
        subscription = WebPushSubscription.model_construct(keys=WebPushKeys.model_construct(auth=target.auth, p256dh=target.p256dh))
        return self._webpush._encrypt(payload, subscription)

    def headers(self, target: Target, *, ttl: int, urgency: str = "normal", topic: str | None = None) -> dict[str, str]:
        headers = {
            "authorization": self.signer.header(origin_of(target.endpoint)),
            "content-encoding": "aes128gcm",
            "content-type": "application/octet-stream",
            "ttl": str(ttl),
            "urgency": urgency,
        }
        if topic:
            headers["topic"] = topic  # RFC 8030 §5.4: a newer message with the same topic replaces an undelivered one
        return headers

    async def send(self, target: Target, payload: bytes, *, ttl: int, urgency: str = "normal", topic: str | None = None) -> Outcome:
        client = await self._slots.get()
        try:
            body = self.encrypt(payload, target)
            headers = self.headers(target, ttl=ttl, urgency=urgency, topic=topic)
            try:
                response = await client.post(target.endpoint, content=body, headers=headers)
            except httpx.HTTPError as exc:
                return Outcome(None, f"{type(exc).__name__}: {exc}"[:300])
        finally:
            self._slots.put_nowait(client)
            if 200 <= response.status_code < 300:
                return Outcome(response.status_code)
            return Outcome(response.status_code, response.text[:300], _retry_after(response.headers.get("retry-after")))

    async def aclose(self) -> None:
        if self._own_client:
            for client in self.clients:
                await client.aclose()
