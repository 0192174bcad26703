"""Uploaded pictures (visit photos, profile photos): decoded under limits, re-encoded so nothing but pixels survives (no EXIF, no GPS)."""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import Label

# The phone already sends ≤ 1600 px; a larger upload is scaled down to this.
MAX_SIDE = 1600
THUMB_SIDE = 320
QUALITY = 82
THUMB_QUALITY = 75
# HEIC never arrives: the phone re-encodes to JPEG before upload (pwa features/visit).
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
Image.init()  # registers every plugin now: `formats=` names only the registered ones
MIN_SIDE = 16
# What an upload may say it is (the formats above).
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
# A picture's URL never serves another one: the browser may keep it, but only for this signed-in person.
PRIVATE_FOREVER = "private, max-age=31536000, immutable"


def too_many_bytes(field: str, max_bytes: int) -> DomainError:
    """An upload over the byte limit: the message names that limit (15 MB), not the pixels one."""
    return DomainError.one(ErrorCode.TOO_LARGE, field, max=_millions(max_bytes / 1_048_576), unit=Label("unit.megabytes"))


def too_many_pixels(max_pixels: int) -> DomainError:
    return DomainError.one(ErrorCode.TOO_LARGE, "photo", max=_millions(max_pixels / 1_000_000), unit=Label("unit.megapixels"))


def _millions(value: float) -> str:
    """15.0 → "15", 9.54 → "9.5": rounded down, so the limit shown is never more than the one applied."""
    return f"{math.floor(value * 10) / 10:g}"


@dataclass(frozen=True)
class Encoded:
    data: bytes
    thumb: bytes
    width: int
    height: int


def encode_photo(raw: bytes, *, max_pixels: int) -> Encoded:
    """A JPEG of at most MAX_SIDE and its thumbnail; DomainError for anything that is not a sane image."""
    if not raw:
        raise DomainError.one(ErrorCode.REQUIRED, "photo")
    try:
        with warnings.catch_warnings():
            # Pillow warns between its limit and twice it; ours is the only limit that counts.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=FORMATS) as image:
                # The header's size is known before a single pixel is decoded: bombs stop here.
                width, height = image.size
                if width * height > max_pixels:
                    raise too_many_pixels(max_pixels)
                if min(width, height) < MIN_SIDE:
                    raise DomainError.one(ErrorCode.INVALID, "photo")
                # A JPEG decodes at 1/2, 1/4 or 1/8 scale when the result still covers the target size;
                # the box must keep the picture's shape, or the short side rules every scale out.
                scale = min(1.0, MAX_SIDE / max(width, height))
                image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
                image.load()
                upright = ImageOps.exif_transpose(image)
                picture = _rgb(upright)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own limit, met while reading the header, before ours is asked.
        raise too_many_pixels(max_pixels) from None
    except UnidentifiedImageError:
        raise DomainError.one(ErrorCode.INVALID, "photo") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Truncated or corrupt data fails while decoding, after the header looked fine.
        raise DomainError.one(ErrorCode.INVALID, "photo") from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    data = _jpeg(picture, QUALITY)
    small = picture.copy()
    small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return Encoded(data=data, thumb=_jpeg(small, THUMB_QUALITY), width=picture.width, height=picture.height)


def _rgb(image: Image.Image) -> Image.Image:
    """Transparency over white (a PNG screenshot), any palette or CMYK as plain RGB."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # Nothing of the upload's metadata is passed on: no EXIF, no GPS, no comments, no profile.
    image.info = {}
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()
