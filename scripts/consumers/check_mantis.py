"""Checks a Mantis training file (Loom's `mantis` data.json or `mantis-hf` data.jsonl) against Mantis' loader.

    python check_mantis.py FILE

Rules from TIGER-AI-Lab/Mantis, `mantis/train/data.py` (`ChatDataset.__init__`, `preprocess`, `getitem`) and
`mantis/train/train_utils.py` (`load_json_data`, `load_image`), the path a local file (`type` other than
`huggingface`) takes, re-stated here:

- the file name ends in `.json` (a JSON array) or `.jsonl` (one object per line); anything else raises;
- the records become `datasets.Dataset.from_list(records)`, run here with the real library: the columns are
  the keys of the FIRST record, so a key only later records have is silently dropped, and a key a later record
  lacks becomes null; turn objects are unified into one struct, so mixing `from`/`value` turns with
  `role`/`content` turns leaves nulls that break the role and text lookups below;
- there must be an `images` (or `image`) column, and when the first record's value is a list it must not be
  empty (the loader reads `data[0][key][0]`);
- the conversation is `conversation` when that column exists, else `conversations`; a turn's role is
  `from`, else `role`, and must be one of human/gpt/user/assistant (anything else raises KeyError); its text is
  `content`, else `text`, else `value`, and must be a string;
- a first turn that is not the user's is silently dropped; after it, roles must alternate user/assistant, or an
  assertion aborts the whole dataset;
- image paths are joined to the file's folder and must exist, or the record is silently dropped; each must
  open with PIL (`convert("RGB")`);
- the number of `<image>` over all turns must not exceed the number of images (the loader prepends the missing
  ones to the first turn; more placeholders than images breaks the processor);
- a conversation without an assistant turn has no labels to train on.
"""

import io
import json
import sys
from pathlib import Path

import loomcheck
from PIL import Image

ROLES = {"human": 0, "gpt": 1, "user": 0, "assistant": 1}
SUFFIXES = (".jpg", ".png", ".jpeg", ".gif")  # load_image's fallbacks for a path that does not exist


def read_records(file, report):
    """The records as Mantis' load_json_data reads them, or None."""
    if file.endswith(".json"):
        data = loomcheck.read_json(file, report)
    elif file.endswith(".jsonl"):
        data = []
        try:
            with open(file, "r") as handle:
                lines = handle.readlines()
        except OSError as error:
            report.add(file, None, f"cannot read: {error}")
            return None
        for number, line in enumerate(lines, start=1):
            try:
                data.append(json.loads(line.strip()))
            except ValueError as error:
                report.add(file, f"line {number}", f"Mantis' json.loads(line) raises: {error}")
                return None
    else:
        report.add(file, None, "Mantis' load_json_data only reads files ending in .json or .jsonl")
        return None
    if data is None:
        return None
    if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
        report.add(file, None, "the file must hold a non-empty list of objects")
        return None
    return data


def check_keys(records, report, file):
    """Dataset.from_list keeps the first record's keys only: flag records whose keys differ."""
    columns = set(records[0])
    for index, record in enumerate(records[1:], start=1):
        extra = sorted(set(record) - columns)
        missing = sorted(columns - set(record))
        name = loomcheck.record_name(record, index, "record")
        if extra:
            report.add(file, name, f"keys {extra} are not in the first record, so Dataset.from_list drops them")
        if missing:
            report.add(file, name, f"lacks keys {missing} that the first record has; they become null")


def image_paths(item, image_dir):
    """The image references of a record as Mantis resolves them: Paths, or raw bytes for embedded images."""
    if "image" in item and item["image"]:
        image = item["image"]
        if isinstance(image, str):
            return [image_dir / image]
        if isinstance(image, dict):
            return [image_dir / image["path"]] if image.get("path") else [image.get("bytes")]
        raise ValueError(f"unknown image format {image!r}")
    if "images" in item and item["images"]:
        images = item["images"]
        if isinstance(images[0], str):
            return [image_dir / image for image in images]
        if isinstance(images[0], dict):
            return [image_dir / image["path"] if image.get("path") else image.get("bytes") for image in images]
        raise ValueError(f"unknown images format {images[0]!r}")
    return []


def open_image(reference, report, file, record, opened):
    """Opens an image as load_image does (missing path: try the other suffixes); False when it fails."""
    if reference is None:
        report.add(file, record, "an image entry has neither a path nor bytes")
        return False
    if isinstance(reference, (bytes, bytearray)):
        try:
            Image.open(io.BytesIO(reference)).convert("RGB")
            return True
        except Exception as error:
            report.add(file, record, f"embedded image bytes do not open: {error}")
            return False
    path = reference
    if not path.exists():
        fallback = next((path.with_suffix(s) for s in SUFFIXES if path.with_suffix(s).exists()), None)
        if fallback is None:
            report.add(file, record, f"image {path} does not exist: Mantis drops this record")
            return False
        report.warn(file, record, f"image {path} does not exist; Mantis falls back to {fallback.name}")
        path = fallback
    if path in opened:
        return opened[path]
    try:
        with Image.open(path) as image:
            image.convert("RGB")
        opened[path] = True
    except Exception as error:
        report.add(file, record, f"image {path} does not open with PIL: {error}")
        opened[path] = False
    return opened[path]


def check_conversation(item, record, report, file):
    """(texts, has_labels) for a record whose turns pass Mantis' role rules, else None after recording why."""
    source_key = "conversation" if "conversation" in item else "conversations"
    source = item.get(source_key)
    if not isinstance(source, list) or not source or not all(isinstance(turn, dict) for turn in source):
        report.add(file, record, f"`{source_key}` must be a non-empty list of turn objects")
        return None
    first = source[0].get("from", source[0].get("role"))
    if first not in ROLES:
        report.add(file, record, f"turn 0 has role {first!r}; Mantis' role map raises KeyError (human/gpt/user/assistant)")
        return None
    if ROLES[first] != 0:
        report.add(file, record, f"turn 0 is from {first!r}: Mantis silently drops a first turn that is not the user's")
        source = source[1:]
    texts, has_labels = [], False
    for j, sentence in enumerate(source):
        role = sentence.get("from", sentence.get("role"))
        if role not in ROLES:
            report.add(file, record, f"turn {j} has role {role!r}; Mantis' role map raises KeyError")
            return None
        if ROLES[role] != j % 2:
            report.add(file, record, f"turn {j} is from {role!r} out of turn: Mantis asserts user/assistant alternation and aborts")
            return None
        text = sentence.get("content", sentence.get("text", sentence.get("value", "")))
        if not isinstance(text, str):
            report.add(file, record, f"turn {j} text (content/text/value) is {text!r}, not a string")
            return None
        has_labels = has_labels or ROLES[role] == 1
        texts.append(text)
    return texts, has_labels


def main(argv):
    if len(argv) != 1:
        loomcheck.fail_usage("usage: check_mantis.py FILE")
    file = argv[0]
    report = loomcheck.Report()
    summary = {"file": file}
    records = read_records(file, report)
    if records is None:
        report.finish(summary)
    check_keys(records, report, file)

    datasets = loomcheck.quiet_datasets()
    try:
        data = datasets.Dataset.from_list(records)
    except Exception as error:
        report.add(file, None, f"datasets.Dataset.from_list cannot build the dataset: {type(error).__name__}: {error}")
        report.finish(summary)

    image_key = "images" if "images" in data.column_names else "image" if "image" in data.column_names else None
    if image_key is None:
        report.add(file, None, "no `images` or `image` column: ChatDataset asserts one exists")
        report.finish(summary)
    first_value = data[0][image_key]
    if isinstance(first_value, list) and not first_value:
        report.add(file, loomcheck.record_name(data[0], 0, "record"), f"the first record's `{image_key}` is empty: ChatDataset reads data[0][{image_key!r}][0] and raises IndexError")

    image_dir = Path(file).resolve().parent
    opened = {}
    prepended = 0
    kept = 0
    for index, item in enumerate(data):
        record = loomcheck.record_name(item, index, "record")
        conversation = check_conversation(item, record, report, file)
        try:
            references = image_paths(item, image_dir)
        except (ValueError, KeyError, TypeError) as error:
            report.add(file, record, f"Mantis cannot read the image references: {error}")
            continue
        images_ok = all([open_image(ref, report, file, record, opened) for ref in references])
        if conversation is None:
            continue
        texts, has_labels = conversation
        if not has_labels:
            report.add(file, record, "no assistant turn: Mantis finds no labels and the record trains nothing")
        tokens = sum(text.count(loomcheck.IMAGE_PLACEHOLDER) for text in texts)
        if tokens > len(references):
            report.add(file, record, f"{tokens} {loomcheck.IMAGE_PLACEHOLDER} placeholders for {len(references)} image(s): more placeholders than images breaks the processor")
        elif tokens < len(references):
            prepended += 1
        if images_ok:
            kept += 1

    summary.update({
        "rows": len(data),
        "rows_kept": kept,
        "image_files": len(opened),
        "rows_with_prepended_image_tokens": prepended,
    })
    report.finish(summary)


if __name__ == "__main__":
    main(sys.argv[1:])
