"""API tokens: bearer credentials an admin gives another system, stored hashed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class ApiToken(IdMixin, Base):
    __tablename__ = "api_tokens"

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The public part of the token (pod_<prefix>_<secret>): finds the row and names it in lists; not a secret.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    # SHA-256 of the whole token, compared in constant time: a leaked table opens nothing.
    secret_hash: Mapped[str] = mapped_column(String(64))
    # Space-separated scopes (tokens/scopes.py), e.g. "pipeline:read customers:write".
    scopes: Mapped[str] = mapped_column(String(1000))
    # The admin it acts as: it stops working when they are no longer an active admin.
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A rotated token's end is moved to the end of the overlap the admin chose.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replaced_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("api_tokens.id", ondelete="SET NULL"))
    # Written at most once a minute per token (tokens/service.py), not on every request.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_ip: Mapped[str] = mapped_column(String(64), default="", server_default="")
