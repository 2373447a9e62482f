"""The competitor of Loom's ingest benchmark: Pillow + imagehash doing the same work per image.

Per file (JPEG, PNG, or HEIC through pillow-heif when it is installed): read the bytes, SHA-256 them, decode, apply EXIF orientation, convert to RGB, 64-bit pHash
(imagehash.phash), a 512-px JPEG (LANCZOS, quality 90) and a 160-px thumbnail, both encoded in memory.

    python3 pillow_ingest.py DIR PROCESSES HASHES_OUT.json
Prints one JSON line: {"images", "seconds", "images_per_second", "processes"}.
"""
import hashlib
import io
import json
import os
import sys
import time
from multiprocessing import Pool

import imagehash
from PIL import Image, ImageOps

try:
    import pillow_heif

    pillow_heif.register_heif_opener()
    EXTENSIONS = (".jpg", ".jpeg", ".png", ".heic")
except ImportError:
    EXTENSIONS = (".jpg", ".jpeg", ".png")


def ingest(path):
    with open(path, "rb") as f:
        data = f.read()
    digest = hashlib.sha256(data).hexdigest()
    img = Image.open(io.BytesIO(data))
    img = ImageOps.exif_transpose(img).convert("RGB")
    phash = str(imagehash.phash(img))
    normalized = img.copy()
    normalized.thumbnail((512, 512), Image.LANCZOS)
    buf = io.BytesIO()
    normalized.save(buf, "JPEG", quality=90)
    thumb = normalized.copy()
    thumb.thumbnail((160, 160), Image.LANCZOS)
    buf2 = io.BytesIO()
    thumb.save(buf2, "JPEG", quality=90)
    return os.path.basename(path), digest, phash


def main():
    folder, processes, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    paths = sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.lower().endswith(EXTENSIONS))
    started = time.perf_counter()
    if processes == 1:
        results = [ingest(p) for p in paths]
    else:
        with Pool(processes) as pool:
            results = pool.map(ingest, paths, chunksize=8)
    seconds = time.perf_counter() - started
    with open(out, "w") as f:
        json.dump({name: phash for name, _, phash in results}, f)
    print(json.dumps({"images": len(results), "seconds": round(seconds, 3),
                      "images_per_second": round(len(results) / seconds, 1), "processes": processes}))


if __name__ == "__main__":
    main()
