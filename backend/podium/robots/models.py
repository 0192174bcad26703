"""Group robots (WeCom, DingTalk, Slack) an org posts its celebrations to, and the messages to send them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class Robot(IdMixin, Base):
    __tablename__ = "robots"
    __table_args__ = (UniqueConstraint("org_id", "client_id"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # wecom | dingtalk | slack
    name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    # The webhook URL holds the robot's access token: a secret, never sent back in full.
    url: Mapped[str] = mapped_column(String(1024))
    # DingTalk's signing secret (加签), empty when the robot has none.
    secret: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Comma-separated celebration kinds it posts (robots.service.RobotCelebration).
    kinds: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RobotJob(IdMixin, Base):
    """One celebration for one robot; retried with backoff, kept when it fails for good."""

    __tablename__ = "robot_jobs"
    __table_args__ = (
        Index("ix_robot_jobs_state_due", "state", "next_attempt_at"),
        # A celebration is posted once per robot, however often it is announced.
        UniqueConstraint("robot_id", "celebration_id"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    robot_id: Mapped[int] = mapped_column(BigId, ForeignKey("robots.id", ondelete="CASCADE"), index=True)
    celebration_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("celebrations.id", ondelete="CASCADE"))
    # The JSON body in the robot's format and language, rendered when queued; DingTalk's signature is made per attempt.
    payload: Mapped[str] = mapped_column(Text)
    # pending (due at next_attempt_at; also while a worker holds it, as a lease) → sent | failed.
    state: Mapped[str] = mapped_column(String(12), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
