"""The PWA and GraphiQL as a browser fetches them."""

from __future__ import annotations

from tests.support import GraphQLClient


async def test_the_app_shell_serves_every_client_route_and_assets_are_immutable(server) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as client:
        shell = await client.http.get("/tv")
        origin = await client.http.get("/")
        worker = await client.http.get("/sw.js")
        manifest = await client.http.get("/manifest.webmanifest")
        missing = await client.http.get("/assets/nope-123.js")
        asset_path = next(part.split('"')[0] for part in shell.text.split('src="')[1:] if part.startswith("/assets/"))
        asset = await client.http.get(asset_path)
        health = await client.http.get("/healthz")

    assert shell.status_code == 200 and shell.headers["content-type"].startswith("text/html") and "<div" in shell.text
    assert origin.status_code == 200 and origin.text == shell.text  # the bare origin is the app too
    assert worker.headers["content-type"].startswith("text/javascript") and worker.headers["cache-control"] == "no-cache"
    assert manifest.headers["content-type"] == "application/manifest+json" and '"Podium"' in manifest.text
    assert missing.status_code == 404
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert health.json()["bus"] is True


async def test_graphiql_is_served_in_development(server) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as client:
        page = await client.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_head_answers_like_get_without_a_body(server) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as client:
        for path in ("/", "/login", "/manifest.webmanifest", "/healthz", "/assets/nope-123.js"):
            got = await client.http.get(path, headers={"Accept-Encoding": "identity"})
            head = await client.http.head(path, headers={"Accept-Encoding": "identity"})

            assert head.status_code == got.status_code, path
            assert head.content == b"", path
            for name in ("content-type", "content-length", "cache-control"):
                assert head.headers.get(name) == got.headers.get(name), (path, name)


async def test_head_sends_no_body_bytes_even_to_a_server_that_would_pass_them_on(server) -> None:  # type: ignore[no-untyped-def]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "HEAD", "scheme": "http",
        "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "", "headers": [(b"host", b"podium.test")],
        "client": ("127.0.0.1", 1), "server": ("podium.test", 80), "state": {},
    }
    await server.app(scope, receive, send)

    start, *bodies = sent
    assert start["status"] == 200 and int(dict(start["headers"])[b"content-length"]) > 0  # type: ignore[call-overload]
    assert b"".join(m["body"] for m in bodies) == b""  # type: ignore[misc]
