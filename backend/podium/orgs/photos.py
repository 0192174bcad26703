"""Profile photos: a 512 px square, re-encoded by core/images.py's bounded decoder like visit photos (no EXIF, no GPS)."""

from __future__ import annotations

import asyncio
import io

from PIL import Image, ImageOps
from sqlalchemy import select

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.events import transaction
from podium.core.images import encode_photo
from podium.orgs.events import ProfileChanged
from podium.core.policies import Viewer
from podium.orgs.models import User, UserPhoto

SIDE = 512


def _square(raw: bytes, max_pixels: int) -> bytes:
    """The safe re-encode every upload gets, then the centre square at 512 px."""
    encoded = encode_photo(raw, max_pixels=max_pixels)
    with Image.open(io.BytesIO(encoded.data)) as picture:
        square = ImageOps.fit(picture.convert("RGB"), (SIDE, SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


async def set_photo(env: Env, viewer: Viewer, raw: bytes) -> int:
    """Replace my profile photo; returns its new version (part of its URL)."""
    if viewer.user_id <= 0:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    data = await asyncio.to_thread(_square, raw, env.settings.visits.photo_max_pixels)
    async with transaction(env.db) as tx:
        # Locked: two first uploads at once would both insert the photo row (one answered 500) and
        # both count the same version; one after the other, each is a new version.
        user = await tx.session.get(User, viewer.user_id, with_for_update=True)
        assert user is not None
        photo = await tx.session.get(UserPhoto, viewer.user_id)
        if photo is None:
            tx.session.add(UserPhoto(user_id=viewer.user_id, data=data, updated_at=env.clock()))
        else:
            photo.data, photo.updated_at = data, env.clock()
        user.photo_version = (user.photo_version or 0) + 1
        version = user.photo_version
        # Boards and TVs show faces: they re-read who is who.
        tx.record(ProfileChanged(org_id=viewer.org_id, user=viewer.user_id))
    return version


async def photo_of(env: Env, viewer: Viewer, user_id: int) -> bytes | None:
    """Anyone of the same org (a paired TV too) sees a colleague's face; nobody else learns it exists."""
    async with env.db() as session:
        row = (await session.execute(select(UserPhoto.data, User.org_id).join(User, User.id == UserPhoto.user_id).where(UserPhoto.user_id == user_id))).first()
    if row is None or row[1] != viewer.org_id:
        return None
    return bytes(row[0])


async def photo_bytes(env: Env, user_id: int) -> bytes | None:
    """For drawing celebration cards (the caller has already checked the org)."""
    async with env.db() as session:
        data = await session.scalar(select(UserPhoto.data).where(UserPhoto.user_id == user_id))
    return bytes(data) if data is not None else None
