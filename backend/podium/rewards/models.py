"""The rewards catalog and the redemptions that spend points on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class Reward(IdMixin, Base):
    """Something the org offers for points: a day off, a gift card, a team dinner."""

    __tablename__ = "rewards"
    __table_args__ = (
        # The admin's id for the create: a retried save finds the first reward.
        UniqueConstraint("org_id", "client_id"),
        # The last guard: whatever the code does, the database never holds a free or oversold reward.
        CheckConstraint("points_price > 0", name="price_positive"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
        Index("ix_rewards_org_active", "org_id", "active"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    # One name as the admin writes it (the demo's are bilingual: "调休一天 A day off").
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    points_price: Mapped[int]
    # What is left to give; None: unlimited. Redemptions take from it, rejections give back.
    stock: Mapped[int | None]
    # Retired rewards stay for the history of their redemptions but can no longer be redeemed.
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Redemption(IdMixin, Base):
    """Points a person asked to spend on a reward: held while pending, spent once approved, released when rejected."""

    __tablename__ = "reward_redemptions"
    __table_args__ = (
        # The phone's id for this write: a retry or an offline replay finds the first redemption.
        UniqueConstraint("user_id", "client_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("points > 0", name="points_positive"),
        Index("ix_reward_redemptions_user_status", "user_id", "status"),
        Index("ix_reward_redemptions_org_status", "org_id", "status"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    reward_id: Mapped[int] = mapped_column(BigId, ForeignKey("rewards.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    # The receipt: name and price as they were when redeemed (the catalog may change later).
    reward_name: Mapped[str] = mapped_column(String(80))
    unit_price: Mapped[int]
    quantity: Mapped[int]
    points: Mapped[int]
    # pending / approved / rejected
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
