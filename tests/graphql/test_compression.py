"""POST /graphql answers gzip to clients that accept it; the WebSocket on the same path is left alone."""

from __future__ import annotations

import gzip
import json

import httpx

from tests.support import BOARD_SUBSCRIPTION, GraphQLClient, World

LARGE = "{ __schema { types { name fields { name } } } }"


async def _post(server, query: str, encoding: str, cookies: dict[str, str] | None = None) -> httpx.Response:  # type: ignore[no-untyped-def]
    # A raw stream, so the test sees the bytes on the wire rather than httpx's decoded body.
    async with httpx.AsyncClient(base_url=server.url, cookies=cookies) as http:
        request = http.build_request("POST", "/graphql", json={"query": query}, headers={"Accept-Encoding": encoding})
        response = await http.send(request, stream=True)
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
        await response.aclose()
        response._content = raw  # noqa: SLF001 - the undecoded body, for the assertions below
        return response


async def test_large_graphql_answers_are_gzipped_for_clients_that_accept_it(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    zipped = await _post(server, LARGE, "gzip")
    plain = await _post(server, LARGE, "identity")
    small = await _post(server, "{ __typename }", "gzip")

    assert zipped.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert int(zipped.headers["content-length"]) == len(zipped.content) < len(plain.content)
    assert json.loads(gzip.decompress(zipped.content)) == json.loads(plain.content)
    assert "content-encoding" not in plain.headers
    assert "content-encoding" not in small.headers  # under 1 KiB: not worth it
    assert json.loads(small.content) == {"data": {"__typename": "Query"}}

    # A signed-in client (httpx decodes like a browser) and the WebSocket on the same path work as before.
    signed_in = await rep.http.post("/graphql", json={"query": LARGE})
    assert signed_in.headers["content-encoding"] == "gzip" and signed_in.json()["data"]["__schema"]["types"]
    async with rep.subscriber(server.ws_url) as sub:
        await sub.subscribe("1", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
        first = await sub.next()
    assert first["payload"]["data"]["leaderboardChanged"]["period"] == "TODAY"
