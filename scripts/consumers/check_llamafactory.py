"""Checks a LLaMA-Factory dataset folder (`dataset_info.json` plus data files) against LLaMA-Factory's loader.

    python check_llamafactory.py FOLDER

FOLDER is what a user passes as `dataset_dir`. Every entry of its `dataset_info.json` is loaded and converted the
way hiyouga/LLaMA-Factory does it; the rules, re-stated from `src/llamafactory/data/parser.py` (`DatasetAttr`,
`get_dataset_list`), `loader.py` (`_load_single_dataset`), `converter.py` (`SharegptDatasetConverter`,
`_find_medias`), `mm_plugin.py` (`_validate_messages`) and `processor/supervised.py`:

- an entry with `file_name` is a local file (or a folder of files of one type) under FOLDER; its extension
  picks the `datasets` builder (json/jsonl -> json, csv, parquet, arrow, txt); it is loaded here with the real
  `datasets.load_dataset(builder, data_files=[...], split=entry.split)`, and `split` defaults to "train"
  (a file loaded this way only has a "train" split);
- `columns` and `tags`, when present, REPLACE the defaults: a column or tag the entry does not name is None
  (so with `tags` given and no `system_tag`, a leading system message is an invalid role, not a system prompt);
  without `columns` the messages column is `conversations`, without `tags` the roles are `from`/`value`,
  `human`/`gpt`;
- sharegpt conversion: an optional leading system message (when `system_tag` is set); then the turn at 1-based
  odd positions must have the user (or observation) tag and at even positions the assistant (or function) tag;
  a wrong role or an odd number of turns makes LLaMA-Factory skip the example ("Invalid role tag" / "Invalid
  message count"), and the supervised processor drops it;
- media: each path in the images/videos/audios column is joined to the media folder (`media_dir`, by default
  `dataset_dir`, i.e. FOLDER); a path that is not a file there is used as given (relative to the working
  folder), which is treated here as a violation; images must open with PIL;
- `mm_plugin`: the number of `<image>` in all messages must equal the number of images, likewise `<video>` and
  videos, `<audio>` and audios, or training raises ValueError.

Only the `sharegpt` formatting without ranking/KTO is checked, which is what Loom writes.
"""

import os
import sys

import loomcheck
from loomcheck import AUDIO_PLACEHOLDER, IMAGE_PLACEHOLDER, VIDEO_PLACEHOLDER

FILEEXT2TYPE = {"arrow": "arrow", "csv": "csv", "json": "json", "jsonl": "json", "parquet": "parquet", "txt": "text"}
COLUMN_NAMES = ["prompt", "query", "response", "history", "messages", "system", "tools",
                "images", "videos", "audios", "chosen", "rejected", "kto_tag"]
TAG_NAMES = ["role_tag", "content_tag", "user_tag", "assistant_tag", "observation_tag", "function_tag", "system_tag"]
DEFAULTS = {
    "formatting": "alpaca", "ranking": False, "split": "train",
    "prompt": "instruction", "query": "input", "response": "output", "history": None, "messages": "conversations",
    "system": None, "tools": None, "images": None, "videos": None, "audios": None,
    "chosen": None, "rejected": None, "kto_tag": None,
    "role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
    "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system",
}


def dataset_attr(entry):
    """The entry's attributes as DatasetAttr.join sets them (named columns/tags replace all defaults)."""
    attr = dict(DEFAULTS)
    for key in ("formatting", "ranking", "split", "subset", "folder", "num_samples"):
        attr[key] = entry.get(key, DEFAULTS.get(key))
    if "columns" in entry:
        for name in COLUMN_NAMES:
            attr[name] = entry["columns"].get(name)
    if "tags" in entry:
        for name in TAG_NAMES:
            attr[name] = entry["tags"].get(name)
    return attr


def data_files(folder, entry_name, entry, report, info_file):
    """The files LLaMA-Factory would load for a file entry and their builder, or (None, None)."""
    local = os.path.join(folder, entry["file_name"])
    if os.path.isdir(local):
        files = [os.path.join(local, name) for name in sorted(os.listdir(local))]
    elif os.path.isfile(local):
        files = [local]
    else:
        report.add(info_file, entry_name, f"file_name {entry['file_name']!r} not found under {folder}")
        return None, None
    kinds = {FILEEXT2TYPE.get(os.path.splitext(f)[1][1:]) for f in files}
    if None in kinds or not files:
        report.add(info_file, entry_name, f"allowed file types: {','.join(FILEEXT2TYPE)}")
        return None, None
    if len(kinds) > 1:
        report.add(info_file, entry_name, "file types under one entry must be identical")
        return None, None
    return files, kinds.pop()


def convert(example, attr):
    """SharegptDatasetConverter's outcome: (messages after the system prompt, broken reason or None)."""
    messages = example.get(attr["messages"])
    if not isinstance(messages, list):
        return None, f"column {attr['messages']!r} is not a list of messages"
    role_tag, content_tag = attr["role_tag"], attr["content_tag"]
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or role_tag not in message or content_tag not in message:
            return None, f"message {index} lacks the role tag {role_tag!r} or content tag {content_tag!r} (KeyError)"
    if attr["system_tag"] and messages and messages[0][role_tag] == attr["system_tag"]:
        messages = messages[1:]
    odd_tags = (attr["user_tag"], attr["observation_tag"])
    even_tags = (attr["assistant_tag"], attr["function_tag"])
    for turn, message in enumerate(messages):
        accepted = odd_tags if turn % 2 == 0 else even_tags
        if message[role_tag] not in accepted:
            return messages, (f"Invalid role tag: message {turn} has {message[role_tag]!r}, expected one of "
                              f"{[tag for tag in accepted if tag]}; LLaMA-Factory skips this example")
    if len(messages) % 2 != 0:
        return messages, f"Invalid message count ({len(messages)}, must be even); LLaMA-Factory skips this example"
    return messages, None


def media_list(example, column):
    """_find_medias' view of a media column: None/empty -> no media, a scalar -> one."""
    if column is None:
        return []
    value = example[column]
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def check_entry(folder, name, entry, report, info_file, datasets):
    """Loads and converts one entry; returns its counts."""
    counts = {"rows": 0, "valid": 0, "images": 0}
    if not isinstance(entry, dict):
        report.add(info_file, name, "entry must be an object")
        return counts
    if "file_name" not in entry:
        report.add(info_file, name, "not a local file entry (no file_name); only file entries are checked")
        return counts
    attr = dataset_attr(entry)
    if attr["formatting"] != "sharegpt" or attr["ranking"] or attr["kto_tag"]:
        report.add(info_file, name, f"formatting {attr['formatting']!r} (ranking={attr['ranking']}) is not plain sharegpt")
        return counts
    if not attr["messages"]:
        report.add(info_file, name, "`columns` is given without `messages`, so LLaMA-Factory has no messages column")
        return counts
    files, builder = data_files(folder, name, entry, report, info_file)
    if files is None:
        return counts
    data_file = files[0] if len(files) == 1 else entry["file_name"]
    try:
        data = datasets.load_dataset(builder, data_files=files, split=attr["split"], cache_dir=loomcheck.CACHE_DIR)
    except Exception as error:
        report.add(data_file, name, f"datasets.load_dataset({builder!r}, split={attr['split']!r}) fails: {type(error).__name__}: {error}")
        return counts
    for column in (attr["messages"], attr["images"], attr["videos"], attr["audios"], attr["system"], attr["tools"]):
        if column and column not in data.column_names:
            report.add(data_file, name, f"column {column!r} named in dataset_info is not in the data (KeyError)")
            return counts
    counts["rows"] = len(data)
    seen_images = {}
    for index, example in enumerate(data):
        record = loomcheck.record_name(example, index)
        messages, broken = convert(example, attr)
        if broken:
            report.add(data_file, record, broken)
            continue
        contents = [message[attr["content_tag"]] for message in messages]
        if not all(isinstance(content, str) for content in contents):
            report.add(data_file, record, "a message content is not a string")
            continue
        media_ok = True
        for column, placeholder in ((attr["images"], IMAGE_PLACEHOLDER), (attr["videos"], VIDEO_PLACEHOLDER),
                                    (attr["audios"], AUDIO_PLACEHOLDER)):
            media = media_list(example, column)
            found = sum(content.count(placeholder) for content in contents)
            if found != len(media):
                report.add(data_file, record, f"{found} {placeholder} in the messages for {len(media)} item(s) in column {column!r}: mm_plugin raises ValueError")
                media_ok = False
        for path in media_list(example, attr["images"]):
            if not isinstance(path, str):
                report.add(data_file, record, f"image entry {path!r} is not a path string")
                media_ok = False
                continue
            full = os.path.join(folder, path)
            if full not in seen_images:
                seen_images[full] = image_problem(full, path)
            if seen_images[full]:
                report.add(data_file, record, seen_images[full])
                media_ok = False
        for path in media_list(example, attr["videos"]) + media_list(example, attr["audios"]):
            if isinstance(path, str) and not os.path.isfile(os.path.join(folder, path)):
                report.add(data_file, record, f"media {path!r} does not exist in the dataset folder")
                media_ok = False
        if media_ok:
            counts["valid"] += 1
    counts["images"] = len(seen_images)
    return counts


def image_problem(full, path):
    if not os.path.isfile(full):
        return f"image {path!r} is not a file in the dataset folder (LLaMA-Factory would try it relative to the working folder)"
    try:
        with open(full, "rb") as handle:
            loomcheck.decode_image(handle.read())
    except Exception as error:
        return f"image {path!r} does not open with PIL: {error}"
    return None


def main(argv):
    if len(argv) != 1:
        loomcheck.fail_usage("usage: check_llamafactory.py FOLDER")
    folder = os.path.abspath(argv[0])
    report = loomcheck.Report()
    info_file = os.path.join(folder, "dataset_info.json")
    info = loomcheck.read_json(info_file, report)
    summary = {"folder": argv[0]}
    if info is None:
        report.finish(summary)
    if not isinstance(info, dict) or not info:
        report.add(info_file, None, "dataset_info.json must be a non-empty object of dataset entries")
        report.finish(summary)
    datasets = loomcheck.quiet_datasets()
    entries = {}
    for name, entry in info.items():
        entries[name] = check_entry(folder, name, entry, report, info_file, datasets)
    summary["entries"] = entries
    report.finish(summary)


if __name__ == "__main__":
    main(sys.argv[1:])
