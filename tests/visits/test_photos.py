"""Visit photos: uploaded as the phone sends them, re-encoded, EXIF gone; bad files refused with nothing left behind."""

from __future__ import annotations

import io
import os
import struct
import tempfile
import zlib
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from podium.core import images
from podium.visits.models import VisitPhoto
from tests.support import GraphQLClient, World
from tests.visits.test_field_visits import check_in

PHOTOS_OF_VISITS = "{ myVisits { clientId photos { id clientId width height bytes url thumbUrl } } }"


def jpeg_with_gps(size: tuple[int, int] = (2400, 1800)) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 49.0), 3: "E", 4: (121.0, 28.0, 25.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width × height pixels; tiny on the wire, gigabytes once decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)  # a token of the rows: the decoder never needs more to refuse it
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


async def upload(client: GraphQLClient, visit_client_id: str, body: bytes, *, client_id: str | None = None, content_type: str = "image/jpeg") -> httpx.Response:
    params = {"clientId": client_id or f"photo-{os.urandom(6).hex()}", "visitClientId": visit_client_id}
    return await client.http.post("/api/visits/photos", params=params, content=body, headers={"content-type": content_type})


def temp_files() -> set[str]:
    return set(os.listdir(tempfile.gettempdir()))


async def photo_rows(server) -> int:  # type: ignore[no-untyped-def]
    async with server.runtime.env.db() as session:
        return int(await session.scalar(select(func.count()).select_from(VisitPhoto)) or 0)


async def test_a_photo_is_re_encoded_without_its_gps_exif_and_a_replay_stores_nothing_more(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    visit = await check_in(rep, world)
    visit_id = visit["visit"]["clientId"]
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825) is not None

    first = await upload(rep, visit_id, raw, client_id="photo-abc-123")
    replay = await upload(rep, visit_id, raw, client_id="photo-abc-123")

    assert first.status_code == 201 and replay.status_code == 200
    assert replay.json() == {**first.json(), "replayed": True}
    meta = first.json()["photo"]
    assert (meta["width"], meta["height"]) == (1600, 1200)
    stored = await rep.http.get(meta["url"])
    thumb = await rep.http.get(meta["thumbUrl"])
    assert stored.headers["content-type"] == "image/jpeg"
    picture = Image.open(io.BytesIO(stored.content))
    assert picture.size == (1600, 1200) and len(picture.getexif()) == 0 and "exif" not in picture.info
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320
    listed = (await rep.data(PHOTOS_OF_VISITS))["myVisits"][0]["photos"]
    assert [p["clientId"] for p in listed] == ["photo-abc-123"] and listed[0]["bytes"] == len(stored.content)
    assert await photo_rows(server) == 1


@pytest.mark.parametrize(
    ("name", "body", "status", "code"),
    [
        ("a 20,000 × 20,000 PNG", png_header_only(20_000, 20_000), 400, "TOO_LARGE"),
        ("a truncated JPEG", jpeg_with_gps((800, 600))[:3000], 400, "INVALID"),
        ("a file that is not an image", b"%PDF-1.7\n" + b"not a picture " * 500, 400, "INVALID"),
        ("an empty body", b"", 400, "REQUIRED"),
    ],
)
async def test_bad_files_are_refused_clearly_and_leave_nothing_behind(rep: GraphQLClient, server, world: World, name: str, body: bytes, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    visit = await check_in(rep, world)
    before = temp_files()

    response = await upload(rep, visit["visit"]["clientId"], body)

    assert response.status_code == status, name
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("photo", code)
    assert error["message"]
    assert await photo_rows(server) == 0
    assert temp_files() - before == set()


async def test_a_body_over_the_byte_limit_names_that_limit_in_each_language(rep: GraphQLClient, world: World) -> None:
    visit = await check_in(rep, world)
    too_big = b"\xff\xd8" + b"\0" * (15 * 1024 * 1024 - 1)  # the default limit is 15 MiB
    answers = {}
    for locale in ("ZH_CN", "EN"):
        await rep.data("mutation L($l: Locale!) { setLocale(locale: $l) { locale } }", {"l": locale})
        answers[locale] = (
            await upload(rep, visit["visit"]["clientId"], too_big),
            await rep.http.put("/api/me/photo", content=too_big, headers={"content-type": "image/jpeg"}),
        )

    for locale, message in (("ZH_CN", "图片过大：最多 15 MB。"), ("EN", "The picture is too large: at most 15 MB.")):
        visit_photo, profile_photo = answers[locale]
        assert visit_photo.status_code == profile_photo.status_code == 413
        assert visit_photo.json()["errors"] == [{"field": "body", "code": "TOO_LARGE", "message": message}]
        assert profile_photo.json()["errors"] == [{"field": "photo", "code": "TOO_LARGE", "message": message}]


def test_limits_are_shown_rounded_down_in_their_own_unit() -> None:
    from podium.core.i18n import Locale, translate

    def message(error: Exception, locale: Locale) -> str:
        problem = error.problems[0]  # type: ignore[attr-defined]
        return translate(problem.code.value, locale, **problem.params)

    assert message(images.too_many_bytes("photo", 10_000_000), Locale.EN) == "The picture is too large: at most 9.5 MB."
    assert message(images.too_many_pixels(40_000_000), Locale.EN) == "The picture is too large: at most 40 megapixels."
    assert message(images.too_many_pixels(40_000_000), Locale.ZH_CN) == "图片过大：最多 40 百万像素。"


async def test_uploads_need_a_session_an_image_type_and_a_visit_of_mine(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    visit = await check_in(rep, world)
    raw = jpeg_with_gps((640, 480))
    async with GraphQLClient(server.url) as anonymous, GraphQLClient(server.url) as rob:
        signed_out = await upload(anonymous, visit["visit"]["clientId"], raw)
        await rob.login(world.rep2.email)
        not_robs = await upload(rob, visit["visit"]["clientId"], raw)
    as_text = await upload(rep, visit["visit"]["clientId"], raw, content_type="text/plain")
    unknown = await upload(rep, "no-such-visit-1234", raw)
    bad_id = await upload(rep, visit["visit"]["clientId"], raw, client_id="x")

    assert signed_out.status_code == 401
    assert not_robs.status_code == 404 and not_robs.json()["errors"][0]["field"] == "visitClientId"
    assert as_text.status_code == 415
    assert unknown.status_code == 404
    assert bad_id.status_code == 400 and bad_id.json()["errors"][0]["field"] == "clientId"
    assert await photo_rows(server) == 0


async def test_a_photo_is_seen_by_its_rep_and_their_manager_only(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    visit = await check_in(rep, world)
    url = (await upload(rep, visit["visit"]["clientId"], jpeg_with_gps((640, 480)))).json()["photo"]["url"]
    seen = {}
    for who in ("manager", "rep2", "rep3", "outsider", "admin"):
        async with GraphQLClient(server.url) as client:
            await client.login(getattr(world, who).email)
            seen[who] = (await client.http.get(url)).status_code
    async with GraphQLClient(server.url) as anonymous:
        seen["anonymous"] = (await anonymous.http.get(url)).status_code

    assert seen == {"manager": 200, "admin": 200, "rep2": 404, "rep3": 404, "outsider": 404, "anonymous": 401}


async def test_at_most_ten_photos_per_visit(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    visit = await check_in(rep, world)
    raw = jpeg_with_gps((320, 240))
    statuses = [(await upload(rep, visit["visit"]["clientId"], raw)).status_code for _ in range(11)]
    assert statuses == [201] * 10 + [400]
    assert await photo_rows(server) == 10


def test_transparency_becomes_white_and_orientation_is_applied() -> None:
    image = Image.new("RGBA", (200, 100), (255, 0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the picture is upright once turned 90°
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif.tobytes())

    encoded = images.encode_photo(out.getvalue(), max_pixels=1_000_000)

    picture = Image.open(io.BytesIO(encoded.data))
    assert picture.size == (100, 200)
    assert all(channel > 245 for channel in picture.getpixel((50, 100)))


def test_a_bomb_just_under_pillows_own_limit_is_still_refused_by_ours(tmp_path: Path) -> None:
    with pytest.raises(Exception) as refused:
        images.encode_photo(png_header_only(10_000, 10_000), max_pixels=40_000_000)
    assert refused.value.problems[0].code == "TOO_LARGE"  # type: ignore[attr-defined]
