"""Visit photos on the server: the cost of re-encoding one upload, against a plain full decode.

`core.images.encode_photo()` asks the JPEG decoder for a reduced scale (`draft`) before decoding,
so a 12-megapixel phone photo is decoded at a quarter of its size, then scaled to 1600 px and
re-encoded without metadata, with a 320 px thumbnail. The baseline does the same work the
straightforward way: decode every pixel, then scale. Both run here, on the same inputs:

* a phone camera's JPEG, 4032 × 3024 (what arrives when the phone could not resize it);
* the PWA's upload, already resized on the phone to 1600 × 1200;
* a 3000 × 2000 PNG screenshot with transparency (no draft possible: PNG has no reduced decode).

    .venv/bin/python bench/photos.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import time

from PIL import Image, ImageDraw, ImageOps

from podium.core import images as photos


def phone_jpeg(width: int, height: int, seed: int = 7) -> bytes:
    """Noise and shapes, so the encoder has real work (flat colour compresses to nothing)."""
    noise = Image.effect_noise((width, height), 64).convert("RGB")
    draw = ImageDraw.Draw(noise)
    for i in range(40):
        x, y = (i * 997 * seed) % width, (i * 613 * seed) % height
        draw.rectangle((x, y, x + width // 8, y + height // 8), fill=((i * 37) % 255, (i * 91) % 255, (i * 53) % 255))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 49.0)}
    noise.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def screenshot_png(width: int, height: int) -> bytes:
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    for i in range(60):
        draw.rectangle((i * 40, i * 25, i * 40 + 300, i * 25 + 120), fill=(20 + i * 3, 80, 200, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def baseline(raw: bytes) -> bytes:
    """Decode every pixel, then scale and encode: no draft, same output sizes."""
    with Image.open(io.BytesIO(raw)) as image:
        image.load()
        picture = ImageOps.exif_transpose(image).convert("RGB")
    picture.thumbnail((photos.MAX_SIDE, photos.MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=photos.QUALITY, optimize=True, progressive=True)
    small = picture.copy()
    small.thumbnail((photos.THUMB_SIDE, photos.THUMB_SIDE), Image.Resampling.LANCZOS)
    small.save(io.BytesIO(), "JPEG", quality=photos.THUMB_QUALITY)
    return out.getvalue()


def timed(fns, raw: bytes, rounds: int) -> list[list[float]]:  # type: ignore[no-untyped-def]
    """Rounds interleaved (a, b, a, b, …) so a busy neighbour on the machine slows both alike; CPU time, not wall."""
    for fn in fns:
        fn(raw)  # warm-up
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, out in zip(fns, samples, strict=True):
            start = time.process_time()
            fn(raw)
            out.append((time.process_time() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    print(f"Pillow {Image.__version__}, Python {platform.python_version()}, {platform.machine()}, rounds={args.rounds}")
    cases = [
        ("phone camera JPEG 4032x3024", phone_jpeg(4032, 3024)),
        ("PWA upload JPEG 1600x1200", phone_jpeg(1600, 1200)),
        ("screenshot PNG 3000x2000 (alpha)", screenshot_png(3000, 2000)),
    ]
    print(f"{'input':36} {'bytes in':>10} {'ours p50 ms CPU':>16} {'ours p95':>9} {'baseline p50':>13} {'ratio':>6} {'bytes out':>10}")
    for name, raw in cases:
        ours, base = timed([lambda r: photos.encode_photo(r, max_pixels=40_000_000), baseline], raw, args.rounds)
        out = photos.encode_photo(raw, max_pixels=40_000_000)
        p50, b50 = statistics.median(ours), statistics.median(base)
        p95 = sorted(ours)[max(0, int(len(ours) * 0.95) - 1)]
        print(f"{name:36} {len(raw):>10,} {p50:>16.1f} {p95:>9.1f} {b50:>13.1f} {b50 / p50:>5.2f}x {len(out.data):>10,}")
    print("ours: core.images.encode_photo (draft decode, LANCZOS to 1600 px, JPEG q82 + 320 px thumb, no metadata);"
          " baseline: full decode then the same scaling and encoding")


if __name__ == "__main__":
    main()
