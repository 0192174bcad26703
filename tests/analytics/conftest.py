"""A stack per stack kind (SQLite, PostgreSQL + Redis) with the test world and a won stage, for the customers
rollups' tests of one module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from podium.core.events import transaction
from podium.pipeline.models import Stage
from tests.conftest import open_stack, start_server, stop_server
from tests.support import World, make_world


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def stage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[Any, World, int]]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("rollups"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            server, uvicorn_server, task = await start_server(stack.settings)
            env = server.runtime.env
            world = await make_world(env)
            async with transaction(env.db) as tx:
                row = Stage(org_id=world.org_id, key="t_won", name_en="Won", name_zh="赢单", position=9, probability=100, outcome="won")
                tx.session.add(row)
                await tx.session.flush()
                stage_id = row.id
            try:
                yield env, world, stage_id
            finally:
                await stop_server(uvicorn_server, task)
