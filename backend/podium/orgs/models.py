"""Organizations, teams, people and their sessions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, LargeBinary, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class Org(IdMixin, Base):
    __tablename__ = "orgs"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # IANA zone: days, weeks and months of every board follow it.
    time_zone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    # Month (1-12) the fiscal year starts in; years and quarters of targets follow it.
    fiscal_year_start_month: Mapped[int] = mapped_column(default=1, server_default="1")
    # The company's default language: new people's, and the first-run admin's.
    locale: Mapped[str] = mapped_column(String(8), default="zh-CN", server_default="zh-CN")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Team(IdMixin, Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The org tree: company (the org itself) → regions → teams; a top-level unit has no parent.
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id", ondelete="SET NULL"))
    # A territory's market potential, a weight for splitting targets; None means "sum of its customers'".
    potential: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    # Who runs the unit: they reach it and everything below it, wherever their own team is.
    manager_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL", use_alter=True))
    # Set when the unit was merged into another: it stays, under the survivor, so the deals, payments and
    # points credited to it keep their unit and roll up where its people went; it is no longer shown or edited.
    merged_into_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id", ondelete="SET NULL"))


class User(IdMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        Index("ix_users_org_team", "org_id", "team_id"),
        Index("ux_users_org_employee_number", "org_id", "employee_number", unique=True),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id", ondelete="SET NULL"))
    # Stored lower-cased: one account per address whatever the caller's capitalisation.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="zh-CN")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Whom the person reports to (optional; the unit's manager otherwise).
    manager_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped with every new profile photo (None: none yet): part of its URL, so caches never serve an old one.
    photo_version: Mapped[int | None]
    # 工号 from payroll or HR: optional, unique within the org when set (None, never "", so unset ones never collide).
    employee_number: Mapped[str | None] = mapped_column(String(64))


class UserPhoto(Base):
    """A person's profile photo: a 512 px square JPEG, re-encoded without metadata."""

    __tablename__ = "user_photos"

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Session(IdMixin, Base):
    __tablename__ = "sessions"

    # Only the SHA-256 of the cookie's token is kept: a leaked table opens no session.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Invitation(IdMixin, Base):
    """An invitation to join an org: a one-time link and a short code, of which only hashes are kept."""

    __tablename__ = "invitations"

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None: the person gives their address when accepting.
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id", ondelete="SET NULL"))
    manager_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    invited_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    employee_number: Mapped[str | None] = mapped_column(String(64))  # given to the person on accepting


class PasswordReset(IdMixin, Base):
    """A one-time reset link an admin issued; only its hash is kept."""

    __tablename__ = "password_resets"

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
