#!/usr/bin/env python3
"""Writes Loom's single scenes (from a run's loom.sqlite) as a CLEVR scenes file, so that CLEVR's own
question generator can be run over the same ground truth as Loom's template generator.

CLEVR knows 3 shapes, 8 colours, 2 sizes and 2 materials; Loom's richer vocabulary is folded into it.
Only the throughput comparison needs this: the questions are not compared.

usage: loom_to_clevr_scenes.py RUN/loom.sqlite OUT.json
"""
import json
import sqlite3
import sys

SHAPES = {"circle": "sphere", "square": "cube", "diamond": "cube", "triangle": "cylinder", "star": "cylinder", "hexagon": "cylinder"}
COLORS = {"red": "red", "orange": "yellow", "yellow": "yellow", "green": "green", "cyan": "cyan", "blue": "blue",
          "purple": "purple", "pink": "red", "brown": "brown", "gray": "gray"}
DIRECTIONS = {"left": [-1, 0, 0], "right": [1, 0, 0], "front": [0, 1, 0], "behind": [0, -1, 0], "above": [0, 0, 1], "below": [0, 0, -1]}


def clevr_scene(index, truth):
    objects = []
    for obj in truth["objects"]:
        x, y = obj["centerX"], obj["centerY"]
        objects.append({
            "shape": SHAPES[obj["shape"]], "color": COLORS[obj["color"]],
            "size": "small" if obj["size"] == "small" else "large",
            "material": "metal" if obj["pattern"] == "metallic" else "rubber",
            "3d_coords": [x / truth["width"] * 6 - 3, y / truth["height"] * 6 - 3, 0.35],
            "pixel_coords": [int(x), int(y), 10.0], "rotation": obj["rotation"],
        })
    relationships = {}
    for name, axis, sign in (("left", 0, -1), ("right", 0, 1), ("front", 1, 1), ("behind", 1, -1)):
        relationships[name] = [
            [j for j, other in enumerate(objects) if j != i and sign * (other["3d_coords"][axis] - me["3d_coords"][axis]) > 0]
            for i, me in enumerate(objects)
        ]
    return {"split": "loom", "image_index": index, "image_filename": "loom_%06d.png" % index,
            "objects": objects, "relationships": relationships, "directions": DIRECTIONS}


def main():
    database, output = sys.argv[1], sys.argv[2]
    rows = sqlite3.connect(database).execute("SELECT body FROM samples WHERE kind = 'single' ORDER BY ordinal")
    scenes = [clevr_scene(i, json.loads(body)["truth"]["single"]["_0"]) for i, (body,) in enumerate(rows)]
    with open(output, "w") as f:
        json.dump({"info": {"split": "loom", "version": "1.0"}, "scenes": scenes}, f)
    print(len(scenes))


if __name__ == "__main__":
    main()
