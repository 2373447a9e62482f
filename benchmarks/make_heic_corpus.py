"""HEIC copies of the first COUNT photos of the ingest benchmark's corpus, as a phone would save them (HEVC,
quality 80), written with pillow-heif (its own libheif and x265). Kept: files already there are not made again.

    python make_heic_corpus.py SOURCE_DIR TARGET_DIR COUNT
"""

import os
import sys

import pillow_heif
from PIL import Image


def main(source, target, count):
    os.makedirs(target, exist_ok=True)
    names = sorted(name for name in os.listdir(source) if name.lower().endswith(".jpg"))[: int(count)]
    for name in names:
        out = os.path.join(target, os.path.splitext(name)[0] + ".heic")
        if os.path.exists(out):
            continue
        with Image.open(os.path.join(source, name)) as image:
            heif = pillow_heif.from_pillow(image.convert("RGB"))
            heif.save(out, quality=80)


if __name__ == "__main__":
    main(*sys.argv[1:])
