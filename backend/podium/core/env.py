"""What services need from the outside world, wired once in create_app()."""

from __future__ import annotations

from dataclasses import dataclass
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from podium.core.boards import BoardStore
from podium.core.clock import Clock, utcnow
from podium.core.events import Publisher
from podium.core.ratelimit import RateLimiter
from podium.settings import Settings


@dataclass
class Env:
    settings: Settings
    db: async_sessionmaker[AsyncSession]
    publisher: Publisher
    boards: BoardStore
    limiter: RateLimiter
    clock: Clock = utcnow
