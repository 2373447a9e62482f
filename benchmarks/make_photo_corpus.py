"""Writes a corpus of photographic-size JPEGs for the ingest benchmark.

Each image is 1600x1200 (some 2048x1536, some portrait via EXIF orientation 6) with photo-like statistics:
smooth low-frequency light, mid-frequency texture, sensor noise and a few soft-edged shapes, saved at
quality 90 with 4:2:0 chroma like a camera. Deterministic for a given seed.

    python3 make_photo_corpus.py OUT_DIR COUNT
"""
import os
import sys

import numpy as np
from multiprocessing import Pool

from PIL import Image, ImageDraw, ImageFilter


def photo(rng, width, height):
    # Composed at a quarter of the size, then enlarged (like optics, nothing is pixel-sharp) and given
    # full-resolution sensor noise: fast to make, and as costly to decode as a camera JPEG.
    w, h = width // 4, height // 4
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32)
    for c in range(3):
        a, b, p = rng.uniform(0.5, 3, 3)
        img[..., c] = 110 + 60 * np.sin(xx / w * a * np.pi + p) * np.cos(yy / h * b * np.pi + c)
    img += rng.normal(0, 18, (h, w, 3))
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    overlay = Image.new("RGB", (w, h))
    mask = Image.new("L", (w, h), 0)
    draw_o, draw_m = ImageDraw.Draw(overlay), ImageDraw.Draw(mask)
    for _ in range(rng.integers(3, 8)):
        x0, y0 = rng.integers(0, w), rng.integers(0, h)
        r = rng.integers(15, 100)
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        draw_o.ellipse([x0 - r, y0 - r, x0 + r, y0 + r], fill=colour)
        draw_m.ellipse([x0 - r, y0 - r, x0 + r, y0 + r], fill=int(rng.integers(120, 230)))
    pil = Image.composite(overlay, pil, mask.filter(ImageFilter.GaussianBlur(2)))
    big = np.asarray(pil.resize((width, height), Image.BICUBIC), np.int16)
    noise = rng.integers(-6, 7, (height, width, 3), dtype=np.int16)
    return Image.fromarray(np.clip(big + noise, 0, 255).astype(np.uint8))


def exif_with_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def make(args):
    out, i = args
    path = os.path.join(out, f"photo-{i:05d}.jpg")
    if os.path.exists(path):
        return
    rng = np.random.default_rng(i)
    width, height = (2048, 1536) if i % 10 == 0 else (1600, 1200)
    img = photo(rng, width, height)
    extra = {"exif": exif_with_orientation(6)} if i % 7 == 0 else {}
    img.save(path + ".part", "JPEG", quality=90, subsampling=2, **extra)
    os.replace(path + ".part", path)


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    with Pool(os.cpu_count()) as pool:
        pool.map(make, [(out, i) for i in range(count)], chunksize=16)


if __name__ == "__main__":
    main()
