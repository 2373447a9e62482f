"""The export benchmark's competitor: the TRL conversational JSONL that `loom export --format trl --images hardlink`
writes, written by Python from the same run store with the standard library (sqlite3, json.dumps, os.link).

    python3 benchmarks/python_export.py RUN_DIR OUT_DIR

Reads the unflagged records in id order, turns each ShareGPT conversation into typed content parts (an image
part where each <image> placeholder stood), hard-links each image into OUT_DIR/images once, and writes
OUT_DIR/data.jsonl. Prints {"records", "seconds", "records_per_second"} as one JSON line.
"""
import json
import os
import sqlite3
import sys
import time


def parts(text):
    out = []
    pieces = text.split("<image>")
    for index, piece in enumerate(pieces):
        piece = piece.strip()
        if piece:
            out.append({"type": "text", "text": piece})
        if index < len(pieces) - 1:
            out.append({"type": "image"})
    return out


def main():
    run, out = sys.argv[1], sys.argv[2]
    started = time.time()
    images_dir = os.path.join(out, "images")
    os.makedirs(images_dir, exist_ok=True)
    db = sqlite3.connect(os.path.join(run, "loom.sqlite"))
    media_path = {}
    placed = set()
    for media_id, path in db.execute("SELECT id, path FROM media"):
        media_path[media_id] = path
    count = 0
    with open(os.path.join(out, "data.jsonl"), "w", encoding="utf-8") as sink:
        cursor = db.execute(
            "SELECT id, media_ids, sharegpt FROM records WHERE flagged = 0 ORDER BY id")
        for record_id, media_ids, sharegpt in cursor:
            images = []
            for media_id in (media_ids.split(",") if media_ids else []):
                path = media_path[media_id]
                name = path.rsplit("/", 1)[-1]
                if media_id not in placed:
                    try:
                        os.link(os.path.join(run, path), os.path.join(images_dir, name))
                    except FileExistsError:
                        pass
                    placed.add(media_id)
                images.append("images/" + name)
            messages = []
            for turn in json.loads(sharegpt):
                role = "user" if turn["from"] == "human" else "assistant"
                messages.append({"role": role, "content": parts(turn["value"])})
            sink.write(json.dumps({"images": images, "messages": messages}, ensure_ascii=False))
            sink.write("\n")
            count += 1
    seconds = time.time() - started
    print(json.dumps({"records": count, "seconds": round(seconds, 3),
                      "records_per_second": int(count / seconds)}))


if __name__ == "__main__":
    main()
