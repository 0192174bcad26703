"""Serving the built PWA: hashed assets cached for good, everything else falls back to the app shell."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Annotated, Any

from litestar import HttpMethod, Request, Response, route
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from litestar.response import File
from litestar.types import ASGIApp, Message, Receive, Scope, Send

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")
GET_OR_HEAD = [HttpMethod.GET, HttpMethod.HEAD]


def without_body_for_head(app: ASGIApp) -> ASGIApp:
    """HEAD runs the GET handler and keeps its status and headers (Content-Length included), never its body:
    load balancers, uptime probes and link checkers ask with HEAD."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await app(scope, receive, send)
            return

        async def send_head(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await app(scope, receive, send_head)

    return middleware


# "/{path:path}" alone never matches the bare origin: "/" is named too.
@route(["/", "/{path:path}"], http_method=GET_OR_HEAD, middleware=[without_body_for_head], include_in_schema=False)
async def pwa(request: Request[Any, Any, Any], path: Annotated[str | None, Parameter()] = None) -> Response[Any]:
    dist: Path = request.app.state.runtime.settings.http.pwa_dist
    index = dist / "index.html"
    relative = (path or "").lstrip("/")
    if relative:
        candidate = (dist / relative).resolve()
        if candidate.is_relative_to(dist.resolve()) and candidate.is_file():
            cache = IMMUTABLE if relative.startswith("assets/") else NO_CACHE
            headers = {"Cache-Control": cache}
            if relative == "sw.js":
                headers["Service-Worker-Allowed"] = "/"
            return _file(candidate, headers)
        if "." in relative.rsplit("/", 1)[-1]:
            raise NotFoundException()  # a missing file, not a client-side route
    if not index.is_file():
        return Response(
            "The PWA is not built yet: run `make pwa` (or `make demo`).", status_code=503, media_type="text/plain"
        )
    return _file(index, {"Cache-Control": NO_CACHE})


def _file(path: Path, headers: dict[str, str]) -> File:
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return File(path, filename=path.name, media_type=media_type, headers=headers, content_disposition_type="inline")


@route("/healthz", http_method=GET_OR_HEAD, middleware=[without_body_for_head], include_in_schema=False)
async def healthz(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """503 while the event bus is down, so a load balancer sends new sockets to a healthy instance."""
    runtime = request.app.state.runtime
    connected = runtime.bus.connected.is_set()
    body = {"ok": connected, "bus": connected, "topics": len(runtime.hub.topics)}
    return Response(body, status_code=200 if connected else 503)
