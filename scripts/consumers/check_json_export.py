"""Checks one JSON / JSON Lines export file of Loom by loading it the way Hugging Face `datasets` does.

    python check_json_export.py FORMAT FILE EXPECTED_ROWS

FORMAT is one of: llava, mantis, mantis-hf, llamafactory, trl, openai, hf.

Consumer: `datasets.load_dataset("json", data_files=FILE, split="train")` (the real loader, offline, with a
throwaway cache) must read the file into exactly EXPECTED_ROWS rows whose columns and feature shapes are the
ones the format defines; extra columns are allowed and listed in the summary. Then each row must keep the
format's rules:

- llava (LLaVA-1.5 `data.json`, the shape LLaVA's `LazySupervisedDataset` reads): `image` is a relative path or
  absent (text-only); `conversations` alternate `human`/`gpt` from `human`; with an image, `<image>` occurs exactly
  once, in the first human turn; without one, never.
- mantis (Mantis local JSON): `images` are relative paths; `conversations` alternate `human`/`gpt`; the number
  of `<image>` over all turns equals len(images) (Mantis itself tolerates fewer, see check_mantis.py).
- mantis-hf (Mantis' Hugging Face form): `images` are `{"bytes": null, "path"}` structs; `conversation`
  alternates `user`/`assistant`; `<image>` count equals len(images).
- llamafactory (LLaMA-Factory sharegpt file): `messages` alternate `user`/`assistant`; `<image>` count equals
  len(images), LLaMA-Factory's `mm_plugin` check (see check_llamafactory.py for the whole dataset_info check).
- trl (TRL's conversational vision format): typed content parts; the number of `{"type": "image"}` parts equals
  len(images); no literal `<image>` is left in any text part.
- openai (OpenAI chat JSONL): every image is an `image_url` part whose `data:` URL decodes (standard base64) to an
  image PIL opens, of the format the MIME type names; roles alternate user/assistant; no literal `<image>`.
- hf (a split file `data/<split>.jsonl` of a Hugging Face dataset folder): `id`, `images`, `messages`
  (user/assistant with one `<image>` per image), `question_type`, `domain`, `skill` (string or null), `language`.

Every conversation must also end with the assistant's turn, so that each record has an answer to learn.
For mantis-hf, trl and hf, `images` must also cast to `List(Image())` and decode: TRL hands the column to the
processor as it is, and a `datasets` user casts it. A relative path in an Image feature resolves against the
process's working folder, not the data file, so the cast is decoded here from the export folder.
OpenAI's `content` mixes types (a list of parts for users, a string for the assistant); `datasets` loads that as
a `Json` feature only from 4.7 on, and older releases refuse the file (a warning says so).
Image paths resolve against the file's folder, except for hf, where they resolve against the dataset folder
(the parent of `data/`). Each image must exist, decode with PIL and carry the extension of its format.
"""

import base64
import json
import os
import re
import sys

import loomcheck
from loomcheck import ANY, IMAGE_PLACEHOLDER

ROLE_CONTENT = [{"role": "string", "content": "string"}]
SHAREGPT = [{"from": "string", "value": "string"}]

# Per format: the columns with their feature shapes, and the columns that may be absent altogether.
FORMATS = {
    "llava": ({"id": "string", "image": "string", "conversations": SHAREGPT}, {"image"}),
    "mantis": ({"id": "string", "images": ["string"], "conversations": SHAREGPT}, set()),
    "mantis-hf": (
        {"id": "string", "images": [{"bytes": ("binary", "null"), "path": "string"}], "conversation": ROLE_CONTENT},
        set(),
    ),
    "llamafactory": ({"messages": ROLE_CONTENT, "images": ["string"]}, set()),
    "trl": (
        # datasets >= 4 reads parts with differing keys ({"type": "image"} beside {"type", "text"}) as Json.
        {"images": ["string"], "messages": [{"role": "string", "content": ([{"type": "string", "text": "string"}], ["json"], "json")}]},
        set(),
    ),
    "openai": ({"messages": [{"role": "string", "content": ("json", "string", [ANY])}]}, set()),
    "hf": (
        {
            "id": "string",
            "images": ["string"],
            "messages": ROLE_CONTENT,
            "question_type": "string",
            "domain": "string",
            "skill": "string",
            "language": "string",
        },
        set(),
    ),
}

DATA_URL = re.compile(r"^data:(image/[A-Za-z0-9.+-]+);base64,(.*)$", re.DOTALL)
MIME_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP", "image/gif": "GIF"}


class Context:
    def __init__(self, report, file, base):
        self.report = report
        self.file = file
        self.base = base
        self.images = loomcheck.ImageFiles(report)

    def add(self, record, rule):
        self.report.add(self.file, record, rule)


def _text_turns(turns, role_key, text_key, record, ctx, name):
    """(roles, texts) of a list of {role, text} turns, recording malformed ones."""
    if not isinstance(turns, list) or not turns:
        ctx.add(record, f"`{name}` must be a non-empty list of turns")
        return None, None
    roles, texts = [], []
    for index, turn in enumerate(turns):
        if not isinstance(turn, dict):
            ctx.add(record, f"`{name}` turn {index} is not an object")
            return None, None
        text = turn.get(text_key)
        if not isinstance(text, str):
            ctx.add(record, f"`{name}` turn {index} has no string `{text_key}`")
            text = ""
        roles.append(turn.get(role_key))
        texts.append(text)
    return roles, texts


def _alternation(roles, first, second, record, ctx, name, leading=()):
    problem = loomcheck.alternation_problem(roles, first, second, leading)
    if problem:
        ctx.add(record, f"`{name}`: {problem}")


def _placeholder_count(texts, images, record, ctx, name):
    count = sum(text.count(IMAGE_PLACEHOLDER) for text in texts)
    if count != images:
        ctx.add(record, f"`{name}` holds {count} {IMAGE_PLACEHOLDER} placeholder(s) for {images} image(s); they must be equal")


def _string_list(value, record, ctx, name):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        ctx.add(record, f"`{name}` must be a list of strings, got {value!r}")
        return []
    return value


def _id(row, record, ctx):
    if not isinstance(row.get("id"), str) or not row.get("id"):
        ctx.add(record, f"`id` must be a non-empty string, got {row.get('id')!r}")


def check_llava(row, record, ctx):
    _id(row, record, ctx)
    roles, texts = _text_turns(row.get("conversations"), "from", "value", record, ctx, "conversations")
    if roles is None:
        return
    _alternation(roles, "human", "gpt", record, ctx, "conversations")
    image = row.get("image")
    total = sum(text.count(IMAGE_PLACEHOLDER) for text in texts)
    if image is None:
        if total:
            ctx.add(record, f"text-only row (no `image`) holds {total} {IMAGE_PLACEHOLDER} placeholder(s)")
        return
    ctx.images.check(ctx.base, image, ctx.file, record)
    first = texts[0].count(IMAGE_PLACEHOLDER)
    if total != 1 or first != 1:
        ctx.add(record, f"{IMAGE_PLACEHOLDER} must occur exactly once, in the first human turn (found {total} in all, {first} in the first turn)")


def check_mantis(row, record, ctx):
    _id(row, record, ctx)
    images = _string_list(row.get("images"), record, ctx, "images")
    for path in images:
        ctx.images.check(ctx.base, path, ctx.file, record)
    roles, texts = _text_turns(row.get("conversations"), "from", "value", record, ctx, "conversations")
    if roles is None:
        return
    _alternation(roles, "human", "gpt", record, ctx, "conversations")
    _placeholder_count(texts, len(images), record, ctx, "conversations")


def check_mantis_hf(row, record, ctx):
    _id(row, record, ctx)
    images = row.get("images")
    if not isinstance(images, list):
        ctx.add(record, f"`images` must be a list of {{bytes, path}} objects, got {images!r}")
        images = []
    for index, image in enumerate(images):
        if not isinstance(image, dict) or not isinstance(image.get("path"), str):
            ctx.add(record, f"`images[{index}]` must be an object with a string `path`, got {image!r}")
            continue
        if image.get("bytes") is not None:
            ctx.add(record, f"`images[{index}].bytes` must be null (the image is the file at `path`)")
        ctx.images.check(ctx.base, image["path"], ctx.file, record)
    roles, texts = _text_turns(row.get("conversation"), "role", "content", record, ctx, "conversation")
    if roles is None:
        return
    _alternation(roles, "user", "assistant", record, ctx, "conversation")
    _placeholder_count(texts, len(images), record, ctx, "conversation")


def check_llamafactory(row, record, ctx):
    images = _string_list(row.get("images"), record, ctx, "images")
    for path in images:
        ctx.images.check(ctx.base, path, ctx.file, record)
    roles, texts = _text_turns(row.get("messages"), "role", "content", record, ctx, "messages")
    if roles is None:
        return
    _alternation(roles, "user", "assistant", record, ctx, "messages")
    _placeholder_count(texts, len(images), record, ctx, "messages")


def check_trl(row, record, ctx):
    images = _string_list(row.get("images"), record, ctx, "images")
    for path in images:
        ctx.images.check(ctx.base, path, ctx.file, record)
    messages = row.get("messages")
    if not isinstance(messages, list) or not messages:
        ctx.add(record, "`messages` must be a non-empty list")
        return
    roles, image_parts = [], 0
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            ctx.add(record, f"message {index} is not an object")
            return
        roles.append(message.get("role"))
        content = message.get("content")
        if not isinstance(content, list) or not content:
            ctx.add(record, f"message {index}: `content` must be a non-empty list of typed parts")
            continue
        for number, part in enumerate(content):
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == "image":
                image_parts += 1
                if part.get("text") is not None:
                    ctx.add(record, f"message {index} part {number}: an image part carries no `text`")
            elif kind == "text":
                text = part.get("text")
                if not isinstance(text, str) or not text:
                    ctx.add(record, f"message {index} part {number}: a text part needs a non-empty string `text`")
                elif IMAGE_PLACEHOLDER in text:
                    ctx.add(record, f"message {index} part {number}: literal {IMAGE_PLACEHOLDER} left in text (images are {{\"type\": \"image\"}} parts)")
            else:
                ctx.add(record, f"message {index} part {number}: `type` must be 'image' or 'text', got {kind!r}")
    _alternation(roles, "user", "assistant", record, ctx, "messages", leading=("system",))
    if image_parts != len(images):
        ctx.add(record, f"{image_parts} {{\"type\": \"image\"}} part(s) for {len(images)} image(s); they must be equal")


def _data_url_problem(url):
    if not isinstance(url, str):
        return f"image URL must be a string, got {url!r}"
    match = DATA_URL.match(url)
    if not match:
        return f"image URL is not a base64 data URL of an image: {url[:40]!r}..."
    mime, payload = match.groups()
    expected = MIME_FORMATS.get(mime)
    if expected is None:
        return f"MIME type {mime} is not one OpenAI accepts (png, jpeg, webp, gif)"
    try:
        data = base64.b64decode(payload, validate=True)
    except Exception as error:
        return f"data URL payload is not standard base64: {error}"
    try:
        found, _ = loomcheck.decode_image(data)
    except Exception as error:
        return f"data URL image does not decode with PIL: {error}"
    if found != expected:
        return f"data URL says {mime} but the image is {found}"
    return None


def check_openai(row, record, ctx):
    messages = row.get("messages")
    if not isinstance(messages, list) or not messages:
        ctx.add(record, "`messages` must be a non-empty list")
        return
    roles = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            ctx.add(record, f"message {index} is not an object")
            return
        role = message.get("role")
        roles.append(role)
        content = message.get("content")
        if isinstance(content, str):
            if not content:
                ctx.add(record, f"message {index}: empty `content`")
            if IMAGE_PLACEHOLDER in content:
                ctx.add(record, f"message {index}: literal {IMAGE_PLACEHOLDER} left in content (images are image_url parts)")
            continue
        if not isinstance(content, list) or not content:
            ctx.add(record, f"message {index}: `content` must be a string or a non-empty list of parts")
            continue
        for number, part in enumerate(content):
            kind = part.get("type") if isinstance(part, dict) else None
            where = f"message {index} part {number}"
            if kind == "text":
                text = part.get("text")
                if not isinstance(text, str) or not text:
                    ctx.add(record, f"{where}: a text part needs a non-empty string `text`")
                elif IMAGE_PLACEHOLDER in text:
                    ctx.add(record, f"{where}: literal {IMAGE_PLACEHOLDER} left in text (images are image_url parts)")
            elif kind == "image_url":
                if role != "user":
                    ctx.add(record, f"{where}: only user messages may carry images, this one is {role!r}")
                image_url = part.get("image_url")
                url = image_url.get("url") if isinstance(image_url, dict) else None
                problem = _data_url_problem(url)
                if problem:
                    ctx.add(record, f"{where}: {problem}")
            else:
                ctx.add(record, f"{where}: `type` must be 'text' or 'image_url', got {kind!r}")
    _alternation(roles, "user", "assistant", record, ctx, "messages", leading=("system",))


def check_hf(row, record, ctx):
    _id(row, record, ctx)
    images = _string_list(row.get("images"), record, ctx, "images")
    for path in images:
        ctx.images.check(ctx.base, path, ctx.file, record)
    roles, texts = _text_turns(row.get("messages"), "role", "content", record, ctx, "messages")
    if roles is not None:
        _alternation(roles, "user", "assistant", record, ctx, "messages")
        _placeholder_count(texts, len(images), record, ctx, "messages")
    for label in ("question_type", "domain", "language"):
        if not isinstance(row.get(label), str) or not row.get(label):
            ctx.add(record, f"`{label}` must be a non-empty string, got {row.get(label)!r}")
    if row.get("skill") is not None and not isinstance(row.get("skill"), str):
        ctx.add(record, f"`skill` must be a string or null, got {row.get('skill')!r}")


ROW_CHECKS = {
    "llava": check_llava,
    "mantis": check_mantis,
    "mantis-hf": check_mantis_hf,
    "llamafactory": check_llamafactory,
    "trl": check_trl,
    "openai": check_openai,
    "hf": check_hf,
}


def image_base(form, file):
    """The folder image paths resolve against: the file's folder, or for hf the dataset folder above data/."""
    folder = os.path.dirname(os.path.abspath(file))
    if form == "hf" and os.path.basename(folder) == "data":
        return os.path.dirname(folder)
    return folder


def check_features(form, dataset, report, file):
    """Records missing columns and wrong feature shapes; returns the extra columns."""
    columns, optional = FORMATS[form]
    actual = {name: loomcheck.feature_shape(feature) for name, feature in dataset.features.items()}
    for name, expected in columns.items():
        if name not in actual:
            if name not in optional:
                report.add(file, "columns", f"column `{name}` is missing (columns: {sorted(actual)})")
            continue
        for problem in loomcheck.shape_problems(actual[name], expected, name):
            report.add(file, "features", problem)
    return sorted(name for name in actual if name not in columns)


def raw_rows(file):
    """The file's rows as plain JSON, one per line."""
    with open(file, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def check_rows(form, dataset, report, file, base=None):
    """Applies the format's row rules to every row; returns the number of distinct image files checked.

    OpenAI rows are checked as the file holds them: `datasets` loads their mixed `content` as a Json feature,
    which parses every string that is itself valid JSON (an answer "1" comes back as the number 1), so the
    loaded rows no longer say what OpenAI would receive."""
    ctx = Context(report, file, base or image_base(form, file))
    check = ROW_CHECKS[form]
    rows = raw_rows(file) if form == "openai" else dataset
    for index, row in enumerate(rows):
        check(row, loomcheck.record_name(row, index), ctx)
    return len(ctx.images.seen)


CAST_FORMATS = ("mantis-hf", "trl", "hf")
# Formats whose folder loads with `load_dataset(EXPORT)` through the README's `configs` (hf has its own checks).
FOLDER_FORMATS = ("mantis-hf", "trl")


def check_image_cast(dataset, report, file, base, datasets):
    """`images` must cast to List(Image()) and decode, as a `datasets` user (or TRL, which hands the column to the
    processor as it is) needs it; relative paths resolve against the working folder, so it is the export folder."""
    try:
        cast = dataset.cast_column("images", datasets.List(datasets.Image()))
    except Exception as error:
        report.add(file, "features", f"`images` does not cast to List(Image()): {error}")
        return
    previous = os.getcwd()
    os.chdir(base)
    try:
        for index in range(len(cast)):
            if cast[index]["images"]:
                for image in cast[index]["images"]:
                    image.load()
                break
    except Exception as error:
        report.add(file, f"row {index}", f"`images` cast to Image() does not decode: {error}")
    finally:
        os.chdir(previous)


def check_folder_load(form, file, expected, report, datasets):
    """`load_dataset(EXPORT_FOLDER)`: the README's `configs` must name the data files, or `datasets` takes the
    folder (which holds `images/`) for an image folder."""
    folder = os.path.dirname(os.path.abspath(file))
    stem = os.path.splitext(os.path.basename(file))[0]
    split = "train" if stem == "data" else stem
    try:
        loaded = datasets.load_dataset(folder, cache_dir=loomcheck.CACHE_DIR)
    except Exception as error:
        report.add(folder, None, f"datasets.load_dataset(folder) cannot read it: {type(error).__name__}: {error}")
        return
    if split not in loaded:
        report.add(folder, None, f"datasets.load_dataset(folder) has splits {sorted(loaded)}, not {split!r}")
        return
    if loaded[split].num_rows != expected or "images" not in loaded[split].column_names:
        report.add(folder, None, f"datasets.load_dataset(folder)[{split!r}] has {loaded[split].num_rows} rows and columns {loaded[split].column_names}, expected {expected} rows with images")


def load_json_file(file, report, datasets):
    try:
        return datasets.load_dataset("json", data_files=file, split="train", cache_dir=loomcheck.CACHE_DIR)
    except Exception as error:
        report.add(file, None, f'datasets.load_dataset("json") cannot read it: {type(error).__name__}: {error}')
        return None


def main(argv):
    if len(argv) != 3 or argv[0] not in FORMATS:
        loomcheck.fail_usage(f"usage: check_json_export.py {{{','.join(FORMATS)}}} FILE EXPECTED_ROWS")
    form, file, expected_text = argv
    try:
        expected = int(expected_text)
    except ValueError:
        loomcheck.fail_usage(f"EXPECTED_ROWS must be an integer, got {expected_text!r}")
    report = loomcheck.Report()
    summary = {"format": form, "file": file}
    if not os.path.isfile(file):
        report.add(file, None, "file is missing")
        report.finish(summary)
    datasets = loomcheck.quiet_datasets()
    dataset = load_json_file(file, report, datasets)
    if dataset is None:
        report.finish(summary)
    summary["rows"] = dataset.num_rows
    if dataset.num_rows != expected:
        report.add(file, None, f"{dataset.num_rows} rows loaded, expected {expected}")
    summary["extra_columns"] = check_features(form, dataset, report, file)
    base = image_base(form, file)
    summary["image_files"] = check_rows(form, dataset, report, file, base)
    if form in CAST_FORMATS and report.ok:
        check_image_cast(dataset, report, file, base, datasets)
    if form in FOLDER_FORMATS:
        check_folder_load(form, file, expected, report, datasets)
    if form == "openai" and "json" in json.dumps(loomcheck.feature_shape(dataset.features["messages"])):
        # Typed parts in user turns beside plain strings in assistant turns: no single Arrow type fits.
        report.warn(file, "features", "`content` mixes lists and strings, which loads (as a Json feature) only with datasets >= 4.7; older releases fail with 'changed from array to string'")
    report.finish(summary)


if __name__ == "__main__":
    main(sys.argv[1:])
