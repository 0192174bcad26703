"""The browser's side of Web Push, written from the RFCs: a subscription's keys, decryption, VAPID checks."""

from __future__ import annotations

import base64
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hmac_sha256(key: bytes, data: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SHA256())
    mac.update(data)
    return mac.finalize()


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 with one block of output (length ≤ 32), as RFC 8291 uses it."""
    prk = _hmac_sha256(salt, ikm)
    return _hmac_sha256(prk, info + b"\x01")[:length]


@dataclass
class BrowserSubscription:
    """What pushManager.subscribe() makes: a P-256 key pair and a 16-byte auth secret (RFC 8291 §2)."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def public_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

    def as_input(self) -> dict[str, str]:
        return {"endpoint": self.endpoint, "p256dh": b64url(self.public_bytes), "auth": b64url(self.auth_secret)}

    def decrypt(self, body: bytes) -> bytes:
        """RFC 8188 aes128gcm with the RFC 8291 key derivation, one record."""
        salt, rs, idlen = body[:16], struct.unpack("!L", body[16:20])[0], body[20]
        as_public = body[21 : 21 + idlen]
        ciphertext = body[21 + idlen :]
        assert idlen == 65 and as_public[0] == 4, "keyid must be the sender's uncompressed P-256 key (RFC 8291 §4)"
        assert rs >= 18 and len(ciphertext) <= rs, "a single record (RFC 8291 §4)"
        sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), as_public)
        ecdh_secret = self.private_key.exchange(ec.ECDH(), sender)
        # RFC 8291 §3.4: IKM from the ECDH secret, salted with the auth secret, bound to both public keys.
        key_info = b"WebPush: info\x00" + self.public_bytes + as_public
        ikm = _hkdf(self.auth_secret, ecdh_secret, key_info, 32)
        # RFC 8188 §2.2 / §2.3: content-encryption key and nonce from the record's salt.
        cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        padded = AESGCM(cek).decrypt(nonce, ciphertext, None)  # record sequence number 0: nonce XOR 0
        stripped = padded.rstrip(b"\x00")
        assert stripped.endswith(b"\x02"), "the last record's padding delimiter is 0x02 (RFC 8188 §2)"
        return stripped[:-1]

    def payload(self, body: bytes) -> dict[str, Any]:
        return json.loads(self.decrypt(body))


def verify_vapid(authorization: str, *, public_key_b64: str, audience: str, subject: str, now: float) -> dict[str, Any]:
    """RFC 8292: `vapid t=<JWT>, k=<key>`; an ES256 JWT signed by k, for this push service, expiring within 24 h."""
    scheme, _, params = authorization.partition(" ")
    assert scheme.lower() == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key_b64
    token = fields["t"]
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = json.loads(unb64url(header_b64))
    claims = json.loads(unb64url(claims_b64))
    assert header["alg"] == "ES256"
    signature = unb64url(signature_b64)
    assert len(signature) == 64, "JWS ES256 signatures are r || s, 32 bytes each (RFC 7518 §3.4)"
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key_b64))
    try:
        public_key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise AssertionError("VAPID JWT signature does not verify with k") from exc
    assert claims["aud"] == audience
    assert now < claims["exp"] <= now + 24 * 3600
    assert claims["sub"] == subject
    return claims
