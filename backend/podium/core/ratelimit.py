"""Fixed-window attempt counters: in process when embedded, shared in Redis otherwise."""

from __future__ import annotations

import time
from typing import Protocol

from redis.asyncio import Redis


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        """Count one attempt; False when the key is over its limit for the current window."""

    async def reset(self, key: str) -> None: ...


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}

    async def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        window = int(time.time() // window_seconds)
        if len(self._counts) > 10_000:  # old windows are dead weight; drop them all at once
            self._counts = {k: v for k, v in self._counts.items() if k[1] == window}
        count = self._counts.get((key, window), 0) + 1
        self._counts[(key, window)] = count
        return count <= limit

    async def reset(self, key: str) -> None:
        for stored in [k for k in self._counts if k[0] == key]:
            del self._counts[stored]


class RedisRateLimiter:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    async def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        window = int(time.time() // window_seconds)
        name = f"{self._prefix}:rl:{key}:{window}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window_seconds)
            count, _ = await pipe.execute()
        return int(count) <= limit

    async def reset(self, key: str) -> None:
        async for name in self._redis.scan_iter(match=f"{self._prefix}:rl:{key}:*"):
            await self._redis.delete(name)
