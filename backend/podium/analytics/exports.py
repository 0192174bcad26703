"""The cockpit's table exports: one GET handler per table, all of one shape (made by `exporter`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromQuery

from podium.core.env import Env
from podium.core.policies import Viewer
from podium.core.sheets import Sheet
from podium.orgs.downloads import Params, download

Build = Callable[[Params, Env, Viewer], Awaitable[Sequence[Sheet]]]


def exporter(path: str, stem: str, build: Build) -> HTTPRouteHandler:
    """GET `path`?format=csv|xlsx: `build`'s sheets from the query's parameters, as `stem-YYYY-MM-DD.csv|xlsx`."""

    async def export(request: Request[Any, Any, Any], format: FromQuery[str] = "csv") -> Response[Any]:
        params = Params(request)

        async def sheets(env: Env, viewer: Viewer) -> Sequence[Sheet]:
            return await build(params, env, viewer)

        return await download(request, stem, format, sheets)

    export.__name__ = export.__qualname__ = f"export_{stem.replace('-', '_')}"
    return get(path, include_in_schema=False, name=export.__name__)(export)
