"""Fixtures: every test runs on the embedded default and on PostgreSQL + Redis.

The production stack is used when reachable; with CI=true it must be, and a missing
service fails the run instead of skipping it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from pathlib import Path

import asyncpg
import pytest
import redis.asyncio as aioredis
import uvicorn

from podium.app import create_app
from podium.db.migrate import upgrade
from podium.settings import Settings, load_settings
from tests.support import GraphQLClient, World, make_world

PG_URL = os.environ.get("PODIUM_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PODIUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Its own name per concurrent run (two checkouts testing at once would drop each other's database).
PG_TEST_DB = os.environ.get("PODIUM_TEST_PG_DB", "podium_test")
IN_CI = os.environ.get("CI", "").lower() == "true"
_template: dict[str, Path] = {}
_pg_ready: dict[str, str] = {}


def _admin_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _production_available() -> str | None:
    """None when PostgreSQL and Redis answer, else why not."""
    try:
        conn = await asyncio.wait_for(asyncpg.connect(_admin_dsn(PG_URL)), 3)
        await conn.close()
    except Exception as exc:
        return f"PostgreSQL at {PG_URL}: {exc}"
    try:
        client = aioredis.from_url(REDIS_URL)
        await asyncio.wait_for(client.ping(), 3)
        await client.aclose()
    except Exception as exc:
        return f"Redis at {REDIS_URL}: {exc}"
    return None


async def _prepare_postgres() -> str:
    """A dedicated database, migrated once per run; tests empty its tables."""
    if "url" in _pg_ready:
        return _pg_ready["url"]
    conn = await asyncpg.connect(_admin_dsn(PG_URL))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{PG_TEST_DB}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{PG_TEST_DB}"')
    finally:
        await conn.close()
    base, _, _ = PG_URL.rpartition("/")
    url = f"{base}/{PG_TEST_DB}"
    await asyncio.to_thread(upgrade, url.replace("postgresql://", "postgresql+asyncpg://"))
    _pg_ready["url"] = url
    return url


async def _truncate_postgres(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        tables = [r["tablename"] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'")]
        await conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


async def _sqlite_template(tmp_root: Path) -> Path:
    """Migrate one SQLite file per run; each test copies it (much faster than migrating again)."""
    if "path" not in _template:
        path = tmp_root / "template.sqlite3"
        await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{path}")
        _template["path"] = path
    return _template["path"]


@dataclass
class Stack:
    name: str
    settings: Settings


@asynccontextmanager
async def open_stack(name: str, tmp_path: Path, basetemp: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Stack]:
    """One stack's settings in the environment; a module that shares one server across its tests opens it itself."""
    for variable in list(os.environ):
        if variable.startswith("PODIUM_") and not variable.startswith("PODIUM_TEST_"):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("PODIUM_FRAME_INTERVAL", "0.05")
    if name == "embedded":
        database = tmp_path / "podium.sqlite3"
        shutil.copy(await _sqlite_template(basetemp), database)
        monkeypatch.setenv("PODIUM_DATABASE_URL", f"sqlite:///{database}")
        yield Stack("embedded", load_settings())
        return
    why_not = await _production_available()
    if why_not:
        if IN_CI:
            pytest.fail(f"CI=true needs PostgreSQL and Redis: {why_not}")
        pytest.skip(why_not)
    url = await _prepare_postgres()
    await _truncate_postgres(url)
    prefix = f"podiumtest-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("PODIUM_DATABASE_URL", url)
    monkeypatch.setenv("PODIUM_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("PODIUM_REDIS_PREFIX", prefix)
    # Required with PostgreSQL (the app refuses to start without it); the embedded stack makes its own in tmp_path.
    monkeypatch.setenv("PODIUM_SECRET_KEY", f"test-secret-{uuid.uuid4().hex}")
    yield Stack("production", load_settings())
    client = aioredis.from_url(REDIS_URL)
    async for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        await client.delete(key)
    await client.aclose()


@pytest.fixture(params=["embedded", "production"])
async def stack(request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Stack]:
    async with open_stack(request.param, tmp_path, tmp_path_factory.getbasetemp(), monkeypatch) as opened:
        yield opened


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    app: object

    @property
    def runtime(self):  # type: ignore[no-untyped-def]
        return self.app.state.runtime  # type: ignore[attr-defined]

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"


async def start_server(settings: Settings) -> tuple[Server, uvicorn.Server, asyncio.Task[None]]:
    app = create_app(settings)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws_per_message_deflate=False, ws="websockets-sansio", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    return Server(f"http://127.0.0.1:{port}", app), server, task


async def stop_server(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    server.should_exit = True
    try:
        await asyncio.wait_for(task, 10)
    except TimeoutError:
        task.cancel()


@dataclass
class Served:
    """A running server on one stack with the usual world, its admin as a viewer, and signed-in clients by World field."""

    server: Server
    world: World
    stack: str
    admin: Any
    clients: dict[str, GraphQLClient]

    @property
    def env(self) -> Any:
        return self.server.runtime.env


@asynccontextmanager
async def served_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, name: str, logins: tuple[str, ...] = ("admin", "manager", "rep", "outsider"),
) -> AsyncIterator[Served]:
    """For a module-scoped fixture parametrized by stack: the stack, a server, make_world, and a client per login."""
    from podium.orgs import service as orgs  # the app's modules load once the stack's settings are set

    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp(name), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            server, uvicorn_server, task = await start_server(dataclasses.replace(stack.settings))
            clients: dict[str, GraphQLClient] = {}
            try:
                world = await make_world(server.runtime.env)
                admin = await orgs.viewer_by_id(server.runtime.env, world.admin.id)
                assert admin is not None
                for login in logins:
                    clients[login] = GraphQLClient(server.url)
                    await clients[login].login(getattr(world, login).email)
                yield Served(server, world, request.param, admin, clients)
            finally:
                for client in clients.values():
                    await client.__aexit__(None, None, None)
                await stop_server(uvicorn_server, task)


@pytest.fixture
async def server(stack: Stack) -> AsyncIterator[Server]:
    running, uv_server, task = await start_server(stack.settings)
    yield running
    await stop_server(uv_server, task)


@pytest.fixture
async def world(server: Server) -> World:
    return await make_world(server.runtime.env)


@pytest.fixture
async def rep(server: Server, world: World) -> AsyncIterator[GraphQLClient]:
    async with GraphQLClient(server.url) as client:
        await client.login(world.rep.email)
        yield client
