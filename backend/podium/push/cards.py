"""Celebration cards: a PNG (name, initials avatar, achievement, brand gradient) for pushes and the in-app feed."""

from __future__ import annotations

import asyncio
import io
import random
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from podium.celebrations import service as celebrations
from podium.celebrations.service import CelebrationView
from podium.core.env import Env
from podium.core.i18n import MESSAGES, Locale, translate
from podium.orgs import photos
from podium.orgs import service as orgs

# 2:1, what Android and desktop Chrome show a notification's image at.
WIDTH, HEIGHT = 1024, 512
# The PWA's brand gradient.
INDIGO = (0x4F, 0x46, 0xE5)
VIOLET = (0x7C, 0x3A, 0xED)
WHITE = (255, 255, 255)
# Debian's fonts-noto-cjk: one face covers Chinese and Latin names alike.
FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"))
FONT_FILES = {"bold": "NotoSansCJK-Bold.ttc", "regular": "NotoSansCJK-Regular.ttc"}
CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}
CACHE_SIZE = 256


@dataclass(frozen=True)
class CardText:
    kicker: str
    name: str
    initials: str
    avatar_color: str
    achievement: str
    amount: str
    # The person's profile photo (a JPEG), when they have one: drawn instead of the initials.
    photo: bytes | None = None


@lru_cache(maxsize=1)
def _font_path(weight: str) -> tuple[str, int] | None:
    for folder in FONT_DIRS:
        path = folder / FONT_FILES[weight]
        if not path.exists():
            continue
        for index in range(10):  # the collection's Simplified Chinese face, wherever it sits
            try:
                if "CJK SC" in ImageFont.truetype(str(path), 12, index=index).getname()[0]:
                    return str(path), index
            except OSError:
                break
        return str(path), 0
    return None


@lru_cache(maxsize=64)
def font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    found = _font_path(weight)
    if found is None:
        return ImageFont.load_default(size)  # no CJK font installed: Latin still renders
    return ImageFont.truetype(found[0], size, index=found[1])


def _hex(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def _gradient() -> Image.Image:
    """Indigo at the top left to violet at the bottom right, like the app's header."""
    down = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    across = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).transpose(Image.Transpose.FLIP_LEFT_RIGHT).resize((WIDTH, HEIGHT))
    mask = Image.blend(down, across, 0.5)
    return Image.composite(Image.new("RGB", (WIDTH, HEIGHT), VIOLET), Image.new("RGB", (WIDTH, HEIGHT), INDIGO), mask)


def _fit(draw: ImageDraw.ImageDraw, text: str, weight: str, size: int, min_size: int, max_width: int) -> tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont]:
    """The largest size down to `min_size` that fits; below that, the text is cut with an ellipsis."""
    while size > min_size and draw.textlength(text, font=font(weight, size)) > max_width:
        size -= 2
    face = font(weight, size)
    if draw.textlength(text, font=face) <= max_width:
        return text, face
    while text and draw.textlength(text + "…", font=face) > max_width:
        text = text[:-1]
    return text + "…", face


def _photo(data: bytes, side: int) -> Image.Image | None:
    """Our own re-encoded JPEG (orgs.photos), so it decodes safely; a damaged one falls back to the initials."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            return ImageOps.fit(picture.convert("RGB"), (side, side), Image.Resampling.LANCZOS)
    except (OSError, ValueError):
        return None


def draw_card(card: CardText, seed: int) -> bytes:
    """Pure drawing, run in a thread."""
    image = _gradient()
    overlay = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    confetti = ImageDraw.Draw(overlay)
    rng = random.Random(seed)  # the same card every time for one celebration
    for _ in range(40):
        x, y, r = rng.randrange(WIDTH), rng.randrange(HEIGHT), rng.randrange(3, 9)
        alpha = rng.randrange(40, 110)
        confetti.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, alpha))
    confetti.ellipse((WIDTH - 260, -180, WIDTH + 180, 260), fill=(255, 255, 255, 28))
    image.paste(overlay, (0, 0), overlay)
    draw = ImageDraw.Draw(image)

    # The avatar: the person's photo in a circle, or their initials in their colour, as in the app.
    cx, cy, radius = 190, HEIGHT // 2, 118
    draw.ellipse((cx - radius - 8, cy - radius - 8, cx + radius + 8, cy + radius + 8), fill=WHITE)
    face_image = _photo(card.photo, radius * 2) if card.photo else None
    if face_image is not None:
        mask = Image.new("L", face_image.size, 0)
        ImageDraw.Draw(mask).ellipse((0, 0, radius * 2, radius * 2), fill=255)
        image.paste(face_image, (cx - radius, cy - radius), mask)
    else:
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=_hex(card.avatar_color))
        initials, face = _fit(draw, card.initials, "bold", 104, 40, radius * 2 - 40)
        draw.text((cx, cy), initials, font=face, fill=WHITE, anchor="mm")

    left, right = 360, WIDTH - 56
    width = right - left
    # (text, weight, size, smallest size, colour, baseline below the previous one); centred as a block.
    lines = [
        (card.kicker.upper(), "bold", 30, 20, (224, 231, 255), 30),
        (card.name, "bold", 68, 36, WHITE, 88),
        (card.achievement, "regular", 44, 26, WHITE, 78),
    ]
    if card.amount:
        lines.append((card.amount, "bold", 56, 30, (253, 230, 138), 82))
    y = (HEIGHT - sum(line[5] for line in lines) - 14) // 2
    for text, weight, size, min_size, color, advance in lines:
        y += advance
        fitted, face = _fit(draw, text, weight, size, min_size, width)
        draw.text((left, y), fitted, font=face, fill=color, anchor="ls")
    draw.text((right, HEIGHT - 40), "Podium", font=font("bold", 28), fill=(224, 231, 255), anchor="rs")

    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _amount(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    sign = CURRENCY_SIGNS.get(currency)
    return f"{sign}{amount:,.2f}" if sign else f"{amount:,.2f} {currency}"


def card_text(view: CelebrationView, locale: Locale, currency: str, photo: bytes | None = None) -> CardText:
    key = view.kind.name
    params = {"other": view.other_user.name if view.other_user else "", "threshold": view.threshold or 0, "subject": view.subject}
    known = f"card.{key}" in MESSAGES  # a newer kind without card texts shows its feed message
    return CardText(
        kicker=translate(f"card.{key}.kicker", locale) if known else "",
        name=view.user.name,
        initials=view.user.initials,
        avatar_color=view.user.avatar_color,
        achievement=translate(f"card.{key}", locale, **params) if known else view.message(locale),
        amount=_amount(view.amount, currency),
        photo=photo,
    )


# Cards never change for a celebration: drawn once per (celebration, language) and instance.
_CACHE: OrderedDict[tuple[int, int, Locale], bytes] = OrderedDict()


async def card_png(env: Env, org_id: int, celebration_id: int, locale: Locale) -> bytes | None:
    """The card of one of the org's celebrations, or None when the org has no such celebration."""
    key = (org_id, celebration_id, locale)  # the org too: a cached card is no way around the org check
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE.move_to_end(key)
        return cached
    views = await celebrations.load(env, org_id, [celebration_id])
    if not views:
        return None
    async with env.db() as session:
        currency = await orgs.org_currency(session, org_id)
    photo = await photos.photo_bytes(env, views[0].user.id) if views[0].user.photo_version else None
    png = await asyncio.to_thread(draw_card, card_text(views[0], locale, currency, photo), celebration_id)
    _CACHE[key] = png
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return png
