"""Profile photos: uploaded as image bytes, re-encoded square without EXIF, seen by the org (a paired TV too), on cards."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from tests.displays.test_pairing import REVOKE, _paired_tv
from tests.support import GraphQLClient, World
from tests.visits.test_photos import jpeg_with_gps, png_header_only

BOARD = "{ leaderboard(period: MONTH, scope: ORG) { entries { user { id photoUrl } } } }"


async def put_photo(client: GraphQLClient, body: bytes, content_type: str = "image/jpeg") -> httpx.Response:
    return await client.http.put("/api/me/photo", content=body, headers={"content-type": content_type})


async def test_a_photo_replaces_the_initials_everywhere_in_the_org_and_nowhere_else(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    first = await put_photo(rep, jpeg_with_gps((1200, 900)))
    second = await put_photo(rep, jpeg_with_gps((900, 1200)))

    assert first.status_code == second.status_code == 200
    url = second.json()["photoUrl"]
    assert url.endswith("?v=2") and url != first.json()["photoUrl"]
    entries = (await rep.data(BOARD))["leaderboard"]["entries"]
    assert next(e["user"]["photoUrl"] for e in entries if e["user"]["id"] == str(world.rep.id)) == url
    picture = Image.open(io.BytesIO((await rep.http.get(url)).content))
    assert picture.size == (512, 512) and len(picture.getexif()) == 0
    async with GraphQLClient(server.url) as manager, GraphQLClient(server.url) as outsider, GraphQLClient(server.url) as anonymous:
        await manager.login(world.manager.email)
        await outsider.login(world.outsider.email)
        seen = [(await c.http.get(url)).status_code for c in (manager, outsider, anonymous)]
    assert seen == [200, 404, 401]


async def test_bad_photos_are_refused_and_change_nothing(rep: GraphQLClient, world: World) -> None:
    bomb = await put_photo(rep, png_header_only(20_000, 20_000), "image/png")
    text = await put_photo(rep, b"hello", "text/plain")
    broken = await put_photo(rep, b"\xff\xd8\xff\xe0 not really a jpeg")

    assert (bomb.status_code, bomb.json()["errors"][0]["code"]) == (400, "TOO_LARGE")
    assert text.status_code == 415
    assert (broken.status_code, broken.json()["errors"][0]["code"]) == (400, "INVALID")
    entries = (await rep.data(BOARD))["leaderboard"]["entries"]
    assert all(e["user"]["photoUrl"] is None for e in entries)


async def test_a_paired_tv_sees_the_faces_of_its_org_until_it_is_revoked(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    url = (await put_photo(rep, jpeg_with_gps((800, 600)))).json()["photoUrl"]
    async with GraphQLClient(server.url) as manager:
        await manager.login(world.manager.email)
        tv, display_id = await _paired_tv(server, manager)
        async with tv:
            seen = (await tv.http.get(url)).status_code
            assert (await manager.data(REVOKE, {"id": display_id}))["revokeDisplay"]["__typename"] == "DisplaySuccess"
            revoked = (await tv.http.get(url)).status_code

    assert (seen, revoked) == (200, 401)
