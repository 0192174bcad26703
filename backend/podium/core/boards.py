"""Board scores: Redis sorted sets in production, a dict in process when embedded.

Every write sets a member's absolute total together with the number of ledger entries
behind it, and is applied only when that count is higher than the stored one. The ledger
is append-only, so a later read of it never has fewer entries: writes from several
instances, replays and full rebuilds can land in any order and the board still ends at
the ledger's state. Losing the store loses nothing; boards are rebuilt from SQL.

Derived-state infrastructure like ratelimit.py, so it lives in core: every service's Env holds
one, and which boards it keeps is leaderboards' business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis


@dataclass(frozen=True)
class Score:
    member: int
    points: int
    entries: int


class BoardStore(Protocol):
    async def apply(self, board: str, scores: list[Score], ttl_seconds: int) -> None: ...

    async def read(self, board: str) -> list[Score]:
        """Every member, highest points first."""

    async def is_built(self, board: str) -> bool: ...

    async def mark_built(self, board: str, ttl_seconds: int) -> None: ...

    async def clear(self) -> None: ...


class MemoryBoardStore:
    def __init__(self) -> None:
        self._boards: dict[str, dict[int, Score]] = {}
        self._built: set[str] = set()

    async def apply(self, board: str, scores: list[Score], ttl_seconds: int) -> None:
        members = self._boards.setdefault(board, {})
        for score in scores:
            current = members.get(score.member)
            if current is None or current.entries < score.entries:
                members[score.member] = score

    async def read(self, board: str) -> list[Score]:
        return sorted(self._boards.get(board, {}).values(), key=lambda s: (-s.points, s.member))

    async def is_built(self, board: str) -> bool:
        return board in self._built

    async def mark_built(self, board: str, ttl_seconds: int) -> None:
        self._built.add(board)

    async def clear(self) -> None:
        self._boards.clear()
        self._built.clear()


_APPLY = """
local applied = 0
for i = 1, #ARGV - 1, 3 do
  local member, points, entries = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local stored = redis.call('HGET', KEYS[2], member)
  if (not stored) or tonumber(stored) < entries then
    redis.call('ZADD', KEYS[1], points, member)
    redis.call('HSET', KEYS[2], member, entries)
    applied = applied + 1
  end
end
local ttl = tonumber(ARGV[#ARGV])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
return applied
"""


class RedisBoardStore:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._apply = redis.register_script(_APPLY)

    def _keys(self, board: str) -> tuple[str, str, str]:
        base = f"{self._prefix}:lb:{{{board}}}"  # hash tag: the three keys share a cluster slot
        return f"{base}:z", f"{base}:n", f"{base}:built"

    async def apply(self, board: str, scores: list[Score], ttl_seconds: int) -> None:
        if not scores:
            return
        zset, counts, _ = self._keys(board)
        args: list[int | str] = []
        for score in scores:
            args += [score.member, score.points, score.entries]
        args.append(ttl_seconds)
        await self._apply(keys=[zset, counts], args=args)

    async def read(self, board: str) -> list[Score]:
        zset, counts, _ = self._keys(board)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrevrange(zset, 0, -1, withscores=True)
            pipe.hgetall(counts)
            ranked, entries = await pipe.execute()
        scores = [Score(int(m), int(p), int(entries.get(m, 0))) for m, p in ranked]
        return sorted(scores, key=lambda s: (-s.points, s.member))

    async def is_built(self, board: str) -> bool:
        return bool(await self._redis.exists(self._keys(board)[2]))

    async def mark_built(self, board: str, ttl_seconds: int) -> None:
        await self._redis.set(self._keys(board)[2], "1", ex=ttl_seconds)

    async def clear(self) -> None:
        async for name in self._redis.scan_iter(match=f"{self._prefix}:lb:*", count=500):
            await self._redis.delete(name)
