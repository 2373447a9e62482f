"""Makes a larger corpus for the memory benchmark: every JPEG of SRC copied FACTOR times into DST, each copy
with its own JPEG comment segment, so every file has other bytes (no exact-copy shortcut) but decodes the same.

    python3 multiply_corpus.py SRC DST FACTOR
"""
import os
import sys

src, dst, factor = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(dst, exist_ok=True)
for name in sorted(os.listdir(src)):
    if not name.endswith(".jpg"):
        continue
    data = open(os.path.join(src, name), "rb").read()
    for k in range(factor):
        target = os.path.join(dst, f"{name[:-4]}-{k:02d}.jpg")
        if os.path.exists(target):
            continue
        comment = f"loom benchmark copy {k}".encode()
        segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
        with open(target, "wb") as f:
            f.write(data[:2] + segment + data[2:])
