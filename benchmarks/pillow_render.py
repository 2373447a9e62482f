#!/usr/bin/env python3
"""The drawing competitor: Pillow draws the same single scenes (read from a run's loom.sqlite) and encodes
them as PNG, on as many processes as there are cores. It draws less than Loom does — flat fills and
outlines, no anti-aliasing, no stripes, dots, checks or metallic gradients — so it is a lower bound on
the Pillow cost of the same pictures.

usage: pillow_render.py RUN/loom.sqlite   → prints {"images", "seconds", "images_per_second"}
"""
import io
import json
import math
import multiprocessing
import os
import sqlite3
import sys
import time

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
RGB = {"red": (219, 31, 31), "orange": (250, 140, 13), "yellow": (245, 219, 26), "green": (33, 158, 51),
       "cyan": (26, 199, 217), "blue": (31, 71, 217), "purple": (128, 51, 179), "pink": (247, 140, 191),
       "brown": (128, 77, 31), "gray": (128, 128, 128)}
SIDES = {"square": 4, "triangle": 3, "hexagon": 6, "diamond": 4}


def outline(obj):
    cx, cy, r, rot = obj["centerX"], obj["centerY"], obj["radius"], obj["rotation"]
    if obj["shape"] == "star":
        return [(cx + (r if k % 2 == 0 else 0.45 * r) * math.cos(rot + k * math.pi / 5 - math.pi / 2),
                 cy + (r if k % 2 == 0 else 0.45 * r) * math.sin(rot + k * math.pi / 5 - math.pi / 2)) for k in range(10)]
    n = SIDES[obj["shape"]]
    return [(cx + r * math.cos(rot + 2 * math.pi * k / n), cy + r * math.sin(rot + 2 * math.pi * k / n)) for k in range(n)]


def draw(truth):
    image = Image.new("RGB", (truth["width"], truth["height"]), (225, 232, 245))
    pen = ImageDraw.Draw(image)
    for obj in sorted(truth["objects"], key=lambda o: o["z"]):
        fill = RGB[obj["color"]]
        if obj["shape"] == "circle":
            r = obj["radius"]
            pen.ellipse([obj["centerX"] - r, obj["centerY"] - r, obj["centerX"] + r, obj["centerY"] + r], fill=fill, outline=(40, 40, 40))
        else:
            pen.polygon(outline(obj), fill=fill, outline=(40, 40, 40))
    font = ImageFont.truetype(FONT, 22)
    for label in truth["labels"]:
        b = label["box"]
        pen.rounded_rectangle([b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]], radius=6, fill=(250, 230, 80), outline=(40, 40, 40))
        pen.text((b["x"] + 8, b["y"] + 6), label["text"], fill=(20, 20, 20), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return len(out.getvalue())


def main():
    rows = sqlite3.connect(sys.argv[1]).execute("SELECT body FROM samples WHERE kind = 'single' ORDER BY ordinal")
    scenes = [json.loads(body)["truth"]["single"]["_0"] for (body,) in rows]
    started = time.perf_counter()
    with multiprocessing.Pool(os.cpu_count()) as pool:
        pool.map(draw, scenes, chunksize=8)
    seconds = time.perf_counter() - started
    print(json.dumps({"images": len(scenes), "seconds": round(seconds, 3), "images_per_second": int(len(scenes) / seconds)}))


if __name__ == "__main__":
    main()
